"""The claim read model: each claim's public JSON, rebuilt whenever its sources change.

Reading a page of claims from the normalised tables means joining the claimant, every
entity and every hop of every claim on every request; at a million claims that costs
more than the rest of the request put together. So each claim's `ClaimPublic` JSON is
kept in `claim_document`, written in the same transaction as whatever changed it:

- a claim created or edited (`api.writes`, `api.ingest`): that claim;
- an entity renamed or re-kinded: every claim it figures in (slugs never change, and a
  source appears in a claim only by its slug, so source edits touch no document), each
  at a new version (`api.writes.entities.reshow`);
- a bulk load: documents are rendered from the input as the rows go in (`api.ingest.bulk`).

`claim_data` is the one place the JSON's shape is built, from plain values; `render`
turns it into text. A change to `ClaimPublic` needs a migration that empties
`claim_document`; the upgrade then renders every document again (`fill_missing`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import islice
from typing import Any, NamedTuple

import pydantic_core
from sqlalchemy import Connection, bindparam, delete, insert, select, update
from sqlalchemy.orm import aliased
from sqlmodel import col

from models.base import Role
from models.tables import (
    AttributionHop,
    Claim,
    ClaimCluster,
    ClaimDocument,
    ClaimEntity,
    Entity,
    Source,
)

BATCH = 500
_ROLE_ORDER = {Role.about.value: 0, Role.claimant.value: 1, Role.mentioned.value: 2}

Entry = tuple[str, str, str, str]  # slug, name, kind, role
Hop = tuple[str | None, str | None, str]  # source slug, entity slug, verb


class Quantity(NamedTuple):
    value: float | None
    low: float | None
    high: float | None
    unit: str | None
    qualifier: str | None
    text: str | None

    def shown(self) -> dict[str, Any] | None:
        """The quantity as a claim shows it, or None when it says no figure at all."""
        figures = (self.value, self.low, self.high)
        if all(figure is None for figure in figures) and self.text is None:
            return None
        value, low, high = (float(f) if f is not None else None for f in figures)
        return {
            "value": value,
            "low": low,
            "high": high,
            "unit": self.unit,
            "qualifier": self.qualifier,
            "text": self.text,
        }


def claim_data(
    *,
    public_id: str,
    statement: str,
    quote: tuple[str, str, int, int],
    claimant: tuple[str, str, str],
    entities: Iterable[Entry],
    hops: Iterable[Hop],
    claimed_on: str | None,
    claimed_on_inferred: bool,
    event_date: str | None,
    event_date_inferred: bool,
    status: str,
    stated_status: str,
    speech: str,
    quantity: Quantity | None,
    updated_at: datetime,
    retraction: tuple[datetime, str | None, str | None] | None = None,
    cluster: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A claim as plain data in the `ClaimPublic` shape, entities in their canonical order
    (about, claimant, mentioned; then by slug)."""
    text, source, start, end = quote
    ordered = sorted(entities, key=lambda e: (_ROLE_ORDER.get(e[3], 3), e[0]))
    return {
        "id": public_id,
        "statement": statement,
        "quote": {"text": text, "source": source, "start": start, "end": end},
        "claimant": {"slug": claimant[0], "name": claimant[1], "kind": claimant[2]},
        "entities": [{"slug": s, "name": n, "kind": k, "role": r} for s, n, k, r in ordered],
        "attribution": [{"source": s, "entity": e, "verb": v} for s, e, v in hops],
        "claimed_on": claimed_on,
        "claimed_on_inferred": bool(claimed_on_inferred),
        "event_date": event_date,
        "event_date_inferred": bool(event_date_inferred),
        "status": status,
        "stated_status": stated_status,
        "speech": speech,
        "quantity": quantity.shown() if quantity is not None else None,
        "retraction": {"at": retraction[0], "by": retraction[1], "reason": retraction[2]}
        if retraction is not None
        else None,
        "updated_at": updated_at,
        "cluster": cluster,
    }


def render(data: dict[str, Any]) -> str:
    """The stored and served JSON of one claim: what `ClaimPublic.model_dump_json` gives."""
    return pydantic_core.to_json(data).decode()


# --- reading claims from the normalised tables ---------------------------------------

