"""The data the page's script reads, built in one place from the stored claim documents.

Each claim is its public document (statement, quote, claimant, entities, attribution,
status...) plus `relations`: its standing links to other claims, each with the other
claim's id and statement, and who drew it (`asserted_by`, a source or an analyst).
"""

from __future__ import annotations

from typing import Any

from api.queries.article import HeldArticle


def page_data(article: HeldArticle) -> dict[str, Any]:
    """Everything the page shows about the claims, keyed as the API answers them;
    `names` maps every entity and source slug the page mentions to its name."""
    names: dict[str, str] = dict(article.source_names)
    for claim in article.claims:
        names.setdefault(claim["claimant"]["slug"], claim["claimant"]["name"])
        for entity in claim["entities"]:
            names.setdefault(entity["slug"], entity["name"])
    return {
        "source": {"slug": article.slug, "name": article.name, "title": article.title},
        "claims": [
            {**claim, "relations": article.relations.get(claim["id"], [])}
            for claim in article.claims
        ],
        "names": names,
    }
