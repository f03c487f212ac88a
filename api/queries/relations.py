"""Relations between claims, read: one relation, a claim's relations, the relations list,
an entity's disputes, and an entity's timeline.

Each list is one statement walking an index in the order of its pages (keyset cursors),
joining the stored documents of the claims it shows, so a page costs what it holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pydantic_core

from api.errors import not_found
from api.queries import names
from api.queries.claim_list import moment_param
from api.store.db import Store
from api.store.reader import Reader
from models.base import DISPUTING, DateKind, RelationType, date_precision
from models.query import ClaimRelationParams, RelationListParams

# A relation as the lists show it: its fields, in `RelationPublic`'s order.
_FIELDS = (
    "r.id, r.public_id, r.type, fc.public_id, tc.public_id, r.note, s.slug, r.analyst, "
    "r.retracted_at, r.retracted_by, r.retraction_reason, r.updated_at"
)
_JOINS = (
    "JOIN claim fc ON fc.id = r.from_claim_id JOIN claim tc ON tc.id = r.to_claim_id "
    "LEFT JOIN source s ON s.id = r.source_id"
)
_LIVE = "r.retracted_at IS NULL"


@dataclass(frozen=True)
class Page:
    """A page of a list, as JSON items, and the key to resume after when more follow."""

    items: list[str]
    last: list[Any] | None

    def json(self, next_link: str | None) -> bytes:
        return ('{"items":[' + ",".join(self.items) + '],"next":' + _json(next_link) + "}").encode()


def _json(value: Any) -> str:
    return pydantic_core.to_json(value).decode()


def relation_json(row: tuple[Any, ...]) -> str:
    """`RelationPublic`'s JSON of a row of `_FIELDS`, less its closing brace (so the
    lists can add the claims they embed)."""
    _id, public_id, kind, from_id, to_id, note, source, analyst, at, by, reason, updated = row[:12]
    retraction = None
    if at is not None:
        retraction = {"at": moment(at), "by": by, "reason": reason}
    shown = {
        "id": public_id,
        "type": kind,
        "from": from_id,
        "to": to_id,
        "note": note,
        "asserted_by": {"source": source, "analyst": None if source else analyst},
        "retraction": retraction,
        "updated_at": moment(updated),
    }
    return _json(shown)[:-1]


def moment(value: Any) -> datetime:
    """A timestamp as the driver gives it (SQLite: text in UTC; PostgreSQL: an aware
    datetime) as an aware UTC datetime, so every answer writes it the same way."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _page(rows: list[tuple[Any, ...]], limit: int, item: Any, key: Any) -> Page:
    more = len(rows) > limit
    rows = rows[:limit]
    return Page([item(row) for row in rows], key(rows[-1]) if more and rows else None)


def relation_page(store: Store, params: RelationListParams, after: int | None) -> Page:
    """A page of `/relations`: its filters' names resolved (a 404 naming the parameter)."""
    with store.reader() as reader:
        claim = names.claim_parameter(reader, "claim", params.claim) if params.claim else None
        entity = names.entity_parameter(reader, "entity", params.entity) if params.entity else None
        return listed(
            reader,
            params.limit,
            after,
            kind=params.type,
            claim_id=claim,
            entity_id=entity.id if entity else None,
            include_retracted=params.include == "retracted",
            updated_since=params.updated_since,
        )


def claim_relation_page(
    store: Store, claim_id: str, params: ClaimRelationParams, after: int | None
) -> Page:
    """A page of a claim's relations (a 404 for a claim not held)."""
    with store.reader() as reader:
        return of_claim(
            reader,
            names.claim_or_404(reader, claim_id),
            params.limit,
            after,
            include_retracted=params.include == "retracted",
        )


def relation_or_404(store: Store, public_id: str) -> tuple[Any, ...]:
    """One relation, standing or retracted, its version last (for its ETag)."""
    with store.reader() as reader:
        row = reader.first(
            reader.sql(
                f"SELECT {_FIELDS}, r.version FROM relation r {_JOINS} WHERE r.public_id = :id",
                id=public_id,
            )
        )
    if row is None:
        raise not_found("relation", public_id)
    return row


