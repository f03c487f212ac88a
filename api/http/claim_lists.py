"""Every claim list answers the same way: a page as JSON or JSON-LD, or an export of every
match as CSV or NDJSON, by `format` or `Accept`. `/claims`, an entity's claims and a
source's claims all call `answer_claims`; only their scope differs.
"""

from __future__ import annotations

from fastapi import Request, Response

from api.http import jsonld, paging
from api.http.deps import read, settings_of, store_of
from api.http.errors import problem_responses
from api.http.exports import CLAIM_LIST_CONTENT, export_response, refuse_paging
from api.http.links import request_url, service_root
from api.http.methods import is_head
from api.http.negotiation import CSV, JSON, JSON_LD, NDJSON, preferred
from api.queries import claim_list
from api.queries.claim_list import ClaimFilters
from api.queries.claims import (
    ClaimPageResult,
    Scope,
    claim_batches,
    claims_page,
    export_filters,
    reads_whole_set,
)
from api.store.db import Store
from models.query import ClaimFilterParams

# What a claim list answers: a page as JSON (the default) or JSON-LD, or an export.
LIST_TYPES = (JSON, CSV, NDJSON, JSON_LD)
_FORMATS = {"csv": CSV, "ndjson": NDJSON}


async def answer_claims(
    request: Request,
    params: ClaimFilterParams,
    *,
    entity: str | None = None,
    scope: Scope | None = None,
) -> Response:
    """One page of claims with the extras asked for, or an export of every match (by
    `format` or `Accept`); shared by every claim list."""
    wanted = _FORMATS[params.format] if params.format else preferred(request, LIST_TYPES)
    if wanted in (CSV, NDJSON):
        return await _export(request, params, wanted, entity, scope)
    store = store_of(request)
    sort_scope = params.sort.value if params.sort else ""
    after = paging.decode_cursor(params.cursor, claim_list.KEY_KINDS[params.sort], sort_scope)
    page: ClaimPageResult = await read(
        store,
        _page,
        store,
        params,
        after,
        entity,
        scope,
        whole_set=reads_whole_set(params),
    )
    headers: dict[str, str] = {"Vary": "Accept"}
    public_url = settings_of(request).public_url
    link = paging.next_link(request, headers, page.last, public_url, sort_scope)
    if wanted == JSON_LD:
        root, url = service_root(request, public_url), request_url(request, public_url)
        body = await read(store, jsonld.linked_page, store, root, url, page.items, link)
        return Response(body, media_type=JSON_LD, headers=headers)
    return Response(page.json(link), media_type=JSON, headers=headers)


def _page(
    store: Store,
    params: ClaimFilterParams,
    after: list[paging.Key] | None,
    entity: str | None,
    scope: Scope | None,
) -> ClaimPageResult:
    return claims_page(store, params, after, entity=entity, scope=scope)


async def _export(
    request: Request,
    params: ClaimFilterParams,
    media_type: str,
    entity: str | None,
    scope: Scope | None,
) -> Response:
    """Every match, streamed; names are resolved (and refused) before anything is sent."""
    refuse_paging(request)
    store = store_of(request)
    filters = await read(store, _export_filters, store, params, entity, scope)
    name = "claims" if scope is None else f"{scope.kind}-{scope.name}-claims"
    batches = iter(()) if is_head(request.scope) else claim_batches(store, filters, params.sort)
    return export_response(media_type, batches, name)


def _export_filters(
    store: Store, params: ClaimFilterParams, entity: str | None, scope: Scope | None
) -> ClaimFilters:
    return export_filters(store, params, entity=entity, scope=scope)


CLAIM_LIST_RESPONSES = problem_responses(404, 422) | {
    200: {
        "description": "A page of claims (JSON, or JSON-LD with `Accept: application/ld+json`); "
        "with `format=csv|ndjson` or `Accept: text/csv|application/x-ndjson`, every claim the "
        "filters match, streamed as an attachment.",
        "content": CLAIM_LIST_CONTENT,
    }
}
