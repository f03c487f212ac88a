"""Every error as an RFC 9457 problem+json body: the catalogue's, FastAPI's, and the rest.

`install_error_handlers` is the one place errors become responses. The kinds themselves
live in `api.errors`.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import errors
from api.errors import ProblemError
from api.store.db import Collision, StoreBusyError, collision
from models.problem import PROBLEM_MEDIA_TYPE, FieldError, Problem

logger = logging.getLogger("api")


def problem_response(
    problem: Problem, headers: dict[str, str] | None = None, extra: dict[str, Any] | None = None
) -> JSONResponse:
    return JSONResponse(
        problem.model_dump(mode="json", exclude_none=True) | (extra or {}),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def render(error: ProblemError) -> JSONResponse:
    return problem_response(error.problem, error.headers or None, error.extra)


class ProblemHTTPError(StarletteHTTPException):
    """A catalogue problem raised where only an HTTP exception gets through: FastAPI
    turns any other exception raised while it reads a body into a 400."""

    def __init__(self, error: ProblemError) -> None:
        super().__init__(error.status, str(error))
        self.error = error


class NotModifiedError(Exception):
    """Raised to answer 304: the client holds this version already."""

    def __init__(self, tag: str) -> None:
        super().__init__(tag)
        self.tag = tag


async def _on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    return _moved(request, exc) or render(exc)


def _moved(request: Request, exc: ProblemError) -> Response | None:
    """A read of a merged entity (or of anything under it) is redirected, for good, to
    the same path under the entity kept; writes get the 409 naming it."""
    if exc.kind.name != "entity-merged" or request.method not in {"GET", "HEAD"}:
        return None
    spelled, into = request.path_params.get("slug"), str(exc.extra["merged_into"])
    parts = request.url.path.split("/")
    for n in range(1, len(parts)):
        if parts[n - 1] == "entities" and parts[n] == spelled:
            parts[n] = quote(into, safe="")
            break
    else:
        return None
    location = "/".join(parts) + (f"?{request.url.query}" if request.url.query else "")
    return Response(status_code=308, headers={"Location": location})


async def _on_not_modified(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NotModifiedError)
    return Response(status_code=304, headers={"ETag": exc.tag})


def _field_errors(exc: RequestValidationError) -> list[FieldError]:
    found = []
    for error in exc.errors():
        # Blank parts name the branch of a union picked by the value's shape, not a field
        # (`models.input.slug_or_object`).
        loc = [str(part) for part in error.get("loc", ()) if str(part).strip()]
        location = loc[0] if loc else "request"
        # Body fields read `body.quote.text`; parameters are named as sent (`limit`).
        field = ".".join(loc if location == "body" else loc[1:]) or location
        found.append(FieldError(field=field, location=location, message=str(error.get("msg"))))
    return found


def _invalid_request(detail: str, field: str | None, found: list[FieldError]) -> JSONResponse:
    kind = errors.KINDS["invalid-request"]
    return problem_response(
        Problem(
            type=kind.type,
            title=kind.title,
            status=kind.status,
            detail=detail,
            field=field,
            errors=found,
        )
    )


def _lacks_if_match(exc: RequestValidationError) -> bool:
    return any(
        error.get("type") == "missing" and tuple(error.get("loc", ())) == ("header", "if-match")
        for error in exc.errors()
    )


async def _on_validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    if _lacks_if_match(exc):
        # Required in the OpenAPI document, but its absence is a 428, not a bad request.
        return render(errors.precondition_required())
    found = _field_errors(exc)
    detail = "; ".join(f"{e.field}: {e.message}" for e in found) or "Invalid request."
    return _invalid_request(detail, found[0].field if found else None, found)


def _unreadable_body(exc: StarletteHTTPException) -> str | None:
    """Why FastAPI could not read a JSON body, when that is what this 400 is.

    FastAPI answers a JSON body that is not UTF-8, nests too deeply for the parser or
    holds a number too long to read with a bare 400 no route declares, while it reports
    syntax errors as 422 validation errors. To a client they are the same mistake, so
    they become the same 422 naming `body`.
    """
    if exc.status_code != 400 or exc.detail != "There was an error parsing the body":
        return None
    cause = exc.__cause__
    if isinstance(cause, UnicodeError):
        return "is not valid UTF-8"
    if isinstance(cause, RecursionError):
        return "nests too deeply to be read"
    if isinstance(cause, ValueError):
        return "is not valid JSON"
    return None


def allowed_methods(request: Request) -> list[str]:
    """Every method the request's path is served with (not only one route's), HEAD where
    GET is, and OPTIONS: read from the app's OpenAPI document, which lists them all."""
    app = request.app
    openapi = getattr(app, "openapi", None)
    paths: dict[str, Any] = openapi().get("paths", {}) if callable(openapi) else {}
    root = request.scope.get("root_path", "")
    path = request.url.path
    path = path[len(root) :] if root and path.startswith(root) else path
    methods = {
        method.upper()
        for template, operations in paths.items()
        if _template(template).fullmatch(path)
        for method in operations
        if method.upper() in _METHODS
    }
    if "GET" in methods:
        methods.add("HEAD")
    methods.add("OPTIONS")
    return sorted(methods)


