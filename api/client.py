"""A typed client for the service, sync and async, answering with the service's own models.

Both clients share everything but the line that performs I/O: URLs, headers, query
parameters, error decoding and page walking live in module helpers and `_ClientBase`,
so write endpoints (JSON bodies, `If-Match`) need one `_request` call per method.

Transport errors (timeouts, refused connections) are httpx's own exceptions; every
answer outside 2xx raises `ClaimsAPIError`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import date
from enum import Enum
from types import TracebackType
from typing import Any, Self, TypedDict, TypeVar, Unpack
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from api.errors import FieldError, Problem
from api.routes.health import Health
from models import ClaimPublic, EntityPublic, SourcePublic
from models.base import ClaimStatus, EntityKind, Role, SourceKind
from models.page import ClaimPage, EntityPage, ListPage, SourcePage

__all__ = [
    "DEFAULT_TIMEOUT",
    "AsyncClaimsClient",
    "ClaimFilters",
    "ClaimPage",
    "ClaimQuery",
    "ClaimsAPIError",
    "ClaimsClient",
    "EntityPage",
    "Health",
    "InvalidRequestError",
    "NotFoundError",
    "SourcePage",
    "next_cursor",
]

DEFAULT_TIMEOUT = httpx.Timeout(10.0)

_M = TypeVar("_M", bound=BaseModel)
_T = TypeVar("_T")

_Scalar = str | int | float | bool


class ClaimsAPIError(Exception):
    """The service said no; `problem` is its RFC 9457 body, so callers can branch on
    `field` and offer `suggestions` instead of parsing messages."""

    def __init__(self, problem: Problem, response: httpx.Response | None = None) -> None:
        super().__init__(f"{problem.status} {problem.title}: {problem.detail}")
        self.problem = problem
        self.response = response

    @property
    def status(self) -> int:
        return self.problem.status

    @property
    def title(self) -> str:
        return self.problem.title

    @property
    def detail(self) -> str:
        return self.problem.detail

    @property
    def field(self) -> str | None:
        return self.problem.field

    @property
    def suggestions(self) -> list[str]:
        return self.problem.suggestions or []

    @property
    def errors(self) -> list[FieldError]:
        return self.problem.errors or []

    @classmethod
    def from_response(cls, response: httpx.Response) -> ClaimsAPIError:
        """The most specific error for `response`; a body that is not a problem (a proxy's
        HTML page, say) becomes an `about:blank` problem carrying its text, as RFC 9457
        prescribes for problems with no more meaning than their status."""
        problem = _problem_of(response)
        kind = _ERROR_BY_STATUS.get(response.status_code, ClaimsAPIError)
        return kind(problem, response)


class NotFoundError(ClaimsAPIError):
    """404: an id, slug or name (in a path or a filter) that matches nothing."""


class InvalidRequestError(ClaimsAPIError):
    """422: a parameter the service refuses; `field` names it."""


_ERROR_BY_STATUS: dict[int, type[ClaimsAPIError]] = {
    404: NotFoundError,
    422: InvalidRequestError,
}


def _problem_of(response: httpx.Response) -> Problem:
    content_type = response.headers.get("content-type", "")
    if "json" in content_type:
        try:
            return Problem.model_validate(response.json())
        except (ValueError, ValidationError):
            pass
    return Problem(
        type="about:blank",
        title=response.reason_phrase or f"HTTP {response.status_code}",
        status=response.status_code,
        detail=response.text,
    )


class PageQuery(TypedDict, total=False):
    limit: int | None
    cursor: str | None


class ClaimFilters(PageQuery, total=False):
    """Filters of every claim list; None means "not filtered", as if left out."""

    role: Role | str | None
    claimant: str | None
    source: str | None
    status: ClaimStatus | str | None
    q: str | None
    since: str | date | None
    until: str | date | None


class ClaimQuery(ClaimFilters, total=False):
    """Filters of `/claims`, which alone takes `entity` (the nested lists imply it)."""

    entity: str | None


def next_cursor(page: ListPage[Any]) -> str | None:
    """The cursor of the page after `page`, to pass as `cursor=`; None on the last page.

    Pages are walked by cursor rather than by fetching `next` verbatim, so a walk stays on
    the client's base URL (and never sends its API key to whatever host a proxy's
    `CLAIMS_PUBLIC_URL` names).
    """
    if page.next is None:
        return None
    cursors = httpx.URL(page.next).params.get_list("cursor")
    if len(cursors) != 1:
        raise ValueError(f"next link {page.next!r} does not carry one cursor")
    return cursors[0]


def _query(params: Mapping[str, object] | None) -> dict[str, _Scalar]:
    """Only the parameters set: an empty `?q=` is a (refused) filter, not the absence of one."""
    found: dict[str, _Scalar] = {}
    for name, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, Enum):
            found[name] = str(value.value)
        elif isinstance(value, date):
            found[name] = value.isoformat()
        elif isinstance(value, _Scalar):
            found[name] = value
        else:
            raise TypeError(f"{name}={value!r} is not a query parameter value")
    return found


def _path(*segments: str) -> str:
    """Each segment escaped whole, so an id holding `/` or `?` cannot change the route."""
    return "".join("/" + quote(segment, safe="") for segment in segments)


def _checked(response: httpx.Response) -> httpx.Response:
    if not response.is_success:
        raise ClaimsAPIError.from_response(response)
    return response


def _parse(model: type[_M], response: httpx.Response) -> _M:
    return model.model_validate(response.json())


class _ClientBase:
    """What both clients share: the base URL, default headers and ownership of `http`."""

    def __init__(
        self,
        base_url: str | None,
        *,
        api_key: str | None,
        headers: Mapping[str, str] | None,
        timeout: httpx.Timeout | float | None,
        has_transport: bool,
        has_http: bool,
    ) -> None:
        if has_http and (has_transport or timeout is not DEFAULT_TIMEOUT):
            # They would silently not apply to a client built elsewhere.
            raise ValueError("pass transport and timeout to the httpx client given as http=")
        if not has_http and not base_url:
            raise ValueError("base_url is needed unless an httpx client is given as http=")
        # Joined by hand rather than left to httpx so that a shared http= client with
        # no base URL of its own still works, and a prefix (/claims-api) is kept.
        self._prefix = (base_url or "").rstrip("/")
        self._headers = dict(headers or {})
        if api_key is not None:
            self._headers["Authorization"] = f"Bearer {api_key}"
        self._owns_http = not has_http

    def _url(self, path: str) -> str:
        return self._prefix + path

    def _headers_with(self, headers: Mapping[str, str] | None) -> dict[str, str]:
        return {**self._headers, **(headers or {})}


class ClaimsClient(_ClientBase):
    """Blocking client; give `http=` to reuse a pool or test in-process (TestClient)."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        api_key: str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout | float | None = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        http: httpx.Client | None = None,
    ) -> None:
        super().__init__(
            base_url,
            api_key=api_key,
            headers=headers,
            timeout=timeout,
            has_transport=transport is not None,
            has_http=http is not None,
        )
        self.http = http if http is not None else httpx.Client(transport=transport, timeout=timeout)

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

    def _request(
        self,
        method: str,
        path: str,
        params: Mapping[str, object] | None = None,
        json: object | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        request = self.http.build_request(
            method,
            self._url(path),
            params=_query(params),
            json=json,
            headers=self._headers_with(headers),
        )
        return _checked(self.http.send(request))

    def _walk(
        self, page_type: type[ListPage[_T]], path: str, params: Mapping[str, object]
    ) -> Iterator[_T]:
        query = dict(params)
        while True:
            page = _parse(page_type, self._request("GET", path, query))
            yield from page.items
            cursor = next_cursor(page)
            if cursor is None:
                return
            query["cursor"] = cursor

    def health(self) -> Health:
        return _parse(Health, self._request("GET", "/health"))

    def list_claims(self, **filters: Unpack[ClaimQuery]) -> ClaimPage:
        return _parse(ClaimPage, self._request("GET", "/claims", dict(filters)))

    def iter_claims(self, **filters: Unpack[ClaimQuery]) -> Iterator[ClaimPublic]:
        return self._walk(ClaimPage, "/claims", dict(filters))

    def get_claim(self, claim_id: str) -> ClaimPublic:
        return _parse(ClaimPublic, self._request("GET", _path("claims", claim_id)))

    def list_entities(
        self,
        *,
        kind: EntityKind | str | None = None,
        q: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> EntityPage:
        params = {"kind": kind, "q": q, "limit": limit, "cursor": cursor}
        return _parse(EntityPage, self._request("GET", "/entities", params))

    def iter_entities(
        self,
        *,
        kind: EntityKind | str | None = None,
        q: str | None = None,
        limit: int | None = None,
    ) -> Iterator[EntityPublic]:
        return self._walk(EntityPage, "/entities", {"kind": kind, "q": q, "limit": limit})

    def get_entity(self, slug: str) -> EntityPublic:
        """`slug` may be a name or alias; the answer carries the canonical slug."""
        return _parse(EntityPublic, self._request("GET", _path("entities", slug)))

    def list_entity_claims(self, slug: str, **filters: Unpack[ClaimFilters]) -> ClaimPage:
        path = _path("entities", slug, "claims")
        return _parse(ClaimPage, self._request("GET", path, dict(filters)))

    def iter_entity_claims(
        self, slug: str, **filters: Unpack[ClaimFilters]
    ) -> Iterator[ClaimPublic]:
        return self._walk(ClaimPage, _path("entities", slug, "claims"), dict(filters))

    def list_sources(
        self,
        *,
        kind: SourceKind | str | None = None,
        publisher: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> SourcePage:
        params = {"kind": kind, "publisher": publisher, "limit": limit, "cursor": cursor}
        return _parse(SourcePage, self._request("GET", "/sources", params))

    def iter_sources(
        self,
        *,
        kind: SourceKind | str | None = None,
        publisher: str | None = None,
        limit: int | None = None,
    ) -> Iterator[SourcePublic]:
        params = {"kind": kind, "publisher": publisher, "limit": limit}
        return self._walk(SourcePage, "/sources", params)

    def get_source(self, slug: str) -> SourcePublic:
        return _parse(SourcePublic, self._request("GET", _path("sources", slug)))

    def list_source_claims(self, slug: str, **filters: Unpack[ClaimFilters]) -> ClaimPage:
        path = _path("sources", slug, "claims")
        return _parse(ClaimPage, self._request("GET", path, dict(filters)))

    def iter_source_claims(
        self, slug: str, **filters: Unpack[ClaimFilters]
    ) -> Iterator[ClaimPublic]:
        return self._walk(ClaimPage, _path("sources", slug, "claims"), dict(filters))

    def source_text(self, slug: str, start: int | None = None, end: int | None = None) -> str:
        """The held text (or the span `start:end`), to check a quote against its offsets."""
        path = _path("sources", slug, "text")
        return self._request("GET", path, {"start": start, "end": end}).text


class AsyncClaimsClient(_ClientBase):
    """The same client for asyncio; give `http=` an AsyncClient on httpx.ASGITransport
    to test in-process."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        api_key: str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout | float | None = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(
            base_url,
            api_key=api_key,
            headers=headers,
            timeout=timeout,
            has_transport=transport is not None,
            has_http=http is not None,
        )
        self.http = (
            http if http is not None else httpx.AsyncClient(transport=transport, timeout=timeout)
        )

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

    async def _request(
        self,
        method: str,
        path: str,
        params: Mapping[str, object] | None = None,
        json: object | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        request = self.http.build_request(
            method,
            self._url(path),
            params=_query(params),
            json=json,
            headers=self._headers_with(headers),
        )
        return _checked(await self.http.send(request))

    async def _walk(
        self, page_type: type[ListPage[_T]], path: str, params: Mapping[str, object]
    ) -> AsyncIterator[_T]:
        query = dict(params)
        while True:
            page = _parse(page_type, await self._request("GET", path, query))
            for item in page.items:
                yield item
            cursor = next_cursor(page)
            if cursor is None:
                return
            query["cursor"] = cursor

    async def health(self) -> Health:
        return _parse(Health, await self._request("GET", "/health"))

    async def list_claims(self, **filters: Unpack[ClaimQuery]) -> ClaimPage:
        return _parse(ClaimPage, await self._request("GET", "/claims", dict(filters)))

    def iter_claims(self, **filters: Unpack[ClaimQuery]) -> AsyncIterator[ClaimPublic]:
        return self._walk(ClaimPage, "/claims", dict(filters))

    async def get_claim(self, claim_id: str) -> ClaimPublic:
        return _parse(ClaimPublic, await self._request("GET", _path("claims", claim_id)))

    async def list_entities(
        self,
        *,
        kind: EntityKind | str | None = None,
        q: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> EntityPage:
        params = {"kind": kind, "q": q, "limit": limit, "cursor": cursor}
        return _parse(EntityPage, await self._request("GET", "/entities", params))

    def iter_entities(
        self,
        *,
        kind: EntityKind | str | None = None,
        q: str | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[EntityPublic]:
        return self._walk(EntityPage, "/entities", {"kind": kind, "q": q, "limit": limit})

    async def get_entity(self, slug: str) -> EntityPublic:
        """`slug` may be a name or alias; the answer carries the canonical slug."""
        return _parse(EntityPublic, await self._request("GET", _path("entities", slug)))

    async def list_entity_claims(self, slug: str, **filters: Unpack[ClaimFilters]) -> ClaimPage:
        path = _path("entities", slug, "claims")
        return _parse(ClaimPage, await self._request("GET", path, dict(filters)))

    def iter_entity_claims(
        self, slug: str, **filters: Unpack[ClaimFilters]
    ) -> AsyncIterator[ClaimPublic]:
        return self._walk(ClaimPage, _path("entities", slug, "claims"), dict(filters))

    async def list_sources(
        self,
        *,
        kind: SourceKind | str | None = None,
        publisher: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> SourcePage:
        params = {"kind": kind, "publisher": publisher, "limit": limit, "cursor": cursor}
        return _parse(SourcePage, await self._request("GET", "/sources", params))

    def iter_sources(
        self,
        *,
        kind: SourceKind | str | None = None,
        publisher: str | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[SourcePublic]:
        params = {"kind": kind, "publisher": publisher, "limit": limit}
        return self._walk(SourcePage, "/sources", params)

    async def get_source(self, slug: str) -> SourcePublic:
        return _parse(SourcePublic, await self._request("GET", _path("sources", slug)))

    async def list_source_claims(self, slug: str, **filters: Unpack[ClaimFilters]) -> ClaimPage:
        path = _path("sources", slug, "claims")
        return _parse(ClaimPage, await self._request("GET", path, dict(filters)))

    def iter_source_claims(
        self, slug: str, **filters: Unpack[ClaimFilters]
    ) -> AsyncIterator[ClaimPublic]:
        return self._walk(ClaimPage, _path("sources", slug, "claims"), dict(filters))

    async def source_text(self, slug: str, start: int | None = None, end: int | None = None) -> str:
        """The held text (or the span `start:end`), to check a quote against its offsets."""
        path = _path("sources", slug, "text")
        return (await self._request("GET", path, {"start": start, "end": end})).text
