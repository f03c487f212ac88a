"""The revision log, read back: every change to one resource, oldest first."""

from __future__ import annotations

from sqlmodel import Session, col, select

from api.errors import not_found
from api.queries import names
from api.queries.names import Named
from api.store.reader import Reader
from models.history import RevisionPublic
from models.tables import Revision


def revisions(session: Session, resource: str, key: str) -> list[RevisionPublic]:
    rows = session.execute(
        select(Revision)
        .where(col(Revision.resource) == resource, col(Revision.resource_key) == key)
        .order_by(col(Revision.id))
    ).scalars()
    return [
        RevisionPublic(
            number=n, action=r.action, at=r.at, actor=r.actor, reason=r.reason, changes=r.changes
        )
        for n, r in enumerate(rows, start=1)
    ]


def entity_history(session: Session, slug: str) -> tuple[Named | None, list[RevisionPublic]]:
    """An entity's revisions, by its slug or any name it answers to (a merged entity's
    slug reads its own), with the entity found; a 404 with suggestions when neither an
    entity nor a history answers (a deleted entity keeps its history)."""
    reader = Reader.of(session)
    found = names.entity_itself(reader, slug)
    found_revisions = revisions(session, "entity", found.slug if found else slug)
    if found is None and not found_revisions:
        raise not_found("entity", slug, names.suggest_entities(reader, slug))
    return found, found_revisions


def source_history(session: Session, slug: str) -> tuple[Named | None, list[RevisionPublic]]:
    """A source's revisions, by its slug or a name that names it alone, with the source
    found; a deleted source keeps its history under its slug (a 404 with suggestions, or
    the choices, when nothing answers)."""
    reader = Reader.of(session)
    found = names.find_sources(reader, slug)
    if len(found) != 1:
        kept = revisions(session, "source", slug)
        if not kept:
            names.source_or_404(reader, slug)
        return None, kept
    return found[0], revisions(session, "source", found[0].slug)
