"""The data the page's script reads, built in one place from the stored claim documents.

Each claim is its public document (statement, quote, claimant, entities, attribution,
status...) plus `relations`, the links to other claims: empty until the store records
relations, when the route passes them here and the page shows them as they come.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from api.queries.article import HeldArticle

Relation = Mapping[str, Any]  # {"id", "type", "from", "to", "note", "asserted_by", "claim"}


def page_data(
    article: HeldArticle, relations: Mapping[str, Sequence[Relation]] | None = None
) -> dict[str, Any]:
    """Everything the page shows about the claims, keyed as the API answers them;
    `names` maps every entity slug the claims mention to its name, for the hops."""
    relations = relations or {}
    names: dict[str, str] = {}
    for claim in article.claims:
        names.setdefault(claim["claimant"]["slug"], claim["claimant"]["name"])
        for entity in claim["entities"]:
            names.setdefault(entity["slug"], entity["name"])
    return {
        "source": {"slug": article.slug, "name": article.name, "title": article.title},
        "claims": [
            {**claim, "relations": list(relations.get(claim["id"], ()))} for claim in article.claims
        ],
        "names": names,
    }
