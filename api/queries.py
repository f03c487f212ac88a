"""Every read query of the service. Nothing here commits.

List queries use keyset pagination (`after` is the last row's sort key), so a page deep
in a walk costs what the first page costs; a page of claims takes three statements
whatever its size: the page itself, then the entities and the hops of all its claims.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    Row,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from api import search
from models import (
    AttributionHop,
    Claim,
    ClaimEntity,
    ClaimPublic,
    Entity,
    EntityName,
    EntityPublic,
    EntityRef,
    Source,
    SourcePublic,
    SourceText,
)
from models.base import EntityKind, Role, SourceKind, date_precision, normalize_name

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
    include_retracted: bool = False


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


class ClaimSort(StrEnum):
    """Orders a list of claims can come in; the default is the order sources make them."""

    claimed_on = "claimed_on"
    claimed_on_desc = "-claimed_on"
    relevance = "relevance"


def _conditions(filters: ClaimFilters, dialect: str, *, driven_by: str | None = None) -> list[Any]:
    """The filters as conditions on `claim`, leaving out the one the driving query covers."""
    where: list[Any] = []
    if not filters.include_retracted:
        where.append(col(Claim.retracted_at).is_(None))
    if filters.entity_id is not None and driven_by != "entity":
        link = [
            col(ClaimEntity.claim_id) == col(Claim.id),
            col(ClaimEntity.entity_id) == filters.entity_id,
        ]
        if filters.role is not None:
            link.append(col(ClaimEntity.role) == filters.role.value)
        where.append(exists().where(*link))
    if filters.claimant_id is not None:
        where.append(col(Claim.claimant_id) == filters.claimant_id)
    if filters.source_ids is not None and driven_by != "source":
        where.append(
            exists().where(
                col(AttributionHop.claim_id) == col(Claim.id),
                col(AttributionHop.source_id).in_(list(filters.source_ids)),
            )
        )
    if filters.status is not None:
        where.append(col(Claim.status) == filters.status)
    words = search.words_of(filters.words)
    if words and driven_by != "words":
        where.append(search.match(dialect, words).condition)
    # A claim dated 2022-06 is "since 2022-06-01" and "until 2022-06-30": it must fall
    # wholly inside the window, at whatever precision it is known.
    if filters.since is not None:
        where.append(col(Claim.claimed_from) >= filters.since)
    if filters.until is not None:
        where.append(col(Claim.claimed_to) <= filters.until)
    return where


def _after(keys: Sequence[Any], after: Sequence[Any] | None, descending: bool = False) -> Any:
    """Keyset condition: rows strictly past `after` in the order of `keys`."""
    if after is None:
        return true()
    later = [(k < v) if descending else (k > v) for k, v in zip(keys, after, strict=True)]
    condition = later[-1]
    for key, value, step in reversed(list(zip(keys[:-1], after[:-1], later[:-1], strict=True))):
        condition = or_(step, and_(key == value, condition))
    return condition


# Aliases built once: building them per request costs more than the query they drive.
_DRIVER_LINK = aliased(ClaimEntity, name="driver")
_DRIVER_HOP = aliased(AttributionHop, name="driver")


def _driven(
    session: Session, filters: ClaimFilters, sort: ClaimSort | None
) -> tuple[Any, list[Any], bool]:
    """The filtered set as (select of its sort keys, the keys, descending?).

    The select is driven by the most selective index that can also deliver the order, so
    a page reads rows in proportion to its size, not to the store's.
    """
    dialect = session.get_bind().dialect.name
    words = search.words_of(filters.words)
    if sort is ClaimSort.relevance or (words and sort is None):
        matches = search.match(dialect, words).ids
        keys = [matches.c.rank, matches.c.id] if sort is ClaimSort.relevance else [matches.c.id]
        statement = (
            select(*keys)
            .select_from(matches)
            .join(Claim, col(Claim.id) == matches.c.id)
            .where(*_conditions(filters, dialect, driven_by="words"))
        )
        return statement, keys, False
    if sort is None and filters.entity_id is not None:
        link = _DRIVER_LINK
        keys = [col(link.claim_id)]
        statement = (
            select(*keys)
            .join(Claim, col(Claim.id) == col(link.claim_id))
            .where(col(link.entity_id) == filters.entity_id)
            .where(*_conditions(filters, dialect, driven_by="entity"))
            .group_by(col(link.claim_id))
        )
        if filters.role is not None:
            statement = statement.where(col(link.role) == filters.role.value)
        return statement, keys, False
    if sort is None and filters.source_ids is not None:
        hop = _DRIVER_HOP
        keys = [col(hop.claim_id)]
        statement = (
            select(*keys)
            .join(Claim, col(Claim.id) == col(hop.claim_id))
            .where(col(hop.source_id).in_(list(filters.source_ids)))
            .where(*_conditions(filters, dialect, driven_by="source"))
            .group_by(col(hop.claim_id))
        )
        return statement, keys, False
    keys = [col(Claim.id)]
    if sort in (ClaimSort.claimed_on, ClaimSort.claimed_on_desc):
        keys = [col(Claim.claimed_key), col(Claim.id)]
    statement = select(*keys).where(*_conditions(filters, dialect))
    return statement, keys, sort is ClaimSort.claimed_on_desc


def _page_keys(
    session: Session,
    filters: ClaimFilters,
    sort: ClaimSort | None,
    after: Sequence[Any] | None,
    limit: int,
) -> list[tuple[Any, ...]]:
    """Sort keys (ending with the claim id) of one page, plus one to tell if more follow."""
    statement, keys, descending = _driven(session, filters, sort)
    if after is not None:
        condition = _after(keys, after, descending)
        statement = (
            statement.having(condition)
            if statement._group_by_clauses
            else statement.where(condition)
        )
    order = [key.desc() for key in keys] if descending else keys
    return [tuple(row) for row in session.execute(statement.order_by(*order).limit(limit + 1))]


def _matching_ids(session: Session, filters: ClaimFilters) -> Any:
    """The filtered set's claim ids as a subquery, driven like its pages."""
    statement, _keys, _descending = _driven(session, filters, None)
    return statement


