"""Opaque cursors and the `next` link of list responses."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, TypeVar

from fastapi import Request, Response

from api.errors import invalid_parameter

_VERSION = 1
K = TypeVar("K", str, int)


def encode_cursor(after: str | int) -> str:
    payload = json.dumps({"v": _VERSION, "after": after}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, kind: type[K]) -> K | None:
    """The sort key a cursor resumes after; a 422 naming `cursor` if it is not ours."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data: Any = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error):
        data = None
    after = data.get("after") if isinstance(data, dict) and data.get("v") == _VERSION else None
    if not isinstance(after, kind) or isinstance(after, bool):
        raise invalid_parameter(
            "cursor",
            "not a cursor this service issued; start from the first page and follow `next` links",
        )
    return after


def next_link(
    request: Request, response: Response, after: str | int | None, public_url: str | None
) -> str | None:
    """The URL of the page after this one, also set as a `Link: rel="next"` header."""
    if after is None:
        return None
    url = request.url.include_query_params(cursor=encode_cursor(after))
    if public_url:
        base = public_url.rstrip("/")
        root = request.scope.get("root_path", "")
        path = url.path[len(root) :] if root and url.path.startswith(root) else url.path
        link = f"{base}{path}?{url.query}"
    else:
        link = str(url)
    response.headers["Link"] = f'<{link}>; rel="next"'
    return link
