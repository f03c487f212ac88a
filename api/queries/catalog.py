"""Catalogue reads: entity and source pages, single entities and sources, held texts.

Lists use keyset pagination (`after` is the last row's sort key), so a page deep in a walk
costs what the first page costs. Claim lists live in `api.queries.claims`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from api.errors import not_found
from api.store import search
from models.base import EntityKind, SourceKind, date_precision
from models.entity import EntityPublic, EntityRef, EntityRole
from models.source import SourcePublic
from models.tables import (
    Claim,
    Entity,
    EntityIdentifier,
    EntityName,
    EntityRoleRow,
    Source,
    SourceText,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_after: list[Any] | None  # sort key of the last item, when more follow


R = TypeVar("R")


def _keyset(rows: Sequence[R], limit: int, slug: Callable[[R], str]) -> tuple[list[R], Any]:
    """A page's rows (read `limit + 1` of them) and the slug to resume after, if more."""
    page = list(rows[:limit])
    return page, [slug(page[-1])] if len(rows) > limit else None


# --- entities ------------------------------------------------------------------------


def list_entities(
    session: Session,
    *,
    kind: EntityKind | None,
    words: str | None,
    limit: int,
    after: str | None = None,
    updated_since: datetime | None = None,
) -> Page[EntityPublic]:
    # A merged entity is listed no more: its slug redirects to the one it was merged into.
    statement = select(Entity).where(col(Entity.merged_into_id).is_(None))
    if updated_since is not None:
        statement = statement.where(col(Entity.updated_at) >= updated_since)
    if kind is not None:
        statement = statement.where(col(Entity.kind) == kind.value)
    for word in search.words(words):
        statement = statement.where(
            or_(
                col(Entity.description).icontains(word, autoescape=True),
                exists().where(
                    col(EntityName.entity_id) == col(Entity.id),
                    col(EntityName.folded).contains(word.casefold(), autoescape=True),
                ),
            )
        )
    if after is not None:
        statement = statement.where(col(Entity.slug) > after)
    read = session.execute(statement.order_by(col(Entity.slug)).limit(limit + 1)).scalars()
    rows, after_last = _keyset(list(read), limit, lambda row: row.slug)
    return Page(_entities_public(session, rows), after_last)


def _entities_public(session: Session, rows: Sequence[Entity]) -> list[EntityPublic]:
    """The rows as the API shows them: aliases, identifiers, roles and the source an
    unnamed one belongs to, each read once for the whole page."""
    aliases: dict[int, list[str]] = defaultdict(list)
    same_as: dict[int, list[str]] = defaultdict(list)
    roles: dict[int, list[EntityRole]] = defaultdict(list)
    sources: dict[int, str] = {}
    ids = [row.id for row in rows]
    if rows:
        for name in session.execute(
            select(col(EntityName.entity_id), col(EntityName.text))
            .where(col(EntityName.entity_id).in_(ids), col(EntityName.is_alias))
            .order_by(col(EntityName.id))
        ):
            aliases[name.entity_id].append(name.text)
        for uri in session.execute(
            select(col(EntityIdentifier.entity_id), col(EntityIdentifier.uri))
            .where(col(EntityIdentifier.entity_id).in_(ids))
            .order_by(col(EntityIdentifier.position), col(EntityIdentifier.id))
        ):
            same_as[uri.entity_id].append(uri.uri)
        for role in session.execute(
            select(EntityRoleRow)
            .where(col(EntityRoleRow.entity_id).in_(ids))
            .order_by(col(EntityRoleRow.position), col(EntityRoleRow.id))
        ).scalars():
            roles[role.entity_id].append(
                EntityRole(title=role.title, since=role.since, until=role.until)
            )
        owners = sorted({row.source_id for row in rows if row.source_id is not None})
        if owners:
            sources = {
                int(source_id): str(slug)
                for source_id, slug in session.execute(
                    select(col(Source.id), col(Source.slug)).where(col(Source.id).in_(owners))
                )
            }
    return [
        EntityPublic(
            slug=row.slug,
            name=row.name,
            kind=EntityKind(row.kind),
            description=row.description,
            aliases=aliases[row.id] if row.id is not None else [],
            same_as=same_as[row.id] if row.id is not None else [],
            roles=roles[row.id] if row.id is not None else [],
            source=sources.get(row.source_id) if row.source_id is not None else None,
            updated_at=row.updated_at,
        )
        for row in rows
    ]