def entity_disputes(store: Store, slug: str, limit: int, after: int | None) -> Page:
    """A page of an entity's disputes (a 404 naming its slug if it is not held)."""
    with store.reader() as reader:
        return disputes(reader, names.entity_or_404(reader, slug).id, limit, after)


def entity_timeline(store: Store, slug: str, limit: int, after: list[Any] | None) -> Page:
    """A page of an entity's timeline (a 404 naming its slug if it is not held)."""
    with store.reader() as reader:
        return timeline(reader, names.entity_or_404(reader, slug).id, limit, after)


def relation_row(reader: Reader, public_id: str) -> tuple[Any, ...] | None:
    """One relation by its public id, standing or retracted."""
    return reader.first(
        reader.sql(
            f"SELECT {_FIELDS} FROM relation r {_JOINS} WHERE r.public_id = :id", id=public_id
        )
    )


def of_claim(
    reader: Reader, claim_id: int, limit: int, after: int | None, *, include_retracted: bool
) -> Page:
    """A claim's relations in both directions, in relation order, each with the other
    claim's JSON. Two index walks (as `from`, as `to`), each stopped at the page size."""
    live = "" if include_retracted else f" AND {_LIVE}"
    past = " AND r.id > :after" if after is not None else ""
    walk = (
        "SELECT {fields}, {other} AS other FROM relation r {joins} "
        "WHERE r.{end} = :claim{past}{live} ORDER BY r.id LIMIT :limit"
    )
    parts = [
        walk.format(fields=_FIELDS, other=other, joins=_JOINS, end=end, past=past, live=live)
        for end, other in (("from_claim_id", "r.to_claim_id"), ("to_claim_id", "r.from_claim_id"))
    ]
    text = (
        f"SELECT page.*, doc.body FROM (SELECT * FROM ({parts[0]}) a UNION ALL "
        f"SELECT * FROM ({parts[1]}) b) page JOIN claim_document doc ON doc.claim_id = page.other "
        "ORDER BY 1 LIMIT :limit"
    )
    params: dict[str, Any] = {"claim": claim_id, "limit": limit + 1}
    if after is not None:
        params["after"] = after
    rows = reader.rows(reader.sql(text, **params))
    return _page(rows, limit, lambda row: f'{relation_json(row)},"claim":{row[13]}}}', _first)


def _first(row: tuple[Any, ...]) -> list[Any]:
    return [int(row[0])]


def listed(
    reader: Reader,
    limit: int,
    after: int | None,
    *,
    kind: RelationType | None,
    claim_id: int | None,
    entity_id: int | None,
    include_retracted: bool,
    updated_since: datetime | None = None,
) -> Page:
    """Relations in relation order, of one type, one claim or one entity's claims, or
    changed since a moment."""
    where = [] if include_retracted else [_LIVE]
    params: dict[str, Any] = {"limit": limit + 1}
    if updated_since is not None:
        where.append("r.updated_at >= :updated_since")
        params["updated_since"] = moment_param(updated_since, reader.dialect)
    if kind is not None:
        where.append("r.type = :kind")
        params["kind"] = kind.value
    if claim_id is not None:
        where.append("(r.from_claim_id = :claim OR r.to_claim_id = :claim)")
        params["claim"] = claim_id
    order = "r.id"
    walk = "relation r"
    if entity_id is not None:
        walk, order = _INVOLVING, "re.relation_id"
        where.append("re.entity_id = :entity")
        params["entity"] = entity_id
    if after is not None:
        where.append(f"{order} > :after")
        params["after"] = after
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    text = f"SELECT {_FIELDS} FROM {walk} {_JOINS}{clause} ORDER BY {order} LIMIT :limit"
    rows = reader.rows(reader.sql(text, **params))
    return _page(rows, limit, lambda row: relation_json(row) + "}", _first)


# An entity's relations, walked on `relation_entity (entity_id, relation_id)` in relation
# order: a page reads the entity's relations up to the page's end, never the store's.
_INVOLVING = "relation_entity re JOIN relation r ON r.id = re.relation_id"


_DISPUTING = ", ".join(f"'{kind.value}'" for kind in DISPUTING)


