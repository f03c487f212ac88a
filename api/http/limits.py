"""Request bodies: over the configured size they get 413 before anything reads them
whole, and one that stops arriving gets 408 instead of holding its connection."""

from __future__ import annotations

import math

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import body_timeout, too_large
from api.http.errors import ProblemHTTPError, WatchedSend, render


class BodyLimit:
    """ASGI middleware: checks Content-Length up front, counts streamed bodies too, and
    gives the whole body `timeout` seconds to arrive, from when it is first asked for.

    uvicorn's keep-alive timeout covers a connection idle between requests, not a body
    that stops halfway; without a deadline here a client could hold a connection (and
    the request's worker slot) for as long as it liked. Once the body is in, reads wait
    for the client's disconnect as long as they need: that is not the body any more.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float = math.inf) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

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
        deadline: float | None = None
        complete = False

        async def guarded_receive() -> Message:
            nonlocal received, deadline, complete
            if complete:
                return await receive()
            if deadline is None:
                deadline = anyio.current_time() + self.timeout
            message = None
            with anyio.move_on_after(max(0.0, deadline - anyio.current_time())):
                message = await receive()
            if message is None:
                raise ProblemHTTPError(body_timeout(self.timeout))
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise ProblemHTTPError(too_large(self.max_bytes))
                complete = not message.get("more_body", False)
            else:
                complete = True  # disconnected: nothing more will come
            return message

        watched = WatchedSend(send)
        try:
            await self.app(scope, guarded_receive, watched)
        except ProblemHTTPError as refused:
            if not watched.started:
                await render(refused.error)(scope, receive, send)
