"""Relations between claims: create, edit by merge patch, retract and restore; each a
revision, each settling the standing of the claims it links (`api.writes.standing`)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from api.errors import conflict, invalid_body, not_found, not_retracted, retracted
from api.queries import names
from api.queries.relations import relation_json, relation_row
from api.queries.versions import tag_of
from api.store import relation_entities
from api.writes import clusters, standing
from api.writes.patch import patched
from api.writes.unit import UnitOfWork
from models.base import RelationType
from models.history import RelationRetraction
from models.relation import RelationCreate, RelationPublic
from models.tables import Claim, Relation


def default_id(from_id: str, kind: RelationType, to_id: str) -> str:
    """An id for a relation its writer did not name: the same link, the same id."""
    digest = hashlib.sha256(f"{from_id}|{kind.value}|{to_id}".encode()).hexdigest()[:12]
    return f"rel-{digest}"


def shown(work: UnitOfWork, public_id: str) -> RelationPublic:
    """A relation as readers get it, read inside this unit's transaction."""
    row = relation_row(work.reader, public_id)
    assert row is not None
    return RelationPublic.model_validate_json(relation_json(row) + "}")


def _claim_id(work: UnitOfWork, claim_id: str, field: str) -> int:
    """The row id of the claim a body names (a 422 naming `field` if there is none)."""
    found = work.session.execute(
        select(col(Claim.id)).where(col(Claim.public_id) == claim_id)
    ).scalar_one_or_none()
    if found is None:
        raise invalid_body(field, f"no claim {claim_id!r}")
    return int(found)


def _check_standing(work: UnitOfWork, row_id: int, claim_id: str, field: str) -> None:
    """A 422 naming `field` if the (locked) claim is retracted."""
    row = work.session.get(Claim, row_id)
    if row is None or row.retracted_at is not None:
        raise invalid_body(field, f"claim {claim_id!r} is retracted; restore it first")


def _drawn_by(work: UnitOfWork, data: RelationCreate, analyst: str | None = None) -> dict[str, Any]:
    """Who draws the link: the source named, or else `analyst` (an agent such as the
    matcher), or else the writer's key (the analyst)."""
    if data.asserted_by is not None:
        source = names.source_in_body(
            work.reader, "body.asserted_by.source", data.asserted_by.source
        )
        return {"source_id": source.id, "analyst": None}
    return {"source_id": None, "analyst": analyst or work.who.name}


def create(
    work: UnitOfWork, data: RelationCreate, *, analyst: str | None = None
) -> tuple[RelationPublic, str]:
    """A new relation between two standing claims; `analyst` names the agent that draws
    it when that is not the writer's key (the matcher's links)."""
    from_id = _claim_id(work, data.from_, "body.from")
    to_id = _claim_id(work, data.to, "body.to")
    # Both claims locked before the insert share-locks them (its foreign keys) and the
    # settle changes them: two relations to one claim then take turns, not deadlock.
    standing.lock(work.session, [from_id, to_id])
    _check_standing(work, from_id, data.from_, "body.from")
    _check_standing(work, to_id, data.to, "body.to")
    public_id = data.id or default_id(data.from_, data.type, data.to)
    if _find(work.session, public_id) is not None:
        raise conflict(f"A relation with id {public_id!r} exists already.")
    same = work.session.execute(
        select(col(Relation.public_id)).where(
            col(Relation.from_claim_id) == from_id,
            col(Relation.to_claim_id) == to_id,
            col(Relation.type) == data.type.value,
        )
    ).first()
    if same is not None:
        raise conflict(f"Relation {same[0]!r} links these claims the same way already.")
    row = Relation(
        public_id=public_id,
        type=data.type.value,
        from_claim_id=from_id,
        to_claim_id=to_id,
        note=data.note,
        **_drawn_by(work, data, analyst),
    )
    work.add(row)
    work.flush()
    relation_entities.refresh(work.session.connection(), [from_id, to_id])
    if data.type is RelationType.restates:
        clusters.regroup(work, [from_id, to_id])
    standing.settle(work, [from_id, to_id], by=row)
    public = shown(work, public_id)
    work.record("relation", public_id, "create", None, _dump(public))
    return public, tag_of(public, row.version)


def _find(session: Session, public_id: str, *, for_update: bool = False) -> Relation | None:
    statement = select(Relation).where(col(Relation.public_id) == public_id)
    if for_update:
        statement = statement.with_for_update()
    row: Relation | None = session.execute(statement).scalar_one_or_none()
    return row


