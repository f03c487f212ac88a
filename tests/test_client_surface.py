"""The sync and async clients are one client: same methods, same parameters, and types
that mypy gets right for each (answers on one, coroutines and async iterators on the other).
"""

from __future__ import annotations

import asyncio
import inspect
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.client import AsyncClaimsClient, ClaimsClient
from api.client.core import Operation, Pages
from api.client.operations import Operations

ROOT = Path(__file__).resolve().parent.parent


def public_methods(client: object) -> dict[str, inspect.Signature]:
    """Every public callable of `client`, as read off the instance (bound)."""
    found = {}
    for name in dir(type(client)):
        value = getattr(client, name)
        if not name.startswith("_") and callable(value):
            found[name] = inspect.signature(value)
    return found


def parameters(signature: inspect.Signature) -> list[tuple[str, Any, Any, Any]]:
    return [(p.name, p.kind, p.annotation, p.default) for p in signature.parameters.values()]


def test_sync_and_async_clients_have_the_same_methods_and_parameters() -> None:
    sync = public_methods(ClaimsClient("http://claims.test"))
    asynchronous = public_methods(AsyncClaimsClient("http://claims.test"))
    # Closing is the one transport-specific method, named as httpx names it.
    assert sync.pop("close") == asynchronous.pop("aclose")
    assert sorted(sync) == sorted(asynchronous)
    assert len(sync) >= 30  # every endpoint's, walkers included
    for name, signature in sync.items():
        assert parameters(signature) == parameters(asynchronous[name]), name


def test_every_operation_is_a_call_on_one_client_and_a_coroutine_on_the_other() -> None:
    sync = ClaimsClient("http://claims.test")
    asynchronous = AsyncClaimsClient("http://claims.test")
    for name, definition in vars(Operations).items():
        if isinstance(definition, Operation):
            assert not inspect.iscoroutinefunction(getattr(sync, name)), name
            assert inspect.iscoroutinefunction(getattr(asynchronous, name)), name
            returns = inspect.signature(getattr(sync, name)).return_annotation
            assert inspect.signature(getattr(asynchronous, name)).return_annotation == returns
        elif isinstance(definition, Pages):
            assert inspect.isgeneratorfunction(getattr(sync, name)), name
            assert inspect.isasyncgenfunction(getattr(asynchronous, name)), name


def test_bound_methods_name_and_document_themselves() -> None:
    client = AsyncClaimsClient("http://claims.test")
    assert client.get_claim.__name__ == "get_claim"
    assert client.get_claim.__qualname__ == "AsyncClaimsClient.get_claim"
    assert client.get_claim.__doc__ == ClaimsClient.get_claim.__doc__
    assert "GoneError" in (client.get_claim.__doc__ or "")
    assert list(inspect.signature(client.update_claim).parameters) == [
        "claim_id",
        "patch",
        "if_match",
        "reason",
    ]
    assert isinstance(ClaimsClient.get_claim, Operation)  # on the class, the definition


def test_an_operation_read_off_something_else_is_refused() -> None:
    with pytest.raises(TypeError, match="get_claim"):
        Operations().get_claim  # type: ignore[call-overload]  # noqa: B018


