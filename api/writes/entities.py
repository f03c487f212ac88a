"""Entities: create, edit by merge patch, delete when nothing uses them; each a revision.

Claims and sources show the names and kinds of the entities they name (a claim its
claimant and entities, a source its publisher): when those change, so do their
documents, and `reshow` makes each of them a change of its own.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from api.errors import conflict, invalid_body
from api.queries import catalog, names
from api.queries.names import Named
from api.queries.versions import tag_of
from api.store import documents
from api.writes.patch import patched
from api.writes.unit import UnitOfWork, sync_fields
from models.base import EntityKind
from models.entity import EntityCreate, EntityPublic, EntityRef
from models.tables import AttributionHop, Claim, ClaimEntity, Entity, EntityName, Source


def write_names(work: UnitOfWork, entity: Entity, data: EntityCreate, field: str) -> None:
    """The entity's spellings as `data` gives them; none may name another entity."""
    assert entity.id is not None
    wanted = names.spellings(data.slug, data.name, data.aliases)
    owners = work.session.execute(
        select(col(EntityName.folded), col(Entity.slug))
        .join(Entity, col(Entity.id) == col(EntityName.entity_id))
        .where(col(EntityName.folded).in_(list(wanted)), col(EntityName.entity_id) != entity.id)
    ).all()
    if owners:
        folded, owner = owners[0]
        raise invalid_body(
            f"{field}.aliases",
            f"{wanted[folded][0]!r} already names {owner!r} "
            "(names and aliases are unique, ignoring case)",
        )
    for old in work.session.execute(
        select(EntityName).where(col(EntityName.entity_id) == entity.id)
    ).scalars():
        work.session.delete(old)
    work.flush()
    for folded, (spelled, is_alias) in wanted.items():
        work.add(EntityName(entity_id=entity.id, text=spelled, folded=folded, is_alias=is_alias))


def create(work: UnitOfWork, data: EntityCreate) -> tuple[EntityPublic, str]:
    taken = work.session.execute(select(col(Entity.id)).where(col(Entity.slug) == data.slug))
    if taken.first():
        raise conflict(f"An entity with slug {data.slug!r} exists already.")
    row = Entity(slug=data.slug, name=data.name, kind=data.kind, description=data.description)
    work.add(row)
    work.flush()
    write_names(work, row, data, "body")
    work.flush()
    public = catalog.entity_public(work.session, row)
    work.record("entity", data.slug, "create", None, public.model_dump(mode="json"))
    return public, tag_of(public, row.version)


def update(
    work: UnitOfWork, entity: Named, patch: Any, if_match: str | None
) -> tuple[EntityPublic, str]:
    row = catalog.entity_row(work.session, entity.id, for_update=True)
    before = catalog.entity_public(work.session, row)
    work.guard(if_match, tag_of(before, row.version))
    current = before.model_dump(mode="json", exclude_none=True, exclude={"updated_at"})
    data = patched(EntityCreate, current, patch, key="slug", what="an entity")
    if data == EntityCreate.model_validate(current):
        return before, tag_of(before, row.version)  # nothing changes: no new version
    version = work.bump(Entity, entity.id, row.version)
    work.session.refresh(row)
    was = shown(row)
    sync_fields(row, {"name": data.name, "kind": data.kind.value, "description": data.description})
    write_names(work, row, data, "body")
    work.flush()
    after = catalog.entity_public(work.session, row)
    work.record(
        "entity", row.slug, "update", before.model_dump(mode="json"), after.model_dump(mode="json")
    )
    reshow(work, row, was)
    return after, tag_of(after, version)


def shown(row: Entity) -> EntityRef:
    """An entity as claims and sources show it."""
    return EntityRef(slug=row.slug, name=row.name, kind=EntityKind(row.kind))


def reshow(work: UnitOfWork, row: Entity, was: EntityRef) -> None:
    """After an entity changed: if it now shows otherwise than `was`, every claim and
    source that shows it changes too, each at a new version (and `updated_at`), with a
    `reshow` revision and its new document in the feed; a batch at a time."""
    now = shown(row)
    if now == was:
        return
    assert row.id is not None
    what = " and ".join(
        name for name in ("name", "kind") if getattr(now, name) != getattr(was, name)
    )
    reason = f"it shows entity {row.slug!r}, whose {what} changed"
    connection = work.session.connection()
    for batch in documents.batches(documents.claims_of(connection, row.id)):
        before = documents.held(connection, batch)
        work.bump_all(Claim, batch)
        after = documents.refresh(connection, batch)
        keys = dict(
            work.session.execute(
                select(col(Claim.id), col(Claim.public_id)).where(col(Claim.id).in_(batch))
            ).all()
        )
        changes = [(keys[i], json.loads(before[i]), json.loads(after[i])) for i in sorted(after)]
        work.record_all("claim", "reshow", changes, reason=reason)
    for batch in documents.batches(catalog.published_by(work.session, row.id)):
        current = catalog.sources_public(work.session, batch)
        work.bump_all(Source, batch)
        renewed = catalog.sources_public(work.session, batch)
        # Before this change, each showed its publisher as it `was`.
        changes = [
            (
                source.slug,
                source.model_copy(update={"publisher": was}).model_dump(mode="json"),
                renewed[i].model_dump(mode="json"),
            )
            for i, source in sorted(current.items())
        ]
        work.record_all("source", "reshow", changes, reason=reason)


def delete(work: UnitOfWork, entity: Named, if_match: str | None) -> None:
    row = catalog.entity_row(work.session, entity.id, for_update=True)
    public = catalog.entity_public(work.session, row)
    work.guard(if_match, tag_of(public, row.version))
    uses = sum(
        work.session.execute(
            select(func.count()).select_from(model).where(column == entity.id)
        ).scalar_one()
        for model, column in (
            (Claim, col(Claim.claimant_id)),
            (ClaimEntity, col(ClaimEntity.entity_id)),
            (AttributionHop, col(AttributionHop.entity_id)),
            (Source, col(Source.publisher_id)),
        )
    )
    if uses:
        raise conflict(
            f"Entity {row.slug!r} is still used {uses} times by claims or "
            "sources; change those first. Nothing was deleted."
        )
    work.record("entity", row.slug, "delete", public.model_dump(mode="json"), None)
    work.session.delete(row)
    work.flush()
