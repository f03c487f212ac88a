"""A held source as the annotated article page reads it: its text and its live claims.

The claims are read by one statement that walks the index on `claim.quote_source_id`
and joins each claim's stored JSON (`claim_document`), so the cost grows with the claims
quoting this source, not with the store. Their standing relations are a second statement
over the relation indexes on either end. Retracted claims and relations are left out, as
lists do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


# Standing relations with a live claim of this source at either end, each with the
# statement of the claim at its other end and the name of the source that drew it.
_RELATIONS = (
    "SELECT r.public_id, r.type, fc.public_id, tc.public_id, r.note, s.slug, s.name, "
    "r.analyst, fc.statement, tc.statement FROM relation r "
    "JOIN claim fc ON fc.id = r.from_claim_id JOIN claim tc ON tc.id = r.to_claim_id "
    "LEFT JOIN source s ON s.id = r.source_id "
    "WHERE r.retracted_at IS NULL AND fc.retracted_at IS NULL AND tc.retracted_at IS NULL "
    "AND (fc.quote_source_id = :id OR tc.quote_source_id = :id) ORDER BY r.id"
)


@dataclass(frozen=True)
class HeldArticle:
    """What the page shows: the source's labels, its held text, its claims in text order."""

    slug: str
    name: str
    title: str | None
    text: str
    claims: list[dict[str, Any]]  # stored `ClaimPublic` documents
    relations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by claim id
    source_names: dict[str, str] = field(default_factory=dict)  # sources that drew them


def held_article(store: Store, source_id: int, slug: str) -> HeldArticle | None:
    """The source's text and live claims, or None when the store does not hold its text."""
    with store.reader() as reader:
        found = reader.first(reader.sql(_SOURCE, id=source_id))
        if found is None or found[2] is None:
            return None
        rows = reader.rows(reader.sql(_CLAIMS, id=source_id))
        links = reader.rows(reader.sql(_RELATIONS, id=source_id))
    relations: dict[str, list[dict[str, Any]]] = {}
    source_names: dict[str, str] = {}
    for public_id, kind, from_id, to_id, note, source, source_name, analyst, *said in links:
        if source is not None:
            source_names[source] = source_name
        shown = {
            "id": public_id,
            "type": kind,
            "from": from_id,
            "to": to_id,
            "note": note,
            "asserted_by": {"source": source, "analyst": None if source else analyst},
        }
        for end, other, statement in ((from_id, to_id, said[1]), (to_id, from_id, said[0])):
            relations.setdefault(end, []).append(
                {**shown, "claim": {"id": other, "statement": statement}}
            )
    return HeldArticle(
        slug=slug,
        name=found[0],
        title=found[1],
        text=found[2],
        claims=[pydantic_core.from_json(row[0]) for row in rows],
        relations=relations,
        source_names=source_names,
    )
