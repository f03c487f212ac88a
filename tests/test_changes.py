"""The change feed: read from the start and applied change by change, it rebuilds the
store exactly, even while writers race each other and a reader polls beside them."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import url_of
from fastapi.testclient import TestClient
from live_server import LiveServer

from api import Settings, Store, create_app
from api.client import AsyncClaimsClient, ClaimsClient
from api.queries import claim_list
from api.store.migrate import ensure_current
from api.writes.keys import create_key
from models.base import Scope

QUOTE = "No one knows just how big it is and on what fronts it has fought."
ARTICLE = "legion-article-2022"
ANY = {"If-Match": "*"}
MERGE = {"Content-Type": "application/merge-patch+json"}
LISTS = {
    "claim": "/claims?include=retracted&limit=200",
    "entity": "/entities?limit=200",
    "source": "/sources?limit=200",
    "relation": "/relations?include=retracted&limit=200",
}
State = dict[tuple[str, str], Any]


def key_for(store: Store, name: str = "feeder") -> dict[str, str]:
    with store.write_session() as session:
        key = create_key(session, name, Scope.admin)
        session.commit()
    return {"Authorization": f"Bearer {key}"}


def claim(claim_id: str, about: str | None = None, statement: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": claim_id,
        "statement": statement or "The article says no one knows how big the Legion is.",
        "quote": {"source": ARTICLE, "text": QUOTE},
        "claimant": ARTICLE,
        "attribution": [{"source": ARTICLE, "verb": "reported"}],
        "status": "asserted",
        "speech": "own",
    }
    if about:
        body["entities"] = [{"slug": about, "role": "about"}]
    return body


def pages(http: httpx.Client | TestClient, url: str = "/changes?limit=50") -> Iterator[Any]:
    """Every page of the feed from `url` until an empty one (which is yielded too)."""
    while True:
        page = http.get(url).raise_for_status().json()
        yield page
        if not page["items"]:
            return
        url = page["next"]


def read_all(http: httpx.Client | TestClient) -> list[Any]:
    return [change for page in pages(http) for change in page["items"]]


def apply(state: State, change: dict[str, Any]) -> None:
    key = (change["resource"], change["id"])
    if change["kind"] == "deleted":
        assert change["document"] is None
        assert change["etag"] is None
        state.pop(key, None)
    else:
        state[key] = change["document"]


def replayed(changes: list[Any]) -> State:
    state: State = {}
    for change in changes:
        apply(state, change)
    return state


def store_state(http: httpx.Client | TestClient) -> State:
    """Every claim (retracted ones too), entity, source and relation, as the lists give them."""
    state: State = {}
    for resource, url in LISTS.items():
        next_url: str | None = url
        while next_url:
            page = http.get(next_url).raise_for_status().json()
            for item in page["items"]:
                state[(resource, item.get("id") or item["slug"])] = item
            next_url = page["next"]
    return state


# --- one session, in process ----------------------------------------------------------


@pytest.fixture
def writer(store: Store) -> dict[str, str]:
    return key_for(store)


def test_the_feed_tells_every_change_with_its_tag_and_document(
    client: TestClient, writer: dict[str, str]
) -> None:
    loaded = read_all(client)
    assert loaded
    assert {c["kind"] for c in loaded} <= {"created", "updated"}
    assert replayed(loaded) == store_state(client)
    last = list(pages(client))[-1]
    assert last["items"] == []
    assert client.get(last["next"]).json() == last  # nothing new: the same empty page

    made = client.post(
        "/entities",
        json={"slug": "feed-probe", "name": "Feed probe", "kind": "person"},
        headers=writer,
    )
    assert made.status_code == 201
    client.post("/claims", json=claim("feed-claim", about="feed-probe"), headers=writer)
    client.patch(
        "/claims/feed-claim",
        json={"statement": "Edited for the feed."},
        headers={**writer, **ANY, **MERGE},
    )
    client.patch(
        "/entities/feed-probe",
        json={"name": "Feed probe, renamed"},
        headers={**writer, **ANY, **MERGE},
    )
    client.delete("/claims/feed-claim", headers={**writer, **ANY})
    client.post("/claims/feed-claim/restore", headers={**writer, **ANY})
    client.post(
        "/entities", json={"slug": "feed-gone", "name": "Gone", "kind": "person"}, headers=writer
    )
    assert client.delete("/entities/feed-gone", headers={**writer, **ANY}).status_code == 204

    page = client.get(last["next"]).json()
    seen = [(c["kind"], c["resource"], c["id"], c["revision"]) for c in page["items"]]
    assert seen == [
        ("created", "entity", "feed-probe", 1),
        ("created", "claim", "feed-claim", 1),
        ("updated", "claim", "feed-claim", 2),
        ("updated", "entity", "feed-probe", 2),
        ("updated", "claim", "feed-claim", 3),  # it shows the entity's new name
        ("retracted", "claim", "feed-claim", 4),
        ("restored", "claim", "feed-claim", 5),
        ("created", "entity", "feed-gone", 1),
        ("deleted", "entity", "feed-gone", 2),
    ]
    renamed = page["items"][4]["document"]
    assert renamed["entities"][0]["name"] == "Feed probe, renamed"
    assert page["items"][5]["document"]["retraction"]["by"] == "feeder"
    tombstone = page["items"][-1]
    assert tombstone["document"] is None
    assert tombstone["version"] is None
    # Each change's tag is the one a GET of that version sends.
    for change in page["items"][-3], page["items"][3]:
        got = client.get(change["href"])
        assert got.headers["ETag"] == change["etag"]
        assert got.json() == change["document"]
    assert replayed(loaded + page["items"]) == store_state(client)
    assert client.get(page["next"]).json()["items"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("since=bogus", "since"),
        ("since=eyJ2IjoxLCJzIjoiIiwiayI6WzFdfQ", "since"),  # a cursor of another list
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("wait=61", "wait"),
        ("wait=soon", "wait"),
        ("cursor=x", "cursor"),
    ],
)
def test_bad_feed_parameters_are_named(client: TestClient, query: str, field: str) -> None:
    answer = client.get(f"/changes?{query}")
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert field in answer.text


def test_a_bad_last_event_id_is_named(client: TestClient) -> None:
    answer = client.get(
        "/changes", headers={"Accept": "text/event-stream", "Last-Event-ID": "nonsense"}
    )
    assert answer.status_code == 422
    assert "Last-Event-ID" in answer.text


# --- a live server: concurrent writers, a long-poll, an event stream --------------------


@pytest.fixture
def server(
    empty_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[LiveServer, dict[str, str]]]:
    """A `claims serve` process on a new store (filled from the fixtures as it starts),
    polling the store often and sending heartbeats soon, as a test can wait for them."""
    ensure_current(empty_store)
    writer = key_for(empty_store)
    empty_store.dispose()
    monkeypatch.setenv("CLAIMS_FEED_POLL_INTERVAL", "0.05")
    monkeypatch.setenv("CLAIMS_FEED_HEARTBEAT", "0.3")
    with LiveServer(url_of(empty_store), tmp_path, name="feed") as live:
        yield live, writer
        output = live.output()
    assert "Traceback" not in output, output


WRITERS = 4
ROUNDS = 12


def _write(base: str, writer: dict[str, str], n: int) -> list[int]:
    """One writer's share: entities, sources and claims made, edited, retracted, restored
    and deleted, relations drawn and withdrawn. Returns the statuses it got."""
    statuses: list[int] = []
    with httpx.Client(base_url=base, headers=writer, timeout=30) as http:

        def send(method: str, url: str, **kwargs: Any) -> None:
            statuses.append(http.request(method, url, **kwargs).status_code)

        about = f"about-{n}"
        send("POST", "/entities", json={"slug": about, "name": f"About {n}", "kind": "group"})
        for i in range(ROUNDS):
            one, other = f"c-{n}-{i}", f"c-{n}-{i - 1}"
            send("POST", "/claims", json=claim(one, about=about))
            send(
                "PATCH",
                f"/claims/{one}",
                json={"statement": f"Edit {i} of writer {n}."},
                headers={**ANY, **MERGE},
            )
            if i:
                relation = f"r-{n}-{i}"
                send(
                    "POST",
                    "/relations",
                    json={
                        "id": relation,
                        "type": "supports",
                        "from": one,
                        "to": other,
                        "note": "Feed.",
                    },
                )
                if i % 3 == 0:
                    send("DELETE", f"/relations/{relation}", headers=ANY)
            if i % 2:
                send("DELETE", f"/claims/{other}", headers=ANY)
            if i % 4 == 3:
                send("POST", f"/claims/{other}/restore", headers=ANY)
            if i % 5 == 0:
                send(
                    "PATCH",
                    f"/entities/{about}",
                    json={"name": f"About {n}, take {i}"},
                    headers={**ANY, **MERGE},
                )
            source = f"s-{n}-{i}"
            send("POST", "/sources", json={"slug": source, "name": source, "kind": "article"})
            if i % 2 == 0:
                send("DELETE", f"/sources/{source}", headers=ANY)
            passing = f"e-{n}-{i}"
            send("POST", "/entities", json={"slug": passing, "name": passing, "kind": "person"})
            send("DELETE", f"/entities/{passing}", headers=ANY)
    return statuses


def test_a_reader_beside_racing_writers_rebuilds_the_store(
    server: tuple[LiveServer, dict[str, str]],
) -> None:
    live, writer = server
    done = threading.Event()
    seen: list[Any] = []

    def follow() -> None:
        """Poll the feed, small pages, while the writers write; then drain it."""
        with httpx.Client(base_url=live.base_url, timeout=30) as http:
            url = "/changes?limit=7&wait=0.2"
            while True:
                finished = done.is_set()
                page = http.get(url).raise_for_status().json()
                seen.extend(page["items"])
                url = page["next"]
                if finished and not page["items"]:
                    return

    reader = threading.Thread(target=follow)
    reader.start()
    try:
        with ThreadPoolExecutor(WRITERS) as pool:
            answers = [
                s
                for part in pool.map(lambda n: _write(live.base_url, writer, n), range(WRITERS))
                for s in part
            ]
    finally:
        done.set()
        reader.join(60)
    assert not reader.is_alive()
    assert all(status < 500 for status in answers), sorted(set(answers))
    assert answers.count(201) > WRITERS * ROUNDS * 3  # most writes landed

    with httpx.Client(base_url=live.base_url, timeout=30) as http:
        everything = read_all(http)
        # The reader that polled while transactions committed saw the same changes, in the
        # same order, as one that reads afterwards: none was skipped.
        assert [c["cursor"] for c in seen] == [c["cursor"] for c in everything]
        kinds = {c["kind"] for c in everything}
        assert kinds == {"created", "updated", "retracted", "restored", "deleted"}
        state = replayed(seen)
        assert state == store_state(http)
        # The last change of each resource carries the tag a GET sends now.
        last = {(c["resource"], c["id"]): c for c in everything}
        for change in last.values():
            if change["kind"] == "deleted":
                assert http.get(change["href"]).status_code == 404
            else:
                assert http.get(change["href"]).headers.get("ETag") == change["etag"]


def test_a_long_poll_answers_when_a_change_comes(
    server: tuple[LiveServer, dict[str, str]],
) -> None:
    live, writer = server
    with httpx.Client(base_url=live.base_url, timeout=30) as http:
        tail = list(pages(http, "/changes?limit=1000"))[-1]["next"]
        started = time.monotonic()
        empty = http.get(f"{tail}&wait=0.5").json()
        assert empty["items"] == []
        assert time.monotonic() - started >= 0.5
        since = tail.split("since=")[1]
        assert empty["next"].endswith(f"?limit=1000&wait=0.5&since={since}")  # poll again

        def later() -> None:
            time.sleep(0.5)
            http.post(
                "/entities", json={"slug": "late", "name": "Late", "kind": "person"}, headers=writer
            ).raise_for_status()

        writing = threading.Thread(target=later)
        writing.start()
        started = time.monotonic()
        page = http.get(f"{tail}&wait=30").json()
        writing.join()
        assert [c["id"] for c in page["items"]] == ["late"]
        assert time.monotonic() - started < 10


def _events(lines: Iterator[str], wanted: int) -> tuple[list[dict[str, str]], int]:
    """Read `wanted` events from an event stream; returns them and the heartbeats seen."""
    events: list[dict[str, str]] = []
    heartbeats = 0
    event: dict[str, str] = {}
    for line in lines:
        if line == ": heartbeat":
            heartbeats += 1
        elif line.startswith(("id: ", "event: ", "data: ", "retry: ")):
            name, value = line.split(": ", 1)
            event[name] = value
        elif line == "" and event:
            if "id" in event:
                events.append(event)
            event = {}
            if len(events) == wanted:
                break
    return events, heartbeats


def test_an_event_stream_resumes_and_beats(server: tuple[LiveServer, dict[str, str]]) -> None:
    live, writer = server
    stream_headers = {"Accept": "text/event-stream"}
    with httpx.Client(base_url=live.base_url, timeout=30) as http:
        loaded = read_all(http)
        with http.stream("GET", "/changes", headers=stream_headers) as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.iter_lines()
            events, _ = _events(lines, len(loaded))
            assert [e["id"] for e in events] == [c["cursor"] for c in loaded]
            http.post(
                "/entities",
                json={"slug": "streamed", "name": "S", "kind": "person"},
                headers=writer,
            ).raise_for_status()
            (fresh,), _ = _events(lines, 1)
            assert '"id":"streamed"' in fresh["data"]
            assert fresh["event"] == "change"
            # Quiet now: heartbeats keep the connection alive.
            beats = 0
            for line in lines:
                beats += line == ": heartbeat"
                if beats == 2:
                    break
        # A client that reconnects with Last-Event-ID gets only what it missed.
        http.post(
            "/entities", json={"slug": "missed", "name": "M", "kind": "person"}, headers=writer
        ).raise_for_status()
        resumed = {**stream_headers, "Last-Event-ID": fresh["id"]}
        with http.stream("GET", "/changes", headers=resumed) as stream:
            (missed,), _ = _events(stream.iter_lines(), 1)
            assert '"id":"missed"' in missed["data"]
        # The streams the clients left are over; the server serves on.
        assert http.get("/health").status_code == 200


def test_open_streams_do_not_hold_up_a_shutdown(
    server: tuple[LiveServer, dict[str, str]],
) -> None:
    live, _ = server
    opened = threading.Event()

    def listen() -> None:
        try:
            with (
                httpx.Client(base_url=live.base_url, timeout=30) as http,
                http.stream("GET", "/changes", headers={"Accept": "text/event-stream"}) as stream,
            ):
                opened.set()
                for _ in stream.iter_lines():
                    pass
        except httpx.HTTPError:
            pass  # cut off by the shutdown

    def poll(url: str) -> None:
        try:
            with httpx.Client(base_url=live.base_url, timeout=30) as http:
                http.get(url)
        except httpx.HTTPError:
            pass

    with httpx.Client(base_url=live.base_url, timeout=30) as http:
        tail = list(pages(http, "/changes?limit=1000"))[-1]["next"]
    threads = [
        threading.Thread(target=listen),
        threading.Thread(target=poll, args=(f"{tail}&wait=60",)),
    ]
    for thread in threads:
        thread.start()
    assert opened.wait(10)
    time.sleep(0.3)
    assert live.process is not None
    started = time.monotonic()
    live.process.terminate()
    live.process.wait(timeout=15)
    assert time.monotonic() - started < 8
    for thread in threads:
        thread.join(10)
        assert not thread.is_alive()


# --- the typed client -------------------------------------------------------------------


def test_the_client_syncs_a_copy_and_resumes_where_it_stopped(
    store: Store, writer: dict[str, str]
) -> None:
    app = create_app(Settings(database_url="sqlite://"), store=store)
    with TestClient(app) as http, ClaimsClient(http=http) as claims:
        walk = claims.sync(limit=30)
        copy: State = {}
        for change in walk:
            apply(copy, change.model_dump(mode="json"))
        assert copy == store_state(http)
        caught_up = walk.cursor
        assert caught_up is not None
        assert list(claims.sync(since=caught_up)) == []

        http.post(
            "/entities", json={"slug": "synced", "name": "S", "kind": "person"}, headers=writer
        ).raise_for_status()
        http.delete("/entities/synced", headers={**writer, **ANY}).raise_for_status()
        later = claims.sync(since=caught_up)
        seen = [(c.kind.value, c.id) for c in later]
        assert seen == [("created", "synced"), ("deleted", "synced")]
        assert later.cursor is not None
        assert later.cursor != caught_up

        async def resumed() -> list[str]:
            transport = httpx.ASGITransport(app=app)
            async with AsyncClaimsClient("http://testserver", transport=transport) as client:
                again = client.sync(since=caught_up)
                kinds = [change.kind.value async for change in again]
                assert again.cursor == later.cursor
                return kinds

        assert asyncio.run(resumed()) == ["created", "deleted"]


# --- updated_at and updated_since --------------------------------------------------------


def _listed(http: TestClient, url: str) -> list[str]:
    items = http.get(url).raise_for_status().json()["items"]
    return [item.get("id") or item["slug"] for item in items]


def test_lists_take_updated_since(client: TestClient, writer: dict[str, str]) -> None:
    claim_url = "/claims/legion-300-applications-a-day"
    before = client.get(claim_url).json()["updated_at"]
    since = client.get("/changes?limit=1000").json()["items"][-1]["at"]
    for url in ("/claims", "/entities", "/sources", "/relations?include=retracted"):
        joined = "&" if "?" in url else "?"
        assert _listed(client, f"{url}{joined}updated_since={since}") == [], url
        assert len(_listed(client, f"{url}{joined}updated_since=2000-01-01T00:00:00Z")) > 1

    time.sleep(0.01)
    client.patch(
        claim_url, json={"statement": "Edited since."}, headers={**writer, **ANY, **MERGE}
    ).raise_for_status()
    client.post(
        "/entities", json={"slug": "fresh", "name": "Fresh", "kind": "person"}, headers=writer
    ).raise_for_status()
    client.post(
        "/sources", json={"slug": "fresh-source", "name": "F", "kind": "article"}, headers=writer
    ).raise_for_status()
    relation = "few-hundred-contradicts-two-battalions"
    client.delete(f"/relations/{relation}", headers={**writer, **ANY}).raise_for_status()

    edited = client.get(claim_url).json()
    assert edited["updated_at"] > before
    assert _listed(client, f"/claims?updated_since={since}") != []
    assert "legion-300-applications-a-day" in _listed(client, f"/claims?updated_since={since}")
    assert "legion-300-applications-a-day" in _listed(
        client, f"/entities/legion/claims?updated_since={since}"
    )
    assert _listed(client, f"/entities?updated_since={since}") == ["fresh"]
    assert _listed(client, f"/sources?updated_since={since}") == ["fresh-source"]
    assert _listed(client, f"/relations?include=retracted&updated_since={since}") == [relation]
    # An offset is honoured, and a moment with none is UTC.
    naive = edited["updated_at"].removesuffix("Z")
    assert "legion-300-applications-a-day" in _listed(client, f"/claims?updated_since={naive}")
    assert _listed(client, "/claims?updated_since=2999-01-01T00:00:00%2B01:00") == []


@pytest.mark.parametrize(
    "url", ["/claims", "/entities", "/sources", "/relations", "/entities/legion/claims"]
)
@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01T00:00:00Z", ""])
def test_a_bad_updated_since_is_named(client: TestClient, url: str, bad: str) -> None:
    answer = client.get(f"{url}?updated_since={bad}")
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "updated_since"


def test_a_claim_list_since_a_moment_walks_the_updated_at_index(store: Store) -> None:
    if store.dialect != "sqlite":
        pytest.skip("the plan is read from SQLite's EXPLAIN QUERY PLAN")
    for filters in (
        claim_list.ClaimFilters(updated_since=datetime(2026, 1, 1, tzinfo=UTC)),
        claim_list.ClaimFilters(updated_since=datetime(2026, 1, 1, tzinfo=UTC), entity_id=1),
    ):
        sql, _ = claim_list.page(filters, dialect="sqlite", limit=50)
        with store.engine.connect() as connection:
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql.text}", sql.params)
            plan = " | ".join(str(row[-1]) for row in rows)
        assert "ix_claim_updated_at_id (updated_at>?)" in plan, plan
        assert "SCAN claim " not in plan.replace("SCAN claim USING INDEX ix_claim_retracted", "")


def test_a_client_that_leaves_ends_its_stream(server: tuple[LiveServer, dict[str, str]]) -> None:
    """Streams whose clients hung up are over on the server too: nothing is left for a
    shutdown to wait for or cancel."""
    live, _ = server
    for _ in range(5):
        with (
            httpx.Client(base_url=live.base_url, timeout=30) as http,
            http.stream("GET", "/changes", headers={"Accept": "text/event-stream"}) as stream,
        ):
            next(stream.iter_lines())
    time.sleep(1)  # a few polls: each stream sees its client gone
    assert live.process is not None
    started = time.monotonic()
    live.process.terminate()
    live.process.wait(timeout=15)
    assert time.monotonic() - started < 2
    assert "graceful shutdown exceeded" not in live.output()
