"""The framework's ceiling: FastAPI serving a constant page through our response model.

It answers every request with the same 20 claims our API returns for the popular-entity
query, validated and serialised through `models.page.ClaimPage` exactly as ours are, but
with no database and no query parsing. Whatever our API loses against it is the price of
our own code and of SQLite; whatever it loses against a bare ASGI app is FastAPI's.
"""

from __future__ import annotations

from fastapi import FastAPI

from api import queries
from api.db import Store
from api.paging import encode_cursor
from models.page import ClaimPage


def build_page(database_url: str, entity: str, limit: int) -> ClaimPage:
    """The first page of `entity`'s claims, built by the same queries our API runs."""
    store = Store(database_url)
    try:
        with store.session() as session:
            found = queries.find_entity(session, entity)
            if found is None or found.id is None:
                raise SystemExit(f"no entity {entity!r} in {database_url}")
            page = queries.list_claims(
                session, queries.ClaimFilters(entity_id=found.id), limit=limit
            )
    finally:
        store.dispose()
    # A `next` link of the same shape and length as the one our API sends.
    after = encode_cursor(page.next_after) if page.next_after is not None else None
    link = f"http://127.0.0.1/claims?entity={entity}&limit={limit}&cursor={after}"
    return ClaimPage(items=page.items, next=link if after else None)


def create_app(page: ClaimPage) -> FastAPI:
    """One route, `GET /claims`, answering `page` whatever the query string."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/claims", response_model=ClaimPage, response_model_exclude_unset=True)
    async def claims() -> ClaimPage:
        return page

    return app
