"""Writers wait their turn for the store's locks, and a write that cannot get one in time
is refused with 503 and Retry-After: never a 500, never a reset connection.

SQLite lets one writer in at a time. Its busy handler is not fair (a writer that has
waited long polls rarely, newcomers poll often), so writers of one process queue for the
lock in arrival order before they ask SQLite for it.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from conftest import ENGINE, url_of
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from api import Settings, Store, create_app, install_error_handlers
from api.writes.keys import create_key
from models.base import Scope

QUOTE = "No one knows just how big it is and on what fronts it has fought."
CLAIM = "legion-two-fully-manned-battalions"


def write_key(store: Store) -> dict[str, str]:
    with store.write_session() as session:
        key = create_key(session, "alice", Scope.write)
        session.commit()
    return {"Authorization": f"Bearer {key}"}


def new_claim(claim_id: str) -> dict[str, Any]:
    return {
        "id": claim_id,
        "statement": f"Claim {claim_id} restates that the Legion's size is unknown.",
        "quote": {"source": "legion-article-2022", "text": QUOTE},
        "claimant": "moscow-times",
        "entities": [{"slug": "freedom-of-russia-legion", "role": "about"}],
        "attribution": [{"source": "legion-article-2022", "verb": "reported"}],
        "claimed_on": "2022",
        "status": "reported",
        "speech": "indirect",
    }


@contextlib.contextmanager
def lock_held_elsewhere(store: Store) -> Iterator[None]:
    """Another connection (another process, as far as the server can tell) holds the
    lock a write of CLAIM needs: SQLite's write lock, or the claim's row on PostgreSQL."""
    if store.dialect == "sqlite":
        assert store.url.database
        conn = sqlite3.connect(store.url.database, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    engine = create_engine(store.url)
    try:
        with engine.connect() as locker:
            locker.execute(
                text("SELECT id FROM claim WHERE public_id = :s FOR UPDATE"), {"s": CLAIM}
            )
            yield
            locker.rollback()
    finally:
        engine.dispose()


@pytest.fixture
def impatient(store: Store) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """A client on an app whose writes wait at most half a second for a lock."""
    headers = write_key(store)
    settings = Settings(database_url=url_of(store), write_timeout=0.5)
    app = create_app(settings)
    with TestClient(app) as client:
        yield client, headers


def test_a_write_that_cannot_get_the_lock_in_time_is_a_503_with_retry_after(
    impatient: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = impatient
    before = client.get(f"/claims/{CLAIM}")
    patch = {"status": "reported"}
    with lock_held_elsewhere(client.app.state.claims_store):  # type: ignore[attr-defined]
        started = time.monotonic()
        refused = client.patch(
            f"/claims/{CLAIM}",
            json=patch,
            headers={**headers, "If-Match": before.headers["etag"]},
        )
        waited = time.monotonic() - started
    assert refused.status_code == 503, refused.text
    assert refused.headers["retry-after"] == "1"
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"] == "urn:sourced-claims:problem:store-busy"
    assert 0.4 < waited < 5, f"waited {waited:.2f} s with a write timeout of 0.5 s"
    # Nothing was written, and the same request goes through once the lock is free.
    assert client.get(f"/claims/{CLAIM}").headers["etag"] == before.headers["etag"]
    assert client.get(f"/claims/{CLAIM}/history").json()["items"][-1]["action"] != "update"
    again = client.patch(
        f"/claims/{CLAIM}", json=patch, headers={**headers, "If-Match": before.headers["etag"]}
    )
    assert again.status_code == 200, again.text


@pytest.mark.skipif(ENGINE != "sqlite", reason="the write queue is SQLite's: one writer at once")
def test_writers_of_one_process_take_the_write_lock_in_arrival_order(store: Store) -> None:
    headers = write_key(store)
    app = create_app(Settings(database_url=url_of(store), write_timeout=30))
    served: Store = app.state.claims_store
    answers: dict[int, int] = {}

    def create(number: int) -> None:
        response = client.post("/claims", json=new_claim(f"queued-{number}"), headers=headers)
        answers[number] = response.status_code

    writers = [threading.Thread(target=create, args=(n,)) for n in range(6)]
    with TestClient(app) as client:
        with lock_held_elsewhere(store):
            for number, writer in enumerate(writers, start=1):
                writer.start()
                # Each writer is in line before the next one comes.
                deadline = time.monotonic() + 20
                while served.writers_queued < number:
                    assert time.monotonic() < deadline, "a writer never queued"
                    time.sleep(0.01)
        # The lock is free: every writer gets its turn, first come first served.
        for writer in writers:
            writer.join(timeout=30)
        assert answers == dict.fromkeys(range(6), 201)
        stamps = [
            client.get(f"/claims/queued-{n}/history").json()["items"][0]["at"] for n in range(6)
        ]
    assert stamps == sorted(stamps)
    assert served.writers_queued == 0


def test_an_unexpected_error_is_answered_not_raised_into_the_server() -> None:
    """An exception no handler takes is a 500 problem that ends the request there: raised
    on into the server, uvicorn would close the kept-alive connection under the client."""
    host = FastAPI()
    install_error_handlers(host)

    @host.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    transport = httpx.ASGITransport(app=host, raise_app_exceptions=True)

    async def call() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://host") as http:
            return await http.get("/boom")

    import anyio

    response = anyio.run(call)
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "a bug" not in response.text
    assert response.json()["title"] == "Internal Server Error"
