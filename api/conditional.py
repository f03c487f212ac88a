"""ETags on reads: `If-None-Match` answers 304, so clients can revalidate for free."""

from __future__ import annotations

import hashlib

from fastapi import Request, Response

from api.errors import ProblemError


class NotModifiedError(ProblemError):
    """Raised to answer 304; rendered without a body."""

    def __init__(self, tag: str) -> None:
        super().__init__(304, "Not Modified", "", kind="not-modified", headers={"ETag": tag})


def tag_response(request: Request, response: Response, tag: str) -> None:
    """Set the ETag, or answer 304 when the client already holds this version."""
    held = request.headers.get("if-none-match")
    if held is not None and (held.strip() == "*" or tag in [t.strip() for t in held.split(",")]):
        raise NotModifiedError(tag)
    response.headers["ETag"] = tag


def etag_of(body: str, version: int) -> str:
    """A strong validator: the row version and a digest of exactly what readers get."""
    return f'"{version}-{hashlib.sha256(body.encode()).hexdigest()[:16]}"'
