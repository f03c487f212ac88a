"""The hot reads: claim pages and single claims, straight from the stored documents.

A list request resolves its names to ids (`api.queries.names`), runs one statement from
`api.queries.claim_list` and joins the stored JSON of the page's claims into the answer;
nothing is validated or serialised object by object, because every document was
rendered from `ClaimPublic` when it was written (`api.store.documents`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import pydantic_core
from sqlmodel import Session, col, select

from api.errors import invalid_parameter, unknown_reference
from api.queries import claim_list, names, ranking
from api.queries.claim_list import ClaimFilters
from api.store import documents, query_syntax
from api.store.db import Store
from api.store.reader import Reader
from models.base import ClaimSort, date_bounds, unit_spelling
from models.claim import ClaimPublic
from models.query import ClaimFilterParams
from models.tables import Claim


def reads_whole_set(params: ClaimFilterParams) -> bool:
    """Whether the request may read more than one page's worth: facets, an exact count,
    and the relevance order of words of several terms (`api.queries.ranking`, which
    checks candidates until the page is settled)."""
    return bool(params.facet) or params.count == "exact" or _ranks_several(params)


def _ranks_several(params: ClaimFilterParams) -> bool:
    if params.sort is not ClaimSort.relevance or params.q is None:
        return False
    try:
        return len(query_syntax.parse(params.q).scoring_terms()) > 1
    except query_syntax.QueryError:
        return False  # refused before anything is read


@dataclass(frozen=True)
class Scope:
    """The resource a claim list hangs under: `/entities/{slug}/claims` or a source's."""

    kind: Literal["entity", "source"]
    name: str


def resolve(
    reader: Reader,
    params: ClaimFilterParams,
    *,
    entity: str | None = None,
    scope: Scope | None = None,
) -> ClaimFilters:
    """Names to ids; a name that matches nothing is a 404 naming the parameter."""
    entity_id: int | None = None
    source_ids: list[int] | None = None
    if scope is not None and scope.kind == "entity":
        entity_id = names.entity_or_404(reader, scope.name).id
    if scope is not None and scope.kind == "source":
        source_ids = [names.source_or_404(reader, scope.name).id]
    if entity is not None:
        entity_id = names.entity_parameter(reader, "entity", entity).id
    claimant_id = None
    if params.claimant is not None:
        claimant_id = names.entity_parameter(reader, "claimant", params.claimant).id
    if params.source is not None:
        found = [s.id for s in names.sources_parameter(reader, "source", params.source)]
        source_ids = found if source_ids is None else sorted(set(found) & set(source_ids))
    check(params, has_entity=entity_id is not None)
    return ClaimFilters(
        entity_id=entity_id,
        role=params.role,
        claimant_id=claimant_id,
        claimant_kind=params.claimant_kind.value if params.claimant_kind else None,
        source_ids=tuple(source_ids) if source_ids is not None else None,
        status=params.status.value if params.status else None,
        words=params.q,
        since=date_bounds(params.since)[0] if params.since else None,
        until=date_bounds(params.until)[1] if params.until else None,
        event_since=date_bounds(params.event_since)[0] if params.event_since else None,
        event_until=date_bounds(params.event_until)[1] if params.event_until else None,
        quantity_unit=unit_spelling(params.quantity_unit) if params.quantity_unit else None,
        quantity_min=params.quantity_min,
        quantity_max=params.quantity_max,
        updated_since=params.updated_since,
        include_retracted=params.include == "retracted",
        cluster_anchor=_cluster(reader, params.cluster) if params.cluster else None,
    )


def _cluster(reader: Reader, name: str) -> int:
    """The anchor of the cluster `cluster=` names (its id, or any member claim's id); a
    404 naming the parameter for a claim that is in no cluster, or no claim at all."""
    claim_id = names.claim_parameter(reader, "cluster", name)
    row = reader.first(
        reader.sql("SELECT anchor_id FROM claim_cluster WHERE claim_id = :id", id=claim_id)
    )
    if row is None:
        raise unknown_reference("cluster", "cluster (that claim restates no other)", name, [])
    return int(row[0])


def check(params: ClaimFilterParams, *, has_entity: bool) -> None:
    """Combinations of parameters that mean nothing, each a 422 naming the culprit."""
    if params.role is not None and not has_entity:
        raise invalid_parameter("role", "needs `entity` to say whose role it is")
    if params.q is not None:
        try:
            query_syntax.parse(params.q)
        except query_syntax.QueryError as problem:
            raise invalid_parameter("q", str(problem)) from None
    if params.sort is ClaimSort.relevance and params.q is None:
        raise invalid_parameter("sort", "relevance needs `q` to rank against")
    for name in ("since", "until", "event_since", "event_until"):
        value = getattr(params, name)
        if value is not None:
            try:
                date_bounds(value)
            except ValueError as exc:
                raise invalid_parameter(name, str(exc)) from None
    for low, high in (("since", "until"), ("event_since", "event_until")):
        first, last = getattr(params, low), getattr(params, high)
        if first and last and date_bounds(first)[0] > date_bounds(last)[1]:
            raise invalid_parameter(
                high, f"{last} ends before {low}={first} begins: the window is empty"
            )
    if (
        params.quantity_min is not None
        and params.quantity_max is not None
        and params.quantity_min > params.quantity_max
    ):
        raise invalid_parameter("quantity_max", "is below quantity_min: the range is empty")


