"""Sources: create (optionally holding their text), edit, delete when no claim cites them."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from api.errors import conflict, invalid_body, not_found
from api.queries import catalog, names
from api.queries.names import Named
from api.queries.versions import tag_of
from api.writes.patch import patched
from api.writes.unit import UnitOfWork, sync_fields
from models.source import SourceCreate, SourcePublic
from models.tables import AttributionHop, Claim, Entity, Relation, Source, SourceText


def _values(work: UnitOfWork, data: SourceCreate, field: str) -> dict[str, Any]:
    publisher = None
    if data.publisher:
        publisher = names.entity_in_body(work.reader, f"{field}.publisher", data.publisher).id
    return {
        "name": data.name,
        "title": data.title,
        "kind": data.kind.value,
        "date": data.date,
        "date_inferred": data.date_inferred,
        "date_note": data.date_note,
        "url": data.url,
        "publisher_id": publisher,
    }


def text_digest(text: str | None) -> str | None:
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else None


def create(work: UnitOfWork, data: SourceCreate) -> tuple[SourcePublic, str]:
    taken = work.session.execute(select(col(Source.id)).where(col(Source.slug) == data.slug))
    if taken.first():
        raise conflict(f"A source with slug {data.slug!r} exists already.")
    row = Source(slug=data.slug, **_values(work, data, "body"), text_sha256=text_digest(data.text))
    work.add(row)
    work.flush()
    assert row.id is not None
    if data.text is not None:
        work.add(SourceText(source_id=row.id, text=data.text))
    work.flush()
    public = catalog.source_public(work.session, row.id)
    work.record("source", data.slug, "create", None, public.model_dump(mode="json"))
    return public, tag_of(public, row.version)


def as_input(public: SourcePublic) -> dict[str, Any]:
    """A source in the shape clients create it in: what a merge patch applies to."""
    data = public.model_dump(
        mode="json",
        exclude_none=True,
        exclude={"date_precision", "text_held", "text_sha256", "updated_at"},
    )
    if public.publisher is not None:
        data["publisher"] = public.publisher.slug
    return data


def update(
    work: UnitOfWork, source: Named, patch: Any, if_match: str | None
) -> tuple[SourcePublic, str]:
    row = work.session.get(Source, source.id, with_for_update=True)
    if row is None:  # deleted since its name was resolved
        raise not_found("source", source.slug)
    before = catalog.source_public(work.session, source.id)
    work.guard(if_match, tag_of(before, row.version))
    if isinstance(patch, dict) and "text" in patch:
        raise invalid_body("body.text", "a held text cannot change: claims are verified against it")
    data = patched(SourceCreate, as_input(before), patch, key="slug", what="a source")
    if data == SourceCreate.model_validate(as_input(before)):
        return before, tag_of(before, row.version)  # nothing changes: no new version
    version = work.bump(Source, source.id, row.version)
    work.session.refresh(row)
    sync_fields(row, _values(work, data, "body"))
    work.flush()
    after = catalog.source_public(work.session, source.id)
    work.record(
        "source", row.slug, "update", before.model_dump(mode="json"), after.model_dump(mode="json")
    )
    return after, tag_of(after, version)


def delete(work: UnitOfWork, source: Named, if_match: str | None) -> None:
    row = work.session.get(Source, source.id, with_for_update=True)
    if row is None:  # deleted since its name was resolved
        raise not_found("source", source.slug)
    public = catalog.source_public(work.session, source.id)
    work.guard(if_match, tag_of(public, row.version))
    uses = work.session.execute(
        select(func.count())
        .select_from(AttributionHop)
        .where(col(AttributionHop.source_id) == source.id)
    ).scalar_one()
    uses += work.session.execute(
        select(func.count()).select_from(Claim).where(col(Claim.quote_source_id) == source.id)
    ).scalar_one()
    if uses:
        raise conflict(
            f"Source {row.slug!r} is still cited {uses} times by claims; nothing was deleted."
        )
    unnamed = work.session.execute(
        select(func.count()).select_from(Entity).where(col(Entity.source_id) == source.id)
    ).scalar_one()
    if unnamed:
        raise conflict(
            f"Source {row.slug!r} has {unnamed} unnamed sources of its own (entities of kind "
            "anonymous); nothing was deleted."
        )
    drawn = work.session.execute(
        select(func.count()).select_from(Relation).where(col(Relation.source_id) == source.id)
    ).scalar_one()
    if drawn:
        raise conflict(
            f"Source {row.slug!r} still draws {drawn} relation(s) between claims (retracted "
            "ones too); change their `asserted_by` first. Nothing was deleted."
        )
    work.record("source", row.slug, "delete", public.model_dump(mode="json"), None)
    held = work.session.get(SourceText, source.id)
    if held is not None:
        work.session.delete(held)
        work.flush()
    work.session.delete(row)
    work.flush()
