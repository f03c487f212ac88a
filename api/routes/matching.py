"""Claim matching: the claims like a held claim, the claims like a text, and the
thresholds the matcher proposes and links by."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.http.auth import WriteWork
from api.http.conditional import tag_response
from api.http.deps import IfMatch, read, store_of
from api.http.errors import problem_responses
from api.http.negotiation import JSON
from api.http.params import parse_query, query_docs
from api.queries import matching
from api.queries.versions import tag_of
from api.routes.claims import ClaimId
from api.store.db import Store
from api.writes.matching import set_thresholds
from models.matching import Matches, MatchQuery, SimilarParams, Thresholds, ThresholdsUpdate

router = APIRouter(tags=["matching"])


@router.get(
    "/claims/{claim_id}/similar",
    summary="Claims like this one",
    response_model=Matches,
    responses=problem_responses(404, 422),
    openapi_extra=query_docs(SimilarParams),
)
async def similar_claims(request: Request, claim_id: ClaimId) -> Response:
    """The held claims that restate, contradict or resemble this claim, best first, each
    with its score (0 to 1), the method that found it and the relation the matcher's
    rules suggest (docs/matching.md). Never the claim itself; retracted claims only with
    `include_retracted=true`."""
    params = parse_query(request, SimilarParams)
    store = store_of(request)
    body = await read(store, matching.similar, store, claim_id, params, whole_set=True)
    return Response(body, media_type=JSON)


@router.post(
    "/claims:match",
    summary="Has this been said before?",
    response_model=Matches,
    responses=problem_responses(404, 413, 422),
)
async def match_text(request: Request, query: MatchQuery) -> Response:
    """The held claims that match a statement (up to 5,000 characters), best first, in
    the same shape as `/claims/{id}/similar`; narrowed by `entity`, `claimant` (404 if
    the name matches no entity) and `since`. A read: it changes nothing and needs no key."""
    store = store_of(request)
    body = await read(store, matching.match, store, query, whole_set=True)
    return Response(body, media_type=JSON)


@router.get(
    "/matching/thresholds",
    summary="The matcher's thresholds",
    response_model=Thresholds,
    responses=problem_responses(422),
)
async def get_thresholds(request: Request, response: Response) -> Thresholds:
    """At `suggest` or above the matcher queues a relation proposal for review; at
    `link` or above it creates the relation at once (recorded as the matcher's), and only
    between claims of one claimant unless `link_across_claimants`. Its ETag guards a PUT."""
    store = store_of(request)
    current, version = await read(store, _thresholds, store)
    tag_response(request, response, tag_of(current, version))
    return current


def _thresholds(store: Store) -> tuple[Thresholds, int]:
    with store.reader() as reader:
        return matching.thresholds(reader)


@router.patch(
    "/matching/thresholds",
    summary="Change the matcher's thresholds",
    response_model=Thresholds,
    responses=problem_responses(401, 403, 409, 412, 422, 428, 503),
)
def change_thresholds(
    response: Response, work: WriteWork, body: ThresholdsUpdate, if_match: IfMatch
) -> Thresholds:
    """Set `suggest`, `link` or `link_across_claimants` (what is left out stays). A
    `suggest` above `link` is a 422. Needs `If-Match` with the ETag a GET gave."""
    current, etag = set_thresholds(work, body, if_match)
    work.commit()
    response.headers["ETag"] = etag
    return current
