"""The review queue: every kind of proposal, listed, read, accepted or rejected."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request, Response

from api.http import paging
from api.http.auth import WriteWork
from api.http.conditional import tag_response
from api.http.deps import IfMatch, SessionDep, SettingsDep
from api.http.errors import problem_responses
from api.http.routing import ServiceRoute
from api.ingest import matching as matcher
from api.queries import history
from api.queries.proposals import proposal_public, proposal_row, queue_page
from api.queries.versions import tag_of
from api.store.columns import ROW_ID
from api.writes import proposals
from models.candidate import Rejection
from models.claim import ClaimPublic
from models.entity import EntityPublic
from models.history import History
from models.proposal import (
    AcceptedBatch,
    AcceptedItem,
    ProposalPage,
    ProposalPublic,
    ProposeRelation,
    ReviewItem,
)
from models.query import ProposalListParams
from models.relation import RelationPublic

router = APIRouter(tags=["proposals"], route_class=ServiceRoute)

ProposalId = Annotated[
    int, Path(ge=1, le=2**31 - 1, description="Id of the proposal.", examples=[12])
]
WRITE_REFUSALS = (401, 403, 404, 409, 412, 413, 422, 428, 503)
Reviewed = Annotated[
    list[ReviewItem],
    Body(min_length=1, max_length=500, description="The proposals, each with its ETag."),
]


@router.get(
    "/proposals",
    summary="List proposals",
    response_model=ProposalPage,
    responses=problem_responses(404, 422),
)
def list_proposals(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    params: Annotated[ProposalListParams, Query()],
) -> ProposalPage:
    """The review queue, in the order things were proposed: of one `kind`, in one
    `state`, read from one `source`, about one `claim` or one `entity`. `state=pending`
    is what awaits review."""
    after = paging.decode_cursor(params.cursor, (ROW_ID,))
    page = queue_page(session, params, int(after[0]) if after else None)
    return ProposalPage(
        items=page.items,
        next=paging.next_link(request, response.headers, page.next_after, settings.public_url),
    )


@router.get(
    "/proposals/{proposal_id}",
    summary="Get a proposal",
    response_model=ProposalPublic,
    responses=problem_responses(404, 422),
)
def get_proposal(
    request: Request, response: Response, session: SessionDep, proposal_id: ProposalId
) -> Any:
    """One proposal with its evidence, payload and review; its ETag guards accepting and
    rejecting it."""
    row = proposal_row(session, proposal_id)
    public = proposal_public(session, row)
    tag_response(request, response, tag_of(public, row.version))
    return public


@router.get(
    "/proposals/{proposal_id}/history",
    summary="A proposal's revisions",
    response_model=History,
    responses=problem_responses(404, 422),
)
def proposal_history(session: SessionDep, proposal_id: ProposalId) -> History:
    """Its creation and its review, as the revision log recorded them."""
    proposal_row(session, proposal_id)
    return History(items=history.revisions(session, "proposal", str(proposal_id)))


@router.post(
    "/proposals",
    summary="Propose a relation",
    status_code=201,
    response_model=ProposalPublic,
    responses=problem_responses(401, 403, 413, 422, 503),
)
def propose(response: Response, work: WriteWork, body: ProposeRelation) -> Any:
    """Queue a relation between two claims for someone to review: each end a held claim
    or a claim proposal. Nothing is linked until it is accepted."""
    public, etag = proposals.propose_relation(work, body)
    work.commit()
    response.headers["ETag"] = etag
    response.headers["Location"] = f"/proposals/{public.id}"
    return public


@router.post(
    "/proposals/{proposal_id}/accept",
    summary="Accept a proposal",
    status_code=201,
    response_model=ClaimPublic | RelationPublic | EntityPublic,
    responses=problem_responses(*WRITE_REFUSALS),
)
def accept_proposal(
    response: Response,
    work: WriteWork,
    proposal_id: ProposalId,
    if_match: IfMatch,
    changes: Annotated[
        dict[str, Any] | None,
        Body(
            description="A JSON Merge Patch of what the proposal creates (a claim's or a "
            "relation's create shape), or for an `entity_link` which entity the mention is "
            '(`{"entity": "slug"}`, or `{"new": {"kind": "person"}}`), for an '
            '`entity_merge` which entity to keep (`{"into": "slug"}`); send nothing to '
            "take it as proposed."
        ),
    ] = None,
) -> Any:
    """Create what the proposal proposes through that kind's own write, and mark it
    accepted, in one transaction: a claim, a relation, a mention's link to an entity (the
    answer is that entity, created if the reviewer chose a new one) or a merge (the answer
    is the entity kept). Needs `If-Match` with the proposal's ETag; a proposal reviewed
    already is a 409."""
    done = proposals.accept(work, proposal_id, dict(changes or {}), if_match)
    [done] = matcher.accepted(work, [done])
    work.commit()
    response.headers["ETag"] = done.etag
    response.headers["Location"] = done.location
    return done.created


@router.post(
    "/proposals/{proposal_id}/reject",
    summary="Reject a proposal",
    response_model=ProposalPublic,
    responses=problem_responses(*WRITE_REFUSALS),
)
def reject_proposal(
    response: Response,
    work: WriteWork,
    proposal_id: ProposalId,
    if_match: IfMatch,
    body: Rejection,
) -> Any:
    """Turn the proposal down, saying why; needs `If-Match` with its ETag."""
    public, etag = proposals.reject(work, proposal_id, body.reason, if_match)
    work.commit()
    response.headers["ETag"] = etag
    return public


@router.post(
    "/proposals:accept",
    summary="Accept proposals in a batch",
    status_code=201,
    response_model=AcceptedBatch,
    responses=problem_responses(*WRITE_REFUSALS),
)
def accept_proposals(work: WriteWork, items: Reviewed) -> AcceptedBatch:
    """Accept every proposal listed, each as proposed, in one transaction. Each entry
    carries the ETag it was read with; one stale entry (or any other refusal) refuses the
    whole batch, with a problem naming the entry."""
    done = matcher.accepted(work, proposals.accept_many(work, items))
    work.commit()
    return accepted_batch(done)


def accepted_batch(done: list[proposals.Accepted]) -> AcceptedBatch:
    return AcceptedBatch(
        items=[
            AcceptedItem(
                proposal=item.proposal,
                kind=item.kind,
                id=item.id,
                etag=item.etag,
                href=item.location,
            )
            for item in done
        ]
    )
