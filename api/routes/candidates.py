"""The review queue: extract candidates from a held text, list them, accept or reject them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, Request, Response

from api.http import paging
from api.http.auth import WriteWork
from api.http.conditional import tag_response
from api.http.deps import IfMatch, SessionDep, SettingsDep, SourceDep, store_of
from api.http.errors import problem_responses
from api.http.routing import ServiceRoute
from api.ingest import queue
from api.queries import history, names
from api.queries.candidates import candidate_public, candidate_row, candidates_page
from api.queries.versions import tag_of
from api.store.columns import ROW_ID
from api.store.db import Reader
from api.writes import candidates
from models.candidate import (
    AcceptCandidate,
    CandidatePage,
    CandidatePublic,
    Extracted,
    RejectCandidate,
)
from models.claim import ClaimPublic
from models.history import History
from models.query import CandidateListParams

router = APIRouter(tags=["candidates"], route_class=ServiceRoute)

CandidateId = Annotated[
    int, Path(ge=1, le=2**31 - 1, description="Id of the candidate.", examples=[12])
]
WRITE_REFUSALS = (401, 403, 404, 409, 412, 413, 422, 428, 503)


@router.post(
    "/sources/{slug}/extract",
    summary="Extract candidates from a source",
    status_code=201,
    response_model=Extracted,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
def extract_source(
    request: Request, response: Response, source: SourceDep, work: WriteWork
) -> Extracted:
    """Read the source's held text for attributed statements and queue them for review.
    Running it again replaces the source's pending candidates; accepted and rejected ones
    stay, and the same words are not queued again. 404 if the text is not held."""
    # Read before the unit's first statement: the write lock is not held while it runs.
    read = queue.read_held(store_of(request), source)
    count = candidates.replace_pending(work, source, read.text, read.drafts)
    work.commit()
    response.headers["Location"] = f"/candidates?source={source.slug}"
    return Extracted(source=source.slug, candidates=count)


@router.get(
    "/candidates",
    summary="List candidates",
    response_model=CandidatePage,
    responses=problem_responses(404, 422),
)
def list_candidates(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    params: Annotated[CandidateListParams, Query()],
) -> CandidatePage:
    """Candidates in the order they were extracted, optionally of one source and state;
    `state=pending` is the review queue."""
    source_ids = None
    if params.source is not None:
        found = names.sources_parameter(Reader.of(session), "source", params.source)
        source_ids = [source.id for source in found]
    after = paging.decode_cursor(params.cursor, (ROW_ID,))
    page = candidates_page(
        session,
        source_ids=source_ids,
        state=params.state,
        limit=params.limit,
        after=int(after[0]) if after else None,
    )
    return CandidatePage(
        items=page.items,
        next=paging.next_link(request, response.headers, page.next_after, settings.public_url),
    )


@router.get(
    "/candidates/{candidate_id}",
    summary="Get a candidate",
    response_model=CandidatePublic,
    responses=problem_responses(404, 422),
)
def get_candidate(
    request: Request, response: Response, session: SessionDep, candidate_id: CandidateId
) -> CandidatePublic:
    """One candidate with its evidence and review; its ETag guards accepting and rejecting."""
    row = candidate_row(session, candidate_id)
    public = candidate_public(session, row)
    tag_response(request, response, tag_of(public, row.version))
    return public


@router.get(
    "/candidates/{candidate_id}/history",
    summary="A candidate's revisions",
    response_model=History,
    responses=problem_responses(404, 422),
)
def candidate_history(session: SessionDep, candidate_id: CandidateId) -> History:
    """Its review, as the revision log recorded it: who accepted or rejected it, and why."""
    candidate_row(session, candidate_id)
    return History(items=history.revisions(session, "candidate", str(candidate_id)))


@router.post(
    "/candidates/{candidate_id}/accept",
    summary="Accept a candidate",
    status_code=201,
    response_model=ClaimPublic,
    responses=problem_responses(*WRITE_REFUSALS),
)
def accept_candidate(
    response: Response,
    work: WriteWork,
    candidate_id: CandidateId,
    if_match: IfMatch,
    changes: Annotated[AcceptCandidate | None, Body()] = None,
) -> ClaimPublic:
    """Create the claim the candidate proposes and mark it accepted, in one transaction.
    The optional body is a JSON Merge Patch of that claim (statement, claimant, status,
    id, entities...). Names no entity has yet are a 422 naming them, unless
    `"create_entities": true`. Needs `If-Match` with the candidate's ETag; a candidate
    reviewed already is a 409."""
    patch = changes.model_dump(mode="json", exclude_unset=True) if changes else {}
    claim, etag = candidates.accept(work, candidate_id, patch, if_match)
    work.commit()
    response.headers["ETag"] = etag
    response.headers["Location"] = f"/claims/{claim.id}"
    return claim


@router.post(
    "/candidates/{candidate_id}/reject",
    summary="Reject a candidate",
    response_model=CandidatePublic,
    responses=problem_responses(*WRITE_REFUSALS),
)
def reject_candidate(
    response: Response,
    work: WriteWork,
    candidate_id: CandidateId,
    if_match: IfMatch,
    body: RejectCandidate,
) -> CandidatePublic:
    """Turn the candidate down, saying why; needs `If-Match` with its ETag. A candidate
    reviewed already is a 409."""
    public, etag = candidates.reject(work, candidate_id, body.reason, if_match)
    work.commit()
    response.headers["ETag"] = etag
    return public
