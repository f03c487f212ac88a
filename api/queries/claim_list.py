"""The claims list as SQL: one filter set in, one indexed statement out.

Every list of claims (a page, its exact count, its facets) starts from the same
*matching set*, read through the one index that serves the filters best:

- words (`q`): the full-text index in claim order; by rank, the ranked postings of
  their one term (`claim_term (term, rank, claim_id)`), best first (the ranking of
  several terms is `api.queries.ranking`'s);
- an entity: `claim_entity (entity_id, [role,] claim_id)` in claim order, or
  `claim_entity (entity_id, claimed_key, claim_id)` in date order;
- sources: `attribution_hop (source_id, claim_id)`;
- otherwise the claim table, through its primary key or `(claimed_key, id)` for dates.

The other filters are conditions checked on the rows that index yields. A page walks the
index from the cursor and stops after `limit + 1` matches, then looks up the page's
stored documents (`claim_document`): its cost follows the page, not the store.

Statements are plain SQL text with named parameters, built once per *shape* of request
(which filters are present, the sort, whether there is a cursor) and cached, so the
driver's prepared-statement cache sees the same few texts over and over.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from api.store import query_syntax, search
from api.store.columns import DAY, RANK, ROW_ID, KeyKind
from api.store.reader import Sql, for_driver
from models.base import ClaimSort, Facet, Role

# The kinds of a cursor's sort key in each order (the claim id always last).
KEY_KINDS: dict[ClaimSort | None, tuple[KeyKind, ...]] = {
    None: (ROW_ID,),
    ClaimSort.claimed_on: (DAY, ROW_ID),
    ClaimSort.claimed_on_desc: (DAY, ROW_ID),
    ClaimSort.event_date: (DAY, ROW_ID),
    ClaimSort.event_date_desc: (DAY, ROW_ID),
    ClaimSort.relevance: (RANK, ROW_ID),
}


@dataclass(frozen=True)
class _DateOrder:
    """How a date order walks: the claim's key column, the copy on entity links (if any),
    and the direction. Oldest first walks each date's last day, newest first its first
    (`models.base.date_keys`)."""

    key: str
    link_key: str | None
    descending: bool
    window: str  # the filters whose bounds narrow the walk: claimed or event


_DATE_ORDERS = {
    ClaimSort.claimed_on: _DateOrder("claimed_end_key", "claimed_end_key", False, "claimed"),
    ClaimSort.claimed_on_desc: _DateOrder("claimed_key", "claimed_key", True, "claimed"),
    ClaimSort.event_date: _DateOrder("event_end_key", None, False, "event"),
    ClaimSort.event_date_desc: _DateOrder("event_key", None, True, "event"),
}


@dataclass(frozen=True)
class ClaimFilters:
    """Parsed /claims parameters, names already turned into ids; None means no filter."""

    entity_id: int | None = None
    role: Role | None = None
    claimant_id: int | None = None
    claimant_kind: str | None = None
    source_ids: tuple[int, ...] | None = None
    status: str | None = None
    words: str | None = None
    since: date | None = None
    until: date | None = None
    event_since: date | None = None
    event_until: date | None = None
    quantity_unit: str | None = None
    quantity_min: float | None = None
    quantity_max: float | None = None
    updated_since: datetime | None = None
    include_retracted: bool = False
    cluster_anchor: int | None = None


@dataclass(frozen=True)
class _Shape:
    """What decides a statement's text; the values go in as parameters."""

    dialect: str
    entity: bool
    role: bool
    claimant: bool
    claimant_kind: bool
    sources: bool
    status: bool
    words: bool
    since: bool
    until: bool
    event_since: bool
    event_until: bool
    quantity_unit: bool
    quantity_min: bool
    quantity_max: bool
    updated_since: bool
    retracted: bool
    sort: ClaimSort | None
    one_term: bool = False  # `q` is one term: its postings are its matches
    cluster: bool = False


@dataclass(frozen=True)
class _Matching:
    """The matching set: where its rows come from, what they must meet, their sort keys."""

    source: str  # FROM clause, joins included
    where: tuple[str, ...]
    keys: tuple[str, ...]  # sort key expressions, the claim id last
    descending: bool
    grouped: bool  # GROUP BY the keys: a claim reached through several link rows, once

    def body(self, *more: str) -> str:
        group = f" GROUP BY {', '.join(self.keys)}" if self.grouped else ""
        return f"FROM {self.source}{_where([*self.where, *more])}{group}"


