"""Request dependencies as named aliases, and the lookups that answer 404."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlmodel import Session

from api import queries
from api.db import Store
from api.errors import invalid_parameter, not_found
from api.settings import Settings
from models import Entity, SourcePublic


def get_store(request: Request) -> Store:
    store: Store = request.state.claims_store
    return store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.state.claims_settings
    return settings


def reject_nul(request: Request) -> None:
    """NUL is never meaningful in a name or id, and PostgreSQL refuses it in text."""
    for where, values in (("path", request.path_params), ("query", request.query_params)):
        for name, value in values.items():
            if isinstance(value, str) and "\x00" in value:
                raise invalid_parameter(name, f"the {where} parameter contains a NUL character")


def get_session(store: Annotated[Store, Depends(get_store)]) -> Iterator[Session]:
    with store.session() as session:
        yield session


StoreDep = Annotated[Store, Depends(get_store)]
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


EntityDep = Annotated[Entity, Depends(entity_or_404)]
SourceDep = Annotated[tuple[int, SourcePublic], Depends(source_or_404)]
