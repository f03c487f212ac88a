"""A typed client for the service, sync and async, answering with the service's own models.

Both clients share everything but the line that performs I/O: URLs, headers, query
parameters, error decoding and page walking live in module helpers and `_ClientBase`,
so each endpoint, read or write, is one `_request` call per method.

Writes need a client made with `api_key=`. Edits are guarded by ETags: read with
`get_claim_with_etag` (or the entity and source ones), then pass the tag as `if_match=`;
a change made since is a `PreconditionFailedError`, and the read is to be done again.

Transport errors (timeouts, refused connections) are httpx's own exceptions; every
answer outside 2xx raises `ClaimsAPIError` or the subclass for its status.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from datetime import date
from enum import Enum
from types import TracebackType
from typing import Any, Generic, Literal, NamedTuple, Self, TypedDict, TypeVar, Unpack
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from models import (
    ClaimCreate,
    ClaimPage,
    ClaimPublic,
    ClaimSort,
    ClaimUpdate,
    EntityCreate,
    EntityPage,
    EntityPublic,
    EntityUpdate,
    Facet,
    FieldError,
    Health,
    History,
    ListPage,
    Problem,
    Retraction,
    RevisionPublic,
    SourceCreate,
    SourcePage,
    SourcePublic,
    SourceUpdate,
)
from models.base import ClaimStatus, EntityKind, Role, SourceKind

__all__ = [
    "DEFAULT_TIMEOUT",
    "AsyncClaimsClient",
    "AuthError",
    "ClaimFilters",
    "ClaimPage",
    "ClaimQuery",
    "ClaimsAPIError",
    "ClaimsClient",
    "ConflictError",
    "EntityPage",
    "GoneError",
    "Health",
    "InvalidRequestError",
    "NotFoundError",
    "PreconditionFailedError",
    "Retraction",
    "SourcePage",
    "Tagged",
    "next_cursor",
]

DEFAULT_TIMEOUT = httpx.Timeout(10.0)

_M = TypeVar("_M", bound=BaseModel)
_T = TypeVar("_T")

_Scalar = str | int | float | bool

MERGE_PATCH = "application/merge-patch+json"

SortOrder = Literal["claimed_on", "-claimed_on", "relevance"]
FacetName = Literal["claimant", "source", "status", "entity"]


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


class AuthError(ClaimsAPIError):
    """401: no key, or one the service does not know (or revoked); 403: a key whose
    scope is too small for the request (`write` to edit, `admin` to delete)."""


class NotFoundError(ClaimsAPIError):
    """404: an id, slug or name (in a path or a filter) that matches nothing."""


class ConflictError(ClaimsAPIError):
    """409: an id or slug taken already, or a delete of something still in use."""


class GoneError(ClaimsAPIError):
    """410: the claim was retracted; `retraction` says who withdrew it, when and why."""

    def __init__(self, problem: Problem, response: httpx.Response | None = None) -> None:
        super().__init__(problem, response)
        self.retraction: Retraction | None = _retraction_of(response)


class PreconditionFailedError(ClaimsAPIError):
    """412: the resource changed since the ETag given as `if_match` was read; read it
    again and reapply the change."""


class InvalidRequestError(ClaimsAPIError):
    """422: a parameter or body field the service refuses; `field` names it."""


_ERROR_BY_STATUS: dict[int, type[ClaimsAPIError]] = {
    401: AuthError,
    403: AuthError,
    404: NotFoundError,
    409: ConflictError,
    410: GoneError,
    412: PreconditionFailedError,
    422: InvalidRequestError,
}


def _retraction_of(response: httpx.Response | None) -> Retraction | None:
    """The problem's `retraction` member, which `Problem` itself does not model."""
    if response is None:
        return None
    try:
        body = response.json()
        return Retraction.model_validate(body["retraction"]) if isinstance(body, dict) else None
    except (ValueError, KeyError, ValidationError):
        return None


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
    """Filters and extras of every claim list; None means "not asked", as if left out.

    `sort="relevance"` needs `q`; `facet` adds counts of the commonest values of the
    filtered set (`page.facets`), `count="exact"` its size (`page.count`), and
    `include="retracted"` lists retracted claims too.
    """

    role: Role | str | None
    claimant: str | None
    source: str | None
    status: ClaimStatus | str | None
    q: str | None
    since: str | date | None
    until: str | date | None
    sort: ClaimSort | SortOrder | None
    facet: Sequence[Facet | FacetName] | None
    count: Literal["exact"] | None
    include: Literal["retracted"] | None


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


