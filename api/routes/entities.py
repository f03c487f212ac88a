"""Entities: who or what claims are about, and who makes them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.errors import not_found
from api.http import paging
from api.http.auth import WriteWork
from api.http.conditional import tag_response
from api.http.deps import (
    EntityDep,
    EntitySlug,
    IfMatch,
    SessionDep,
    SettingsDep,
    canonical,
    read,
    store_of,
)
from api.http.errors import problem_responses
from api.http.params import parse_query, query_docs
from api.http.routing import ServiceRoute
from api.queries import catalog, history, names, relations
from api.queries.claims import Scope
from api.queries.versions import tag_of
from api.routes.claims import CLAIM_LIST_RESPONSES, answer_claims
from api.routes.editable import Editable, add_edits
from api.routes.relations import after_id, answer_page
from api.store.columns import DAY, ROW_ID
from api.store.db import Reader, Store
from api.writes import entities
from models.entity import EntityCreate, EntityMerge, EntityPublic, EntityUpdate
from models.history import History
from models.page import ClaimPage, EntityPage
from models.query import ClaimFilterParams, EntityListParams, PageParams
from models.relation import DisputePage, TimelinePage

router = APIRouter(tags=["entities"], route_class=ServiceRoute)


@router.get(
    "/entities",
    summary="List entities",
    response_model=EntityPage,
    responses=problem_responses(422),
)
def list_entities(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    params: Annotated[EntityListParams, Query()],
) -> EntityPage:
    """Entities by slug, optionally of one kind or matching words."""
    page = catalog.list_entities(
        session,
        kind=params.kind,
        words=params.q,
        limit=params.limit,
        after=paging.first_key(params.cursor),
        updated_since=params.updated_since,
    )
    return EntityPage(
        items=page.items,
        next=paging.next_link(request, response.headers, page.next_after, settings.public_url),
    )


@router.get(
    "/entities/{slug}",
    summary="Get an entity",
    response_model=EntityPublic,
    responses=problem_responses(404, 422),
)
def get_entity(
    request: Request, response: Response, session: SessionDep, entity: EntityDep
) -> EntityPublic:
    """One entity. A name or alias works too, and so does a Wikidata id (`Q7747`) or
    another `same_as` URI: the answer carries the slug, and a `Link: rel="canonical"`
    header points at the slug's URL. The slug of an entity merged into another answers
    `308 Permanent Redirect` to the one kept (as does every URL under it but its
    history)."""
    row = catalog.entity_row(session, entity.id)
    public = catalog.entity_public(session, row)
    tag_response(request, response, tag_of(public, row.version))
    return public


@router.get(
    "/entities/{slug}/claims",
    summary="List an entity's claims",
    response_model=ClaimPage,
    response_model_exclude_unset=True,
    responses=CLAIM_LIST_RESPONSES,
    openapi_extra=query_docs(ClaimFilterParams),
)
async def list_entity_claims(request: Request, slug: EntitySlug) -> Response:
    """Claims involving this entity in any role (or `role`), with the /claims filters."""
    params = parse_query(request, ClaimFilterParams)
    return await answer_claims(request, params, scope=Scope("entity", slug))


@router.get(
    "/entities/{slug}/history",
    summary="An entity's revisions",
    response_model=History,
    responses=problem_responses(404, 422),
)
def entity_history(
    request: Request, response: Response, session: SessionDep, slug: EntitySlug
) -> History:
    """Every change to the entity, oldest first; kept after the entity is deleted, and
    readable under a merged entity's own slug (its merge and any restore included)."""
    reader = Reader.of(session)
    found = names.entity_itself(reader, slug)
    revisions = history.revisions(session, "entity", found.slug if found else slug)
    if found is None and not revisions:
        raise not_found("entity", slug, names.suggest_entities(reader, slug))
    if found is not None:
        canonical(request, response, found, slug)
    return History(items=revisions)