def list_claims(
    session: Session,
    filters: ClaimFilters,
    *,
    limit: int,
    after: Sequence[Any] | None = None,
    sort: ClaimSort | None = None,
) -> Page[dict[str, Any]]:
    """One page of claims, as plain data in the ClaimPublic shape (validated by the
    caller in one pass); `next_after` is the last row's sort key when more follow."""
    keys = _page_keys(session, filters, sort, after, limit)
    more = len(keys) > limit
    keys = keys[:limit]
    ids = [key[-1] for key in keys]
    items = _claims_by_id(session, ids)
    return Page(items, list(keys[-1]) if more and keys else None)


def count_claims(session: Session, filters: ClaimFilters) -> int:
    """Exact size of the filtered set (opt-in: it reads every match)."""
    matching = _matching_ids(session, filters).subquery()
    return int(session.execute(select(func.count()).select_from(matching)).scalar_one())


class Facet(StrEnum):
    """What facet counts can group the filtered claims by."""

    claimant = "claimant"
    source = "source"
    status = "status"
    entity = "entity"


FACET_SIZE = 10


def facet_counts(
    session: Session, filters: ClaimFilters, facet: Facet
) -> list[tuple[str, str | None, int]]:
    """(value, label, count) of the filtered set's commonest values for one facet."""
    matching = _matching_ids(session, filters)
    count = func.count(col(Claim.id).distinct()).label("n")
    if facet is Facet.status:
        statement: Any = (
            select(col(Claim.status).label("value"), literal(None).label("label"), count)
            .where(col(Claim.id).in_(matching))
            .group_by(col(Claim.status))
        )
    elif facet is Facet.claimant:
        statement = (
            select(col(Entity.slug).label("value"), col(Entity.name).label("label"), count)
            .join(Entity, col(Entity.id) == col(Claim.claimant_id))
            .where(col(Claim.id).in_(matching))
            .group_by(col(Entity.id), col(Entity.slug), col(Entity.name))
        )
    elif facet is Facet.entity:
        statement = (
            select(
                col(Entity.slug).label("value"),
                col(Entity.name).label("label"),
                func.count(col(ClaimEntity.claim_id).distinct()).label("n"),
            )
            .join(Entity, col(Entity.id) == col(ClaimEntity.entity_id))
            .where(col(ClaimEntity.claim_id).in_(matching))
            .group_by(col(Entity.id), col(Entity.slug), col(Entity.name))
        )
    else:
        statement = (
            select(
                col(Source.slug).label("value"),
                col(Source.name).label("label"),
                func.count(col(AttributionHop.claim_id).distinct()).label("n"),
            )
            .join(Source, col(Source.id) == col(AttributionHop.source_id))
            .where(col(AttributionHop.claim_id).in_(matching))
            .group_by(col(Source.id), col(Source.slug), col(Source.name))
        )
    ordered = statement.order_by(literal_column("n").desc(), literal_column("value"))
    return [(row.value, row.label, row.n) for row in session.execute(ordered.limit(FACET_SIZE))]


