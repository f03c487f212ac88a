"""How an answer is read: a model, a model with its ETag, a history, text, or nothing.

Each reader is a function of the response alone, so an operation names how its answer is
decoded as data and neither client has to know.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, NamedTuple, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter

from models import History, ListPage, RevisionPublic

_M = TypeVar("_M", bound=BaseModel)
_R_co = TypeVar("_R_co", covariant=True)

Decoder = Callable[[httpx.Response], _R_co]


class Tagged(NamedTuple, Generic[_M]):
    """A resource and its ETag, the `if_match=` of an edit: `claim, etag = ...`."""

    value: _M
    etag: str


def model(kind: type[_M]) -> Decoder[_M]:
    """The body, validated as `kind`."""

    def read(response: httpx.Response) -> _M:
        return kind.model_validate(response.json())

    return read


def one_of(kind: Any) -> Decoder[Any]:
    """The body, validated as a union of models (a proposal of any kind, say)."""
    adapter: TypeAdapter[Any] = TypeAdapter(kind)

    def read(response: httpx.Response) -> Any:
        return adapter.validate_python(response.json())

    return read


def tagged(kind: Any) -> Decoder[Tagged[Any]]:
    """The body as `kind` (a model, or a union of them), with the ETag an edit must
    send back."""
    body: Decoder[Any] = (
        model(kind) if isinstance(kind, type) and issubclass(kind, BaseModel) else one_of(kind)
    )

    def read(response: httpx.Response) -> Tagged[_M]:
        etag = response.headers.get("etag")
        if etag is None:
            raise ValueError(f"{response.request.url} answered without an ETag")
        return Tagged(body(response), etag)

    return read


def revisions(response: httpx.Response) -> list[RevisionPublic]:
    """A `History` body unwrapped to its revisions, oldest first."""
    return History.model_validate(response.json()).items


def text(response: httpx.Response) -> str:
    return response.text


def nothing(response: httpx.Response) -> None:
    """For answers whose status is all there is to know (a 204 after a delete)."""


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
