"""What the linked-data (JSON-LD) answers say beyond the claims' own JSON: the sources
and entities their chains pass through, the held text around each quote, and the
relations between claims. One statement of each kind per answer, whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from api.queries import relations
from api.store.db import Reader, Store

# Code points of held text either side of a quote, for its `TextQuoteSelector`.
CONTEXT_CHARS = 32


@dataclass(frozen=True)
class SourceFacts:
    slug: str
    name: str
    title: str | None
    kind: str
    date: str | None
    url: str | None
    publisher: str | None  # slug


@dataclass(frozen=True)
class Surroundings:
    """What the JSON-LD of some claims needs besides the claims."""

    sources: dict[str, SourceFacts]
    entities: dict[str, tuple[str, str]]  # slug -> (name, kind)
    same_as: dict[str, list[str]]  # slug -> its external identifiers
    around: dict[str, tuple[str, str]]  # claim id -> (prefix, suffix) of its quote
    relations: list[tuple[str, str, str]]  # (type, from, to)
    # cluster id -> the source slug each of its claims quotes, by claim id
    clusters: dict[str, dict[str, str]] = field(default_factory=dict)


def _listed(names: list[str], stem: str) -> tuple[str, dict[str, str]]:
    params = {f"{stem}{n}": name for n, name in enumerate(names)}
    return ", ".join(f":{name}" for name in params), params


def surroundings(store: Store, claims: list[dict[str, Any]]) -> Surroundings:
    """The sources, entities, quote contexts and relations of these claims (their JSON)."""
    slugs = sorted(
        {hop["source"] for claim in claims for hop in claim["attribution"] if hop["source"]}
        | {claim["quote"]["source"] for claim in claims}
    )
    with store.reader() as reader:
        grouped = _clusters(
            reader, sorted({c["cluster"]["id"] for c in claims if c.get("cluster")})
        )
        slugs = sorted(set(slugs) | {slug for m in grouped.values() for slug in m.values()})
        sources = _sources(reader, slugs)
        people = sorted(
            {hop["entity"] for claim in claims for hop in claim["attribution"] if hop["entity"]}
            | {claim["claimant"]["slug"] for claim in claims}
            | {facts.publisher for facts in sources.values() if facts.publisher}
        )
        entities = _entities(reader, people)
        same_as = _same_as(reader, list(entities))
        texts = _texts(reader, sorted({claim["quote"]["source"] for claim in claims}))
        linked = relations.touching(reader, [claim["id"] for claim in claims])
    around = {}
    for claim in claims:
        quote = claim["quote"]
        text = texts.get(quote["source"])
        if text is not None:
            start, end = quote["start"], quote["end"]
            around[claim["id"]] = (
                text[max(0, start - CONTEXT_CHARS) : start],
                text[end : end + CONTEXT_CHARS],
            )
    return Surroundings(sources, entities, same_as, around, linked, grouped)


def _clusters(reader: Reader, cluster_ids: list[str]) -> dict[str, dict[str, str]]:
    """Each cluster's claims (by id) and the source each quotes; its id is its anchor's."""
    if not cluster_ids:
        return {}
    marks, params = _listed(cluster_ids, "c")
    rows = reader.rows(
        reader.sql(
            "SELECT a.public_id, m.public_id, s.slug FROM claim a "
            "JOIN claim_cluster cc ON cc.anchor_id = a.id "
            "JOIN claim m ON m.id = cc.claim_id JOIN source s ON s.id = m.quote_source_id "
            f"WHERE a.public_id IN ({marks})",
            **params,
        )
    )
    found: dict[str, dict[str, str]] = {}
    for cluster, member, slug in rows:
        found.setdefault(cluster, {})[member] = slug
    return found


def _sources(reader: Reader, slugs: list[str]) -> dict[str, SourceFacts]:
    if not slugs:
        return {}
    listed, params = _listed(slugs, "s")
    rows = reader.rows(
        reader.sql(
            "SELECT s.slug, s.name, s.title, s.kind, s.date, s.url, p.slug FROM source s "
            f"LEFT JOIN entity p ON p.id = s.publisher_id WHERE s.slug IN ({listed})",
            **params,
        )
    )
    return {row[0]: SourceFacts(*row) for row in rows}


def _entities(reader: Reader, slugs: list[str]) -> dict[str, tuple[str, str]]:
    if not slugs:
        return {}
    listed, params = _listed(slugs, "e")
    rows = reader.rows(
        reader.sql(f"SELECT slug, name, kind FROM entity WHERE slug IN ({listed})", **params)
    )
    return {slug: (name, kind) for slug, name, kind in rows}


def _same_as(reader: Reader, slugs: list[str]) -> dict[str, list[str]]:
    if not slugs:
        return {}
    listed, params = _listed(slugs, "i")
    rows = reader.rows(
        reader.sql(
            "SELECT e.slug, i.uri FROM entity_identifier i JOIN entity e ON e.id = i.entity_id "
            f"WHERE e.slug IN ({listed}) ORDER BY i.position, i.id",
            **params,
        )
    )
    found: dict[str, list[str]] = {}
    for slug, uri in rows:
        found.setdefault(str(slug), []).append(str(uri))
    return found


def _texts(reader: Reader, slugs: list[str]) -> dict[str, str]:
    if not slugs:
        return {}
    listed, params = _listed(slugs, "t")
    rows = reader.rows(
        reader.sql(
            "SELECT s.slug, t.text FROM source s JOIN source_text t ON t.source_id = s.id "
            f"WHERE s.slug IN ({listed})",
            **params,
        )
    )
    return dict(rows)
