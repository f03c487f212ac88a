"""Writes that race answer as if they had come one after the other: never a 500.

A real server on loopback (SQLite, or PostgreSQL with CLAIMS_TEST_ENGINE=postgresql, where
transactions truly overlap) gets identical requests at the same instant: creates of one
id, retried batches with one Idempotency-Key, edits adding the same alias, and `If-Match:
*` edits of one claim.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import url_of
from live_server import LiveServer

from api import Store
from api.store.migrate import ensure_current
from api.writes.keys import create_key
from models.base import Scope

RACERS = 4
QUOTE = "No one knows just how big it is and on what fronts it has fought."


@pytest.fixture
def server(empty_store: Store, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    ensure_current(empty_store)
    with empty_store.write_session() as session:
        key = create_key(session, "racer", Scope.write)
        session.commit()
    empty_store.dispose()
    with LiveServer(url_of(empty_store), tmp_path, name="races") as live:
        yield live.base_url, {"Authorization": f"Bearer {key}"}
        output = live.output()
    assert "Traceback" not in output, output


def race(base: str, send: Callable[[httpx.Client, int], httpx.Response]) -> list[httpx.Response]:
    """`send` from RACERS clients released at the same instant."""
    start = threading.Barrier(RACERS)

    def one(number: int) -> httpx.Response:
        with httpx.Client(base_url=base, timeout=30) as http:
            http.get("/health")  # connected before the start
            start.wait()
            return send(http, number)

    with ThreadPoolExecutor(RACERS) as pool:
        return list(pool.map(one, range(RACERS)))


# Words of database drivers and their errors, which no answer may carry.
DRIVER_WORDS = ("constraint", "violates", "duplicate key", "UNIQUE", "psycopg", "sqlite", "DETAIL")


def assert_no_driver_text(answer: httpx.Response) -> None:
    for word in DRIVER_WORDS:
        assert word not in answer.text, answer.text


def statuses(answers: list[httpx.Response]) -> Counter[int]:
    return Counter(answer.status_code for answer in answers)


def claim(claim_id: str) -> dict[str, Any]:
    return {
        "id": claim_id,
        "statement": "The article says no one knows how big the Legion is.",
        "quote": {"source": "legion-article-2022", "text": QUOTE},
        "claimant": "legion-article-2022",
        "attribution": [{"source": "legion-article-2022", "verb": "reported"}],
        "status": "asserted",
        "speech": "own",
    }


def test_racing_creates_of_one_id_make_one_resource(server: tuple[str, dict[str, str]]) -> None:
    base, key = server
    bodies = {
        "/claims": claim("raced-claim"),
        "/entities": {"slug": "raced-entity", "name": "Raced entity", "kind": "group"},
        "/sources": {"slug": "raced-source", "name": "Raced source", "kind": "article"},
    }
    for url, body in bodies.items():

        def create(http: httpx.Client, _number: int, url: str = url, body: Any = body) -> Any:
            return http.post(url, json=body, headers=key)

        answers = race(base, create)
        assert statuses(answers) == Counter({201: 1, 409: RACERS - 1}), [a.text for a in answers]
        for answer in answers:
            assert answer.headers["content-type"].startswith("application/")
            assert_no_driver_text(answer)
    with httpx.Client(base_url=base) as http:
        history = http.get("/claims/raced-claim/history").json()["items"]
    assert [r["action"] for r in history] == ["create"]


def test_retried_batches_with_one_key_write_once(server: tuple[str, dict[str, str]]) -> None:
    base, key = server
    body = "\n".join(
        f'{{"id": "batch-{n}", "statement": "Racedbatch claim {n}.", "quote": {{"source": '
        f'"legion-article-2022", "text": "{QUOTE}"}}, "claimant": "legion-article-2022", '
        f'"attribution": [{{"source": "legion-article-2022", "verb": "reported"}}], '
        f'"status": "asserted", "speech": "own"}}'
        for n in range(3)
    )
    headers = {**key, "Content-Type": "application/x-ndjson", "Idempotency-Key": "retry-1"}
    answers = race(base, lambda http, _n: http.post("/claims:batch", content=body, headers=headers))
    assert statuses(answers) == Counter({201: RACERS}), [a.text for a in answers]
    assert len({answer.text for answer in answers}) == 1
    replayed = [answer.headers.get("idempotent-replayed") for answer in answers]
    assert replayed.count("true") == RACERS - 1
    plain = {**key, "Content-Type": "application/x-ndjson"}
    again = race(
        base,
        lambda http, n: http.post(
            "/claims:batch", content=body.replace("batch-", "other-"), headers=plain
        ),
    )
    assert statuses(again) == Counter({201: 1, 409: RACERS - 1}), [a.text for a in again]
    with httpx.Client(base_url=base) as http:
        listed = http.get("/claims", params={"q": "Racedbatch", "count": "exact"}).json()
    assert listed["count"] == 6


def test_racing_edits_that_add_one_alias_give_it_to_one(server: tuple[str, dict[str, str]]) -> None:
    base, key = server
    entities = ["moscow-times", "the-guardian", "interfax-ukraine", "wall-street-journal"]

    def add_alias(http: httpx.Client, number: int) -> httpx.Response:
        return http.patch(
            f"/entities/{entities[number]}",
            json={"aliases": ["The Paper"]},
            headers={**key, "If-Match": "*"},
        )

    answers = race(base, add_alias)
    # The losers get what they would have got had they come after the winner, on either
    # engine: the 422 naming the alias and its owner, in the catalogue's words.
    assert statuses(answers) == Counter({200: 1, 422: RACERS - 1}), [a.text for a in answers]
    winner = next(entities[n] for n, a in enumerate(answers) if a.status_code == 200)
    for answer in answers:
        if answer.status_code == 422:
            problem = answer.json()
            assert problem["field"] == "body.aliases", problem
            assert problem["detail"] == (
                f"body.aliases: 'The Paper' already names {winner!r} (names and aliases are "
                "unique, ignoring case)."
            )
            assert_no_driver_text(answer)
    with httpx.Client(base_url=base) as http:
        assert http.get("/entities/The Paper").status_code == 200


def test_edits_of_any_version_all_land_on_either_engine(server: tuple[str, dict[str, str]]) -> None:
    base, key = server
    url = "/claims/legion-two-fully-manned-battalions"

    def edit(http: httpx.Client, number: int) -> httpx.Response:
        return http.patch(
            url,
            json={"statement": f"Edit {number} of the claim."},
            headers={**key, "If-Match": "*"},
        )

    answers = race(base, edit)
    assert statuses(answers) == Counter({200: RACERS}), [a.text for a in answers]
    versions = sorted(int(a.headers["etag"].split("-")[0].strip('"')) for a in answers)
    assert versions == list(range(2, RACERS + 2))
    with httpx.Client(base_url=base) as http:
        history = http.get(f"{url}/history").json()["items"]
    assert [r["action"] for r in history] == ["create"] + ["update"] * RACERS
