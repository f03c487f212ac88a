"""Sources: the works that report claims, and the held texts quotes are taken from."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, Response
from fastapi.responses import PlainTextResponse

from api import queries, reads, writes
from api.auth import Admin, Writer
from api.conditional import tag_response
from api.deps import (
    MERGE_PATCH,
    IfMatch,
    Reason,
    SessionDep,
    SettingsDep,
    SourceDep,
    SourceSlug,
    WriteSessionDep,
    WriteSourceDep,
    settings_of,
    store_of,
)
from api.errors import ProblemError, invalid_parameter, not_found, problem_responses
from api.paging import decode_cursor, next_link
from api.params import ClaimFilterParams, SourceListParams, parse_query, query_docs
from api.routes.claims import History, answer_claims, commit
from models import SourcePublic
from models.page import ClaimPage, SourcePage
from models.write import SourceCreate, SourceUpdate

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
        items=page.items,
        next=next_link(request, response.headers, page.next_after, settings.public_url),
    )


@router.get(
    "/sources/{slug}",
    summary="Get a source",
    response_model=SourcePublic,
    responses=problem_responses(404, 422),
)
def get_source(
    request: Request, response: Response, session: SessionDep, source: SourceDep
) -> SourcePublic:
    """One source: its publisher, kind, date and how precisely it is known."""
    tag_response(
        request, response, writes.etag(source[1], queries.source_version(session, source[0]))
    )
    return source[1]


@router.get(
    "/sources/{slug}/claims",
    summary="List claims passing through a source",
    response_model=ClaimPage,
    response_model_exclude_unset=True,
    responses=problem_responses(404, 422),
    openapi_extra=query_docs(ClaimFilterParams),
)
async def list_source_claims(request: Request, slug: SourceSlug) -> Response:
    """Claims whose attribution chain passes through this source at any hop."""
    params = parse_query(request, ClaimFilterParams)
    scope = reads.Scope("source", slug)
    return await answer_claims(
        request, store_of(request), settings_of(request), params, scope=scope
    )


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


# --- writes ----------------------------------------------------------------------------


@router.post(
    "/sources",
    summary="Create a source",
    status_code=201,
    response_model=SourcePublic,
    responses=problem_responses(401, 403, 409, 413, 422),
)
def create_source(
    response: Response,
    session: WriteSessionDep,
    who: Writer,
    data: SourceCreate,
    reason: Reason = None,
) -> SourcePublic:
    """Create a source; with `text`, the store holds it and claims can quote it."""
    source = writes.create_source(session, data, who, reason)
    tag = writes.etag(source, 1)
    commit(session)
    response.headers["ETag"] = tag
    response.headers["Location"] = f"/sources/{source.slug}"
    return source


@router.patch(
    "/sources/{slug}",
    summary="Change a source",
    response_model=SourcePublic,
    responses=problem_responses(401, 403, 404, 412, 413, 422, 428),
)
def update_source(
    response: Response,
    session: WriteSessionDep,
    who: Writer,
    source: WriteSourceDep,
    patch: Annotated[SourceUpdate, Body(media_type=MERGE_PATCH)],
    if_match: IfMatch = None,
    reason: Reason = None,
) -> SourcePublic:
    """Apply a JSON Merge Patch; needs `If-Match`. A held text never changes."""
    changes = patch.model_dump(mode="json", exclude_unset=True)
    updated = writes.update_source(session, source[0], source[1], changes, if_match, who, reason)
    tag = writes.etag(updated, queries.source_version(session, source[0]))
    commit(session)
    response.headers["ETag"] = tag
    return updated


@router.delete(
    "/sources/{slug}",
    summary="Delete a source",
    status_code=204,
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
def delete_source(
    session: WriteSessionDep,
    who: Admin,
    source: WriteSourceDep,
    if_match: IfMatch = None,
    reason: Reason = None,
) -> Response:
    """Delete a source no claim cites (409 otherwise); needs the admin scope."""
    writes.delete_source(session, source[0], source[1], if_match, who, reason)
    commit(session)
    return Response(status_code=204)


@router.get(
    "/sources/{slug}/history",
    summary="A source's revisions",
    response_model=History,
    responses=problem_responses(404, 422),
)
def source_history(session: SessionDep, slug: SourceSlug) -> History:
    """Every change to the source, oldest first; kept after the source is deleted."""
    revisions = writes.history(session, "source", slug)
    if not revisions and queries.get_source(session, slug) is None:
        raise not_found("source", slug, queries.suggest_sources(session, slug))
    return History(items=revisions)
