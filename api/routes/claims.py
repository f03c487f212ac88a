"""Claims: the filterable list and single claims."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from sqlmodel import Session

from api import queries
from api.deps import SessionDep, SettingsDep
from api.errors import not_found, problem_responses
from api.paging import decode_cursor, next_link
from api.params import ClaimFilterParams, ClaimListParams
from api.queries import ClaimFilters, ClaimSort
from api.settings import Settings
from models import ClaimPublic
from models.page import ClaimPage, FacetValue

router = APIRouter(tags=["claims"])

_KEY_KINDS: dict[ClaimSort | None, tuple[type, ...]] = {
    None: (int,),
    ClaimSort.claimed_on: (int, int),
    ClaimSort.claimed_on_desc: (int, int),
    ClaimSort.relevance: (float, int),
}


def answer_claims(
    request: Request,
    response: Response,
    session: Session,
    settings: Settings,
    params: ClaimFilterParams,
    filters: ClaimFilters,
) -> ClaimPage:
    """One page of claims with the extras asked for; shared by every claim list."""
    scope = params.sort.value if params.sort else ""
    after = decode_cursor(params.cursor, _KEY_KINDS[params.sort], scope)
    page = queries.list_claims(session, filters, limit=params.limit, after=after, sort=params.sort)
    facets = {
        facet.value: [
            FacetValue(value=value, label=label, count=count)
            for value, label, count in queries.facet_counts(session, filters, facet)
        ]
        for facet in dict.fromkeys(params.facet)
    }
    answer = ClaimPage(
        items=page.items,
        next=next_link(request, response, page.next_after, settings.public_url, scope),
    )
    if params.count == "exact":
        answer.count = queries.count_claims(session, filters)
    if facets:
        answer.facets = facets
    return answer


@router.get(
    "/claims",
    summary="List claims",
    response_model=ClaimPage,
    response_model_exclude_unset=True,
    responses=problem_responses(404, 422),
)
def list_claims(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    params: Annotated[ClaimListParams, Query()],
) -> ClaimPage:
    """Claims in the order their sources make them (or by `sort`), narrowed by any mix of
    filters, with optional `facet` counts and an exact `count` of the filtered set.

    An `entity`, `claimant` or `source` that names nothing is a 404 whose body names the
    parameter and suggests close matches.
    """
    filters = params.filters(session, entity=params.entity)
    return answer_claims(request, response, session, settings, params, filters)


@router.get(
    "/claims/{claim_id}",
    summary="Get a claim",
    response_model=ClaimPublic,
    responses=problem_responses(404, 422),
)
def get_claim(
    session: SessionDep,
    claim_id: Annotated[
        str,
        Path(
            max_length=200,
            description="Stable claim id.",
            examples=["legion-300-applications-a-day"],
        ),
    ],
) -> ClaimPublic:
    """One claim with its verbatim quote, claimant, entities and attribution chain."""
    claim = queries.get_claim(session, claim_id)
    if claim is None:
        raise not_found("claim", claim_id)
    return claim
