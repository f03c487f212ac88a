"""Read queries on the tables: lookups, entity and source pages. Nothing here commits.

List queries use keyset pagination (`after` is the last row's sort key), so a page deep
in a walk costs what the first page costs. Claim lists live in `api.claim_sql`.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from api import documents, search
from models import (
    Claim,
    ClaimPublic,
    Entity,
    EntityName,
    EntityPublic,
    EntityRef,
    Source,
    SourcePublic,
    SourceText,
)
from models.base import EntityKind, SourceKind, date_precision, normalize_name

MAX_SUGGESTIONS = 3
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_after: list[Any] | None  # sort key of the last item, when more follow


# --- lookups -------------------------------------------------------------------------


def find_entity(session: Session, name: str) -> Entity | None:
    """The entity whose slug, name or alias is `name`, ignoring case and quote style."""
    statement = (
        select(Entity)
        .join(EntityName, col(EntityName.entity_id) == col(Entity.id))
        .where(col(EntityName.folded) == normalize_name(name))
    )
    return session.execute(statement).scalars().first()


def suggest_entities(session: Session, name: str) -> list[str]:
    """Slugs of entities whose names look like `name`, best first."""
    folded = normalize_name(name)
    probes = {folded[:3], folded[-3:]} - {""}
    if not probes:
        return []
    candidates = session.execute(
        select(col(EntityName.folded), col(Entity.slug))
        .join(Entity, col(Entity.id) == col(EntityName.entity_id))
        .where(or_(*(col(EntityName.folded).contains(p, autoescape=True) for p in probes)))
        .limit(2000)
    ).all()
    by_name = {row.folded: row.slug for row in candidates}
    close = difflib.get_close_matches(folded, list(by_name), n=10, cutoff=0.5)
    return list(dict.fromkeys(by_name[c] for c in close))[:MAX_SUGGESTIONS]


def suggest_sources(session: Session, name: str) -> list[str]:
    lowered = name.strip().lower()
    probes = {lowered[:3], lowered[-3:]} - {""}
    if not probes:
        return []
    rows = session.execute(
        select(col(Source.slug), col(Source.name))
        .where(
            or_(
                *(func.lower(Source.slug).contains(p, autoescape=True) for p in probes),
                *(func.lower(Source.name).contains(p, autoescape=True) for p in probes),
            )
        )
        .limit(2000)
    ).all()
    keys: dict[str, str] = {}
    for row in rows:
        keys[row.slug] = row.slug
        keys[row.name.lower()] = row.slug
    close = difflib.get_close_matches(lowered, list(keys), n=10, cutoff=0.5)
    found = list(dict.fromkeys(keys[c] for c in close))
    return (found + suggest_entities(session, name))[:MAX_SUGGESTIONS]


# --- claims --------------------------------------------------------------------------
# Claim lists and the claims readers get come from the stored documents (`api.reads`,
# `api.claim_sql`); this reads one from the tables, for writes that need it current.


def get_claim(session: Session, public_id: str) -> ClaimPublic | None:
    claim_id = session.execute(
        select(col(Claim.id)).where(col(Claim.public_id) == public_id)
    ).scalar_one_or_none()
    if claim_id is None:
        return None
    data = documents.load(session.connection(), [claim_id])[claim_id]
    return ClaimPublic.model_validate(data)


# --- entities ------------------------------------------------------------------------


def list_entities(
    session: Session,
    *,
    kind: EntityKind | None,
    words: str | None,
    limit: int,
    after: str | None = None,
) -> Page[EntityPublic]:
    statement = select(Entity)
    if kind is not None:
        statement = statement.where(col(Entity.kind) == kind.value)
    for word in search.words_of(words):
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
    rows = list(session.execute(statement.order_by(col(Entity.slug)).limit(limit + 1)).scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(_entities_public(session, rows), [rows[-1].slug] if more else None)


def _entities_public(session: Session, rows: Sequence[Entity]) -> list[EntityPublic]:
    aliases: dict[int, list[str]] = defaultdict(list)
    if rows:
        for name in session.execute(
            select(col(EntityName.entity_id), col(EntityName.text))
            .where(
                col(EntityName.entity_id).in_([row.id for row in rows]),
                col(EntityName.is_alias),
            )
            .order_by(col(EntityName.id))
        ):
            aliases[name.entity_id].append(name.text)
    return [
        EntityPublic(
            slug=row.slug,
            name=row.name,
            kind=EntityKind(row.kind),
            description=row.description,
            aliases=aliases[row.id] if row.id is not None else [],
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
    )


def list_sources(
    session: Session,
    *,
    kind: str | None,
    publisher_id: int | None,
    limit: int,
    after: str | None = None,
) -> Page[SourcePublic]:
    statement = _source_select()
    if kind is not None:
        statement = statement.where(col(Source.kind) == kind)
    if publisher_id is not None:
        statement = statement.where(col(Source.publisher_id) == publisher_id)
    if after is not None:
        statement = statement.where(col(Source.slug) > after)
    rows = session.execute(statement.order_by(col(Source.slug)).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(
        [_source_public(row[0], row[1]) for row in rows], [rows[-1][0].slug] if more else None
    )


def get_source(session: Session, slug: str) -> tuple[int, SourcePublic] | None:
    row = session.execute(_source_select().where(col(Source.slug) == slug)).first()
    if row is None or row[0].id is None:
        return None
    return row[0].id, _source_public(row[0], row[1])


def source_version(session: Session, source_id: int) -> int:
    return int(
        session.execute(select(col(Source.version)).where(col(Source.id) == source_id)).scalar_one()
    )


def get_source_text(session: Session, source_id: int) -> str | None:
    return session.execute(
        select(col(SourceText.text)).where(col(SourceText.source_id) == source_id)
    ).scalar_one_or_none()


__all__ = [
    "Page",
    "entity_public",
    "find_entity",
    "get_claim",
    "get_source",
    "get_source_text",
    "list_entities",
    "list_sources",
    "suggest_entities",
    "suggest_sources",
]


def store_is_empty(session: Session) -> bool:
    """True for a store with no claims yet (one indexed probe, not a count)."""
    return session.execute(select(col(Claim.id)).limit(1)).first() is None
