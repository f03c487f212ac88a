"""Request bodies over the configured size get 413 before anything reads them whole."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import too_large
from api.http.errors import ProblemHTTPError, WatchedSend, render


class BodyLimit:
    """ASGI middleware: checks Content-Length up front, and counts streamed bodies too."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD"):
            await self.app(scope, receive, send)  # reads carry no body worth counting
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0 or declared > self.max_bytes:
                    await render(too_large(self.max_bytes))(scope, receive, send)
                    return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise ProblemHTTPError(too_large(self.max_bytes))
            return message

        watched = WatchedSend(send)
        try:
            await self.app(scope, counting_receive, watched)
        except ProblemHTTPError:
            if not watched.started:
                await render(too_large(self.max_bytes))(scope, receive, send)