class Tagged(NamedTuple, Generic[_M]):
    """A resource and its ETag, the `if_match=` of an edit: `claim, etag = ...`."""

    value: _M
    etag: str


def _query(params: Mapping[str, object] | None) -> dict[str, _Scalar | list[_Scalar]]:
    """Only the parameters set: an empty `?q=` is a (refused) filter, not the absence of one.
    A list or tuple repeats its parameter (`facet=status&facet=claimant`)."""
    found: dict[str, _Scalar | list[_Scalar]] = {}
    for name, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            found[name] = [_scalar(name, item) for item in value]
        else:
            found[name] = _scalar(name, value)
    return found


def _scalar(name: str, value: object) -> _Scalar:
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, _Scalar):
        return value
    raise TypeError(f"{name}={value!r} is not a query parameter value")


def _path(*segments: str) -> str:
    """Each segment escaped whole, so an id holding `/` or `?` cannot change the route."""
    return "".join("/" + quote(segment, safe="") for segment in segments)


def _checked(response: httpx.Response) -> httpx.Response:
    if not response.is_success:
        raise ClaimsAPIError.from_response(response)
    return response


def _parse(model: type[_M], response: httpx.Response) -> _M:
    return model.model_validate(response.json())


def _tagged(model: type[_M], response: httpx.Response) -> Tagged[_M]:
    etag = response.headers.get("etag")
    if etag is None:
        raise ValueError(f"{response.request.url} answered without an ETag")
    return Tagged(_parse(model, response), etag)


def _history(response: httpx.Response) -> list[RevisionPublic]:
    return _parse(History, response).items


def _body(data: BaseModel | Mapping[str, Any]) -> dict[str, Any]:
    """A model as the JSON it was given (fields left unset stay out: in a merge patch an
    explicit null removes a field, an absent one keeps it); a mapping as it is."""
    if isinstance(data, BaseModel):
        return data.model_dump(mode="json", exclude_unset=True)
    return dict(data)


