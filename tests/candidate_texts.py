"""Texts the review-queue tests ingest, and how to find a candidate by its words."""

from __future__ import annotations

from typing import Any

# A made-up news story: a direct quote, paraphrases (one dated "on Tuesday", naming an
# organisation and a place), an "according to", a "told reporters" and a hedge with no
# one to credit it to. None of its names is an entity of the fixtures.
HARBOUR_FIRE = """\
Harbour fire closes the port of Elmsford

A fire at the Elmsford container terminal closed the port on Monday, and officials said \
it could stay shut for a week.

"We have never seen a blaze like this one," said Maria Okafor, the harbour master. \
"Every crew we have is on the quay."

Okafor said on Tuesday that the fire began in a warehouse that Nordvik Lines rents from \
the city of Elmsford.

According to the Elmsford Fire Service, no one was injured, but two cranes were badly \
damaged.

Daniel Brandt, a spokesman for Nordvik Lines, told reporters that fourteen ships were \
waiting outside the harbour for a berth.

The closure could mean higher fuel prices across the region.
"""

# The story's first paragraph, with one quote of its own.
FERRY_STRIKE = """\
Ferry crews in Elmsford walked out on Friday. "We will not sail until the rotas are fixed," \
said Tom Reyes, who leads the crews' union.
"""

SAID_ON_TUESDAY = "the fire began in a warehouse that Nordvik Lines rents from the city of Elmsford"
NEVER_SEEN = "We have never seen a blaze like this one"
NO_ONE_INJURED = "no one was injured, but two cranes were badly damaged"
FOURTEEN_SHIPS = "fourteen ships were waiting outside the harbour for a berth"
FUEL_PRICES = "higher fuel prices across the region"


def by_words(items: list[dict[str, Any]], words: str) -> dict[str, Any]:
    """The one candidate whose quote is `words`."""
    found = [item for item in items if item["quote"]["text"] == words]
    assert len(found) == 1, [item["quote"]["text"] for item in items]
    return found[0]


# The story's dispute: a spokesman sets his account against the harbour master's.
DISPUTED = """\
Okafor said on Tuesday that the fire began in a warehouse that Nordvik Lines rents from \
the city of Elmsford.

Brandt disputed Okafor's account, saying the fire started on a ship moored at the quay.
"""
