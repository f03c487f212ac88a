"""HEAD wherever GET is served: the same status and headers, no body.

FastAPI routes serve only the methods they declare, so without this every HEAD would be a
405. The request goes to the GET route and its body is dropped on the way out, so the
headers (ETag, Content-Length, Link) are exactly GET's. A streamed export reads nothing
for a HEAD (`is_head`): it sends its headers and an empty stream.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    """ASGI middleware: answer HEAD by running GET and sending no body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await send(message)

        await self.app({**scope, "method": "GET", _HEAD: True}, receive, headers_only)


_HEAD = "claims.head"  # set on the scope of a HEAD answered as a GET


def is_head(scope: Scope) -> bool:
    """Whether this GET answers a HEAD: its body will be dropped, so a route may skip
    making one that costs much (an export)."""
    return bool(scope.get(_HEAD))
