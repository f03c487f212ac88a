"""Claims: the filterable list and single claims."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from api import batch, reads, writes
from api.auth import Writer
from api.conditional import tag_response
from api.db import Store
from api.deps import (
    MERGE_PATCH,
    IfMatch,
    Reason,
    SessionDep,
    StoreDep,
    WriteSessionDep,
    settings_of,
    store_of,
)
from api.errors import ProblemError, invalid_parameter, not_found, problem_responses
from api.params import ClaimFilterParams, ClaimListParams, parse_query, query_docs
from api.settings import Settings
from models import ClaimPublic, RevisionPublic
from models.page import ClaimPage
from models.write import ClaimCreate, ClaimUpdate

router = APIRouter(tags=["claims"])

ClaimId = Annotated[
    str,
    Path(
        max_length=200, description="Stable claim id.", examples=["legion-300-applications-a-day"]
    ),
]


async def answer_claims(
    request: Request,
    store: Store,
    settings: Settings,
    params: ClaimFilterParams,
    *,
    entity: str | None = None,
    scope: reads.Scope | None = None,
) -> Response:
    """One page of claims with the extras asked for; shared by every claim list."""
    body, headers = await reads.run(
        store,
        reads.claims_page,
        store,
        request,
        settings.public_url,
        params,
        entity,
        scope,
        whole_set=reads.reads_whole_set(params),
    )
    return Response(body, media_type="application/json", headers=headers)


@router.get(
    "/claims",
    summary="List claims",
    response_model=ClaimPage,
    response_model_exclude_unset=True,
    responses=problem_responses(404, 422),
    openapi_extra=query_docs(ClaimListParams),
)
async def list_claims(request: Request) -> Response:
    """Claims in the order their sources make them (or by `sort`), narrowed by any mix of
    filters, with optional `facet` counts and an exact `count` of the filtered set.

    An `entity`, `claimant` or `source` that names nothing is a 404 whose body names the
    parameter and suggests close matches.
    """
    params = parse_query(request, ClaimListParams)
    return await answer_claims(
        request, store_of(request), settings_of(request), params, entity=params.entity
    )


@router.get(
    "/claims/{claim_id}",
    summary="Get a claim",
    response_model=ClaimPublic,
    responses=problem_responses(404, 410, 422),
)
async def get_claim(request: Request, claim_id: ClaimId) -> Response:
    """One claim with its verbatim quote, claimant, entities and attribution chain. A
    retracted claim answers 410 with its retraction record."""
    store = store_of(request)
    claim = await reads.run(store, reads.stored_claim, store, claim_id)
    if claim is None:
        raise not_found("claim", claim_id)
    if claim.retracted:
        await run_in_threadpool(_raise_retracted, store, claim_id)
    response = Response(claim.body, media_type="application/json")
    tag_response(request, response, claim.etag)
    return response


def _raise_retracted(store: Store, claim_id: str) -> None:
    with store.session() as session:
        raise writes.retracted(writes.claim_row(session, claim_id))


# --- writes ----------------------------------------------------------------------------


class Retraction(BaseModel):
    """The record a retracted claim answers with: who withdrew it, when and why."""

    claim: str = Field(description="Id of the retracted claim.")
    at: datetime = Field(description="When it was retracted (UTC).")
    by: str = Field(description="Name of the API key that retracted it.")
    reason: str | None = Field(description="Why, as the writer said.")


class History(BaseModel):
    """Every revision of a resource, oldest first."""

    items: list[RevisionPublic] = Field(description="The revisions, oldest first.")
    next: str | None = Field(default=None, description="Always null: one page holds it all.")


def commit(session: Session) -> None:
    """Commit at the boundary; a race the checks could not see is a 409, not a 500."""
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise writes.integrity_conflict(exc) from None


@router.post(
    "/claims",
    summary="Create a claim",
    status_code=201,
    response_model=ClaimPublic,
    responses=problem_responses(401, 403, 409, 413, 422),
)
def create_claim(
    response: Response,
    session: WriteSessionDep,
    who: Writer,
    data: ClaimCreate,
    reason: Reason = None,
) -> ClaimPublic:
    """Create a claim; its quote is verified against the held text of its source (offsets
    are found when omitted), and every entity and source it names must exist."""
    claim = writes.create_claim(session, data, who, reason)
    # The tag is taken inside the write's own transaction, so it names what was written.
    tag = writes.etag(claim, writes.claim_row(session, claim.id).version)
    commit(session)
    response.headers["Location"] = f"/claims/{claim.id}"
    response.headers["ETag"] = tag
    return claim


@router.patch(
    "/claims/{claim_id}",
    summary="Change a claim",
    response_model=ClaimPublic,
    responses=problem_responses(401, 403, 404, 410, 412, 413, 422, 428),
)
def update_claim(
    response: Response,
    session: WriteSessionDep,
    who: Writer,
    claim_id: ClaimId,
    patch: Annotated[ClaimUpdate, Body(media_type=MERGE_PATCH)],
    if_match: IfMatch = None,
    reason: Reason = None,
) -> ClaimPublic:
    """Apply a JSON Merge Patch (RFC 7386). Needs `If-Match` with the current ETag: 428
    without it, 412 if the claim changed since."""
    changes = patch.model_dump(mode="json", exclude_unset=True)
    claim = writes.update_claim(session, claim_id, changes, if_match, who, reason)
    tag = writes.etag(claim, writes.claim_row(session, claim_id).version)
    commit(session)
    response.headers["ETag"] = tag
    return claim


@router.delete(
    "/claims/{claim_id}",
    summary="Retract a claim",
    response_model=Retraction,
    responses=problem_responses(401, 403, 404, 410, 412, 422),
)
def retract_claim(
    session: WriteSessionDep,
    who: Writer,
    claim_id: ClaimId,
    if_match: IfMatch = None,
    reason: Reason = None,
) -> Retraction:
    """Retract a claim: it leaves lists (unless `include=retracted`) and answers 410 with
    this record. Nothing is deleted; its history keeps every revision."""
    row = writes.retract_claim(session, claim_id, if_match, who, reason)
    commit(session)
    assert row.retracted_at is not None
    assert row.retracted_by is not None
    return Retraction(
        claim=claim_id, at=row.retracted_at, by=row.retracted_by, reason=row.retraction_reason
    )


@router.get(
    "/claims/{claim_id}/history",
    summary="A claim's revisions",
    response_model=History,
    responses=problem_responses(404, 422),
)
def claim_history(session: SessionDep, claim_id: ClaimId) -> History:
    """Every change to the claim, oldest first: who, when, what changed, and why."""
    writes.claim_row(session, claim_id)
    return History(items=writes.history(session, "claim", claim_id))


class BatchResult(BaseModel):
    """What one batch created; a batch is all or nothing."""

    created: list[str] = Field(description="Ids of the created claims, in input order.")
    count: int = Field(description="How many claims were created.")


NDJSON = "application/x-ndjson"


@router.post(
    "/claims:batch",
    summary="Create claims in bulk",
    status_code=201,
    response_model=BatchResult,
    responses=problem_responses(401, 403, 409, 413, 415, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "One ClaimCreate JSON object per line.",
            "content": {
                NDJSON: {
                    "schema": {"type": "string"},
                    "example": '{"id": "...", "statement": "..."}\n',
                }
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
async def create_claims_batch(
    request: Request,
    store: StoreDep,
    who: Writer,
    reason: Reason = None,
) -> Response:
    """Create many claims from NDJSON, in one transaction: every line is verified like a
    single create, and one bad line (named in the error) means nothing is written."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in {NDJSON, "application/jsonl", "application/json-seq"}:
        raise ProblemError(
            415,
            "Unsupported Media Type",
            f"Send the claims as {NDJSON}, one JSON object per line.",
            kind="unsupported-media-type",
            field="Content-Type",
        )
    body = await request.body()
    key = request.headers.get("idempotency-key")
    if key is not None and not 0 < len(key) <= 200:
        raise invalid_parameter("Idempotency-Key", "must be 1 to 200 characters")
    return await run_in_threadpool(batch.create_claims, store, body, key, who, reason)