@router.post(
    "/entities/{slug}/merge",
    summary="Merge an entity into another",
    response_model=EntityPublic,
    responses=problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 503),
)
def merge_entity(
    response: Response,
    work: WriteWork,
    entity: EntityDep,
    body: EntityMerge,
    if_match: IfMatch,
) -> EntityPublic:
    """Merge this entity into `into`, which is kept: claims (as claimant, subject,
    mention or hop), relations through them, the sources it published, its name, aliases,
    `same_as` and roles all move there, in one transaction. `If-Match` must list the
    current ETags of both (`If-Match: "3-…", "5-…"`). From then on the merged slug
    answers `308 Permanent Redirect` to the one kept on every GET and `409` on writes;
    both histories record the merge and the change feed carries it (the merged entity
    as `merged`). `POST /entities/{slug}/restore` undoes it. Answers the entity kept."""
    kept, etag = entities.merge(work, entity, body.into, if_match)
    work.commit()
    response.headers["ETag"] = etag
    response.headers["Location"] = f"/entities/{kept.slug}"
    return kept


@router.post(
    "/entities/{slug}/restore",
    summary="Undo a merge",
    response_model=EntityPublic,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428, 503),
)
def restore_entity(
    response: Response,
    work: WriteWork,
    slug: EntitySlug,
    if_match: IfMatch,
) -> EntityPublic:
    """Undo the merge of this (merged) entity: what moved moves back, and its slug
    answers again. `If-Match` is the ETag of the entity it was merged into (what a GET of
    either slug answers with). What the kept entity gained since stays with it."""
    entity = names.merged_entity_or_404(work.reader, slug)
    restored, etag = entities.restore(work, entity, if_match)
    work.commit()
    response.headers["ETag"] = etag
    return restored


@router.get(
    "/entities/{slug}/disputes",
    summary="Which claims about an entity disagree",
    response_model=DisputePage,
    responses=problem_responses(404, 422),
    openapi_extra=query_docs(PageParams),
)
async def entity_disputes(request: Request, slug: EntitySlug) -> Response:
    """Every standing `contradicts`, `undermines` and `qualifies` relation where either
    claim involves the entity, with both claims in full (`from_claim`, `to_claim`)."""
    params = parse_query(request, PageParams)
    store = store_of(request)
    page = await read(store, _disputes, store, slug, params)
    return answer_page(request, page)


def _disputes(store: Store, slug: str, params: PageParams) -> relations.Page:
    with store.reader() as reader:
        entity = names.entity_or_404(reader, slug)
        return relations.disputes(reader, entity.id, params.limit, after_id(params.cursor))


@router.get(
    "/entities/{slug}/timeline",
    summary="An entity's timeline",
    response_model=TimelinePage,
    responses=problem_responses(404, 422),
    openapi_extra=query_docs(PageParams),
)
async def entity_timeline(request: Request, slug: EntitySlug) -> Response:
    """The entity's claims in the order the claimed things happened: by the event's date,
    else the claim's own. Each entry says which date placed it, how precisely it is
    known, and whether it is inferred. A date known only to the year or month is placed
    by its last day, after the more precise dates inside it: a claim dated "2022" never
    comes before "2022-03-04" as if it were the first of January."""
    params = parse_query(request, PageParams)
    store = store_of(request)
    page = await read(store, _timeline, store, slug, params)
    return answer_page(request, page)


def _timeline(store: Store, slug: str, params: PageParams) -> relations.Page:
    after = paging.decode_cursor(params.cursor, (DAY, ROW_ID))
    with store.reader() as reader:
        entity = names.entity_or_404(reader, slug)
        return relations.timeline(reader, entity.id, params.limit, after)


add_edits(
    router,
    Editable(
        collection="/entities",
        item="/entities/{slug}",
        noun="entity",
        create_model=EntityCreate,
        update_model=EntityUpdate,
        public_model=EntityPublic,
        target=EntityDep,
        create=entities.create,
        update=entities.update,
        delete=entities.delete,
        key=lambda entity: entity.slug,
        create_doc="Create an entity; its slug, name and aliases must not name another entity.",
        update_doc="Apply a JSON Merge Patch; needs `If-Match` with the current ETag. A name "
        "or alias in the path works too.",
        delete_doc="Delete an entity no claim or source uses (409 otherwise); needs the "
        "admin scope.",
    ),
)
