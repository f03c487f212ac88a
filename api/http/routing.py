"""How every route of the service runs: what its body may be, and a write run again when
the database aborts it for colliding with another.

Each module of `api.routes` builds its router with `route_class=ServiceRoute`, so these
two rules hold for every endpoint from one place:

- **Body media types.** A route that takes a body accepts the media types it declares
  (JSON; for a merge patch also `application/merge-patch+json`; for the NDJSON batch,
  its line formats). A body sent as anything else (`application/json-patch+json`,
  `text/plain`, or no `Content-Type` at all) is a 415 naming the types accepted, before
  anything tries to read it as what it is not.
- **Writes that lose a race.** On PostgreSQL, transactions overlap: one that deadlocks
  with another is aborted by the database, and one whose uniqueness or reference check
  another commit made stale fails at its insert. Nothing of it was written, so the route
  runs again, on a new unit of work, up to `ATTEMPTS` times in all; the new run sees
  what the other write committed and answers as if it had come after it (a 201, or the
  same 409 or 422 a later request would get). A write that loses every time is refused
  with 503 and `Retry-After`, never a 500. (SQLite serialises writers, so it never gets
  here.)
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Coroutine
from contextlib import AsyncExitStack
from typing import Any

from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from api.errors import store_busy, unsupported_media_type
from api.store.db import Collision, collision

# Runs of a write in one request, the first included; between runs a random pause of up
# to BACKOFF * 2**run seconds lets the writes it collided with finish.
ATTEMPTS = 5
BACKOFF = 0.02
JSON = "application/json"
MERGE_PATCH = "application/merge-patch+json"
logger = logging.getLogger("api")
Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def opens_unit(dependency: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a dependency as the one that opens a route's unit of work (`api.http.auth`):
    routes that depend on it are writes, run again when they lose a race."""
    dependency.opens_unit = True  # type: ignore[attr-defined]
    return dependency


def _writes(dependant: Dependant) -> bool:
    return getattr(dependant.call, "opens_unit", False) or any(
        _writes(sub) for sub in dependant.dependencies
    )


def accepted_media(route: APIRoute) -> tuple[str, ...]:
    """The media types a route's body may come in; none for a route without a body.

    A body parameter's declared type (and plain JSON, which any JSON body may be sent
    as); a route that reads its body itself declares its types in its OpenAPI
    `requestBody`."""
    declared = (route.openapi_extra or {}).get("requestBody", {}).get("content", {})
    if declared:
        return tuple(declared)
    if route.body_field is None:
        return ()
    media = str(getattr(route.body_field.field_info, "media_type", JSON) or JSON)
    return (media,) if media == JSON else (media, JSON)


def media_type(request: Request) -> str | None:
    """The request's `Content-Type` without its parameters, lower case."""
    header = request.headers.get("content-type")
    if header is None:
        return None
    return header.split(";", 1)[0].strip().lower()


class ServiceRoute(APIRoute):
    """An `APIRoute` that checks its body's media type and runs writes again when they
    lose a race (see the module's doc)."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()
        accepted = accepted_media(self)
        writes = _writes(self.dependant)
        patch = "PATCH" in (self.methods or ())
        if not accepted and not writes:
            return handler

        async def run(request: Request) -> Response:
            if accepted:
                await _check_media(request, accepted, patch)
            if writes:
                return await _run_write(handler, request)
            return await handler(request)

        return run


async def _check_media(request: Request, accepted: tuple[str, ...], patch: bool) -> None:
    """A 415 for a body in a media type the route does not take (an empty body is left
    to the route: some bodies are optional)."""
    sent = media_type(request)
    if not await request.body() or sent in accepted:
        return
    headers = {"Accept-Patch": ", ".join(accepted)} if patch else None
    raise unsupported_media_type(accepted, sent, headers=headers)


async def _run_write(handler: Handler, request: Request) -> Response:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await _attempt(handler, request)
        except Exception as exc:
            lost = collision(exc)
            if lost is None:
                raise
            if attempt == ATTEMPTS:
                if lost is Collision.raced:
                    raise  # the answer the checks gave, in the catalogue's words
                raise store_busy(
                    f"it collided with other writes to the same records {ATTEMPTS} times"
                ) from exc
        logger.warning(
            "%s %s lost a race with another write (%s); running it again (%d of %d)",
            request.method,
            request.url.path,
            lost.value,
            attempt + 1,
            ATTEMPTS,
        )
        await asyncio.sleep(random.uniform(0, BACKOFF * 2**attempt))
    raise AssertionError("unreachable")  # pragma: no cover


async def _attempt(handler: Handler, request: Request) -> Response:
    """One run of the route, with dependencies of its own: the unit of work it opened is
    closed (its transaction rolled back, its locks released) before the next run."""
    scope = request.scope
    outer = scope.get("fastapi_inner_astack"), scope.get("fastapi_function_astack")
    try:
        async with AsyncExitStack() as request_stack:
            scope["fastapi_inner_astack"] = request_stack
            async with AsyncExitStack() as function_stack:
                scope["fastapi_function_astack"] = function_stack
                return await handler(request)
    finally:
        scope["fastapi_inner_astack"], scope["fastapi_function_astack"] = outer
