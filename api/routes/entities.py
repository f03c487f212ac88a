"""Entities: who or what claims are about, and who makes them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api import queries
from api.deps import EntityDep, SessionDep, SettingsDep
from api.errors import problem_responses
from api.paging import decode_cursor, next_link
from api.params import ClaimFilterParams, EntityListParams
from api.routes.claims import answer_claims
from models import EntityPublic
from models.page import ClaimPage, EntityPage

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
        items=page.items, next=next_link(request, response, page.next_after, settings.public_url)
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
    return queries.entity_public(session, entity)


@router.get(
    "/entities/{slug}/claims",
    summary="List an entity's claims",
    response_model=ClaimPage,
    response_model_exclude_unset=True,
    responses=problem_responses(404, 422),
)
def list_entity_claims(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    entity: EntityDep,
    params: Annotated[ClaimFilterParams, Query()],
) -> ClaimPage:
    """Claims involving this entity in any role (or `role`), with the /claims filters."""
    filters = params.filters(session, entity_id=entity.id)
    return answer_claims(request, response, session, settings, params, filters)


def _first(key: list[str | int | float] | None) -> str | None:
    return str(key[0]) if key else None
