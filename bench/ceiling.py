"""The framework's ceiling: FastAPI serving a constant page through our response model.

It answers every request with the same 20 claims our API returns for the popular-entity
query, validated and serialised through `models.page.ClaimPage` exactly as ours are, but
with no database and no query parsing. Whatever our API loses against it is the price of
our own code and of SQLite; whatever it loses against a bare ASGI app is FastAPI's.
"""

from __future__ import annotations

from fastapi import FastAPI

from api.http.paging import encode_cursor
from api.queries import claim_list, names
from api.store.db import Store
from models import ClaimPublic
from models.page import ClaimPage


def build_page(database_url: str, entity: str, limit: int) -> ClaimPage:
    """The first page of `entity`'s claims, read by the same statement our API runs."""
    store = Store(database_url)
    try:
        with store.reader() as reader:
            found = names.find_entity(reader, entity)
            if found is None:
                raise SystemExit(f"no entity {entity!r} in {database_url}")
            statement, n_keys = claim_list.page(
                claim_list.ClaimFilters(entity_id=found.id), dialect=store.dialect, limit=limit
            )
            rows = reader.rows(statement)
    finally:
        store.dispose()
    items = [ClaimPublic.model_validate_json(row[n_keys]) for row in rows[:limit]]
    # A `next` link of the same shape and length as the one our API sends.
    after = encode_cursor(list(rows[limit - 1][:n_keys])) if len(rows) > limit else None
    link = f"http://127.0.0.1/claims?entity={entity}&limit={limit}&cursor={after}"
    return ClaimPage(items=items, next=link if after else None)


def create_app(page: ClaimPage) -> FastAPI:
    """One route, `GET /claims`, answering `page` whatever the query string."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/claims", response_model=ClaimPage, response_model_exclude_unset=True)
    async def claims() -> ClaimPage:
        return page

    return app
