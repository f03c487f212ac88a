"""Every read query of the service. Nothing here commits.

List queries use keyset pagination (`after` is the last row's sort key), so a page deep
in a walk costs what the first page costs; a page of claims takes three statements
whatever its size: the page itself, then the entities and the hops of all its claims.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from sqlalchemy import Row, case, exists, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from models import (
    AttributionHop,
    Claim,
    ClaimEntity,
    ClaimEntityPublic,
    ClaimPublic,
    Entity,
    EntityName,
    EntityPublic,
    EntityRef,
    HopPublic,
    QuantityPublic,
    QuotePublic,
    Source,
    SourcePublic,
    SourceText,
)
from models.base import EntityKind, Role, SourceKind, date_precision, normalize_name

MAX_SUGGESTIONS = 3
T = TypeVar("T")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_after: str | int | None  # sort key of the last item when more follow


def words_of(text: str | None) -> list[str]:
    """The searchable words of a `q` parameter."""
    return _WORD.findall(text or "")


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
    candidates = session.execute(
        select(col(EntityName.folded), col(Entity.slug))
        .join(Entity, col(Entity.id) == col(EntityName.entity_id))
        .where(or_(*(col(EntityName.folded).contains(p, autoescape=True) for p in probes)))
        .limit(2000)
    ).all()
    by_name = {row.folded: row.slug for row in candidates}
    close = difflib.get_close_matches(folded, list(by_name), n=10, cutoff=0.5)
    return list(dict.fromkeys(by_name[c] for c in close))[:MAX_SUGGESTIONS]


def find_sources(session: Session, name: str) -> list[int]:
    """Ids of the sources `name` means: a source's slug, name or title, else a publisher."""
    lowered = name.strip().lower()
    rows = (
        session.execute(
            select(col(Source.id)).where(
                or_(
                    col(Source.slug) == lowered,
                    func.lower(Source.name) == lowered,
                    func.lower(Source.title) == lowered,
                )
            )
        )
        .scalars()
        .all()
    )
    if rows:
        return [r for r in rows if r is not None]
    publisher = find_entity(session, name)
    if publisher is None:
        return []
    published = (
        session.execute(select(col(Source.id)).where(col(Source.publisher_id) == publisher.id))
        .scalars()
        .all()
    )
    return [r for r in published if r is not None]


def suggest_sources(session: Session, name: str) -> list[str]:
    lowered = name.strip().lower()
    probes = {lowered[:3], lowered[-3:]} - {""}
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


@dataclass(frozen=True)
class ClaimFilters:
    """Parsed /claims parameters; every field narrows the result, None means no filter."""

    entity_id: int | None = None
    role: Role | None = None
    claimant_id: int | None = None
    source_ids: Sequence[int] | None = None
    status: str | None = None
    words: str | None = None
    since: date | None = None
    until: date | None = None


_claimant = aliased(Entity, name="claimant")
_quoted = aliased(Source, name="quoted")

_CLAIM_COLUMNS: tuple[Any, ...] = (
    col(Claim.id),
    col(Claim.public_id),
    col(Claim.statement),
    col(Claim.quote_text),
    col(Claim.quote_start),
    col(Claim.quote_end),
    col(Claim.claimed_on),
    col(Claim.event_date),
    col(Claim.status),
    col(Claim.speech),
    col(Claim.quantity_value),
    col(Claim.quantity_unit),
    col(Claim.quantity_qualifier),
    col(Claim.quantity_text),
    col(_claimant.slug).label("claimant_slug"),
    col(_claimant.name).label("claimant_name"),
    col(_claimant.kind).label("claimant_kind"),
    col(_quoted.slug).label("source_slug"),
)


def _claim_select() -> Any:
    return (
        select(*_CLAIM_COLUMNS)
        .join(_claimant, col(_claimant.id) == col(Claim.claimant_id))
        .join(_quoted, col(_quoted.id) == col(Claim.quote_source_id))
    )


def _conditions(filters: ClaimFilters) -> list[Any]:
    where: list[Any] = []
    if filters.entity_id is not None:
        link = [
            col(ClaimEntity.claim_id) == col(Claim.id),
            col(ClaimEntity.entity_id) == filters.entity_id,
        ]
        if filters.role is not None:
            link.append(col(ClaimEntity.role) == filters.role.value)
        where.append(exists().where(*link))
    if filters.claimant_id is not None:
        where.append(col(Claim.claimant_id) == filters.claimant_id)
    if filters.source_ids is not None:
        where.append(
            exists().where(
                col(AttributionHop.claim_id) == col(Claim.id),
                col(AttributionHop.source_id).in_(list(filters.source_ids)),
            )
        )
    if filters.status is not None:
        where.append(col(Claim.status) == filters.status)
    for word in words_of(filters.words):
        where.append(
            or_(
                col(Claim.statement).icontains(word, autoescape=True),
                col(Claim.quote_text).icontains(word, autoescape=True),
            )
        )
    # A claim dated 2022-06 is "since 2022-06-01" and "until 2022-06-30": it must fall
    # wholly inside the window, at whatever precision it is known.
    if filters.since is not None:
        where.append(col(Claim.claimed_from) >= filters.since)
    if filters.until is not None:
        where.append(col(Claim.claimed_to) <= filters.until)
    return where


