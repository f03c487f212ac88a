"""Writes that touch the same claims at once all land: never a deadlock answered 500.

On PostgreSQL transactions truly overlap, and two writes that lock the same claims in
different orders (or share-lock them through a foreign key and then ask for more) can
deadlock; the database then aborts one of them. Writes lock every claim they will touch
up front, in id order, and a write the database still picks as a deadlock victim is run
again inside its request; only one that keeps losing is refused, with 503 and
Retry-After. These tests run a real server on loopback with many clients released at the
same instant (SQLite serialises writers, so there they pass trivially: same answers).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import ENGINE, url_of
from fastapi.testclient import TestClient
from live_server import LiveServer
from sqlalchemy import Connection, create_engine, text

from api import Store
from api.http.routing import ATTEMPTS
from api.store.migrate import ensure_current
from api.writes.keys import create_key
from models.base import Scope

CLIENTS = 40
SHARED = "sakhibgareev-none-wanted-war"  # claimed by albert-sakhibgareev, no relations
QUOTE = "No one knows just how big it is and on what fronts it has fought."
Server = tuple[str, dict[str, str]]


@pytest.fixture
def server(empty_store: Store, tmp_path: Path) -> Iterator[Server]:
    ensure_current(empty_store)
    with empty_store.write_session() as session:
        key = create_key(session, "racer", Scope.write)
        session.commit()
    empty_store.dispose()
    with LiveServer(url_of(empty_store), tmp_path, name="deadlocks") as live:
        yield live.base_url, {"Authorization": f"Bearer {key}"}
        output = live.output()
    assert "Traceback" not in output, output


def at_once(base: str, send: Callable[[httpx.Client, int], httpx.Response]) -> list[httpx.Response]:
    """`send` from CLIENTS clients, each on its own connection, released together."""
    start = threading.Barrier(CLIENTS)

    def one(number: int) -> httpx.Response:
        with httpx.Client(base_url=base, timeout=60) as http:
            http.get("/health")  # connected before the start
            start.wait()
            return send(http, number)

    with ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(one, range(CLIENTS)))


def statuses(answers: list[httpx.Response]) -> Counter[int]:
    return Counter(answer.status_code for answer in answers)


def own_claim(number: int) -> dict[str, Any]:
    return {
        "id": f"crowd-{number}",
        "statement": f"Crowd claim {number}: no one knows how big the Legion is.",
        "quote": {"source": "legion-article-2022", "text": QUOTE},
        "claimant": "moscow-times",
        "attribution": [{"source": "legion-article-2022", "verb": "reported"}],
        "status": "reported",
        "speech": "own",
    }


def make_claims(base: str, key: dict[str, str]) -> None:
    body = "\n".join(
        httpx.Request("POST", "/", json=own_claim(n)).content.decode() for n in range(CLIENTS)
    )
    with httpx.Client(base_url=base, timeout=60) as http:
        made = http.post(
            "/claims:batch",
            content=body,
            headers={**key, "Content-Type": "application/x-ndjson"},
        )
    assert made.status_code == 201, made.text


def status_of(base: str, claim_id: str) -> str:
    with httpx.Client(base_url=base) as http:
        answer = http.get(f"/claims/{claim_id}")
    assert answer.status_code == 200, answer.text
    return str(answer.json()["status"])


def test_relations_to_one_claim_made_at_once_all_land(server: Server) -> None:
    base, key = server
    make_claims(base, key)

    def relate(http: httpx.Client, number: int) -> httpx.Response:
        return http.post(
            "/relations",
            json={
                "type": "contradicts",
                "from": f"crowd-{number}",
                "to": SHARED,
                "note": "Raced.",
            },
            headers=key,
        )

    answers = at_once(base, relate)
    assert statuses(answers) == Counter({201: CLIENTS}), [a.text for a in answers if a.is_error]
    assert status_of(base, SHARED) == "disputed"
    assert {status_of(base, f"crowd-{n}") for n in range(CLIENTS)} == {"disputed"}


def test_edits_and_retractions_around_one_claim_at_once_all_land(server: Server) -> None:
    base, key = server
    make_claims(base, key)
    with httpx.Client(base_url=base, timeout=60) as http:
        for number in range(CLIENTS):
            made = http.post(
                "/relations",
                json={
                    "id": f"crowd-rel-{number}",
                    "type": "contradicts",
                    "from": f"crowd-{number}",
                    "to": SHARED,
                    "note": "Set up.",
                },
                headers=key,
            )
            assert made.status_code == 201, made.text
    every = {**key, "If-Match": "*"}

    def touch(http: httpx.Client, number: int) -> httpx.Response:
        """A fifth each: retract the relation, make it a mere `supports`, retract the
        claim, hand the claim to the shared claim's own claimant (no dispute then), or
        reword the claim (still a dispute)."""
        claim, relation = f"/claims/crowd-{number}", f"/relations/crowd-rel-{number}"
        match number % 5:
            case 0:
                return http.delete(relation, headers=every)
            case 1:
                return http.patch(relation, json={"type": "supports"}, headers=every)
            case 2:
                return http.delete(claim, headers=every)
            case 3:
                return http.patch(claim, json={"claimant": "albert-sakhibgareev"}, headers=every)
            case _:
                return http.patch(claim, json={"statement": f"Reworded {number}."}, headers=every)

    answers = at_once(base, touch)
    assert statuses(answers) == Counter({200: CLIENTS}), [a.text for a in answers if a.is_error]
    # A fifth of the disputes remain (the reworded claims'), so the claim stays disputed;
    # each side's standing agrees with the relations that are left.
    assert status_of(base, SHARED) == "disputed"
    for number in range(CLIENTS):
        if number % 5 == 2:
            continue  # retracted
        wanted = "disputed" if number % 5 == 4 else "reported"
        assert status_of(base, f"crowd-{number}") == wanted, number

    # Now the last disputes go, all at once: the shared claim must end up undisputed,
    # whichever of the writes settles it last.
    def untie(http: httpx.Client, number: int) -> httpx.Response:
        if number % 5 != 4:
            return http.get("/health")
        return http.delete(f"/relations/crowd-rel-{number}", headers=every)

    answers = at_once(base, untie)
    assert statuses(answers) == Counter({200: CLIENTS}), [a.text for a in answers if a.is_error]
    assert status_of(base, SHARED) == "reported"


# --- a write the database picks as the deadlock victim is run again -------------------

ADVERSARY_WAITS = "10s"  # the adversary's deadlock_timeout: the server's (1 s) fires first
postgresql_only = pytest.mark.skipif(
    ENGINE != "postgresql", reason="SQLite serialises writers: nothing ever deadlocks"
)


class Adversary:
    """A second connection that deadlocks a write of `/relations` on purpose, `rounds`
    times over: it holds the later of the two claims, waits until the server's
    transaction has locked the earlier one and waits for the later, then asks for the
    earlier one itself. PostgreSQL's check runs first in the server's backend (its
    deadlock_timeout is the shorter), so the server's transaction is the one aborted;
    each round's lock on the earlier claim is taken in a savepoint and let go again, so
    the write, run again, meets the same trap until the rounds are spent."""

    def __init__(self, store: Store, first: int, later: int) -> None:
        self.engine = create_engine(url_of(store))
        self.first, self.later = first, later

    def lock(self, connection: Connection, row_id: int) -> None:
        connection.execute(text("SELECT id FROM claim WHERE id = :id FOR UPDATE"), {"id": row_id})

    def server_waits(self, connection: Connection) -> bool:
        return bool(
            connection.execute(
                text("SELECT count(*) FROM pg_locks WHERE NOT granted AND pid <> pg_backend_pid()")
            ).scalar()
        )

    def trap(self, rounds: int, started: threading.Event, answered: threading.Event) -> int:
        """Spring the trap up to `rounds` times, until the request is answered; how many
        times it caught the server."""
        caught = 0
        with self.engine.connect() as connection:
            connection.execute(text(f"SET deadlock_timeout = '{ADVERSARY_WAITS}'"))
            self.lock(connection, self.later)
            started.set()
            for _ in range(rounds):
                deadline = time.monotonic() + 20
                while not self.server_waits(connection):
                    if answered.is_set() or time.monotonic() > deadline:
                        connection.commit()
                        return caught
                    time.sleep(0.01)
                savepoint = connection.begin_nested()
                self.lock(connection, self.first)  # the cycle: the server is aborted
                caught += 1
                savepoint.rollback()
            connection.commit()
        self.engine.dispose()
        return caught


def claim_ids(store: Store, *public_ids: str) -> list[int]:
    with store.reader() as reader:
        return [
            int(reader.rows(reader.sql("SELECT id FROM claim WHERE public_id = :id", id=key))[0][0])
            for key in public_ids
        ]


@pytest.fixture
def writer(store: Store) -> dict[str, str]:
    with store.write_session() as session:
        key = create_key(session, "victim", Scope.write)
        session.commit()
    return {"Authorization": f"Bearer {key}"}


def relate_while_trapped(
    client: TestClient, store: Store, writer: dict[str, str], rounds: int
) -> tuple[httpx.Response, int]:
    early, late = "photo-caption-legion-volunteer", "legion-stated-goals"
    first, later = claim_ids(store, early, late)
    assert first < later
    adversary = Adversary(store, first, later)
    started, answered = threading.Event(), threading.Event()
    with ThreadPoolExecutor(1) as pool:
        trapping = pool.submit(adversary.trap, rounds, started, answered)
        assert started.wait(20)
        answer = client.post(
            "/relations",
            json={"type": "supports", "from": early, "to": late, "note": "Trapped."},
            headers=writer,
        )
        answered.set()
        caught = trapping.result(timeout=60)
    return answer, caught


@postgresql_only
def test_a_deadlock_victim_is_run_again_and_lands(
    client: TestClient, store: Store, writer: dict[str, str]
) -> None:
    answer, caught = relate_while_trapped(client, store, writer, rounds=2)
    assert answer.status_code == 201, answer.text
    assert caught == 2
    history = client.get(f"/relations/{answer.json()['id']}/history").json()["items"]
    assert [revision["action"] for revision in history] == ["create"]  # written once


@postgresql_only
def test_a_write_that_keeps_losing_is_a_503_with_retry_after(
    client: TestClient, store: Store, writer: dict[str, str]
) -> None:
    answer, caught = relate_while_trapped(client, store, writer, rounds=ATTEMPTS)
    assert answer.status_code == 503, answer.text
    assert caught == ATTEMPTS
    assert answer.headers["retry-after"].isdigit()
    problem = answer.json()
    assert answer.headers["content-type"] == "application/problem+json"
    assert problem["type"].endswith(":store-busy")
    assert "deadlock" not in answer.text.lower()  # no driver text
    listed = client.get("/relations", params={"claim": "legion-stated-goals"}).json()
    assert listed["items"] == []  # nothing was written
