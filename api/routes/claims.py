"""Claims: the filterable list, single claims, their history, and writes."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.exc import IntegrityError

from api.errors import (
    ProblemError,
    invalid_parameter,
    not_found,
    retracted,
)
from api.http import jsonld, paging
from api.http.auth import WriteWork
from api.http.conditional import tag_response
from api.http.deps import IfMatch, SessionDep, read, settings_of, store_of
from api.http.errors import problem_responses
from api.http.exports import CLAIM_LIST_CONTENT, export_response, refuse_paging
from api.http.links import request_url, service_root
from api.http.methods import is_head
from api.http.negotiation import CSV, JSON, JSON_LD, NDJSON, preferred
from api.http.params import parse_query, query_docs
from api.http.routing import ServiceRoute
from api.ingest import matching as matcher
from api.queries import claim_list, history
from api.queries.claim_list import ClaimFilters
from api.queries.claims import (
    ClaimPageResult,
    Scope,
    claim_batches,
    claim_row,
    claims_page,
    export_filters,
    reads_whole_set,
    stored_claim,
)
from api.queries.versions import tag
from api.routes.editable import Editable, add_edits
from api.store.db import Store
from api.writes import batch, claims
from api.writes.unit import UnitOfWork
from models.claim import BatchResult, ClaimCreate, ClaimPublic, ClaimUpdate
from models.history import History, Retraction, RetractionNote
from models.page import ClaimPage
from models.query import ClaimFilterParams, ClaimListParams

router = APIRouter(tags=["claims"], route_class=ServiceRoute)

ClaimId = Annotated[
    str,
    Path(
        max_length=200, description="Stable claim id.", examples=["legion-300-applications-a-day"]
    ),
]


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


@router.get(
    "/claims",
    summary="List claims",
    response_model=ClaimPage,
    response_model_exclude_unset=True,
    responses=CLAIM_LIST_RESPONSES,
    openapi_extra=query_docs(ClaimListParams),
)
async def list_claims(request: Request) -> Response:
    """Claims in the order their sources make them (or by `sort`), narrowed by any mix of
    filters, with optional `facet` counts and an exact `count` of the filtered set.

    An `entity`, `claimant` or `source` that names nothing is a 404 whose body names the
    parameter and suggests close matches. `format=csv` or `format=ndjson` (or the same
    through `Accept`) exports every match instead of a page.
    """
    params = parse_query(request, ClaimListParams)
    return await answer_claims(request, params, entity=params.entity)


@router.get(
    "/claims/{claim_id}",
    summary="Get a claim",
    response_model=ClaimPublic,
    responses=problem_responses(404, 410, 422)
    | {
        200: {
            "description": "The claim (JSON, or JSON-LD with `Accept: application/ld+json`).",
            "content": {JSON_LD: {"schema": {"type": "object"}}},
        }
    },
)
async def get_claim(request: Request, claim_id: ClaimId) -> Response:
    """One claim with its verbatim quote, claimant, entities and attribution chain. A
    retracted claim answers 410 with its retraction record, and the ETag that restoring
    it (`POST /claims/{claim_id}/restore`) needs. `Accept: application/ld+json` gives
    the claim as linked data (schema.org, Web Annotation, PROV)."""
    store = store_of(request)
    claim = await read(store, stored_claim, store, claim_id)
    if claim is None:
        raise not_found("claim", claim_id)
    etag = tag(claim.body, claim.version)
    if claim.retracted:
        note = RetractionNote.model_validate_json(_retraction_json(claim.body))
        raise retracted(Retraction(claim=claim_id, **note.model_dump()), etag)
    if preferred(request, (JSON, JSON_LD)) == JSON_LD:
        root = service_root(request, settings_of(request).public_url)
        body = await read(store, jsonld.linked_claim, store, root, claim.body)
        response = Response(body, media_type=JSON_LD, headers={"Vary": "Accept"})
        tag_response(request, response, jsonld.content_tag(body))
        return response
    response = Response(claim.body, media_type=JSON, headers={"Vary": "Accept"})
    tag_response(request, response, etag)
    return response


def _retraction_json(body: str) -> str:
    return json.dumps(json.loads(body)["retraction"])


@router.post(
    "/claims/{claim_id}/restore",
    summary="Restore a retracted claim",
    response_model=ClaimPublic,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428, 503),
)
def restore_claim(
    response: Response, work: WriteWork, claim_id: ClaimId, if_match: IfMatch
) -> ClaimPublic:
    """Undo a retraction: the claim is listed and served again, as it was. Needs
    `If-Match` with the ETag its 410 answer carries; recorded as a `restore` revision."""
    claim, etag = claims.restore(work, claim_id, if_match)
    work.commit()
    response.headers["ETag"] = etag
    return claim


@router.get(
    "/claims/{claim_id}/history",
    summary="A claim's revisions",
    response_model=History,
    responses=problem_responses(404, 422),
)
def claim_history(session: SessionDep, claim_id: ClaimId) -> History:
    """Every change to the claim, oldest first: who, when, what changed, and why."""
    if claim_row(session, claim_id) is None:
        raise not_found("claim", claim_id)
    return History(items=history.revisions(session, "claim", claim_id))


# --- writes ----------------------------------------------------------------------------


async def _claim_target(claim_id: ClaimId) -> str:
    return claim_id


add_edits(
    router,
    Editable(
        collection="/claims",
        item="/claims/{claim_id}",
        noun="claim",
        create_model=ClaimCreate,
        update_model=ClaimUpdate,
        public_model=ClaimPublic,
        target=Annotated[str, Depends(_claim_target)],
        create=matcher.create_claim,
        update=claims.update,
        delete=claims.retract,
        key=lambda claim: claim.id,
        create_doc="Create a claim; its quote is verified against the held text of its source "
        "(offsets are found when omitted), and every entity and source it names must exist. "
        "The matcher then proposes relations to the held claims it matches, or links a "
        "restatement at once above the `link` threshold (docs/matching.md).",
        update_doc="Apply a JSON Merge Patch (RFC 7386). Needs `If-Match` with the current "
        "ETag: 428 without it, 412 if the claim changed since.",
        delete_doc="Retract a claim: it leaves lists (unless `include=retracted`) and answers "
        "410 with this record. Nothing is deleted; its history keeps every revision.",
        retraction_model=Retraction,
    ),
)


@router.post(
    "/claims:batch",
    summary="Create claims in bulk",
    status_code=201,
    response_model=BatchResult,
    responses=problem_responses(401, 403, 409, 413, 415, 422, 503),
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "One ClaimCreate JSON object per line.",
            # The media types it takes (a body in any other is a 415, `api.http.routing`).
            "content": {
                NDJSON: {
                    "schema": {"type": "string"},
                    "example": '{"id": "...", "statement": "..."}\n',
                },
                "application/jsonl": {"schema": {"type": "string"}},
                "application/json-seq": {"schema": {"type": "string"}},
            },
        },
        "parameters": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": 200},
                "description": "Any unique string; a retried request with the same key and "
                "body gets the first answer again instead of writing twice.",
            }
        ],
    },
)
async def create_claims_batch(request: Request, work: WriteWork) -> Response:
    """Create many claims from NDJSON, in one transaction: every line is verified like a
    single create, and one bad line (named in the error) means nothing is written. The
    matcher then proposes relations from each new claim, as for a single create."""
    body = await request.body()
    key = request.headers.get("idempotency-key")
    if key is not None and not 0 < len(key) <= 200:
        raise invalid_parameter("Idempotency-Key", "must be 1 to 200 characters")
    answer = await run_in_threadpool(_create_batch, work, body, key)
    headers = {"Idempotent-Replayed": "true"} if answer.replayed else {}
    return Response(
        answer.body, status_code=answer.status, media_type="application/json", headers=headers
    )


def _create_batch(work: UnitOfWork, body: bytes, key: str | None) -> batch.BatchAnswer:
    try:
        answer = batch.create_claims(work, body, key)
        if not answer.replayed and answer.status == 201:
            matcher.after_create(work, json.loads(answer.body)["created"])
        work.commit()
    except (ProblemError, IntegrityError) as refused:
        conflicted = isinstance(refused, IntegrityError) or refused.kind.name == "conflict"
        if key is None or not conflicted:
            raise
        # A retry racing the first request with the same key: the first one won (its
        # claims now exist), so this one gets its answer, as if it had come later.
        work.session.rollback()
        earlier = batch.replay(work, body, key)
        if earlier is None:
            raise
        return earlier
    return answer
