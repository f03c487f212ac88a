"""Reads and read replicas at the HTTP edge: what a request asks of its reads, and the
headers that tell a client where a read came from and what token its write left.

The rule (docs/production.md, "Read replicas"):
- a write, and any read of a request that is not GET or HEAD, goes to the primary;
- a conditional read (`If-None-Match` or `If-Match`) goes to the primary: the version it
  names may be newer than a replica's;
- a read with `Claims-Consistency: <token>` goes to a replica that has replayed that far,
  else to the primary (a token that is not one also sends it to the primary);
- any other read goes to the next replica within `CLAIMS_READ_MAX_LAG`, else to the primary.
Where reads then actually go is the store's choice (`Store.routed`); routes never decide.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.store.replicas import ReadRoute
from models.consistency import CONSISTENCY_HEADER, READ_FROM_HEADER, parse_lsn

_STATE_KEY = "claims_read"
_READS = frozenset({"GET", "HEAD"})


def route_of(request: Request) -> ReadRoute:
    """The request's `ReadRoute`, filled from its method and headers (made here when no
    `ReadRouting` middleware made it first)."""
    route = getattr(request.state, _STATE_KEY, None)
    if not isinstance(route, ReadRoute):
        route = ReadRoute()
        setattr(request.state, _STATE_KEY, route)
    headers = request.headers
    if request.method not in _READS or "if-none-match" in headers or "if-match" in headers:
        route.primary_only = True
    token = headers.get(CONSISTENCY_HEADER)
    if token is not None:
        position = parse_lsn(token)
        if position is None:
            route.primary_only = True
        else:
            route.min_lsn = position
    return route


class ReadRouting:
    """Adds `Claims-Read-From` (where the request's reads went) and `Claims-Consistency`
    (the token of its write) to every answer. Installed only on a store with replicas.

    A read that a replica failed (it went down mid-query, or cancelled the query to
    replay the primary's changes) before anything was sent is run once more on the
    primary, so a failing replica costs time, not a 500; the replica is then skipped for
    a while (`api.store.replicas.DOWN_RETRY`).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        route = state[_STATE_KEY] = ReadRoute()
        attempt = _Attempt(route, send, hold_failure=scope["method"] in _READS)
        try:
            await self.app(scope, receive, attempt.send)
        except Exception:
            if not attempt.replica_failed():
                raise
        else:
            if not attempt.held:
                return
        route.skip_replica()
        again = state[_STATE_KEY] = ReadRoute(primary_only=True)
        await self.app(scope, receive, _Attempt(again, send, hold_failure=False).send)


class _Attempt:
    """One run of a request: its answer, with the routing headers, or (a read that a
    replica failed) nothing at all, held back so that the primary can answer instead."""

    def __init__(self, route: ReadRoute, send: Send, *, hold_failure: bool) -> None:
        self.route = route
        self._send = send
        self._hold_failure = hold_failure
        self.started = False
        self.held = False

    def replica_failed(self) -> bool:
        return self._hold_failure and not self.started and "replica" in self.route.served

    async def send(self, message: Message) -> None:
        if self.held:
            return
        if message["type"] == "http.response.start":
            if message["status"] >= 500 and self.replica_failed():
                self.held = True
                return
            headers = MutableHeaders(scope=message)
            served = self.route.served_by()
            if served is not None:
                headers[READ_FROM_HEADER] = served
            token = self.route.token_text()
            if token is not None:
                headers[CONSISTENCY_HEADER] = token
            self.started = True
        await self._send(message)