_ids: Any = bindparam("ids", expanding=True)
_hop_source = aliased(Source, name="hop_source")
_hop_entity = aliased(Entity, name="hop_entity")
# Built once: a page runs the same three statements, only the ids differ.
_FETCH = _claim_select().where(col(Claim.id).in_(_ids))
_ENTITY_LINKS = (
    select(
        col(ClaimEntity.claim_id),
        col(ClaimEntity.role),
        col(Entity.slug),
        col(Entity.name),
        col(Entity.kind),
    )
    .join(Entity, col(Entity.id) == col(ClaimEntity.entity_id))
    .where(col(ClaimEntity.claim_id).in_(_ids))
    .order_by(
        col(ClaimEntity.claim_id),
        case(
            {Role.about.value: 0, Role.claimant.value: 1, Role.mentioned.value: 2},
            value=col(ClaimEntity.role),
            else_=3,
        ),
        col(Entity.slug),
    )
)
_HOPS: Any = (
    select(
        col(AttributionHop.claim_id),
        col(AttributionHop.verb),
        col(_hop_source.slug).label("source_slug"),
        col(_hop_entity.slug).label("entity_slug"),
    )
    .outerjoin(_hop_source, col(_hop_source.id) == col(AttributionHop.source_id))
    .outerjoin(_hop_entity, col(_hop_entity.id) == col(AttributionHop.entity_id))
    .where(col(AttributionHop.claim_id).in_(_ids))
    .order_by(col(AttributionHop.claim_id), col(AttributionHop.position))
)


def get_claim(session: Session, public_id: str) -> ClaimPublic | None:
    claim_id = session.execute(
        select(col(Claim.id)).where(col(Claim.public_id) == public_id)
    ).scalar_one_or_none()
    if claim_id is None:
        return None
    return ClaimPublic.model_validate(_claims_by_id(session, [claim_id])[0])


def _claims_by_id(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    """Claims with their entities and hops, in the order of `ids`: three statements."""
    if not ids:
        return []
    connection = session.connection()
    rows = {row.id: row for row in connection.execute(_FETCH, {"ids": ids})}
    entities: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for link in connection.execute(_ENTITY_LINKS, {"ids": ids}):
        entities[link.claim_id].append(
            {"slug": link.slug, "name": link.name, "kind": link.kind, "role": link.role}
        )
    hops: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for hop in connection.execute(_HOPS, {"ids": ids}):
        hops[hop.claim_id].append(
            {"source": hop.source_slug, "entity": hop.entity_slug, "verb": hop.verb}
        )
    return [_claim_data(rows[i], entities[i], hops[i]) for i in ids]


def _claim_data(
    row: Row[Any], entities: list[dict[str, Any]], hops: list[dict[str, Any]]
) -> dict[str, Any]:
    has_quantity = row.quantity_text is not None or row.quantity_value is not None
    return {
        "id": row.public_id,
        "statement": row.statement,
        "quote": {
            "text": row.quote_text,
            "source": row.source_slug,
            "start": row.quote_start,
            "end": row.quote_end,
        },
        "claimant": {
            "slug": row.claimant_slug,
            "name": row.claimant_name,
            "kind": row.claimant_kind,
        },
        "entities": entities,
        "attribution": hops,
        "claimed_on": row.claimed_on,
        "event_date": row.event_date,
        "status": row.status,
        "speech": row.speech,
        "quantity": {
            "value": row.quantity_value,
            "unit": row.quantity_unit,
            "qualifier": row.quantity_qualifier,
            "text": row.quantity_text,
        }
        if has_quantity
        else None,
    }


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
