"""Opaque cursors and the `next` link of list responses.

A cursor is the sort key of the last item served, with the name of the order it belongs
to, so a cursor from one ordering is refused by another rather than silently misread.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import MutableMapping, Sequence
from typing import Any
from urllib.parse import quote, unquote_plus

from fastapi import Request
from starlette.datastructures import MutableHeaders

from api.errors import invalid_parameter
from api.store.columns import SLUG, KeyKind
from models.input import text_problem

_VERSION = 1
Key = str | int | float


def encode_cursor(after: Sequence[Key], scope: str = "") -> str:
    payload = json.dumps({"v": _VERSION, "s": scope, "k": list(after)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(
    cursor: str | None, kinds: Sequence[KeyKind], scope: str = "", name: str = "cursor"
) -> list[Key] | None:
    """The sort key a cursor resumes after; a 422 naming `name` if it is not ours, or if
    any part of it is not a value its column can hold (`api.store.columns`)."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data: Any = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error, RecursionError):
        data = None
    if not isinstance(data, dict) or data.get("v") != _VERSION:
        raise invalid_parameter(
            name,
            "not a cursor this service issued; start from the first page and follow `next` links",
        )
    if data.get("s") != scope:
        raise invalid_parameter(name, "belongs to another sort order; start again")
    key = data.get("k")
    if (
        not isinstance(key, list)
        or len(key) != len(kinds)
        or not all(holds(kind, value) for value, kind in zip(key, kinds, strict=True))
    ):
        raise invalid_parameter(name, "not a cursor this service issued")
    return key


def first_key(cursor: str | None) -> str | None:
    """The slug a catalogue page (entities, sources: in slug order) resumes after."""
    key = decode_cursor(cursor, (SLUG,))
    return str(key[0]) if key else None


def holds(kind: KeyKind, value: Any) -> bool:
    """Whether a cursor's key part is a value of `kind` its column can hold: an integer
    in the column's range, a finite number, or text a database can hold (no NUL, no
    lone surrogate). The one check of every cursor of every list."""
    if isinstance(value, bool):
        return False
    if kind.type is str:
        return isinstance(value, str) and text_problem(value) is None
    if kind.type is float:
        if not isinstance(value, int | float) or not math.isfinite(value):
            return False
    elif not isinstance(value, int):
        return False
    return (kind.low is None or value >= kind.low) and (kind.high is None or value <= kind.high)


def next_link(
    request: Request,
    headers: MutableMapping[str, str] | MutableHeaders,
    after: Sequence[Key] | None,
    public_url: str | None,
    scope: str = "",
    param: str = "cursor",
) -> str | None:
    """The URL of the page after this one, also set as a `Link: rel="next"` header; the
    cursor goes in `param` (the change feed's is `since`)."""
    if after is None:
        return None
    # The query as the request sent it (anything a URL may not hold raw escaped, what is
    # escaped already left so), with the cursor, URL-safe base64, (re)placed last.
    sent: bytes = request.scope.get("query_string", b"")
    kept = [
        quote(part, safe=_SAFE) for part in sent.split(b"&") if part and not _is_cursor(part, param)
    ]
    query = "&".join([*kept, f"{param}={encode_cursor(after, scope)}"])
    url = request.url
    if public_url:
        root = request.scope.get("root_path", "")
        path = url.path[len(root) :] if root and url.path.startswith(root) else url.path
        link = f"{public_url.rstrip('/')}{path}?{query}"
    else:
        link = f"{url.scheme}://{url.netloc}{url.path}?{query}"
    headers["Link"] = f'<{link}>; rel="next"'
    return link


_SAFE = "=%+-._~!$'()*,;:@/?"


def _is_cursor(part: bytes, param: str = "cursor") -> bool:
    name = part.split(b"=", 1)[0].decode("latin-1")
    return (unquote_plus(name) if "%" in name or "+" in name else name) == param