_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


@lru_cache(maxsize=256)
def _template(template: str) -> re.Pattern[str]:
    """A path template (`/claims/{claim_id}`) as a pattern matching its paths."""
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts))


async def _on_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if isinstance(exc, ProblemHTTPError):
        return _moved(request, exc.error) or render(exc.error)
    if exc.status_code == 405:
        allow = ", ".join(allowed_methods(request))
        if request.method == "OPTIONS":
            return Response(status_code=204, headers={"Allow": allow})
        exc.headers = {**(exc.headers or {}), "Allow": allow}
    unreadable = _unreadable_body(exc)
    if unreadable is not None:
        found = [FieldError(field="body", location="body", message=unreadable)]
        return _invalid_request(f"body: {unreadable}", "body", found)
    phrase = HTTPStatus(exc.status_code).phrase
    detail = exc.detail if isinstance(exc.detail, str) else phrase
    return problem_response(
        Problem(type="about:blank", title=phrase, status=exc.status_code, detail=detail),
        dict(exc.headers) if exc.headers else None,
    )


async def _on_store_busy(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StoreBusyError)
    return render(errors.store_busy(str(exc)))


async def _on_integrity(_request: Request, exc: Exception) -> JSONResponse:
    """A uniqueness or reference race that a use case's checks could not see (another
    writer committed the same id in between): the store refused it, so nothing changed."""
    assert isinstance(exc, IntegrityError)
    return render(errors.write_refused())


def _is_lock_timeout(exc: OperationalError) -> bool:
    """A write that waited out the write timeout for a lock another connection held:
    SQLite's busy_timeout, or PostgreSQL's lock_timeout (SQLSTATE 55P03)."""
    if getattr(exc.orig, "sqlstate", None) == "55P03":
        return True
    message = str(exc.orig).lower()
    return "database is locked" in message or "database table is locked" in message


async def _on_operational(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OperationalError)
    if _is_lock_timeout(exc):
        return render(
            errors.store_busy("another process kept the store's write lock past the write timeout")
        )
    if collision(exc) is Collision.contended:
        # A write is run again where it loses (`api.http.routing`); anything else the
        # database aborts for a deadlock is as safe to send again.
        return render(errors.store_busy("it collided with other writes to the same records"))
    return _internal_error(request, exc)


def _internal_error(request: Request, exc: BaseException) -> JSONResponse:
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return render(errors.internal())


class WatchedSend:
    """`send`, noting whether the response has started: until it has, a middleware may
    still answer in its place."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        self.started = self.started or message["type"] == "http.response.start"
        await self._send(message)


class AnswerUnhandled:
    """ASGI middleware: an exception no handler took becomes a logged 500 problem.

    Starlette's outermost error middleware answers such an exception and then raises it
    again for the server to log; uvicorn then closes the connection, and a client that
    sends its next request on that kept-alive connection sees it reset. Here the
    exception ends with its answer. Only a response that had already started cannot be
    answered, and there closing the connection is the one honest thing left.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        watched = WatchedSend(send)
        try:
            await self.app(scope, receive, watched)
        except Exception as exc:
            if watched.started:
                raise
            response = _internal_error(Request(scope), exc)
            await response(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    """Render every error of `app` as problem+json; call it on any app hosting the router
    (before it starts: it adds a middleware)."""
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(NotModifiedError, _on_not_modified)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(StoreBusyError, _on_store_busy)
    app.add_exception_handler(OperationalError, _on_operational)
    app.add_exception_handler(IntegrityError, _on_integrity)
    app.add_middleware(AnswerUnhandled)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries declaring problem+json bodies for these statuses."""
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_MEDIA_TYPE: {}},
        }
        for status in statuses
    }
