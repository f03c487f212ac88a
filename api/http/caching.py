"""`Cache-Control` on every answer: reads are revalidated, everything else is not kept.

A successful read (GET or HEAD answering 2xx, or 304) says `no-cache`: a cache may keep
it but must ask again before each use, which costs one conditional request (`ETag` and
`If-None-Match` on single resources, 304 when nothing changed) and never shows a claim
that has since been edited or retracted. Writes, problems and everything else say
`no-store`. A route that sets its own `Cache-Control` keeps it.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

READ = "no-cache"
NOT_KEPT = "no-store"
_READS = {"GET", "HEAD"}


def cache_control(method: str, status: int) -> str:
    """What an answer of `status` to a `method` request says about caching it."""
    if method in _READS and (200 <= status < 300 or status == 304):
        return READ
    return NOT_KEPT


class CacheControl:
    """ASGI middleware: add `Cache-Control` to every answer that has none."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]

        async def with_cache_control(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "cache-control" not in headers:
                    headers["Cache-Control"] = cache_control(method, message["status"])
            await send(message)

        await self.app(scope, receive, with_cache_control)
