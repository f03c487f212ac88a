"""One error vocabulary: every error is an RFC 9457 problem+json body, 5xx included.

Domain errors subclass `ProblemError` (an HTTPException, so a host app without our
handlers still answers with their status); `install_error_handlers` renders them, and
FastAPI's own validation and HTTP errors, the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.db import StoreBusyError

PROBLEM_MEDIA_TYPE = "application/problem+json"
_TYPE_BASE = "urn:sourced-claims:problem:"

logger = logging.getLogger("api")


class FieldError(BaseModel):
    """One invalid parameter or field."""

    field: str = Field(description="The offending parameter or body field.")
    location: str = Field(description="query, path, header or body.")
    message: str = Field(description="What is wrong with it.")


class Problem(BaseModel):
    """An RFC 9457 problem detail."""

    type: str = Field(
        description="URI naming the kind of problem.",
        examples=[_TYPE_BASE + "unknown-reference"],
    )
    title: str = Field(description="Short summary of the kind.", examples=["Unknown entity"])
    status: int = Field(description="The HTTP status code.", examples=[404])
    detail: str = Field(
        description="What went wrong with this request.",
        examples=["entity='legoin' matches no entity. Did you mean: freedom-of-russia-legion?"],
    )
    field: str | None = Field(default=None, description="The parameter or field at fault.")
    suggestions: list[str] | None = Field(default=None, description="Close matches to try instead.")
    errors: list[FieldError] | None = Field(
        default=None, description="Every invalid field, for validation errors."
    )


class ProblemError(HTTPException):
    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        kind: str,
        field: str | None = None,
        suggestions: Sequence[str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status_code=status, detail=detail, headers=headers)
        self.extra: dict[str, Any] = {}
        self.problem = Problem(
            type=_TYPE_BASE + kind,
            title=title,
            status=status,
            detail=detail,
            field=field,
            suggestions=list(suggestions) if suggestions is not None else None,
        )


def not_found(what: str, ident: str, suggestions: Sequence[str] = ()) -> ProblemError:
    hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
    return ProblemError(
        404,
        f"{what.capitalize()} not found",
        f"No {what} {ident!r}.{hint}",
        kind="not-found",
        suggestions=suggestions or None,
    )


def unknown_reference(
    field: str, what: str, value: str, suggestions: Sequence[str]
) -> ProblemError:
    hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
    return ProblemError(
        404,
        f"Unknown {what}",
        f"{field}={value!r} matches no {what}.{hint}",
        kind="unknown-reference",
        field=field,
        suggestions=suggestions,
    )


def invalid_parameter(field: str, message: str) -> ProblemError:
    return ProblemError(
        422, "Invalid parameter", f"{field}: {message}", kind="invalid-parameter", field=field
    )


def problem_response(
    problem: Problem, headers: dict[str, str] | None = None, extra: dict[str, Any] | None = None
) -> JSONResponse:
    return JSONResponse(
        problem.model_dump(mode="json", exclude_none=True) | (extra or {}),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def _field_errors(exc: RequestValidationError) -> list[FieldError]:
    found = []
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ())]
        location = loc[0] if loc else "request"
        # Body fields read `body.quote.text`; parameters are named as sent (`limit`).
        field = ".".join(loc if location == "body" else loc[1:]) or location
        found.append(FieldError(field=field, location=location, message=str(error.get("msg"))))
    return found


async def _on_problem(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    if exc.status_code == 304:
        return Response(status_code=304, headers=dict(exc.headers or {}))
    return problem_response(exc.problem, dict(exc.headers) if exc.headers else None, exc.extra)


async def _on_validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _field_errors(exc)
    first = errors[0] if errors else None
    detail = "; ".join(f"{e.field}: {e.message}" for e in errors) or "Invalid request."
    return problem_response(
        Problem(
            type=_TYPE_BASE + "invalid-request",
            title="Invalid request",
            status=422,
            detail=detail,
            field=first.field if first else None,
            errors=errors,
        )
    )


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


async def _on_http(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    unreadable = _unreadable_body(exc)
    if unreadable is not None:
        return problem_response(
            Problem(
                type=_TYPE_BASE + "invalid-request",
                title="Invalid request",
                status=422,
                detail=f"body: {unreadable}",
                field="body",
                errors=[FieldError(field="body", location="body", message=unreadable)],
            )
        )
    phrase = HTTPStatus(exc.status_code).phrase
    detail = exc.detail if isinstance(exc.detail, str) else phrase
    return problem_response(
        Problem(type="about:blank", title=phrase, status=exc.status_code, detail=detail),
        dict(exc.headers) if exc.headers else None,
    )


RETRY_AFTER_BUSY = "1"


def _busy(detail: str) -> JSONResponse:
    return problem_response(
        Problem(
            type=_TYPE_BASE + "store-busy",
            title="Store busy",
            status=503,
            detail=detail,
        ),
        {"Retry-After": RETRY_AFTER_BUSY},
    )


async def _on_store_busy(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StoreBusyError)
    return _busy(f"Nothing was written: {exc}. Send the request again shortly.")


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
        return _busy(
            "Nothing was written: another process kept the store's write lock past the "
            "write timeout. Send the request again shortly."
        )
    return _internal_error(request, exc)


_INTERNAL = Problem(
    type="about:blank",
    title="Internal Server Error",
    status=500,
    detail="The server failed to answer this request; it has been logged.",
)


def _internal_error(request: Request, exc: BaseException) -> JSONResponse:
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(_INTERNAL)


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
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:
                raise
            response = _internal_error(Request(scope), exc)
            await response(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    """Render every error of `app` as problem+json; call it on any app hosting the router
    (before it starts: it adds a middleware)."""
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(StoreBusyError, _on_store_busy)
    app.add_exception_handler(OperationalError, _on_operational)
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
