"""The hot reads: claim pages and single claims, straight from the stored documents.

A list request resolves its names to ids, runs one statement from `api.claim_sql` and
joins the stored JSON of the page's claims into the answer; nothing is validated or
serialised object by object, because every document was rendered from `ClaimPublic`
when it was written (`api.documents`).

On SQLite a page is a few hundred microseconds of work in this process, less than a hop
to the thread pool costs, so `run` does it on the event loop; requests that read the
whole filtered set (facets, exact counts, ranking) and every PostgreSQL read, which
waits on the network, go to the thread pool, so one slow request does not hold up the
others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import pydantic_core
from fastapi import Request
from fastapi.concurrency import run_in_threadpool

from api import claim_sql, queries, search
from api.claim_sql import ClaimFilters, ClaimSort, Sql
from api.conditional import etag_of
from api.db import Reader, Store
from api.errors import invalid_parameter, not_found, unknown_reference
from api.paging import decode_cursor, next_link
from api.params import ClaimFilterParams
from models.base import date_bounds, normalize_name

T = TypeVar("T")

_KEY_KINDS: dict[ClaimSort | None, tuple[type, ...]] = {
    None: (int,),
    ClaimSort.claimed_on: (int, int),
    ClaimSort.claimed_on_desc: (int, int),
    ClaimSort.relevance: (float, int),
}


async def run(store: Store, work: Callable[..., T], *args: Any, whole_set: bool = False) -> T:
    """Run a read where it costs least: inline for bounded SQLite work, else in a thread."""
    if whole_set or store.reads_block:
        return await run_in_threadpool(work, *args)
    return work(*args)


def reads_whole_set(params: ClaimFilterParams) -> bool:
    """Whether the request reads every match, not one page's worth: facets, an exact
    count, and ranking (which scores every match to find the best)."""
    return bool(params.facet) or params.count == "exact" or params.sort is ClaimSort.relevance


@dataclass(frozen=True)
class Scope:
    """The resource a claim list hangs under: `/entities/{slug}/claims` or a source's."""

    kind: Literal["entity", "source"]
    slug: str


# --- names to ids ----------------------------------------------------------------------


def _sql(store: Store, text: str, **params: Any) -> Sql:
    return Sql(claim_sql.for_driver(store.dialect, text), params)


def _entity_id(reader: Reader, store: Store, name: str) -> int | None:
    row = reader.first(
        _sql(
            store,
            "SELECT entity_id FROM entity_name WHERE folded = :folded",
            folded=normalize_name(name),
        )
    )
    return int(row[0]) if row else None


def _source_ids(reader: Reader, store: Store, name: str) -> list[int]:
    """The sources `name` means: a source's slug, name or title, else a publisher's."""
    lowered = name.strip().lower()
    rows = reader.rows(
        _sql(
            store,
            "SELECT id FROM source WHERE slug = :name OR lower(name) = :name "
            "OR lower(title) = :name",
            name=lowered,
        )
    )
    if not rows:
        publisher = _entity_id(reader, store, name)
        if publisher is None:
            return []
        rows = reader.rows(
            _sql(store, "SELECT id FROM source WHERE publisher_id = :id", id=publisher)
        )
    return sorted(int(row[0]) for row in rows)


def _suggest_entities(store: Store, name: str) -> list[str]:
    # Only on the way to a 404, so the comfortable ORM path is fine.
    with store.session() as session:
        return queries.suggest_entities(session, name)


def _suggest_sources(store: Store, name: str) -> list[str]:
    with store.session() as session:
        return queries.suggest_sources(session, name)


