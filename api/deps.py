"""Request dependencies as named aliases, and the lookups that answer 404."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Header, Path, Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlmodel import Session, col, select

from api import queries
from api.db import Store
from api.errors import invalid_parameter, not_found
from api.settings import Settings
from models import Entity, SourcePublic


def store_of(request: Request) -> Store:
    """The store the router serving `request` is bound to (see `bind_request`).

    The hottest routes call this directly: as a dependency it costs a pass through
    FastAPI's solver, which on a cheap read is a measurable share of the request.
    """
    store: Store = request.state.claims_store
    return store


def settings_of(request: Request) -> Settings:
    settings: Settings = request.state.claims_settings
    return settings


async def get_store(request: Request) -> Store:
    return store_of(request)


async def get_settings(request: Request) -> Settings:
    return settings_of(request)


def _check_query(request: Request) -> None:
    """NUL is never meaningful in a name or id (and PostgreSQL refuses it in text); a
    misspelt parameter (`entitiy=legion`) must fail, not silently match everything."""
    for where, values in (("path", request.path_params), ("query", request.query_params)):
        for name, value in values.items():
            if isinstance(value, str) and "\x00" in value:
                raise invalid_parameter(name, f"the {where} parameter contains a NUL character")
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.query_params:
        return
    allowed = _ALLOWED.get(id(route))
    if allowed is None:
        allowed = _ALLOWED[id(route)] = frozenset(_query_names(route))
    for name in request.query_params:
        if name not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            raise invalid_parameter(name, f"is not a parameter of this endpoint (known: {known})")


_ALLOWED: dict[int, frozenset[str]] = {}


def _query_names(route: APIRoute) -> set[str]:
    """Query parameters a route declares, or documents for `params.parse_query`."""
    names = _declared_names(route.dependant)
    for parameter in (route.openapi_extra or {}).get("parameters", []):
        if parameter.get("in") == "query":
            names.add(parameter["name"])
    return names


def _declared_names(dependant: Dependant) -> set[str]:
    names: set[str] = set()
    for param in dependant.query_params:
        annotation = param.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names |= {f.alias or n for n, f in annotation.model_fields.items()}
        else:
            names.add(param.alias)
    for sub in dependant.dependencies:
        names |= _declared_names(sub)
    return names


def bind_request(store: Store, settings: Settings) -> Callable[[Request], Awaitable[None]]:
    """The router's one dependency: checks every request, then binds the router's store.

    One dependency rather than several: each costs a pass through FastAPI's solver,
    which on a cheap read is a measurable share of the whole request.
    """

    async def bind(request: Request) -> None:
        _check_query(request)
        request.state.claims_store = store
        request.state.claims_settings = settings

    return bind


async def get_session(store: Annotated[Store, Depends(get_store)]) -> AsyncIterator[Session]:
    # async: opening a Session does no I/O, and a sync dependency would cost a thread hop.
    with store.session() as session:
        yield session


async def get_write_session(
    store: Annotated[Store, Depends(get_store)],
) -> AsyncIterator[Session]:
    with store.write_session() as session:
        yield session


MERGE_PATCH = "application/merge-patch+json"
StoreDep = Annotated[Store, Depends(get_store)]
WriteSessionDep = Annotated[Session, Depends(get_write_session)]
Reason = Annotated[
    str | None,
    Query(max_length=1000, description="Why the change is made; kept in the revision log."),
]
IfMatch = Annotated[
    str | None,
    Header(
        max_length=200,
        description="The ETag last read; the change applies only if it is still current.",
    ),
]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]

EntitySlug = Annotated[
    str,
    Path(
        max_length=200,
        description="Entity slug; a name or alias also works and answers with the slug.",
        examples=["freedom-of-russia-legion"],
    ),
]
SourceSlug = Annotated[
    str,
    Path(max_length=200, description="Source slug.", examples=["moscow-times-switching-sides"]),
]


def entity_or_404(session: SessionDep, slug: EntitySlug) -> Entity:
    entity = queries.find_entity(session, slug)
    if entity is None:
        raise not_found("entity", slug, queries.suggest_entities(session, slug))
    return entity


def source_or_404(session: SessionDep, slug: SourceSlug) -> tuple[int, SourcePublic]:
    found = queries.get_source(session, slug)
    if found is None:
        raise not_found("source", slug, queries.suggest_sources(session, slug))
    return found


def write_entity_or_404(session: WriteSessionDep, slug: EntitySlug) -> Entity:
    entity: Entity | None = session.execute(
        select(Entity).where(col(Entity.slug) == slug)
    ).scalar_one_or_none()
    if entity is None:
        raise not_found("entity", slug, queries.suggest_entities(session, slug))
    return entity


def write_source_or_404(session: WriteSessionDep, slug: SourceSlug) -> tuple[int, SourcePublic]:
    return source_or_404(session, slug)


EntityDep = Annotated[Entity, Depends(entity_or_404)]
SourceDep = Annotated[tuple[int, SourcePublic], Depends(source_or_404)]
WriteEntityDep = Annotated[Entity, Depends(write_entity_or_404)]
WriteSourceDep = Annotated[tuple[int, SourcePublic], Depends(write_source_or_404)]