def relation_for_change(work: UnitOfWork, public_id: str) -> Relation:
    """The relation's row locked for this write, after the two claims it links (claims
    first, in id order, as every write takes them: `standing.lock`); a 404 if none.
    A relation's claims never change, so they can be read before the lock."""
    ends = work.session.execute(
        select(col(Relation.from_claim_id), col(Relation.to_claim_id)).where(
            col(Relation.public_id) == public_id
        )
    ).first()
    if ends is None:
        raise not_found("relation", public_id)
    standing.lock(work.session, ends)
    row = _find(work.session, public_id, for_update=True)
    if row is None:
        raise not_found("relation", public_id)
    return row


def _live(work: UnitOfWork, public_id: str) -> Relation:
    row = relation_for_change(work, public_id)
    if row.retracted_at is not None:
        raise retracted(retraction_of(row))
    return row


def retraction_of(row: Relation) -> RelationRetraction:
    assert row.retracted_at is not None
    assert row.retracted_by is not None
    return RelationRetraction(
        relation=row.public_id,
        at=row.retracted_at,
        by=row.retracted_by,
        reason=row.retraction_reason,
    )


def _as_input(public: RelationPublic) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": public.id,
        "type": public.type.value,
        "from": public.from_,
        "to": public.to,
        "note": public.note,
    }
    if public.asserted_by.source:
        data["asserted_by"] = {"source": public.asserted_by.source}
    return data


def update(
    work: UnitOfWork, public_id: str, patch: Any, if_match: str | None
) -> tuple[RelationPublic, str]:
    """Change a relation's type, note or source (its claims stay); a patch that changes
    nothing is no change."""
    row = _live(work, public_id)
    assert row.id is not None
    before = shown(work, public_id)
    work.guard(if_match, tag_of(before, row.version))
    current = _as_input(before)
    data = patched(RelationCreate, current, patch, key="id", what="a relation")
    if data == RelationCreate.model_validate(current):
        return before, tag_of(before, row.version)
    version = work.bump(Relation, row.id, row.version)
    work.session.refresh(row)
    row.type = data.type.value
    row.note = data.note
    if "asserted_by" in (patch or {}):
        for name, value in _drawn_by(work, data).items():
            setattr(row, name, value)
    work.flush()
    if RelationType.restates in (before.type, data.type):
        clusters.regroup(work, [row.from_claim_id, row.to_claim_id])
    standing.settle(work, [row.from_claim_id, row.to_claim_id], by=row)
    after = shown(work, public_id)
    work.record("relation", public_id, "update", _dump(before), _dump(after))
    return after, tag_of(after, version)


def retract(work: UnitOfWork, public_id: str, if_match: str | None) -> RelationRetraction:
    """Withdraw a relation: it leaves lists, and the claims it linked stand again as
    their other relations say."""
    row = _live(work, public_id)
    assert row.id is not None
    before = shown(work, public_id)
    work.guard(if_match, tag_of(before, row.version))
    work.bump(Relation, row.id, row.version)
    work.session.refresh(row)
    row.retracted_at = datetime.now(UTC)
    row.retracted_by = work.who.name
    row.retraction_reason = work.reason
    work.flush()
    if row.type == RelationType.restates.value:
        clusters.regroup(work, [row.from_claim_id, row.to_claim_id])
    standing.settle(work, [row.from_claim_id, row.to_claim_id], by=row)
    work.record("relation", public_id, "retract", _dump(before), _dump(shown(work, public_id)))
    return retraction_of(row)


def restore(work: UnitOfWork, public_id: str, if_match: str | None) -> tuple[RelationPublic, str]:
    """Undo a retraction, if both claims still stand."""
    row = relation_for_change(work, public_id)
    assert row.id is not None
    if row.retracted_at is None:
        raise not_retracted(public_id, "relation")
    before = shown(work, public_id)
    work.guard(if_match, tag_of(before, row.version))
    for claim_id in (row.from_claim_id, row.to_claim_id):
        linked = work.session.get(Claim, claim_id)
        if linked is not None and linked.retracted_at is not None:
            raise conflict(f"Claim {linked.public_id!r} is retracted; restore it first.")
    version = work.bump(Relation, row.id, row.version)
    work.session.refresh(row)
    row.retracted_at = row.retracted_by = row.retraction_reason = None
    work.flush()
    if row.type == RelationType.restates.value:
        clusters.regroup(work, [row.from_claim_id, row.to_claim_id])
    standing.settle(work, [row.from_claim_id, row.to_claim_id], by=row)
    after = shown(work, public_id)
    work.record("relation", public_id, "restore", _dump(before), _dump(after))
    return after, tag_of(after, version)


def _dump(public: RelationPublic) -> dict[str, Any]:
    return public.model_dump(mode="json")