_ids: Any = bindparam("ids", expanding=True)
_claimant = aliased(Entity, name="claimant")
_quoted = aliased(Source, name="quoted")
_hop_source = aliased(Source, name="hop_source")
_hop_entity = aliased(Entity, name="hop_entity")
# Built once: every batch runs the same three statements, only the ids differ.
_CLAIMS: Any = (
    select(
        col(Claim.id),
        col(Claim.public_id),
        col(Claim.statement),
        col(Claim.quote_text),
        col(_quoted.slug).label("source_slug"),
        col(Claim.quote_start),
        col(Claim.quote_end),
        col(_claimant.slug).label("claimant_slug"),
        col(_claimant.name).label("claimant_name"),
        col(_claimant.kind).label("claimant_kind"),
        col(Claim.claimed_on),
        col(Claim.claimed_on_inferred),
        col(Claim.event_date),
        col(Claim.event_date_inferred),
        col(Claim.status),
        col(Claim.stated_status),
        col(Claim.speech),
        col(Claim.quantity_value),
        col(Claim.quantity_low),
        col(Claim.quantity_high),
        col(Claim.quantity_unit),
        col(Claim.quantity_qualifier),
        col(Claim.quantity_text),
        col(Claim.retracted_at),
        col(Claim.retracted_by),
        col(Claim.retraction_reason),
        col(Claim.updated_at),
    )
    .join(_claimant, col(_claimant.id) == col(Claim.claimant_id))
    .join(_quoted, col(_quoted.id) == col(Claim.quote_source_id))
    .where(col(Claim.id).in_(_ids))
)
_ENTITIES = (
    select(
        col(ClaimEntity.claim_id),
        col(Entity.slug),
        col(Entity.name),
        col(Entity.kind),
        col(ClaimEntity.role),
    )
    .join(Entity, col(Entity.id) == col(ClaimEntity.entity_id))
    .where(col(ClaimEntity.claim_id).in_(_ids))
)
_HOPS = (
    select(
        col(AttributionHop.claim_id),
        col(_hop_source.slug),
        col(_hop_entity.slug),
        col(AttributionHop.verb),
    )
    .outerjoin(_hop_source, col(_hop_source.id) == col(AttributionHop.source_id))
    .outerjoin(_hop_entity, col(_hop_entity.id) == col(AttributionHop.entity_id))
    .where(col(AttributionHop.claim_id).in_(_ids))
    .order_by(col(AttributionHop.claim_id), col(AttributionHop.position))
)


_ANCHORS = select(col(ClaimCluster.claim_id), col(ClaimCluster.anchor_id)).where(
    col(ClaimCluster.claim_id).in_(_ids)
)
_MEMBERS = (
    select(
        col(ClaimCluster.anchor_id),
        col(Claim.id),
        col(Claim.public_id),
        col(Claim.claimed_key),
    )
    .join(Claim, col(Claim.id) == col(ClaimCluster.claim_id))
    .where(col(ClaimCluster.anchor_id).in_(_ids))
)