def list_claims(
    session: Session, filters: ClaimFilters, *, limit: int, after: int | None = None
) -> Page[ClaimPublic]:
    statement = _claim_select().where(*_conditions(filters))
    if after is not None:
        statement = statement.where(col(Claim.id) > after)
    rows = session.execute(statement.order_by(col(Claim.id)).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(_hydrate(session, rows), rows[-1].id if more else None)


def get_claim(session: Session, public_id: str) -> ClaimPublic | None:
    row = session.execute(_claim_select().where(col(Claim.public_id) == public_id)).first()
    return _hydrate(session, [row])[0] if row is not None else None


def _hydrate(session: Session, rows: Sequence[Row[Any]]) -> list[ClaimPublic]:
    """Attach entities and hops to a page of claim rows: two statements, any page size."""
    if not rows:
        return []
    ids = [row.id for row in rows]
    entities: dict[int, list[ClaimEntityPublic]] = defaultdict(list)
    for link in session.execute(
        select(
            col(ClaimEntity.claim_id),
            col(ClaimEntity.role),
            col(Entity.slug),
            col(Entity.name),
            col(Entity.kind),
        )
        .join(Entity, col(Entity.id) == col(ClaimEntity.entity_id))
        .where(col(ClaimEntity.claim_id).in_(ids))
        .order_by(col(ClaimEntity.claim_id), _role_order(), col(Entity.slug))
    ):
        entities[link.claim_id].append(
            ClaimEntityPublic(slug=link.slug, name=link.name, kind=link.kind, role=link.role)
        )
    hop_source = aliased(Source, name="hop_source")
    hop_entity = aliased(Entity, name="hop_entity")
    hops: dict[int, list[HopPublic]] = defaultdict(list)
    for hop in session.execute(
        select(
            col(AttributionHop.claim_id),
            col(AttributionHop.verb),
            col(hop_source.slug).label("source_slug"),
            col(hop_entity.slug).label("entity_slug"),
        )
        .outerjoin(hop_source, col(hop_source.id) == col(AttributionHop.source_id))
        .outerjoin(hop_entity, col(hop_entity.id) == col(AttributionHop.entity_id))
        .where(col(AttributionHop.claim_id).in_(ids))
        .order_by(col(AttributionHop.claim_id), col(AttributionHop.position))
    ):
        hops[hop.claim_id].append(
            HopPublic(source=hop.source_slug, entity=hop.entity_slug, verb=hop.verb)
        )
    return [_claim_public(row, entities[row.id], hops[row.id]) for row in rows]


def _role_order() -> Any:
    return case(
        {Role.about.value: 0, Role.claimant.value: 1, Role.mentioned.value: 2},
        value=col(ClaimEntity.role),
        else_=3,
    )


def _claim_public(
    row: Row[Any], entities: list[ClaimEntityPublic], hops: list[HopPublic]
) -> ClaimPublic:
    has_quantity = row.quantity_text is not None or row.quantity_value is not None
    return ClaimPublic(
        id=row.public_id,
        statement=row.statement,
        quote=QuotePublic(
            text=row.quote_text, source=row.source_slug, start=row.quote_start, end=row.quote_end
        ),
        claimant=EntityRef(slug=row.claimant_slug, name=row.claimant_name, kind=row.claimant_kind),
        entities=entities,
        attribution=hops,
        claimed_on=row.claimed_on,
        event_date=row.event_date,
        status=row.status,
        speech=row.speech,
        quantity=QuantityPublic(
            value=row.quantity_value,
            unit=row.quantity_unit,
            qualifier=row.quantity_qualifier,
            text=row.quantity_text,
        )
        if has_quantity
        else None,
    )


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
    for word in words_of(words):
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
    return Page(_entities_public(session, rows), rows[-1].slug if more else None)


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
        [_source_public(row[0], row[1]) for row in rows], rows[-1][0].slug if more else None
    )


def get_source(session: Session, slug: str) -> tuple[int, SourcePublic] | None:
    row = session.execute(_source_select().where(col(Source.slug) == slug)).first()
    if row is None or row[0].id is None:
        return None
    return row[0].id, _source_public(row[0], row[1])


def get_source_text(session: Session, source_id: int) -> str | None:
    return session.execute(
        select(col(SourceText.text)).where(col(SourceText.source_id) == source_id)
    ).scalar_one_or_none()


__all__ = [
    "ClaimFilters",
    "Page",
    "entity_public",
    "find_entity",
    "find_sources",
    "get_claim",
    "get_source",
    "get_source_text",
    "list_claims",
    "list_entities",
    "list_sources",
    "suggest_entities",
    "suggest_sources",
]


def store_is_empty(session: Session) -> bool:
    """True for a store with no claims yet (one indexed probe, not a count)."""
    return session.execute(select(col(Claim.id)).limit(1)).first() is None
