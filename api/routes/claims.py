"""Claims: the filterable list and single claims."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from api import queries
from api.deps import SessionDep, SettingsDep
from api.errors import not_found, problem_responses
from api.paging import decode_cursor, next_link
from api.params import ClaimListParams
from models import ClaimPublic
from models.page import ClaimPage

router = APIRouter(tags=["claims"])


@router.get(
    "/claims",
    summary="List claims",
    response_model=ClaimPage,
    responses=problem_responses(404, 422),
)
def list_claims(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    params: Annotated[ClaimListParams, Query()],
) -> ClaimPage:
    """Claims in the order their sources make them, narrowed by any mix of filters.

    An `entity`, `claimant` or `source` that names nothing is a 404 whose body names the
    parameter and suggests close matches.
    """
    filters = params.filters(session, entity=params.entity)
    page = queries.list_claims(
        session, filters, limit=params.limit, after=decode_cursor(params.cursor, int)
    )
    link = next_link(request, response, page.next_after, settings.public_url)
    return ClaimPage(items=page.items, next=link)


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
