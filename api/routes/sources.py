"""Sources: the works that report claims, and the held texts quotes are taken from."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import PlainTextResponse

from api import queries
from api.deps import SessionDep, SettingsDep, SourceDep
from api.errors import ProblemError, invalid_parameter, problem_responses
from api.paging import decode_cursor, next_link
from api.params import ClaimFilterParams, SourceListParams
from api.routes.claims import answer_claims
from models import SourcePublic
from models.page import ClaimPage, SourcePage

router = APIRouter(tags=["sources"])


@router.get(
    "/sources",
    summary="List sources",
    response_model=SourcePage,
    responses=problem_responses(404, 422),
)
def list_sources(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    params: Annotated[SourceListParams, Query()],
) -> SourcePage:
    """Sources by slug, optionally of one kind or from one publisher."""
    page = queries.list_sources(
        session,
        kind=params.kind.value if params.kind else None,
        publisher_id=params.publisher_id(session),
        limit=params.limit,
        after=_first(decode_cursor(params.cursor, (str,))),
    )
    return SourcePage(
        items=page.items, next=next_link(request, response, page.next_after, settings.public_url)
    )


@router.get(
    "/sources/{slug}",
    summary="Get a source",
    response_model=SourcePublic,
    responses=problem_responses(404, 422),
)
def get_source(source: SourceDep) -> SourcePublic:
    """One source: its publisher, kind, date and how precisely it is known."""
    return source[1]


@router.get(
    "/sources/{slug}/claims",
    summary="List claims passing through a source",
    response_model=ClaimPage,
    response_model_exclude_unset=True,
    responses=problem_responses(404, 422),
)
def list_source_claims(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    source: SourceDep,
    params: Annotated[ClaimFilterParams, Query()],
) -> ClaimPage:
    """Claims whose attribution chain passes through this source at any hop."""
    filters = params.filters(session, source_ids=[source[0]])
    return answer_claims(request, response, session, settings, params, filters)


@router.get(
    "/sources/{slug}/text",
    summary="Get a source's held text",
    response_class=PlainTextResponse,
    responses={
        200: {
            "content": {"text/plain": {"example": "Photo Credit: Just Click's With A Camera"}},
            "description": "The held text, or the span asked for.",
        },
        **problem_responses(404, 422),
    },
)
def get_source_text(
    session: SessionDep,
    source: SourceDep,
    start: Annotated[
        int | None,
        Query(ge=0, le=2**31, description="Offset of the first character (Python str index)."),
    ] = None,
    end: Annotated[
        int | None,
        Query(ge=0, le=2**31, description="Offset just past the last character."),
    ] = None,
) -> PlainTextResponse:
    """The full text a source's quotes are checked against, byte for byte; `start` and
    `end` cut out a span, so a claim's quote offsets can be checked by hand."""
    source_id, public = source
    text = queries.get_source_text(session, source_id)
    if text is None:
        raise ProblemError(
            404,
            "Text not held",
            f"This store does not hold the text of {public.slug!r}.",
            kind="text-not-held",
        )
    if start is not None and end is not None and end < start:
        raise invalid_parameter("end", "must not be before start")
    return PlainTextResponse(text[start:end], media_type="text/plain; charset=utf-8")


def _first(key: list[str | int | float] | None) -> str | None:
    return str(key[0]) if key else None