def resolve(
    reader: Reader,
    store: Store,
    params: ClaimFilterParams,
    *,
    entity: str | None = None,
    scope: Scope | None = None,
) -> ClaimFilters:
    """Names to ids; a name that matches nothing is a 404 naming the parameter."""
    entity_id: int | None = None
    source_ids: list[int] | None = None
    if scope is not None and scope.kind == "entity":
        entity_id = _entity_id(reader, store, scope.slug)
        if entity_id is None:
            raise not_found("entity", scope.slug, _suggest_entities(store, scope.slug))
    if scope is not None and scope.kind == "source":
        row = reader.first(_sql(store, "SELECT id FROM source WHERE slug = :slug", slug=scope.slug))
        if row is None:
            raise not_found("source", scope.slug, _suggest_sources(store, scope.slug))
        source_ids = [int(row[0])]
    if entity is not None:
        entity_id = _entity_id(reader, store, entity)
        if entity_id is None:
            raise unknown_reference("entity", "entity", entity, _suggest_entities(store, entity))
    claimant_id = None
    if params.claimant is not None:
        claimant_id = _entity_id(reader, store, params.claimant)
        if claimant_id is None:
            raise unknown_reference(
                "claimant", "entity", params.claimant, _suggest_entities(store, params.claimant)
            )
    if params.source is not None:
        found = _source_ids(reader, store, params.source)
        if not found:
            raise unknown_reference(
                "source", "source", params.source, _suggest_sources(store, params.source)
            )
        source_ids = found if source_ids is None else sorted(set(found) & set(source_ids))
    check(params, has_entity=entity_id is not None)
    return ClaimFilters(
        entity_id=entity_id,
        role=params.role,
        claimant_id=claimant_id,
        source_ids=tuple(source_ids) if source_ids is not None else None,
        status=params.status.value if params.status else None,
        words=params.q,
        since=date_bounds(params.since)[0] if params.since else None,
        until=date_bounds(params.until)[1] if params.until else None,
        include_retracted=params.include == "retracted",
    )


def check(params: ClaimFilterParams, *, has_entity: bool) -> None:
    """Combinations of parameters that mean nothing, each a 422 naming the culprit."""
    if params.role is not None and not has_entity:
        raise invalid_parameter("role", "needs `entity` to say whose role it is")
    if params.q is not None and not search.words_of(params.q):
        raise invalid_parameter("q", "has no words to search for")
    if params.sort is ClaimSort.relevance and params.q is None:
        raise invalid_parameter("sort", "relevance needs `q` to rank against")
    for name in ("since", "until"):
        value = getattr(params, name)
        if value is not None:
            try:
                date_bounds(value)
            except ValueError as exc:
                raise invalid_parameter(name, str(exc)) from None


# --- claim lists ---------------------------------------------------------------------


def claims_page(
    store: Store,
    request: Request,
    public_url: str | None,
    params: ClaimFilterParams,
    entity: str | None,
    scope: Scope | None,
) -> tuple[bytes, dict[str, str]]:
    """The JSON of one page (a `ClaimPage`) and its headers."""
    sort_scope = params.sort.value if params.sort else ""
    after = decode_cursor(params.cursor, _KEY_KINDS[params.sort], sort_scope)
    dialect = store.dialect
    with store.reader() as reader:
        filters = resolve(reader, store, params, entity=entity, scope=scope)
        statement, n_keys = claim_sql.page(
            filters, dialect=dialect, limit=params.limit, sort=params.sort, after=after
        )
        rows = reader.rows(statement)
        count = None
        if params.count == "exact":
            count = reader.first(claim_sql.count(filters, dialect=dialect))
        facets = {
            facet.value: [
                {"value": value, "label": label, "count": n}
                for value, label, n in reader.rows(claim_sql.facet(filters, facet, dialect=dialect))
            ]
            for facet in dict.fromkeys(params.facet)
        }
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    headers: dict[str, str] = {}
    last = list(rows[-1][:n_keys]) if more and rows else None
    link = next_link(request, headers, last, public_url, sort_scope)
    # The page as ClaimPage serialises it (fields in order, unset extras left out).
    parts = ['{"items":[', ",".join(row[n_keys] for row in rows), '],"next":', _json(link)]
    if count is not None:
        parts += [',"count":', str(int(count[0]))]
    if params.facet:
        parts += [',"facets":', _json(facets)]
    parts.append("}")
    return "".join(parts).encode(), headers


def _json(value: Any) -> str:
    return pydantic_core.to_json(value).decode()


# --- one claim -----------------------------------------------------------------------

_CLAIM = (
    "SELECT claim.version, claim.retracted_at IS NOT NULL, doc.body FROM claim "
    "JOIN claim_document doc ON doc.claim_id = claim.id WHERE claim.public_id = :id"
)


@dataclass(frozen=True)
class StoredClaim:
    body: str
    version: int
    retracted: bool

    @property
    def etag(self) -> str:
        return etag_of(self.body, self.version)


def stored_claim(store: Store, claim_id: str) -> StoredClaim | None:
    with store.reader() as reader:
        row = reader.first(_sql(store, _CLAIM, id=claim_id))
    if row is None:
        return None
    return StoredClaim(body=row[2], version=int(row[0]), retracted=bool(row[1]))