def _shape(filters: ClaimFilters, sort: ClaimSort | None, dialect: str) -> _Shape:
    query = query_syntax.parsed(filters.words)
    return _Shape(
        dialect=dialect,
        entity=filters.entity_id is not None,
        role=filters.role is not None,
        claimant=filters.claimant_id is not None,
        claimant_kind=filters.claimant_kind is not None,
        sources=filters.source_ids is not None,
        status=filters.status is not None,
        words=query is not None,
        since=filters.since is not None,
        until=filters.until is not None,
        event_since=filters.event_since is not None,
        event_until=filters.event_until is not None,
        quantity_unit=filters.quantity_unit is not None,
        quantity_min=filters.quantity_min is not None,
        quantity_max=filters.quantity_max is not None,
        updated_since=filters.updated_since is not None,
        retracted=filters.include_retracted,
        sort=sort,
        one_term=query is not None and query.is_one_term(),
        cluster=filters.cluster_anchor is not None,
    )


def _params(filters: ClaimFilters, dialect: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if filters.entity_id is not None:
        params["entity_id"] = filters.entity_id
    if filters.role is not None:
        params["role"] = filters.role.value
    if filters.claimant_id is not None:
        params["claimant_id"] = filters.claimant_id
    if filters.claimant_kind is not None:
        params["claimant_kind"] = filters.claimant_kind
    if filters.source_ids is not None:
        ids = list(filters.source_ids)
        # SQLite takes the list as one JSON array (one statement text for any length).
        params["source_ids"] = json.dumps(ids) if dialect == "sqlite" else ids
    if filters.status is not None:
        params["status"] = filters.status
    query = query_syntax.parsed(filters.words)
    if query is not None:
        params["fts"] = query.text(dialect)
        params["rank_term"] = query.scoring_terms()[0]
    # Dates are ISO text in SQLite's columns and DATE in PostgreSQL's.
    for name in ("since", "until", "event_since", "event_until"):
        day: date | None = getattr(filters, name)
        if day is not None:
            params[name] = day.isoformat() if dialect == "sqlite" else day
            params[f"{name}_key"] = day.toordinal()
    for name in ("quantity_unit", "quantity_min", "quantity_max"):
        if getattr(filters, name) is not None:
            params[name] = getattr(filters, name)
    if filters.updated_since is not None:
        params["updated_since"] = moment_param(filters.updated_since, dialect)
    if filters.cluster_anchor is not None:
        params["cluster_anchor"] = filters.cluster_anchor
    return params


def moment_param(moment: datetime, dialect: str) -> datetime | str:
    """A timestamp as a driver-level parameter compares with a `UTCDateTime` column: UTC
    text in SQLAlchemy's layout on SQLite, an aware datetime on PostgreSQL."""
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%d %H:%M:%S.%f") if dialect == "sqlite" else utc


def _in_sources(shape: _Shape, column: str) -> str:
    if shape.dialect == "sqlite":
        return f"{column} IN (SELECT value FROM json_each(:source_ids))"
    return f"{column} = ANY(:source_ids)"


# Retracted claims are few: the set of their ids is read once per statement (through a
# partial index) and each candidate is checked against it in memory, rather than every
# candidate's claim row being read just to see that it is not retracted.
_LIVE = "{id} NOT IN (SELECT id FROM claim WHERE retracted_at IS NOT NULL)"
# Claims changed since a moment: a range of `ix_claim_updated_at_id` (which holds the
# ids), so a sync that asks for the few recent changes never reads the others.
_UPDATED = "{id} IN (SELECT id FROM claim WHERE updated_at >= :updated_since)"
# A cluster's claims: the few rows of `ix_claim_cluster_anchor_id` that name its anchor.
_CLUSTER = "{id} IN (SELECT claim_id FROM claim_cluster WHERE anchor_id = :cluster_anchor)"


def _conditions(shape: _Shape, driven_by: str, claim_id: str) -> tuple[list[str], bool]:
    """Every filter but the one the driving index applies, on the claim whose id is
    `claim_id`; and whether any of them needs the claim's own row."""
    where = [] if shape.retracted else [_LIVE.format(id=claim_id)]
    needs_row = False
    if shape.updated_since:
        where.append(_UPDATED.format(id=claim_id))
    if shape.cluster:
        where.append(_CLUSTER.format(id=claim_id))
    if shape.entity and driven_by != "entity":
        role = " AND ce.role = :role" if shape.role else ""
        where.append(_linked("claim_entity ce", claim_id, f"ce.entity_id = :entity_id{role}"))
    if shape.claimant:
        where.append("claim.claimant_id = :claimant_id")
        needs_row = True
    if shape.claimant_kind:
        # The entities of a kind, read once through `ix_entity_kind`.
        where.append("claim.claimant_id IN (SELECT id FROM entity WHERE kind = :claimant_kind)")
        needs_row = True
    if shape.sources and driven_by != "sources":
        where.append(_linked("attribution_hop ah", claim_id, _in_sources(shape, "ah.source_id")))
    if shape.status:
        where.append("claim.status = :status")
        needs_row = True
    if shape.words and driven_by not in ("words", "ranked"):
        condition, on_row = search.condition(shape.dialect, claim_id)
        where.append(condition)
        needs_row |= on_row
    if shape.words and driven_by == "ranked" and not shape.one_term:
        # The walk visits few claims past the page: each is checked on its own.
        condition, on_row = search.row_condition(shape.dialect, claim_id)
        where.append(condition)
        needs_row |= on_row
    # A claim dated 2022-06 is "since 2022-06-01" and "until 2022-06-30": it must fall
    # wholly inside the window, at whatever precision it is known. The same for events.
    for flag, condition in (
        (shape.since, "claim.claimed_from >= :since"),
        (shape.until, "claim.claimed_to <= :until"),
        (shape.event_since, "claim.event_from >= :event_since"),
        (shape.event_until, "claim.event_to <= :event_until"),
        (shape.quantity_unit, "claim.quantity_unit = :quantity_unit"),
    ):
        if flag:
            where.append(condition)
            needs_row = True
    if shape.quantity_min or shape.quantity_max:
        # The claim's range (an open end unbounded) meets the range asked for.
        where.append("(claim.quantity_low IS NOT NULL OR claim.quantity_high IS NOT NULL)")
        if shape.quantity_min:
            where.append("(claim.quantity_high IS NULL OR claim.quantity_high >= :quantity_min)")
        if shape.quantity_max:
            where.append("(claim.quantity_low IS NULL OR claim.quantity_low <= :quantity_max)")
        needs_row = True
    order = _DATE_ORDERS.get(shape.sort) if shape.sort else None
    if driven_by == "none" and order is not None:
        # The window again, as a range of the date key the page is walked in (a key
        # between the window's day numbers: necessary, and exact at one end), so the
        # walk starts and stops at its edges.
        low, high = (
            ("since", "until") if order.window == "claimed" else ("event_since", "event_until")
        )
        if getattr(shape, low):
            where.append(f"claim.{order.key} >= :{low}_key")
        if getattr(shape, high):
            where.append(f"claim.{order.key} <= :{high}_key")
    return where, needs_row


def _linked(table: str, claim_id: str, condition: str) -> str:
    """The claim has a row in this link table (`name alias`) meeting `condition`."""
    alias = table.split()[-1]
    return f"EXISTS (SELECT 1 FROM {table} WHERE {alias}.claim_id = {claim_id} AND {condition})"


def _where(conditions: list[str]) -> str:
    return " WHERE " + " AND ".join(conditions) if conditions else ""


def _matching(shape: _Shape) -> _Matching:
    """Choose the driving index: the one that is selective and also yields the order."""
    sort = shape.sort
    if sort is ClaimSort.relevance:
        # One term's ranked postings, best first (a query of several terms is ranked by
        # `api.queries.ranking`, which calls `candidates`).
        conditions, needs_row = _conditions(shape, "ranked", "drv.claim_id")
        source = search.RANKED_SOURCE
        if needs_row:
            source += " JOIN claim ON claim.id = drv.claim_id"
        where = (search.RANKED_WHERE, *conditions)
        return _Matching(source, where, search.RANKED_KEYS, False, False)
    if shape.words and sort is None:
        source, claim_id, has_row = search.driving(shape.dialect)
        conditions, needs_row = _conditions(shape, "words", claim_id)
        if needs_row and not has_row:
            source += f" JOIN claim ON claim.id = {claim_id}"
        conditions.append(search.match_condition(shape.dialect))
        return _Matching(source, tuple(conditions), (claim_id,), False, False)
    order = _DATE_ORDERS.get(sort) if sort else None
    if shape.entity and (sort is None or (order is not None and order.link_key)):
        # claim_entity carries each claim's date keys, so every claimed-date order walks
        # one index. Grouping on the whole key folds an entity's several roles in one claim.
        role = " AND drv.role = :role" if shape.role else ""
        conditions, needs_row = _conditions(shape, "entity", "drv.claim_id")
        keys: tuple[str, ...] = (
            (f"drv.{order.link_key}", "drv.claim_id")
            if order and order.link_key
            else ("drv.claim_id",)
        )
        join = " JOIN claim ON claim.id = drv.claim_id" if needs_row else ""
        where = ("drv.entity_id = :entity_id" + role, *conditions)
        descending = order.descending if order else False
        return _Matching(f"claim_entity drv{join}", where, keys, descending, True)
    if sort is None and shape.sources:
        conditions, needs_row = _conditions(shape, "sources", "drv.claim_id")
        join = " JOIN claim ON claim.id = drv.claim_id" if needs_row else ""
        where = (_in_sources(shape, "drv.source_id"), *conditions)
        return _Matching(f"attribution_hop drv{join}", where, ("drv.claim_id",), False, True)
    keys = (f"claim.{order.key}", "claim.id") if order else ("claim.id",)
    conditions, _ = _conditions(shape, "none", "claim.id")
    descending = order.descending if order else False
    return _Matching("claim", tuple(conditions), keys, descending, False)


def _after(keys: tuple[str, ...], descending: bool) -> str:
    """Keyset condition: rows strictly past the cursor (:a0, :a1, ...) in key order.

    Several keys compare as one row value, which both engines turn into a range on the
    index (an OR of its parts would make them scan from the start of the walk).
    """
    past = "<" if descending else ">"
    if len(keys) == 1:
        return f"{keys[0]} {past} :a0"
    cursor = ", ".join(f":a{n}" for n in range(len(keys)))
    return f"({', '.join(keys)}) {past} ({cursor})"


@lru_cache(maxsize=512)
def _page_text(shape: _Shape, after: bool) -> tuple[str, int]:
    match = _matching(shape)
    # The cursor's condition is on the sort keys, which for grouped sets are the group
    # keys too: a WHERE on the index columns either way.
    body = match.body(_after(match.keys, match.descending)) if after else match.body()
    direction = " DESC" if match.descending else ""
    named = ", ".join(f"{key} AS k{n}" for n, key in enumerate(match.keys))
    inner_order = ", ".join(f"{key}{direction}" for key in match.keys)
    outer_keys = ", ".join(f"page.k{n}" for n in range(len(match.keys)))
    outer_order = ", ".join(f"page.k{n}{direction}" for n in range(len(match.keys)))
    last = f"page.k{len(match.keys) - 1}"
    text = (
        f"WITH page AS (SELECT {named} {body} ORDER BY {inner_order} LIMIT :limit) "
        f"SELECT {outer_keys}, doc.body FROM page "
        f"JOIN claim_document doc ON doc.claim_id = {last} ORDER BY {outer_order}"
    )
    return for_driver(shape.dialect, text), len(match.keys)


def page(
    filters: ClaimFilters,
    *,
    dialect: str,
    limit: int,
    sort: ClaimSort | None = None,
    after: list[Any] | None = None,
) -> tuple[Sql, int]:
    """One page plus one row (to tell whether more follow): rows of (keys..., body).

    In relevance order this serves a `q` whose words come down to one term (`ranks_alone`):
    the walk down that term's postings is the ranking. Returns the statement and how
    many sort keys lead each row.
    """
    shape = _shape(filters, sort, dialect)
    text, n_keys = _page_text(shape, after is not None)
    params = _params(filters, dialect) | {"limit": limit + 1}
    if after is not None:
        params |= {f"a{n}": value for n, value in enumerate(after)}
    return Sql(text, params), n_keys


def ranks_alone(filters: ClaimFilters) -> bool:
    """Whether `page` ranks these words by itself: they come down to one term (any
    phrase, exclusion or alternative only narrows the matches that term's postings
    hold). Several terms are ranked by `api.queries.ranking`."""
    query = query_syntax.parsed(filters.words)
    return query is not None and len(query.scoring_terms()) == 1


def in_ids(dialect: str, column: str) -> str:
    """`column` is one of the ids of the `:ids` parameter (`ids_param`)."""
    if dialect == "sqlite":
        return f"{column} IN (SELECT value FROM json_each(:ids))"
    return f"{column} = ANY(:ids)"


def ids_param(ids: list[int], dialect: str) -> str | list[int]:
    return json.dumps(ids) if dialect == "sqlite" else ids


def documents(ids: list[int], *, dialect: str) -> Sql:
    """(claim id, stored JSON) of these claims."""
    text = f"SELECT claim_id, body FROM claim_document doc WHERE {in_ids(dialect, 'claim_id')}"
    return Sql(for_driver(dialect, text), {"ids": ids_param(ids, dialect)})


@lru_cache(maxsize=256)
def _candidates_text(shape: _Shape) -> str:
    conditions, _ = _conditions(shape, "ranked", "claim.id")
    where = _where([in_ids(shape.dialect, "claim.id"), *conditions])
    return for_driver(shape.dialect, f"SELECT claim.id, claim.search_text FROM claim{where}")


def candidates(filters: ClaimFilters, ids: list[int], *, dialect: str) -> Sql:
    """Of these claims, those every filter but the words matches, with their indexed text
    (id, search_text): how `api.queries.ranking` checks what the postings turn up (it
    checks the words on the text, `SearchQuery.matches`)."""
    shape = replace(_shape(filters, ClaimSort.relevance, dialect), words=False, one_term=False)
    params = _params(filters, dialect) | {"ids": ids_param(ids, dialect)}
    return Sql(_candidates_text(shape), params)


@lru_cache(maxsize=256)
def _matches_text(shape: _Shape) -> str:
    match = _matching(shape)
    text = "claim_fts.search_text" if shape.dialect == "sqlite" else "claim.search_text"
    return for_driver(shape.dialect, f"SELECT {match.keys[-1]}, {text} {match.body()}")


def matches(filters: ClaimFilters, *, dialect: str) -> Sql:
    """Every claim the filters and words match, with its indexed text (id, search_text),
    through the full-text index: the ranking of a query whose matches are few."""
    shape = _shape(filters, None, dialect)
    return Sql(_matches_text(shape), _params(filters, dialect))


@lru_cache(maxsize=256)
def _ids_text(shape: _Shape) -> str:
    match = _matching(shape)
    return f"SELECT {match.keys[-1]} AS id {match.body()}"


@lru_cache(maxsize=256)
def _count_text(shape: _Shape) -> str:
    return for_driver(shape.dialect, f"SELECT count(*) FROM ({_ids_text(shape)}) m")


def count(filters: ClaimFilters, *, dialect: str) -> Sql:
    """The exact size of the filtered set (it reads every match)."""
    shape = _shape(filters, None, dialect)
    return Sql(_count_text(shape), _params(filters, dialect))


# The matching set comes first (CROSS JOIN fixes SQLite's join order; PostgreSQL plans
# freely), so a facet reads the filtered claims, not every claim that has a value.
_FACETS = {
    Facet.status: (
        "SELECT claim.status AS value, NULL AS label, count(*) AS n "
        "FROM ({ids}) m CROSS JOIN claim WHERE claim.id = m.id GROUP BY claim.status"
    ),
    Facet.claimant: (
        "SELECT e.slug AS value, e.name AS label, count(*) AS n "
        "FROM ({ids}) m CROSS JOIN claim CROSS JOIN entity e "
        "WHERE claim.id = m.id AND e.id = claim.claimant_id GROUP BY e.id, e.slug, e.name"
    ),
    Facet.entity: (
        "SELECT e.slug AS value, e.name AS label, count(DISTINCT ce.claim_id) AS n "
        "FROM ({ids}) m CROSS JOIN claim_entity ce CROSS JOIN entity e "
        "WHERE ce.claim_id = m.id AND e.id = ce.entity_id GROUP BY e.id, e.slug, e.name"
    ),
    Facet.source: (
        "SELECT s.slug AS value, s.name AS label, count(DISTINCT ah.claim_id) AS n "
        "FROM ({ids}) m CROSS JOIN attribution_hop ah CROSS JOIN source s "
        "WHERE ah.claim_id = m.id AND s.id = ah.source_id GROUP BY s.id, s.slug, s.name"
    ),
}


@lru_cache(maxsize=256)
def _facet_text(shape: _Shape, facet: Facet) -> str:
    grouped = _FACETS[facet].format(ids=_ids_text(shape))
    # `values` counts every distinct value, so an answer can say how many it left out.
    text = (
        f'SELECT value, label, n, count(*) OVER () AS "values" FROM ({grouped}) g '
        "ORDER BY n DESC, value LIMIT :facet_size"
    )
    return for_driver(shape.dialect, text)


def facet(filters: ClaimFilters, which: Facet, *, dialect: str, size: int) -> Sql:
    """(value, label, count, distinct values in all) of the filtered set's `size`
    commonest values, most common first."""
    shape = _shape(filters, None, dialect)
    return Sql(_facet_text(shape, which), _params(filters, dialect) | {"facet_size": size})
