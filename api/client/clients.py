"""The two clients: a transport (httpx.Client or httpx.AsyncClient) under the shared
operations. What differs between blocking and asyncio I/O (opening, sending, closing)
lives here; the constructor and request building are shared, typed per client by the
base's type parameters."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

import httpx

from api.client.calls import Call
from api.client.core import AsyncSender, SyncSender
from api.client.operations import Operations
from api.client.query import encode_query
from models.consistency import CONSISTENCY_HEADER, later

DEFAULT_TIMEOUT = httpx.Timeout(10.0)

_R = TypeVar("_R")
_Http = TypeVar("_Http", bound=httpx.Client | httpx.AsyncClient)
_Transport = TypeVar("_Transport", bound=httpx.BaseTransport | httpx.AsyncBaseTransport)


class _ClientBase(Operations, ABC, Generic[_Http, _Transport]):
    """What both clients share: the base URL, default headers and ownership of `http`,
    and the consistency token of the last write it saw answered.

    A server with read replicas answers each write with a `Claims-Consistency` token; the
    client keeps the furthest one and sends it with every later request, so its reads
    see its own writes (a replica that has not replayed them leaves the read to the
    primary). Set `consistency` to None to stop sending it, or to a token another client
    got, to read that client's writes.
    """

    consistency: str | None

    def __init__(
        self,
        base_url: str | None = None,
        *,
        api_key: str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout | float | None = DEFAULT_TIMEOUT,
        transport: _Transport | None = None,
        http: _Http | None = None,
    ) -> None:
        if http is not None and (transport is not None or timeout is not DEFAULT_TIMEOUT):
            # They would silently not apply to a client built elsewhere.
            raise ValueError("pass transport and timeout to the httpx client given as http=")
        if http is None and not base_url:
            raise ValueError("base_url is needed unless an httpx client is given as http=")
        # Joined by hand rather than left to httpx so that a shared http= client with
        # no base URL of its own still works, and a prefix (/claims-api) is kept.
        self._prefix = (base_url or "").rstrip("/")
        self._headers = dict(headers or {})
        if api_key is not None:
            self._headers["Authorization"] = f"Bearer {api_key}"
        self._owns_http = http is None
        self.consistency = None
        self.http: _Http = http if http is not None else self._open(transport, timeout)

    @abstractmethod
    def _open(self, transport: _Transport | None, timeout: httpx.Timeout | float | None) -> _Http:
        """The httpx client this one makes (and closes) when none is given as `http=`."""

    def _request(self, call: Call[Any]) -> httpx.Request:
        # build_request, not httpx.Request: the httpx client's own headers, cookies and
        # base URL (a TestClient's, say) apply too.
        return self.http.build_request(
            call.method,
            self._prefix + call.path,
            params=encode_query(call.params),
            json=call.json,
            headers=self._headers_for(call),
        )

    def _headers_for(self, call: Call[Any]) -> dict[str, str]:
        headers = {**self._headers, **call.headers}
        if self.consistency is not None:
            headers[CONSISTENCY_HEADER] = self.consistency
        return headers

    def _answered(self, response: httpx.Response) -> httpx.Response:
        """Keep the answer's consistency token, if it is further along than ours."""
        token = response.headers.get(CONSISTENCY_HEADER)
        if token is not None:
            self.consistency = later(self.consistency, token)
        return response


class ClaimsClient(_ClientBase[httpx.Client, httpx.BaseTransport], SyncSender):
    """Blocking client; give `http=` to reuse a pool or test in-process (TestClient)."""

    def _open(
        self, transport: httpx.BaseTransport | None, timeout: httpx.Timeout | float | None
    ) -> httpx.Client:
        return httpx.Client(transport=transport, timeout=timeout)

    def _send(self, call: Call[_R]) -> _R:
        # A merged entity's URLs redirect (308) to the entity kept: the client follows.
        sent = self.http.send(self._request(call), follow_redirects=call.method == "GET")
        return call.answer(self._answered(sent))

    def close(self) -> None:
        """Close the httpx client if this one made it; a given one belongs to its giver."""
        if self._owns_http:
            self.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncClaimsClient(_ClientBase[httpx.AsyncClient, httpx.AsyncBaseTransport], AsyncSender):
    """The same client for asyncio; give `http=` an AsyncClient on httpx.ASGITransport
    to test in-process."""

    def _open(
        self, transport: httpx.AsyncBaseTransport | None, timeout: httpx.Timeout | float | None
    ) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=transport, timeout=timeout)

    async def _send(self, call: Call[_R]) -> _R:
        sent = await self.http.send(self._request(call), follow_redirects=call.method == "GET")
        return call.answer(self._answered(sent))

    async def aclose(self) -> None:
        """Close the httpx client if this one made it; a given one belongs to its giver."""
        if self._owns_http:
            await self.http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