def _guard(if_match: str | None, *, patch: bool = False) -> dict[str, str]:
    headers = {"Content-Type": MERGE_PATCH} if patch else {}
    if if_match is not None:
        headers["If-Match"] = if_match
    return headers


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
        """One claim; a retracted one raises `GoneError` carrying its `retraction`."""
        return _parse(ClaimPublic, self._request("GET", _path("claims", claim_id)))

    def get_claim_with_etag(self, claim_id: str) -> Tagged[ClaimPublic]:
        """The claim and its ETag, to pass as `if_match=` to an edit."""
        return _tagged(ClaimPublic, self._request("GET", _path("claims", claim_id)))

    def create_claim(
        self, data: ClaimCreate | Mapping[str, Any], *, reason: str | None = None
    ) -> ClaimPublic:
        """Create a claim; the service verifies its quote (and finds omitted offsets)."""
        response = self._request("POST", "/claims", {"reason": reason}, json=_body(data))
        return _parse(ClaimPublic, response)

    def update_claim(
        self,
        claim_id: str,
        patch: ClaimUpdate | Mapping[str, Any],
        *,
        if_match: str,
        reason: str | None = None,
    ) -> ClaimPublic:
        """Apply a JSON Merge Patch (None removes a field) if the claim is still `if_match`."""
        response = self._request(
            "PATCH",
            _path("claims", claim_id),
            {"reason": reason},
            json=_body(patch),
            headers=_guard(if_match, patch=True),
        )
        return _parse(ClaimPublic, response)

    def retract_claim(
        self, claim_id: str, *, if_match: str | None = None, reason: str | None = None
    ) -> Retraction:
        """Retract a claim (only if still `if_match`, when given); nothing is deleted."""
        path = _path("claims", claim_id)
        response = self._request("DELETE", path, {"reason": reason}, headers=_guard(if_match))
        return _parse(Retraction, response)

    def claim_history(self, claim_id: str) -> list[RevisionPublic]:
        """Every revision of the claim, oldest first (a retracted claim's too)."""
        return _history(self._request("GET", _path("claims", claim_id, "history")))

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

    def get_entity_with_etag(self, slug: str) -> Tagged[EntityPublic]:
        return _tagged(EntityPublic, self._request("GET", _path("entities", slug)))

    def create_entity(
        self, data: EntityCreate | Mapping[str, Any], *, reason: str | None = None
    ) -> EntityPublic:
        response = self._request("POST", "/entities", {"reason": reason}, json=_body(data))
        return _parse(EntityPublic, response)

    def update_entity(
        self,
        slug: str,
        patch: EntityUpdate | Mapping[str, Any],
        *,
        if_match: str,
        reason: str | None = None,
    ) -> EntityPublic:
        response = self._request(
            "PATCH",
            _path("entities", slug),
            {"reason": reason},
            json=_body(patch),
            headers=_guard(if_match, patch=True),
        )
        return _parse(EntityPublic, response)

    def delete_entity(
        self, slug: str, *, if_match: str | None = None, reason: str | None = None
    ) -> None:
        """Delete an entity nothing uses (`ConflictError` otherwise); needs an admin key."""
        path = _path("entities", slug)
        self._request("DELETE", path, {"reason": reason}, headers=_guard(if_match))

    def entity_history(self, slug: str) -> list[RevisionPublic]:
        return _history(self._request("GET", _path("entities", slug, "history")))

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

    def get_source_with_etag(self, slug: str) -> Tagged[SourcePublic]:
        return _tagged(SourcePublic, self._request("GET", _path("sources", slug)))

    def create_source(
        self, data: SourceCreate | Mapping[str, Any], *, reason: str | None = None
    ) -> SourcePublic:
        """Create a source; with `text`, the store holds it and claims can quote it."""
        response = self._request("POST", "/sources", {"reason": reason}, json=_body(data))
        return _parse(SourcePublic, response)

    def update_source(
        self,
        slug: str,
        patch: SourceUpdate | Mapping[str, Any],
        *,
        if_match: str,
        reason: str | None = None,
    ) -> SourcePublic:
        response = self._request(
            "PATCH",
            _path("sources", slug),
            {"reason": reason},
            json=_body(patch),
            headers=_guard(if_match, patch=True),
        )
        return _parse(SourcePublic, response)

    def delete_source(
        self, slug: str, *, if_match: str | None = None, reason: str | None = None
    ) -> None:
        """Delete a source no claim cites (`ConflictError` otherwise); needs an admin key."""
        path = _path("sources", slug)
        self._request("DELETE", path, {"reason": reason}, headers=_guard(if_match))

    def source_history(self, slug: str) -> list[RevisionPublic]:
        return _history(self._request("GET", _path("sources", slug, "history")))

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
        """One claim; a retracted one raises `GoneError` carrying its `retraction`."""
        return _parse(ClaimPublic, await self._request("GET", _path("claims", claim_id)))

    async def get_claim_with_etag(self, claim_id: str) -> Tagged[ClaimPublic]:
        """The claim and its ETag, to pass as `if_match=` to an edit."""
        return _tagged(ClaimPublic, await self._request("GET", _path("claims", claim_id)))

    async def create_claim(
        self, data: ClaimCreate | Mapping[str, Any], *, reason: str | None = None
    ) -> ClaimPublic:
        """Create a claim; the service verifies its quote (and finds omitted offsets)."""
        response = await self._request("POST", "/claims", {"reason": reason}, json=_body(data))
        return _parse(ClaimPublic, response)

    async def update_claim(
        self,
        claim_id: str,
        patch: ClaimUpdate | Mapping[str, Any],
        *,
        if_match: str,
        reason: str | None = None,
    ) -> ClaimPublic:
        """Apply a JSON Merge Patch (None removes a field) if the claim is still `if_match`."""
        response = await self._request(
            "PATCH",
            _path("claims", claim_id),
            {"reason": reason},
            json=_body(patch),
            headers=_guard(if_match, patch=True),
        )
        return _parse(ClaimPublic, response)

    async def retract_claim(
        self, claim_id: str, *, if_match: str | None = None, reason: str | None = None
    ) -> Retraction:
        """Retract a claim (only if still `if_match`, when given); nothing is deleted."""
        path = _path("claims", claim_id)
        response = await self._request("DELETE", path, {"reason": reason}, headers=_guard(if_match))
        return _parse(Retraction, response)

    async def claim_history(self, claim_id: str) -> list[RevisionPublic]:
        """Every revision of the claim, oldest first (a retracted claim's too)."""
        return _history(await self._request("GET", _path("claims", claim_id, "history")))

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

    async def get_entity_with_etag(self, slug: str) -> Tagged[EntityPublic]:
        return _tagged(EntityPublic, await self._request("GET", _path("entities", slug)))

    async def create_entity(
        self, data: EntityCreate | Mapping[str, Any], *, reason: str | None = None
    ) -> EntityPublic:
        response = await self._request("POST", "/entities", {"reason": reason}, json=_body(data))
        return _parse(EntityPublic, response)

    async def update_entity(
        self,
        slug: str,
        patch: EntityUpdate | Mapping[str, Any],
        *,
        if_match: str,
        reason: str | None = None,
    ) -> EntityPublic:
        response = await self._request(
            "PATCH",
            _path("entities", slug),
            {"reason": reason},
            json=_body(patch),
            headers=_guard(if_match, patch=True),
        )
        return _parse(EntityPublic, response)

    async def delete_entity(
        self, slug: str, *, if_match: str | None = None, reason: str | None = None
    ) -> None:
        """Delete an entity nothing uses (`ConflictError` otherwise); needs an admin key."""
        path = _path("entities", slug)
        await self._request("DELETE", path, {"reason": reason}, headers=_guard(if_match))

    async def entity_history(self, slug: str) -> list[RevisionPublic]:
        return _history(await self._request("GET", _path("entities", slug, "history")))

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

    async def get_source_with_etag(self, slug: str) -> Tagged[SourcePublic]:
        return _tagged(SourcePublic, await self._request("GET", _path("sources", slug)))

    async def create_source(
        self, data: SourceCreate | Mapping[str, Any], *, reason: str | None = None
    ) -> SourcePublic:
        """Create a source; with `text`, the store holds it and claims can quote it."""
        response = await self._request("POST", "/sources", {"reason": reason}, json=_body(data))
        return _parse(SourcePublic, response)

    async def update_source(
        self,
        slug: str,
        patch: SourceUpdate | Mapping[str, Any],
        *,
        if_match: str,
        reason: str | None = None,
    ) -> SourcePublic:
        response = await self._request(
            "PATCH",
            _path("sources", slug),
            {"reason": reason},
            json=_body(patch),
            headers=_guard(if_match, patch=True),
        )
        return _parse(SourcePublic, response)

    async def delete_source(
        self, slug: str, *, if_match: str | None = None, reason: str | None = None
    ) -> None:
        """Delete a source no claim cites (`ConflictError` otherwise); needs an admin key."""
        path = _path("sources", slug)
        await self._request("DELETE", path, {"reason": reason}, headers=_guard(if_match))

    async def source_history(self, slug: str) -> list[RevisionPublic]:
        return _history(await self._request("GET", _path("sources", slug, "history")))

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