# --- claim lists ---------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimPageResult:
    """One page of claims as stored JSON, and what the answer says besides."""

    items: list[str]  # each claim's stored JSON, in order
    last: list[Any] | None  # the sort key of the last item, when more follow
    count: int | None
    facets: dict[str, list[dict[str, Any]]] | None
    facets_omitted: dict[str, int] | None

    def json(self, next_link: str | None) -> bytes:
        """The page as `ClaimPage` serialises it (fields in order, unset extras left out)."""
        parts = ['{"items":[', ",".join(self.items), '],"next":', _json(next_link)]
        if self.count is not None:
            parts += [',"count":', str(self.count)]
        if self.facets is not None:
            parts += [',"facets":', _json(self.facets)]
            parts += [',"facets_omitted":', _json(self.facets_omitted)]
        parts.append("}")
        return "".join(parts).encode()


def claims_page(
    store: Store,
    params: ClaimFilterParams,
    after: list[Any] | None,
    *,
    entity: str | None = None,
    scope: Scope | None = None,
) -> ClaimPageResult:
    """The page of claims after the sort key `after`, with the counts asked for."""
    dialect = store.dialect
    with store.reader() as reader:
        filters = resolve(reader, params, entity=entity, scope=scope)
        rows, n_keys = _page_rows(reader, filters, params.sort, params.limit, after)
        count = None
        if params.count == "exact":
            found = reader.first(claim_list.count(filters, dialect=dialect))
            count = int(found[0]) if found else 0
        facets: dict[str, list[dict[str, Any]]] | None = None
        omitted: dict[str, int] | None = None
        if params.facet:
            facets, omitted = {}, {}
            for facet in dict.fromkeys(params.facet):
                rows_of = reader.rows(
                    claim_list.facet(filters, facet, dialect=dialect, size=params.facet_size)
                )
                facets[facet.value] = [
                    {"value": value, "label": label, "count": n} for value, label, n, _ in rows_of
                ]
                omitted[facet.value] = int(rows_of[0][3]) - len(rows_of) if rows_of else 0
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    last = list(rows[-1][:n_keys]) if more and rows else None
    return ClaimPageResult([row[n_keys] for row in rows], last, count, facets, omitted)


def _page_rows(
    reader: Reader,
    filters: ClaimFilters,
    sort: ClaimSort | None,
    limit: int,
    after: list[Any] | None,
) -> tuple[list[tuple[Any, ...]], int]:
    """A page plus one row, as rows of (keys..., stored JSON); and how many keys lead."""
    if sort is ClaimSort.relevance and not claim_list.ranks_alone(filters):
        keys = ranking.best(reader, filters, limit=limit + 1, after=after)
        ids = [claim for _, claim in keys]
        found = dict(reader.rows(claim_list.documents(ids, dialect=reader.dialect)))
        return [(score, claim, found[claim]) for score, claim in keys], 2
    statement, n_keys = claim_list.page(
        filters, dialect=reader.dialect, limit=limit, sort=sort, after=after
    )
    return reader.rows(statement), n_keys


def _json(value: Any) -> str:
    return pydantic_core.to_json(value).decode()


# Claims an export reads at a time: one statement, one reader, one chunk sent.
EXPORT_BATCH = 500


def export_filters(
    store: Store,
    params: ClaimFilterParams,
    *,
    entity: str | None = None,
    scope: Scope | None = None,
) -> ClaimFilters:
    """The filters of an export, names resolved (a 404 or 422 before anything is sent)."""
    with store.reader() as reader:
        return resolve(reader, params, entity=entity, scope=scope)


def claim_batches(
    store: Store, filters: ClaimFilters, sort: ClaimSort | None, batch: int | None = None
) -> Iterator[list[str]]:
    """Every claim the filters match, as stored JSON, `batch` at a time, in the order of
    the list's pages: a keyset walk like following `next` links, each batch read with a
    reader of its own (so no connection or snapshot is held while a client reads slowly).
    An export is of every match, in relevance order as in pages.
    A claim written while the walk is under way appears if it falls after the position
    reached, as it would for a client following pages."""
    batch = batch or EXPORT_BATCH
    after: list[Any] | None = None
    while True:
        with store.reader() as reader:
            rows, n_keys = _page_rows(reader, filters, sort, batch, after)
        more = len(rows) > batch
        rows = rows[:batch]
        if rows:
            yield [row[n_keys] for row in rows]
        if not more:
            return
        after = list(rows[-1][:n_keys])


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


def stored_claim(store: Store, claim_id: str) -> StoredClaim | None:
    """A claim as readers get it: its stored JSON and version."""
    with store.reader() as reader:
        row = reader.first(reader.sql(_CLAIM, id=claim_id))
    if row is None:
        return None
    return StoredClaim(body=row[2], version=int(row[0]), retracted=bool(row[1]))


def claim_row(session: Session, claim_id: str, *, for_update: bool = False) -> Claim | None:
    """The claim's row; `for_update` locks it until the transaction ends (PostgreSQL;
    SQLite's writers hold the whole store), so writers of one claim take turns."""
    statement = select(Claim).where(col(Claim.public_id) == claim_id)
    if for_update:
        statement = statement.with_for_update()
    row: Claim | None = session.execute(statement).scalar_one_or_none()
    return row


def claim_row_ids(session: Session, public_ids: Iterable[str]) -> list[int]:
    """The row ids of the held claims among `public_ids`."""
    wanted = list(public_ids)
    if not wanted:
        return []
    rows = session.execute(select(col(Claim.id)).where(col(Claim.public_id).in_(wanted)))
    return [int(claim_id) for claim_id in rows.scalars()]


def current_claim(session: Session, row_id: int) -> ClaimPublic:
    """A claim rendered from the tables as they are in this session (for writes)."""
    data = documents.load(session.connection(), [row_id])[row_id]
    return ClaimPublic.model_validate(data)
