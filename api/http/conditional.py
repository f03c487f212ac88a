"""Conditional reads: an `If-None-Match` that names the current version answers 304."""

from __future__ import annotations

from fastapi import Request, Response

from api.http.errors import NotModifiedError
from api.queries.versions import matches


def tag_response(request: Request, response: Response, tag: str) -> None:
    """Set the ETag, or answer 304 when the client already holds this version."""
    held = request.headers.get("if-none-match")
    if held is not None and matches(held, tag, weak=True):
        raise NotModifiedError(tag)
    response.headers["ETag"] = tag
