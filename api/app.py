"""The application factory. Nothing happens at import; everything in `create_app`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi_offline import FastAPIOffline

from api.http.caching import CacheControl
from api.http.consistency import ReadRouting
from api.http.errors import install_error_handlers
from api.http.limits import BodyLimit
from api.http.methods import HeadAsGet
from api.router import create_router
from api.settings import Settings
from api.store.db import Store
from api.store.migrate import ensure_current
from models.consistency import CONSISTENCY_HEADER, READ_FROM_HEADER

DESCRIPTION = """
Claims with their provenance: **what** has been claimed about someone or something,
**by whom**, **reported where**, and **when**, each traced to the exact words of a
source this store holds.

* Every claim quotes a held source verbatim, with offsets you can check at
  `/sources/{slug}/text?start=...&end=...`.
* Its `attribution` is the chain of hops from the held article out to the original
  claimant (article -> Moscow Times -> Legion representatives...).
* Lists are pages: `{"items": [...], "next": url-or-null}` plus a `Link: rel="next"`
  header; follow `next` until it is null.
* Errors are `application/problem+json` (RFC 9457) naming the parameter at fault.
"""

# Answers of at least this many bytes are gzip-compressed for clients that accept it.
GZIP_MINIMUM_SIZE = 1000

TAGS = [
    {"name": "claims", "description": "What was claimed, by whom, where and when."},
    {"name": "entities", "description": "People, organisations, places... claims involve."},
    {"name": "sources", "description": "Works that report claims, and the texts held."},
    {
        "name": "candidates",
        "description": "The review queue: claims the extractor proposes, to accept or reject.",
    },
    {"name": "health", "description": "Liveness and readiness."},
]


def _version() -> str:
    try:
        return version("sourced-claims")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0.0.0"


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """A ready app on `store` (or on `settings.database_url`).

    An empty store gets its schema; a store whose schema is behind the code raises
    `SchemaBehindError`, saying what to run. Nothing essential waits for the lifespan,
    so the app also works mounted as a sub-application, where lifespans never run.
    """
    settings = settings or Settings()
    owns_store = store is None
    store = store or Store.from_settings(settings)
    ensure_current(store)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owns_store:
            store.dispose()

    app: FastAPI = FastAPIOffline(
        title="sourced-claims",
        version=_version(),
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
    )
    app.state.claims_store = store
    install_error_handlers(app)
    # Inside HeadAsGet, so a HEAD's headers are those of the compressed GET; streamed
    # exports are compressed chunk by chunk as they go.
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_SIZE, compresslevel=6)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, timeout=settings.body_timeout)
    app.add_middleware(HeadAsGet)
    app.add_middleware(CacheControl)
    if store.replicas is not None:
        app.add_middleware(ReadRouting)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "If-Match",
                "If-None-Match",
                "Idempotency-Key",
                CONSISTENCY_HEADER,
            ],
            expose_headers=[
                "ETag",
                "Link",
                "Location",
                "Content-Disposition",
                CONSISTENCY_HEADER,
                READ_FROM_HEADER,
            ],
        )
    app.include_router(create_router(store, settings))

    @app.get("/", include_in_schema=False)
    def index() -> dict[str, Any]:
        return {
            "name": "sourced-claims",
            "docs": "/docs",
            "openapi": "/openapi.json",
            "endpoints": ["/claims", "/entities", "/sources", "/candidates", "/health"],
        }

    return app
