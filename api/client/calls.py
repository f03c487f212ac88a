"""A request as data (`Call`), and the few verbs the service's endpoints are made of.

An operation only builds a `Call`; sending it is the client's job. That is what lets one
definition serve the blocking and the asyncio client alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel

from api.client.answers import Decoder, model
from api.client.errors import raise_for_problem

_M = TypeVar("_M", bound=BaseModel)
_R = TypeVar("_R")
_R_co = TypeVar("_R_co", covariant=True)

MERGE_PATCH = "application/merge-patch+json"

Body = BaseModel | Mapping[str, Any]


@dataclass(frozen=True)
class Call(Generic[_R_co]):
    """Everything about one request but the client: method, path below the base URL,
    query parameters (None ones are left out), JSON body, extra headers, and how a 2xx
    answer is decoded. Any other answer raises the `ClaimsAPIError` for its status."""

    method: str
    path: str
    decode: Decoder[_R_co]
    params: Mapping[str, object] = field(default_factory=dict)
    json: object | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def answer(self, response: httpx.Response) -> _R_co:
        return self.decode(raise_for_problem(response))

    def with_params(self, **params: object) -> Call[_R_co]:
        """The same request with some query parameters set anew (a page's cursor)."""
        return replace(self, params={**self.params, **params})


def path(*segments: str) -> str:
    """Each segment escaped whole, so an id holding `/` or `?` cannot change the route."""
    return "".join("/" + quote(segment, safe="") for segment in segments)


def body(data: Body) -> dict[str, Any]:
    """A model as the JSON it was given (fields left unset stay out: in a merge patch an
    explicit null removes a field, an absent one keeps it); a mapping as it is."""
    if isinstance(data, BaseModel):
        return data.model_dump(mode="json", exclude_unset=True)
    return dict(data)


def guard(if_match: str | None, *, patch: bool = False) -> dict[str, str]:
    """The headers of an edit: the merge-patch media type, and `If-Match` when given."""
    headers = {"Content-Type": MERGE_PATCH} if patch else {}
    if if_match is not None:
        headers["If-Match"] = if_match
    return headers


def get(
    decode: Decoder[_R], *segments: str, params: Mapping[str, object] | None = None
) -> Call[_R]:
    """A read of the resource at `segments`, each escaped whole."""
    return Call("GET", path(*segments), decode, params or {})


def create(kind: type[_M], collection: str, data: Body, reason: str | None) -> Call[_M]:
    """A new resource in `collection`; `reason` is kept in its history."""
    return Call("POST", path(collection), model(kind), {"reason": reason}, json=body(data))


def update(
    kind: type[_M], where: Sequence[str], patch: Body, if_match: str, reason: str | None
) -> Call[_M]:
    """A JSON Merge Patch of `where`, applied only if it is still at `if_match`."""
    headers = guard(if_match, patch=True)
    return Call("PATCH", path(*where), model(kind), {"reason": reason}, body(patch), headers)


def delete(
    decode: Decoder[_R], where: Sequence[str], if_match: str, reason: str | None
) -> Call[_R]:
    """A delete (or a claim's retraction), applied only if still at `if_match`."""
    return Call("DELETE", path(*where), decode, {"reason": reason}, headers=guard(if_match))


def action(
    decode: Decoder[_R],
    where: Sequence[str],
    data: Body | None,
    if_match: str | None,
    reason: str | None,
) -> Call[_R]:
    """A POST to one of a resource's actions (`/candidates/7/accept`), with an optional
    JSON body, applied only if the resource is still at `if_match` when one is given."""
    sent = None if data is None else body(data)
    return Call("POST", path(*where), decode, {"reason": reason}, sent, guard(if_match))
