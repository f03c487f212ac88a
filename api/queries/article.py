"""A held source as the annotated article page reads it: its text and its live claims.

The claims are read by one statement that walks the index on `claim.quote_source_id`
and joins each claim's stored JSON (`claim_document`), so the cost grows with the claims
quoting this source, not with the store. Retracted claims are left out, as lists do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pydantic_core

from api.store.db import Store

_SOURCE = (
    "SELECT source.name, source.title, source_text.text FROM source "
    "LEFT JOIN source_text ON source_text.source_id = source.id WHERE source.id = :id"
)
_CLAIMS = (
    "SELECT doc.body FROM claim JOIN claim_document doc ON doc.claim_id = claim.id "
    "WHERE claim.quote_source_id = :id AND claim.retracted_at IS NULL "
    "ORDER BY claim.quote_start, claim.quote_end DESC, claim.id"
)


@dataclass(frozen=True)
class HeldArticle:
    """What the page shows: the source's labels, its held text, its claims in text order."""

    slug: str
    name: str
    title: str | None
    text: str
    claims: list[dict[str, Any]]  # stored `ClaimPublic` documents


def held_article(store: Store, source_id: int, slug: str) -> HeldArticle | None:
    """The source's text and live claims, or None when the store does not hold its text."""
    with store.reader() as reader:
        found = reader.first(reader.sql(_SOURCE, id=source_id))
        if found is None or found[2] is None:
            return None
        rows = reader.rows(reader.sql(_CLAIMS, id=source_id))
    return HeldArticle(
        slug=slug,
        name=found[0],
        title=found[1],
        text=found[2],
        claims=[pydantic_core.from_json(row[0]) for row in rows],
    )