def test_both_clients_send_the_same_request_for_each_operation() -> None:
    """One request per operation, sync and async alike: method, URL, headers and body."""
    seen: dict[str, list[tuple[str, str, str | None, str | None, bytes]]] = {"s": [], "a": []}

    def recorder(into: str) -> Any:
        def answer(request: httpx.Request) -> httpx.Response:
            seen[into].append(
                (
                    request.method,
                    str(request.url),
                    request.headers.get("if-match"),
                    request.headers.get("content-type"),
                    request.content,
                )
            )
            return httpx.Response(500, text="stop here")

        return answer

    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
        ("get_claim", ("a/b",), {}),
        ("list_claims", (), {"entity": "legion", "facet": ["status", "claimant"]}),
        ("update_entity", ("e",), {"patch": {"x": None}, "if_match": '"1"', "reason": "r"}),
        ("delete_source", ("s",), {"if_match": '"2"'}),
        ("create_claim", ({"id": "c"},), {"reason": "why"}),
        ("source_text", ("s", 1, 5), {}),
        ("list_sources", (), {"kind": "news_report", "cursor": "abc"}),
        ("list_changes", ("c",), {"limit": 5, "wait": 1.5}),
    ]
    sync = ClaimsClient("http://claims.test/api", transport=httpx.MockTransport(recorder("s")))
    for name, args, kwargs in calls:
        with pytest.raises(Exception, match="stop here"):
            getattr(sync, name)(*args, **kwargs)

    async def run_async() -> None:
        transport = httpx.MockTransport(recorder("a"))
        async with AsyncClaimsClient("http://claims.test/api", transport=transport) as client:
            for name, args, kwargs in calls:
                with pytest.raises(Exception, match="stop here"):
                    await getattr(client, name)(*args, **kwargs)

    asyncio.run(run_async())
    assert seen["s"] == seen["a"]
    assert len(seen["s"]) == len(calls)


TYPED_USE = """
from collections.abc import AsyncIterator, Coroutine, Iterator
from typing import Any, assert_type

import httpx

from api.client import (
    AsyncChanges, AsyncClaimsClient, ClaimPage, ClaimPublic, ClaimsClient, SyncChanges, Tagged
)


def making() -> None:
    # The constructor is shared; its transport and http types are each client's own.
    assert_type(ClaimsClient("http://x", transport=httpx.HTTPTransport()).http, httpx.Client)
    assert_type(AsyncClaimsClient(http=httpx.AsyncClient()).http, httpx.AsyncClient)
    ClaimsClient(http=httpx.AsyncClient())  # type: ignore[arg-type]
    AsyncClaimsClient("http://x", transport=httpx.HTTPTransport())  # type: ignore[arg-type]


def blocking(client: ClaimsClient) -> None:
    assert_type(client.get_claim("x"), ClaimPublic)
    assert_type(client.get_claim_with_etag("x"), Tagged[ClaimPublic])
    assert_type(client.list_claims(entity="legion", limit=5), ClaimPage)
    assert_type(client.iter_claims(entity="legion"), Iterator[ClaimPublic])
    assert_type(client.source_text("s", end=4), str)
    assert_type(client.sync(since=None, limit=10), SyncChanges)
    assert_type(client.sync().cursor, str | None)
    # Each mistake must be an error; strict mode's warn_unused_ignores checks that it is.
    client.get_claim(claim_id=1)  # type: ignore[arg-type]
    client.list_claims(entity_slug="legion")  # type: ignore[call-arg]
    client.list_claims(limit="5")  # type: ignore[arg-type]
    client.update_claim("x", {{}})  # type: ignore[call-arg]


async def awaiting(client: AsyncClaimsClient) -> None:
    pending = assert_type(client.get_claim("x"), Coroutine[Any, Any, ClaimPublic])
    assert_type(await pending, ClaimPublic)
    assert_type(await client.get_claim(claim_id="x"), ClaimPublic)
    client.health()  # type: ignore[unused-coroutine]
    assert_type(await client.list_entity_claims("e", role="claimant"), ClaimPage)
    assert_type(client.iter_source_claims("s"), AsyncIterator[ClaimPublic])
    await client.retract_claim("x", if_match="*", reason="r")
    await client.retract_claim("x")  # type: ignore[call-arg]
    client.iter_sources(cursor="c")  # type: ignore[call-arg]
    assert_type(client.sync("c", follow=True), AsyncChanges)
    client.sync(since=1)  # type: ignore[arg-type]
"""


def test_mypy_types_each_client_with_the_operations_parameters(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    sample = tmp_path / "typed_use.py"
    sample.write_text(textwrap.dedent(TYPED_USE.replace("{{}}", "{}")), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", "pyproject.toml", str(sample)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