def clusters(connection: Connection, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The `cluster` of each of these claims (by row id) that is in one: its id (its
    oldest claim's), its size and its first appearance (the claim made earliest, undated
    ones last, then the one held first). Two statements; cost grows with the clusters."""
    anchors = {int(c): int(a) for c, a in connection.execute(_ANCHORS, {"ids": list(ids)})}
    if not anchors:
        return {}
    members: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    rows = connection.execute(_MEMBERS, {"ids": sorted(set(anchors.values()))})
    for anchor, claim_id, public_id, claimed_key in rows:
        members[int(anchor)].append((int(claim_id or 0), public_id, int(claimed_key)))
    shown: dict[int, dict[str, Any]] = {}
    for anchor, held in members.items():
        names = {claim_id: public_id for claim_id, public_id, _ in held}
        first = min(held, key=lambda m: (m[2] == 0, m[2], m[0]))
        shown[anchor] = {"id": names[anchor], "size": len(held), "first": first[1]}
    return {claim_id: shown[anchor] for claim_id, anchor in anchors.items() if anchor in shown}


def load(connection: Connection, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Claims (by row id) as `claim_data`, from the tables: five statements per batch."""
    found: dict[int, dict[str, Any]] = {}
    for batch in batches(ids):
        grouped = clusters(connection, batch)
        entities: dict[int, list[Entry]] = defaultdict(list)
        for claim_id, *entry in connection.execute(_ENTITIES, {"ids": batch}):
            entities[claim_id].append(tuple(entry))  # type: ignore[arg-type]
        hops: dict[int, list[Hop]] = defaultdict(list)
        for claim_id, *hop in connection.execute(_HOPS, {"ids": batch}):
            hops[claim_id].append(tuple(hop))  # type: ignore[arg-type]
        for row in connection.execute(_CLAIMS, {"ids": batch}):
            found[row.id] = claim_data(
                public_id=row.public_id,
                statement=row.statement,
                quote=(row.quote_text, row.source_slug, row.quote_start, row.quote_end),
                claimant=(row.claimant_slug, row.claimant_name, row.claimant_kind),
                entities=entities[row.id],
                hops=hops[row.id],
                claimed_on=row.claimed_on,
                claimed_on_inferred=row.claimed_on_inferred,
                event_date=row.event_date,
                event_date_inferred=row.event_date_inferred,
                status=row.status,
                stated_status=row.stated_status,
                speech=row.speech,
                quantity=Quantity(
                    row.quantity_value,
                    row.quantity_low,
                    row.quantity_high,
                    row.quantity_unit,
                    row.quantity_qualifier,
                    row.quantity_text,
                ),
                updated_at=row.updated_at,
                retraction=(row.retracted_at, row.retracted_by, row.retraction_reason)
                if row.retracted_at is not None
                else None,
                cluster=grouped.get(row.id),
            )
    return found


# --- keeping documents current -------------------------------------------------------

_table = ClaimDocument.__table__  # type: ignore[attr-defined]
_HELD = select(_table.c.claim_id, _table.c.body).where(_table.c.claim_id.in_(_ids))
_UPDATE = (
    update(_table)
    .where(_table.c.claim_id == bindparam("doc_claim_id"))
    .values(body=bindparam("doc_body"))
)


def held(connection: Connection, claim_ids: Sequence[int]) -> dict[int, str]:
    """The stored documents of these claims (at most `BATCH`), by row id."""
    return {row[0]: row[1] for row in connection.execute(_HELD, {"ids": list(claim_ids)})}


def refresh(connection: Connection, claim_ids: Iterable[int]) -> dict[int, str]:
    """Rewrite the documents of these claims from the tables; returns them, by row id.

    A document that already says the same is left alone, so an identical load writes
    nothing. Ids of claims that no longer exist lose their document.
    """
    written: dict[int, str] = {}
    for batch in batches(sorted(set(claim_ids))):
        fresh = {claim_id: render(data) for claim_id, data in load(connection, batch).items()}
        stored = held(connection, batch)
        stale = [
            {"doc_claim_id": i, "doc_body": body}
            for i, body in fresh.items()
            if i in stored and stored[i] != body
        ]
        new = [{"claim_id": i, "body": body} for i, body in fresh.items() if i not in stored]
        gone = [i for i in stored if i not in fresh]
        if stale:
            connection.execute(_UPDATE, stale)
        if new:
            connection.execute(insert(_table), new)
        if gone:
            connection.execute(delete(_table).where(_table.c.claim_id.in_(gone)))
        written |= fresh
    return written


def claims_of(connection: Connection, entity_id: int) -> list[int]:
    """Row ids of the claims an entity figures in: those whose documents show its name
    and kind."""
    ids = connection.execute(
        select(col(ClaimEntity.claim_id)).where(col(ClaimEntity.entity_id) == entity_id).distinct()
    ).scalars()
    return list(ids)


def fill_missing(connection: Connection) -> int:
    """Render the document of every claim that has none, in batches; returns how many.

    Migrations never render documents themselves (the code of the day may read columns a
    later migration adds): one that changes the documents' shape drops them, and the
    upgrade ends by filling in what is missing (`api.store.migrate.upgrade`).
    """
    done, after = 0, 0
    claim = Claim.__table__  # type: ignore[attr-defined]
    while True:
        ids: list[int] = list(
            connection.execute(
                select(claim.c.id)
                .where(claim.c.id > after)
                .where(~select(_table.c.claim_id).where(_table.c.claim_id == claim.c.id).exists())
                .order_by(claim.c.id)
                .limit(BATCH * 4)
            ).scalars()
        )
        if not ids:
            return done
        refresh(connection, ids)
        done += len(ids)
        after = ids[-1]


def batches(ids: Sequence[int] | Iterable[int]) -> Iterator[list[int]]:
    """The ids, `BATCH` at a time."""
    iterator = iter(ids)
    while batch := list(islice(iterator, BATCH)):
        yield batch
