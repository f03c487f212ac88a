"""The includable router: every endpoint of the service, bound to one store."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api.http.deps import bind_request
from api.routes import (
    article,
    candidates,
    changes,
    claims,
    entities,
    health,
    matching,
    proposals,
    relations,
    sources,
)
from api.settings import Settings
from api.store.db import Store


def create_router(store: Store | None = None, settings: Settings | None = None) -> APIRouter:
    """All endpoints, with no prefix: the host app picks one with `include_router`.

    The router carries its store, so a host can include several routers on several
    stores. A host should also call `api.install_error_handlers(app)` to get
    problem+json error bodies.
    """
    settings = settings or Settings()
    bound_store = store or Store.from_settings(settings)

    router = APIRouter(dependencies=[Depends(bind_request(bound_store, settings))])
    for module in (
        matching,
        claims,
        relations,
        entities,
        sources,
        changes,
        article,
        candidates,
        proposals,
        health,
    ):
        router.include_router(module.router)
    return router
