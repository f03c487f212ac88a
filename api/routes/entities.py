"""Entities: who or what claims are about, and who makes them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, Response

from api import queries, reads, writes
from api.auth import Admin, Writer
from api.conditional import tag_response
from api.deps import (
    MERGE_PATCH,
    EntityDep,
    EntitySlug,
    IfMatch,
    Reason,
    SessionDep,
    SettingsDep,
    WriteEntityDep,
    WriteSessionDep,
    settings_of,
    store_of,
)
from api.errors import not_found, problem_responses
from api.paging import decode_cursor, next_link
from api.params import ClaimFilterParams, EntityListParams, parse_query, query_docs
from api.routes.claims import History, answer_claims, commit
from models import EntityPublic
from models.page import ClaimPage, EntityPage
from models.write import EntityCreate, EntityUpdate

router = APIRouter(tags=["entities"])


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
    page = queries.list_entities(
        session,
        kind=params.kind,
        words=params.q,
        limit=params.limit,
        after=_first(decode_cursor(params.cursor, (str,))),
    )
    return EntityPage(
        items=page.items,
        next=next_link(request, response.headers, page.next_after, settings.public_url),
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
    """One entity. A name or alias works too: the answer carries the slug, and a
    `Link: rel="canonical"` header points at the slug's URL."""
    canonical = request.url_for("get_entity", slug=entity.slug)
    response.headers["Link"] = f'<{canonical.path}>; rel="canonical"'
    public = queries.entity_public(session, entity)
    tag_response(request, response, writes.etag(public, entity.version))
    return public


@router.get(
    "/entities/{slug}/claims",
    summary="List an entity's claims",
    response_model=ClaimPage,
    response_model_exclude_unset=True,
    responses=problem_responses(404, 422),
    openapi_extra=query_docs(ClaimFilterParams),
)
async def list_entity_claims(request: Request, slug: EntitySlug) -> Response:
    """Claims involving this entity in any role (or `role`), with the /claims filters."""
    params = parse_query(request, ClaimFilterParams)
    scope = reads.Scope("entity", slug)
    return await answer_claims(
        request, store_of(request), settings_of(request), params, scope=scope
    )


def _first(key: list[str | int | float] | None) -> str | None:
    return str(key[0]) if key else None


# --- writes ----------------------------------------------------------------------------


@router.post(
    "/entities",
    summary="Create an entity",
    status_code=201,
    response_model=EntityPublic,
    responses=problem_responses(401, 403, 409, 413, 422),
)
def create_entity(
    response: Response,
    session: WriteSessionDep,
    who: Writer,
    data: EntityCreate,
    reason: Reason = None,
) -> EntityPublic:
    """Create an entity; its slug, name and aliases must not name another entity."""
    entity = writes.create_entity(session, data, who, reason)
    tag = writes.etag(entity, 1)
    commit(session)
    response.headers["ETag"] = tag
    response.headers["Location"] = f"/entities/{entity.slug}"
    return entity


@router.patch(
    "/entities/{slug}",
    summary="Change an entity",
    response_model=EntityPublic,
    responses=problem_responses(401, 403, 404, 412, 413, 422, 428),
)
def update_entity(
    response: Response,
    session: WriteSessionDep,
    who: Writer,
    entity: WriteEntityDep,
    patch: Annotated[EntityUpdate, Body(media_type=MERGE_PATCH)],
    if_match: IfMatch = None,
    reason: Reason = None,
) -> EntityPublic:
    """Apply a JSON Merge Patch; needs `If-Match` with the current ETag."""
    changes = patch.model_dump(mode="json", exclude_unset=True)
    updated = writes.update_entity(session, entity, changes, if_match, who, reason)
    tag = writes.etag(updated, entity.version)
    commit(session)
    response.headers["ETag"] = tag
    return updated


@router.delete(
    "/entities/{slug}",
    summary="Delete an entity",
    status_code=204,
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
def delete_entity(
    session: WriteSessionDep,
    who: Admin,
    entity: WriteEntityDep,
    if_match: IfMatch = None,
    reason: Reason = None,
) -> Response:
    """Delete an entity no claim or source uses (409 otherwise); needs the admin scope."""
    writes.delete_entity(session, entity, if_match, who, reason)
    commit(session)
    return Response(status_code=204)


@router.get(
    "/entities/{slug}/history",
    summary="An entity's revisions",
    response_model=History,
    responses=problem_responses(404, 422),
)
def entity_history(session: SessionDep, slug: EntitySlug) -> History:
    """Every change to the entity, oldest first; kept after the entity is deleted."""
    entity = queries.find_entity(session, slug)
    revisions = writes.history(session, "entity", entity.slug if entity else slug)
    if entity is None and not revisions:
        raise not_found("entity", slug, queries.suggest_entities(session, slug))
    return History(items=revisions)