def disputes(reader: Reader, entity_id: int, limit: int, after: int | None) -> Page:
    """Standing relations that set two standing claims against each other (contradicts,
    undermines, qualifies) where either claim involves the entity, with both claims."""
    past = " AND re.relation_id > :after" if after is not None else ""
    text = (
        f"SELECT {_FIELDS}, fd.body, td.body FROM {_INVOLVING} {_JOINS} "
        "JOIN claim_document fd ON fd.claim_id = r.from_claim_id "
        "JOIN claim_document td ON td.claim_id = r.to_claim_id "
        f"WHERE re.entity_id = :entity AND r.type IN ({_DISPUTING}) AND {_LIVE} "
        f"AND fc.retracted_at IS NULL AND tc.retracted_at IS NULL{past} "
        "ORDER BY re.relation_id LIMIT :limit"
    )
    params: dict[str, Any] = {"entity": entity_id, "limit": limit + 1}
    if after is not None:
        params["after"] = after
    rows = reader.rows(reader.sql(text, **params))
    return _page(
        rows,
        limit,
        lambda row: f'{relation_json(row)},"from_claim":{row[12]},"to_claim":{row[13]}}}',
        _first,
    )


def timeline(reader: Reader, entity_id: int, limit: int, after: list[Any] | None) -> Page:
    """An entity's standing claims in the order their events happened (the event date,
    else the claim's own), walked on `claim_entity (entity_id, when_end_key, claim_id)`."""
    past = " AND (ce.when_end_key, ce.claim_id) > (:a0, :a1)" if after is not None else ""
    text = (
        "WITH page AS (SELECT ce.when_end_key AS k0, ce.claim_id AS k1 FROM claim_entity ce "
        "WHERE ce.entity_id = :entity AND ce.claim_id NOT IN "
        f"(SELECT id FROM claim WHERE retracted_at IS NOT NULL){past} "
        "GROUP BY ce.when_end_key, ce.claim_id ORDER BY ce.when_end_key, ce.claim_id "
        "LIMIT :limit) "
        "SELECT page.k0, page.k1, claim.event_date, claim.event_date_inferred, "
        "claim.claimed_on, claim.claimed_on_inferred, doc.body FROM page "
        "JOIN claim ON claim.id = page.k1 JOIN claim_document doc ON doc.claim_id = page.k1 "
        "ORDER BY page.k0, page.k1"
    )
    params: dict[str, Any] = {"entity": entity_id, "limit": limit + 1}
    if after is not None:
        params |= {"a0": after[0], "a1": after[1]}
    rows = reader.rows(reader.sql(text, **params))
    return _page(rows, limit, _entry, lambda row: [int(row[0]), int(row[1])])


def _entry(row: tuple[Any, ...]) -> str:
    _key, _id, event, event_inferred, claimed, claimed_inferred, body = row
    date = event or claimed
    kind = None if date is None else DateKind.event if event else DateKind.claimed
    shown = {
        "date": date,
        "kind": kind,
        "precision": date_precision(date) if date else None,
        "inferred": bool(event_inferred if event else claimed_inferred if claimed else False),
    }
    return f'{_json(shown)[:-1]},"claim":{body}}}'


def touching(reader: Reader, claim_ids: list[str]) -> list[tuple[str, str, str]]:
    """(type, from, to) of every standing relation from or to these claims (public ids),
    in relation order: what the linked-data answers say of how the claims bear on others."""
    if not claim_ids:
        return []
    names = {f"c{n}": claim_id for n, claim_id in enumerate(claim_ids)}
    listed = ", ".join(f":{name}" for name in names)
    text = (
        "SELECT r.type, fc.public_id, tc.public_id FROM relation r "
        "JOIN claim fc ON fc.id = r.from_claim_id JOIN claim tc ON tc.id = r.to_claim_id "
        f"WHERE {_LIVE} AND (fc.public_id IN ({listed}) OR tc.public_id IN ({listed})) "
        "ORDER BY r.id"
    )
    return [(str(t), str(f), str(to)) for t, f, to in reader.rows(reader.sql(text, **names))]
