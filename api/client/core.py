"""One definition per endpoint, two clients: descriptors that bind an operation to either.

An operation is written once as a method that only *builds* a `Call`. `Operation` and
`Pages` wrap it; reading one off a client binds it to that client's transport. Their
`__get__` is overloaded on the sender base the client derives from, so mypy sees
`client.get_claim` as `(claim_id: str) -> ClaimPublic` on `ClaimsClient` and as a
coroutine function on `AsyncClaimsClient`, with the builder's own parameters (ParamSpec).
The only sync/async split left is here (call or await, for or async for) and in the
clients' transports.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from functools import cached_property
from typing import Any, Concatenate, Generic, ParamSpec, Self, TypeVar, get_args, overload

from api.client.answers import next_cursor
from api.client.calls import Call
from models import ListPage
from models.change import ChangePage, ChangePublic

_P = ParamSpec("_P")
_R = TypeVar("_R")
_R_co = TypeVar("_R_co", covariant=True)
_T = TypeVar("_T")
_F = TypeVar("_F", bound=Callable[..., Any])


class SyncSender(ABC):
    """A client that answers a `Call` by blocking until the answer is decoded."""

    @abstractmethod
    def _send(self, call: Call[_R]) -> _R: ...


class AsyncSender(ABC):
    """A client that answers a `Call` with a coroutine."""

    @abstractmethod
    async def _send(self, call: Call[_R]) -> _R: ...


class _Bindable(Generic[_P, _R_co]):
    """What both descriptors share: the builder, the attribute name, and the signature
    the bound callable shows to `inspect` and `help()` (the builder's, less `self`)."""

    def __init__(self, build: Callable[Concatenate[Any, _P], Call[_R_co]]) -> None:
        self.build = build
        self.name: str = build.__name__
        self.__doc__ = build.__doc__

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self.name = name

    @cached_property
    def _builder_signature(self) -> inspect.Signature:
        # Evaluated on first use, not at import: the client stays quick to import.
        signature = inspect.signature(self.build, eval_str=True)
        return signature.replace(parameters=list(signature.parameters.values())[1:])

    @cached_property
    def _built(self) -> Any:
        """`X` of the builder's `Call[X]`, or `inspect.Signature.empty` if not declared."""
        args = get_args(self._builder_signature.return_annotation)
        return args[0] if args else inspect.Signature.empty

    def _dressed(self, bound: _F, client: object, returns: Any) -> _F:
        """`bound` named, documented and annotated as the method it stands for; an async
        operation shows its answer's type, as an `async def` does."""
        owner = type(client)
        bound.__name__ = self.name
        bound.__qualname__ = f"{owner.__qualname__}.{self.name}"
        bound.__module__ = owner.__module__
        bound.__doc__ = self.__doc__
        signature = self._builder_signature.replace(return_annotation=returns)
        # inspect.signature() reads this attribute, which typeshed does not declare.
        vars(bound)["__signature__"] = signature
        annotated = [p for p in signature.parameters.values() if p.annotation is not p.empty]
        bound.__annotations__ = {p.name: p.annotation for p in annotated} | {"return": returns}
        return bound

    def __repr__(self) -> str:
        shown = self._builder_signature.replace(return_annotation=inspect.Signature.empty)
        return f"<{type(self).__name__} {self.name}{shown}>"

    def _unbound(self, client: object) -> TypeError:
        return TypeError(f"{self.name} binds to a sync or async sender, not {client!r}")


class Operation(_Bindable[_P, _R_co]):
    """One endpoint: a call that returns the decoded answer, or a coroutine of it."""

    @overload
    def __get__(self, client: None, owner: type[Any] | None = None) -> Self: ...
    @overload
    def __get__(
        self, client: SyncSender, owner: type[Any] | None = None
    ) -> Callable[_P, _R_co]: ...
    @overload
    def __get__(
        self, client: AsyncSender, owner: type[Any] | None = None
    ) -> Callable[_P, Coroutine[Any, Any, _R_co]]: ...
    def __get__(self, client: object, owner: type[Any] | None = None) -> Any:
        if client is None:
            return self
        build = self.build
        if isinstance(client, AsyncSender):

            async def awaiting(*args: _P.args, **kwargs: _P.kwargs) -> _R_co:
                return await client._send(build(client, *args, **kwargs))

            return self._dressed(awaiting, client, self._built)
        if isinstance(client, SyncSender):

            def blocking(*args: _P.args, **kwargs: _P.kwargs) -> _R_co:
                return client._send(build(client, *args, **kwargs))

            return self._dressed(blocking, client, self._built)
        raise self._unbound(client)


class Pages(_Bindable[_P, ListPage[_T]]):
    """A walk over every page of a list endpoint, by cursor: an iterator of the items on
    the sync client, an async iterator on the async one. Pages are fetched as the walk
    reaches them, so stopping early fetches no more."""

    @overload
    def __get__(self, client: None, owner: type[Any] | None = None) -> Self: ...
    @overload
    def __get__(
        self, client: SyncSender, owner: type[Any] | None = None
    ) -> Callable[_P, Iterator[_T]]: ...
    @overload
    def __get__(
        self, client: AsyncSender, owner: type[Any] | None = None
    ) -> Callable[_P, AsyncIterator[_T]]: ...
    def __get__(self, client: object, owner: type[Any] | None = None) -> Any:
        if client is None:
            return self
        build = self.build
        if isinstance(client, AsyncSender):

            async def walk_async(*args: _P.args, **kwargs: _P.kwargs) -> AsyncIterator[_T]:
                call: Call[ListPage[_T]] | None = build(client, *args, **kwargs)
                while call is not None:
                    page = await client._send(call)
                    for item in page.items:
                        yield item
                    call = _following(call, page)

            return self._dressed(walk_async, client, _of(AsyncIterator, self._item))
        if isinstance(client, SyncSender):

            def walk(*args: _P.args, **kwargs: _P.kwargs) -> Iterator[_T]:
                call: Call[ListPage[_T]] | None = build(client, *args, **kwargs)
                while call is not None:
                    page = client._send(call)
                    yield from page.items
                    call = _following(call, page)

            return self._dressed(walk, client, _of(Iterator, self._item))
        raise self._unbound(client)

    @cached_property
    def _item(self) -> Any:
        page = self._built
        if page is inspect.Signature.empty:
            return Any
        return get_args(page.model_fields["items"].annotation)[0]


def _following(call: Call[ListPage[_T]], page: ListPage[_T]) -> Call[ListPage[_T]] | None:
    """The call for the page after `page`, or None if it was the last."""
    cursor = next_cursor(page)
    return None if cursor is None else call.with_params(cursor=cursor)


def _of(origin: Any, *args: Any) -> Any:
    """`origin[args]` for a signature shown at run time (a value, not a type to mypy)."""
    return origin[args]


class SyncChanges(Iterator[ChangePublic]):
    """The change feed as it is read, on the sync client: iterate for the changes, in
    commit order; `cursor` is where to resume after the last one handed out (pass it as
    `since=` to `sync()` later). Without `follow` the walk ends once it has caught up."""

    def __init__(self, client: SyncSender, call: Call[ChangePage], follow: bool) -> None:
        self._client, self._call, self._follow = client, call, follow
        self._waiting: deque[ChangePublic] = deque()
        self._caught_up = False
        since = call.params.get("since")
        self.cursor: str | None = since if isinstance(since, str) else None

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> ChangePublic:
        while not self._waiting:
            if self._caught_up:
                raise StopIteration
            page = self._client._send(self._call)
            self._waiting.extend(page.items)
            self._caught_up = not page.items and not self._follow
        return _handed(self, self._waiting.popleft())


class AsyncChanges(AsyncIterator[ChangePublic]):
    """`SyncChanges` on the async client: `async for` the changes; `cursor` resumes."""

    def __init__(self, client: AsyncSender, call: Call[ChangePage], follow: bool) -> None:
        self._client, self._call, self._follow = client, call, follow
        self._waiting: deque[ChangePublic] = deque()
        self._caught_up = False
        since = call.params.get("since")
        self.cursor: str | None = since if isinstance(since, str) else None

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> ChangePublic:
        while not self._waiting:
            if self._caught_up:
                raise StopAsyncIteration
            page = await self._client._send(self._call)
            self._waiting.extend(page.items)
            self._caught_up = not page.items and not self._follow
        return _handed(self, self._waiting.popleft())


def _handed(walk: SyncChanges | AsyncChanges, change: ChangePublic) -> ChangePublic:
    """Move the walk past `change`: its cursor, and where the next page starts."""
    walk.cursor = change.cursor
    walk._call = walk._call.with_params(since=change.cursor)
    return change


class Feed(_Bindable[_P, ChangePage]):
    """The change feed from a cursor, page after page: `SyncChanges` on the sync client,
    `AsyncChanges` on the async one. The builder's `follow` keyword (if true, the walk
    never ends: it long-polls for what comes next) is read here."""

    @overload
    def __get__(self, client: None, owner: type[Any] | None = None) -> Self: ...
    @overload
    def __get__(
        self, client: SyncSender, owner: type[Any] | None = None
    ) -> Callable[_P, SyncChanges]: ...
    @overload
    def __get__(
        self, client: AsyncSender, owner: type[Any] | None = None
    ) -> Callable[_P, AsyncChanges]: ...
    def __get__(self, client: object, owner: type[Any] | None = None) -> Any:
        if client is None:
            return self
        build = self.build
        if isinstance(client, AsyncSender):

            def walk_async(*args: _P.args, **kwargs: _P.kwargs) -> AsyncChanges:
                follow = bool(kwargs.get("follow"))
                return AsyncChanges(client, build(client, *args, **kwargs), follow)

            return self._dressed(walk_async, client, AsyncChanges)
        if isinstance(client, SyncSender):

            def walk(*args: _P.args, **kwargs: _P.kwargs) -> SyncChanges:
                follow = bool(kwargs.get("follow"))
                return SyncChanges(client, build(client, *args, **kwargs), follow)

            return self._dressed(walk, client, SyncChanges)
        raise self._unbound(client)
