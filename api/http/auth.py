"""Who is asking: the API key of `Authorization: Bearer <key>`, and the scope a route needs.

Reads are public; writes need a key with the write scope, deletes of entities and
sources the admin scope. Keys are created and revoked by the CLI (`api.writes.keys`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.errors import forbidden, unauthorized
from api.http.deps import Reason, store_of
from api.http.routing import opens_unit
from api.queries.keys import find_principal
from api.store.db import Store
from api.writes.unit import UnitOfWork
from models.base import Principal, Scope


def _principal(store: Store, key: str) -> Principal | None:
    with store.session() as session:
        return find_principal(session, key)


async def principal(request: Request) -> Principal | None:
    """The request's principal; None without an `Authorization` header."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise unauthorized("Send the API key as `Authorization: Bearer <key>`.")
    found = await run_in_threadpool(_principal, store_of(request), key.strip())
    if found is None:
        raise unauthorized("This API key is unknown or revoked.")
    return found


# Declares the scheme in the OpenAPI document (Swagger UI's Authorize button, and the
# `security` of every write); the header itself is read by `principal`, which answers
# a missing or malformed one with a problem rather than FastAPI's bare 403.
BEARER = HTTPBearer(
    scheme_name="ApiKey",
    description="An API key made with `claims keys create`: `Authorization: Bearer sc_...`. "
    "Writes need the write scope; deleting entities and sources needs admin.",
    auto_error=False,
)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]


def require(scope: Scope) -> Any:
    """A dependency admitting only keys with at least `scope`."""

    async def check(request: Request, _declared: Credentials) -> Principal:
        who = await principal(request)
        if who is None:
            raise unauthorized(f"This needs an API key with the {scope.value} scope.")
        if who.scope.rank < scope.rank:
            raise forbidden(
                f"The key {who.name!r} has the {who.scope.value} scope; this needs {scope.value}."
            )
        return who

    return Depends(check)


def _work(scope: Scope) -> Any:
    # Marked: a route that depends on it is a write, run again if it loses a race
    # (`api.http.routing.ServiceRoute`), each run on a unit of its own.
    @opens_unit
    def open_unit(
        request: Request, reason: Reason = None, who: Principal = require(scope)
    ) -> Iterator[UnitOfWork]:
        # Sync, so the write session lives in the thread pool with the route's work.
        with store_of(request).write_session() as session:
            yield UnitOfWork(session, who, reason)

    return Depends(open_unit)


Writer = Annotated[Principal, require(Scope.write)]
# A write's unit of work, for a key with the write (or admin) scope; the route commits it.
WriteWork = Annotated[UnitOfWork, _work(Scope.write)]
AdminWork = Annotated[UnitOfWork, _work(Scope.admin)]
