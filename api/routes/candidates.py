"""Claim proposals ("candidates"): extract them from a held text, list them, accept or
reject them. The same queue as `/proposals`, its claims in their first shape."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, Request, Response

from api.http import paging
from api.http.auth import WriteWork
from api.http.conditional import tag_response
from api.http.deps import IfMatch, SessionDep, SettingsDep, SourceDep, store_of
from api.http.errors import problem_responses
from api.http.routing import ServiceRoute
from api.ingest import matching as matcher
from api.ingest import queue
from api.queries import history, matching
from api.queries.proposals import candidate_of, proposal_public, proposal_row, queue_page
from api.queries.versions import tag_of
from api.routes.proposals import WRITE_REFUSALS, Reviewed, accepted_batch
from api.store.columns import ROW_ID
from api.store.db import Reader
from api.writes import candidates, proposals
from models.candidate import (
    AcceptCandidate,
    CandidatePage,
    CandidatePublic,
    Extracted,
    Rejection,
)
from models.claim import ClaimPublic
from models.history import History
from models.proposal import AcceptedBatch, ProposalKind
from models.query import CandidateListParams

router = APIRouter(tags=["candidates"], route_class=ServiceRoute)

CandidateId = Annotated[
    int, Path(ge=1, le=2**31 - 1, description="Id of the candidate.", examples=[12])
]
CLAIMS = ProposalKind.claim


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
    Running it again keeps what is still found as it was, supersedes pending candidates
    no longer found and queues new ones; words accepted or rejected once are not queued
    again. 404 if the text is not held."""
    # Read before the unit's first statement: the write lock is not held while it runs.
    read = queue.read_held(store_of(request), source)
    after = matcher.newest_proposal(work)
    count = candidates.replace_pending(
        work, source, read.text, read.drafts, read.relations, chains=read.chains
    )
    matcher.after_extract(work, source.id, after)
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
    after = paging.decode_cursor(params.cursor, (ROW_ID,))
    page = queue_page(session, params, int(after[0]) if after else None, CLAIMS)
    shown = [candidate_of(item) for item in page.items]
    return CandidatePage(
        items=matching.with_matches(Reader.of(session), shown),
        next=paging.next_link(request, response.headers, page.next_after, settings.public_url),
    )


@router.get(
    "/candidates/{candidate_id}",
    summary="Get a candidate",
    response_model=CandidatePublic,
    responses=problem_responses(404, 422),
)
def get_candidate(
    request: Request,
    response: Response,
    session: SessionDep,
    candidate_id: CandidateId,
) -> CandidatePublic:
    """One candidate with its evidence, its review and, while it is pending, the held
    claims its words match (`matches`); its ETag guards accepting and rejecting."""
    row = proposal_row(session, candidate_id, kind=CLAIMS)
    public = candidate_of(proposal_public(session, row))
    tag_response(request, response, tag_of(public, row.version))
    [shown] = matching.with_matches(Reader.of(session), [public])
    return shown


@router.get(
    "/candidates/{candidate_id}/history",
    summary="A candidate's revisions",
    response_model=History,
    responses=problem_responses(404, 422),
)
def candidate_history(session: SessionDep, candidate_id: CandidateId) -> History:
    """Its creation and its review, as the revision log recorded them: who accepted or
    rejected it, and why."""
    proposal_row(session, candidate_id, kind=CLAIMS)
    return History(items=history.revisions(session, "proposal", str(candidate_id)))


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
    `"create_entities": true`. `"restates": "claim-id"` also creates the `restates`
    relation to that held claim, in the same transaction. The matcher then proposes
    relations from the new claim to the claims it matches (docs/matching.md). Needs
    `If-Match` with the candidate's ETag; a candidate reviewed already is a 409."""
    patch = changes.model_dump(mode="json", exclude_unset=True) if changes else {}
    done = proposals.accept(work, candidate_id, patch, if_match, view=candidate_of, kind=CLAIMS)
    [done] = matcher.accepted(work, [done])
    work.commit()
    response.headers["ETag"] = done.etag
    response.headers["Location"] = done.location
    assert isinstance(done.created, ClaimPublic)
    return done.created


@router.post(
    "/candidates:accept",
    summary="Accept candidates in a batch",
    status_code=201,
    response_model=AcceptedBatch,
    responses=problem_responses(*WRITE_REFUSALS),
)
def accept_candidates(work: WriteWork, items: Reviewed) -> AcceptedBatch:
    """Accept every candidate listed, each as proposed, in one transaction. Each entry
    carries the ETag it was read with; one stale entry (or any other refusal, such as a
    name no entity has) refuses the whole batch, with a problem naming the entry."""
    done = proposals.accept_many(work, items, view=candidate_of, kind=CLAIMS)
    done = matcher.accepted(work, done)
    work.commit()
    return accepted_batch(done)


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
    body: Rejection,
) -> CandidatePublic:
    """Turn the candidate down, saying why; needs `If-Match` with its ETag. A candidate
    reviewed already is a 409."""
    public, etag = proposals.reject(
        work, candidate_id, body.reason, if_match, view=candidate_of, kind=CLAIMS
    )
    work.commit()
    response.headers["ETag"] = etag
    assert isinstance(public, CandidatePublic)
    return public