def entity_public(session: Session, entity: Entity) -> EntityPublic:
    return _entities_public(session, [entity])[0]


# --- sources -------------------------------------------------------------------------

_publisher = aliased(Entity, name="publisher")


def _source_select() -> Any:
    return select(Source, _publisher).outerjoin(
        _publisher, col(_publisher.id) == col(Source.publisher_id)
    )


def _source_public(source: Source, publisher: Entity | None) -> SourcePublic:
    return SourcePublic(
        slug=source.slug,
        name=source.name,
        title=source.title,
        kind=SourceKind(source.kind),
        date=source.date,
        date_precision=date_precision(source.date) if source.date else None,
        date_inferred=source.date_inferred,
        date_note=source.date_note,
        url=source.url,
        publisher=EntityRef(
            slug=publisher.slug, name=publisher.name, kind=EntityKind(publisher.kind)
        )
        if publisher is not None
        else None,
        text_held=source.text_sha256 is not None,
        text_sha256=source.text_sha256,
        updated_at=source.updated_at,
    )


def list_sources(
    session: Session,
    *,
    kind: str | None,
    publisher_id: int | None,
    limit: int,
    after: str | None = None,
    updated_since: datetime | None = None,
) -> Page[SourcePublic]:
    statement = _source_select()
    if updated_since is not None:
        statement = statement.where(col(Source.updated_at) >= updated_since)
    if kind is not None:
        statement = statement.where(col(Source.kind) == kind)
    if publisher_id is not None:
        statement = statement.where(col(Source.publisher_id) == publisher_id)
    if after is not None:
        statement = statement.where(col(Source.slug) > after)
    read = session.execute(statement.order_by(col(Source.slug)).limit(limit + 1)).all()
    rows, after_last = _keyset(read, limit, lambda row: str(row[0].slug))
    return Page([_source_public(row[0], row[1]) for row in rows], after_last)


def entity_row(session: Session, entity_id: int, *, for_update: bool = False) -> Entity:
    """The entity's row (`for_update`: locked until the transaction ends, as claims')."""
    row = session.get(Entity, entity_id, with_for_update=for_update)
    if row is None:  # deleted since its name was resolved
        raise not_found("entity", str(entity_id))
    return row


def source_public(session: Session, source_id: int) -> SourcePublic:
    row = session.execute(_source_select().where(col(Source.id) == source_id)).one()
    return _source_public(row[0], row[1])


def sources_public(session: Session, source_ids: Sequence[int]) -> dict[int, SourcePublic]:
    """Several sources as readers get them, by row id, in one statement."""
    rows = session.execute(_source_select().where(col(Source.id).in_(list(source_ids)))).all()
    return {row[0].id: _source_public(row[0], row[1]) for row in rows}


def published_by(session: Session, entity_id: int) -> list[int]:
    """Row ids of the sources an entity publishes: those whose documents show it."""
    ids = session.execute(
        select(col(Source.id)).where(col(Source.publisher_id) == entity_id).order_by(col(Source.id))
    ).scalars()
    return list(ids)


def source_version(session: Session, source_id: int) -> int:
    return int(
        session.execute(select(col(Source.version)).where(col(Source.id) == source_id)).scalar_one()
    )


def get_source_text(session: Session, source_id: int) -> str | None:
    return session.execute(
        select(col(SourceText.text)).where(col(SourceText.source_id) == source_id)
    ).scalar_one_or_none()


def held_texts(session: Session) -> dict[str, str]:
    """Every held text by its source's slug: what a bulk load checks quotes against."""
    statement = select(col(Source.slug), col(SourceText.text)).join(
        SourceText, col(SourceText.source_id) == col(Source.id)
    )
    return {row[0]: row[1] for row in session.execute(statement)}


def store_is_empty(session: Session) -> bool:
    """True for a store with no claims yet (one indexed probe, not a count)."""
    return session.execute(select(col(Claim.id)).limit(1)).first() is None


def source_holding(session: Session, digest: str) -> str | None:
    """The slug of a source that holds the text of this SHA-256 digest, if one does."""
    found = session.execute(
        select(col(Source.slug)).where(col(Source.text_sha256) == digest).order_by(col(Source.id))
    ).first()
    return None if found is None else str(found[0])
