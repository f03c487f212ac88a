"""Sources: the works that report claims, and the held texts quotes are taken from."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import PlainTextResponse

from api.errors import invalid_parameter, text_not_held
from api.http import paging
from api.http.conditional import tag_response
from api.http.deps import SessionDep, SettingsDep, SourceDep, SourceSlug, canonical
from api.http.errors import problem_responses
from api.http.links import add_link, item_path
from api.http.params import parse_query, query_docs
from api.http.routing import ServiceRoute
from api.queries import catalog, history, names
from api.queries.claims import Scope
from api.queries.versions import tag_of
from api.routes.claims import CLAIM_LIST_RESPONSES, answer_claims
from api.routes.editable import Editable, add_edits
from api.store.db import Reader
from api.writes import sources
from models.history import History
from models.page import ClaimPage, SourcePage
from models.query import ClaimFilterParams, SourceListParams
from models.source import SourceCreate, SourcePublic, SourceUpdate

router = APIRouter(tags=["sources"], route_class=ServiceRoute)


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
    publisher = None
    if params.publisher:
        publisher = names.entity_parameter(Reader.of(session), "publisher", params.publisher).id
    page = catalog.list_sources(
        session,
        kind=params.kind.value if params.kind else None,
        publisher_id=publisher,
        limit=params.limit,
        after=paging.first_key(params.cursor),
        updated_since=params.updated_since,
    )
    return SourcePage(
        items=page.items,
        next=paging.next_link(request, response.headers, page.next_after, settings.public_url),
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
    """One source: its publisher, kind, date and how precisely it is known. Its name or
    title works too: the answer carries the slug, with a `Link: rel="canonical"`.

    When the store holds the source's text, the `Link` header also points at the page
    that shows it annotated, every claim's quote highlighted and explained on hover or
    focus: `Link: </sources/{slug}/view>; rel="alternate"; type="text/html"`."""
    public = catalog.source_public(session, source.id)
    if public.text_held:
        view = item_path(request, source.slug, "/view")
        add_link(response.headers, f'<{view}>; rel="alternate"; type="text/html"')
    tag_response(request, response, tag_of(public, catalog.source_version(session, source.id)))
    return public


@router.get(
    "/sources/{slug}/claims",
    summary="List claims passing through a source",
    response_model=ClaimPage,
    response_model_exclude_unset=True,
    responses=CLAIM_LIST_RESPONSES,
    openapi_extra=query_docs(ClaimFilterParams),
)
async def list_source_claims(request: Request, slug: SourceSlug) -> Response:
    """Claims whose attribution chain passes through this source at any hop."""
    params = parse_query(request, ClaimFilterParams)
    return await answer_claims(request, params, scope=Scope("source", slug))


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
    text = catalog.get_source_text(session, source.id)
    if text is None:
        raise text_not_held(source.slug)
    if start is not None and end is not None and end < start:
        raise invalid_parameter("end", "must not be before start")
    return PlainTextResponse(text[start:end], media_type="text/plain; charset=utf-8")


@router.get(
    "/sources/{slug}/history",
    summary="A source's revisions",
    response_model=History,
    responses=problem_responses(404, 422),
)
def source_history(
    request: Request, response: Response, session: SessionDep, slug: SourceSlug
) -> History:
    """Every change to the source, oldest first; kept after the source is deleted."""
    reader = Reader.of(session)
    found = names.find_sources(reader, slug)
    if len(found) != 1:
        # Deleted sources keep their history under their slug.
        revisions = history.revisions(session, "source", slug)
        if not revisions:
            names.source_or_404(reader, slug)  # a 404 with suggestions, or the choices
        return History(items=revisions)
    canonical(request, response, found[0], slug)
    return History(items=history.revisions(session, "source", found[0].slug))


add_edits(
    router,
    Editable(
        collection="/sources",
        item="/sources/{slug}",
        noun="source",
        create_model=SourceCreate,
        update_model=SourceUpdate,
        public_model=SourcePublic,
        target=SourceDep,
        create=sources.create,
        update=sources.update,
        delete=sources.delete,
        key=lambda source: source.slug,
        create_doc="Create a source; with `text`, the store holds it and claims can quote it.",
        update_doc="Apply a JSON Merge Patch; needs `If-Match`. A held text never changes.",
        delete_doc="Delete a source no claim cites (409 otherwise); needs the admin scope.",
    ),
)
