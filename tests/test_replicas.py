"""Read replicas on a real PostgreSQL standby: reads go to it, a client reads its own
writes, and a standby that stops is skipped.

PostgreSQL only (CLAIMS_TEST_ENGINE=postgresql): the primary is the run's throwaway
server, and the standby is made from it the way production makes one (`pg_basebackup
-R`), started on a port of its own on loopback, and stopped at the end. To show which
database answered, each answer says it (`Claims-Read-From`), and a test pauses the
standby's replay (`pg_wal_replay_pause()`): a write then stays invisible on the standby
until replay resumes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest
from conftest import ENGINE, url_of
from fastapi.testclient import TestClient
from pg_server import ThrowawayPostgres, ThrowawayStandby
from pydantic import ValidationError

from api import Settings, Store, create_app
from api.client import ClaimsClient
from api.store.db import ReplicaConfigError, normalize_url
from api.store.reader import Reader, Sql
from api.store.replicas import ReplicaSet, ReplicaState
from api.writes.keys import create_key
from models.base import Scope
from models.consistency import CONSISTENCY_HEADER, READ_FROM_HEADER, format_lsn, later, parse_lsn

postgresql_only = pytest.mark.skipif(
    ENGINE != "postgresql", reason="read replicas are PostgreSQL's (CLAIMS_TEST_ENGINE)"
)

SLUG = "freedom-of-russia-legion"


@pytest.fixture(scope="module")
def standby(postgres: ThrowawayPostgres) -> Iterator[ThrowawayStandby]:
    with ThrowawayStandby(postgres) as server:
        server.wait_streaming()
        yield server


def _resume(standby: ThrowawayStandby) -> None:
    standby.execute("SELECT pg_wal_replay_resume()")


def _pause(standby: ThrowawayStandby) -> None:
    standby.execute("SELECT pg_wal_replay_pause()")
    deadline = time.monotonic() + 10
    while standby.execute("SELECT pg_get_wal_replay_pause_state()") != "paused":
        assert time.monotonic() < deadline, "the standby did not pause its replay"
        time.sleep(0.02)


def _app(store: Store, standby: ThrowawayStandby, **settings: Any) -> TestClient:
    database = store.url.database
    assert database is not None
    return TestClient(
        create_app(
            Settings(
                database_url=url_of(store),
                read_database_url=[standby.url_for(database)],
                **settings,
            )
        )
    )


@pytest.fixture
def writer(store: Store) -> dict[str, str]:
    with store.write_session() as session:
        key = create_key(session, "replica-writer", Scope.write)
        session.commit()
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def replicated(
    store: Store, standby: ThrowawayStandby, writer: dict[str, str]
) -> Iterator[TestClient]:
    """An app whose reads may go to the standby, which holds this test's database
    (and its writer's key) before the test starts. Replay runs again afterwards, so the
    next test's database reaches the standby."""
    standby.wait_streaming()
    try:
        with _app(store, standby, read_max_lag=3600) as client:
            yield client
    finally:
        _resume(standby)


def _entity(slug: str) -> dict[str, str]:
    return {"slug": slug, "name": slug.replace("-", " ").title(), "kind": "person"}


@postgresql_only
def test_reads_are_served_by_the_replica(replicated: TestClient) -> None:
    for url in ("/claims?limit=2", f"/entities/{SLUG}", f"/entities/{SLUG}/claims", "/sources"):
        answer = replicated.get(url)
        assert answer.status_code == 200, answer.text
        assert answer.headers[READ_FROM_HEADER] == "replica", url
        assert CONSISTENCY_HEADER not in answer.headers


@postgresql_only
def test_a_write_is_answered_with_a_token_and_its_reads_go_to_the_primary(
    replicated: TestClient, writer: dict[str, str]
) -> None:
    made = replicated.post("/entities", json=_entity("ada-ione"), headers=writer)
    assert made.status_code == 201, made.text
    assert parse_lsn(made.headers[CONSISTENCY_HEADER]) is not None
    # The write's own reads (its key, the answer it renders) are the primary's.
    assert made.headers[READ_FROM_HEADER] == "primary"


@postgresql_only
def test_a_read_with_the_writers_token_sees_the_write(
    replicated: TestClient, standby: ThrowawayStandby, writer: dict[str, str]
) -> None:
    _pause(standby)
    made = replicated.post("/entities", json=_entity("bea-paused"), headers=writer)
    assert made.status_code == 201, made.text
    token = made.headers[CONSISTENCY_HEADER]

    # Without the token: the replica answers, and has not replayed the write yet.
    stale = replicated.get("/entities/bea-paused")
    assert (stale.status_code, stale.headers[READ_FROM_HEADER]) == (404, "replica")

    # With it: the replica is behind the token, so the primary answers, with the write.
    fresh = replicated.get("/entities/bea-paused", headers={CONSISTENCY_HEADER: token})
    assert fresh.status_code == 200, fresh.text
    assert fresh.headers[READ_FROM_HEADER] == "primary"
    assert fresh.json()["slug"] == "bea-paused"

    # Once the replica has replayed the write, it serves the reads that carry the token.
    _resume(standby)
    deadline = time.monotonic() + 10
    while True:
        caught_up = replicated.get("/entities/bea-paused", headers={CONSISTENCY_HEADER: token})
        assert caught_up.status_code == 200, caught_up.text
        if caught_up.headers[READ_FROM_HEADER] == "replica":
            break
        assert time.monotonic() < deadline, "the replica never caught up with the token"
        time.sleep(0.05)


@postgresql_only
def test_conditional_and_untokenable_reads_go_to_the_primary(
    replicated: TestClient, standby: ThrowawayStandby, writer: dict[str, str]
) -> None:
    """An ETag may name a version the replica has not replayed yet: a conditional read
    is the primary's, so it never answers 200 with an older version than the one sent."""
    _pause(standby)
    before = replicated.get(f"/entities/{SLUG}")
    assert before.headers[READ_FROM_HEADER] == "replica"
    changed = replicated.patch(
        f"/entities/{SLUG}",
        json={"description": "changed while the replica is paused"},
        headers={
            **writer,
            "If-Match": before.headers["etag"],
            "Content-Type": "application/merge-patch+json",
        },
    )
    assert changed.status_code == 200, changed.text
    again = replicated.get(f"/entities/{SLUG}", headers={"If-None-Match": changed.headers["etag"]})
    assert (again.status_code, again.headers[READ_FROM_HEADER]) == (304, "primary")
    garbled = replicated.get(f"/entities/{SLUG}", headers={CONSISTENCY_HEADER: "not-a-token"})
    assert garbled.status_code == 200
    assert garbled.headers[READ_FROM_HEADER] == "primary"


@postgresql_only
def test_a_replica_further_behind_than_the_bound_is_skipped(
    store: Store, standby: ThrowawayStandby, writer: dict[str, str]
) -> None:
    standby.wait_streaming()
    try:
        with _app(store, standby, read_max_lag=0.5) as client:
            assert client.get(f"/entities/{SLUG}").headers[READ_FROM_HEADER] == "replica"
            _pause(standby)
            made = client.post("/entities", json=_entity("cy-lagging"), headers=writer)
            assert made.status_code == 201, made.text
            time.sleep(1.0)  # the last transaction it replayed is now older than the bound
            late = client.get("/entities/cy-lagging")
            assert (late.status_code, late.headers[READ_FROM_HEADER]) == (200, "primary")
            replicas = client.get("/health").json()["replicas"]
            assert [r["status"] for r in replicas] == ["lagging"]
            assert replicas[0]["lag_seconds"] > 0.5
    finally:
        _resume(standby)


@postgresql_only
def test_the_typed_client_reads_its_own_writes(
    replicated: TestClient, standby: ThrowawayStandby, writer: dict[str, str]
) -> None:
    claims = ClaimsClient(http=replicated, headers=writer)
    assert claims.consistency is None
    claims.get_entity(SLUG)
    assert claims.consistency is None  # reads carry no token
    _pause(standby)
    made = claims.create_entity(_entity("dee-client"))
    assert claims.consistency is not None
    assert claims.get_entity(made.slug).slug == "dee-client"  # the primary answered
    # Another client, without the token, reads the replica, which has not the write.
    assert replicated.get("/entities/dee-client").status_code == 404


@postgresql_only
def test_a_read_the_replica_fails_is_answered_by_the_primary(
    replicated: TestClient, standby: ThrowawayStandby, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As when the standby cancels a query to replay the primary's changes, or dies."""
    rows = Reader.rows
    cancelled: list[str] = []

    def cancelled_on_the_standby(reader: Reader, sql: Sql) -> list[tuple[Any, ...]]:
        if reader._connection.dbapi_connection.info.port == standby.port:
            cancelled.append(sql.text)
            raise psycopg.errors.QueryCanceled("conflict with recovery (simulated)")
        return rows(reader, sql)

    monkeypatch.setattr(Reader, "rows", cancelled_on_the_standby)
    answer = replicated.get(f"/entities/{SLUG}/claims")
    assert answer.status_code == 200, answer.text
    assert answer.headers[READ_FROM_HEADER] == "primary"
    assert len(cancelled) == 1  # the replica was asked first, and failed
    monkeypatch.undo()
    # The replica that failed is left alone for a while.
    assert replicated.get(f"/entities/{SLUG}").headers[READ_FROM_HEADER] == "primary"


@postgresql_only
def test_health_reports_the_replicas(replicated: TestClient, standby: ThrowawayStandby) -> None:
    answer = replicated.get("/health")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["status"], body["database"]) == ("ok", "postgresql")
    [replica] = body["replicas"]
    assert replica["name"] == f"127.0.0.1:{standby.port}"
    assert replica["status"] == "ok"
    assert 0 <= replica["lag_seconds"] < 3600
    assert parse_lsn(replica["replay_lsn"]) is not None


@postgresql_only
def test_a_stopped_replica_is_skipped(
    store: Store, postgres: ThrowawayPostgres, writer: dict[str, str]
) -> None:
    """Its own standby, as this one is stopped half-way: reads still answer 200, from the
    primary, and the health probe says the replica is down but the service is ok."""
    with ThrowawayStandby(postgres) as doomed:
        doomed.wait_streaming()
        with _app(store, doomed, read_max_lag=3600) as client:
            assert client.get(f"/entities/{SLUG}").headers[READ_FROM_HEADER] == "replica"
            doomed.stop()
            for url in (f"/entities/{SLUG}", "/claims?limit=2", f"/entities/{SLUG}/claims"):
                answer = client.get(url)
                assert answer.status_code == 200, answer.text
                assert answer.headers[READ_FROM_HEADER] == "primary", url
            made = client.post("/entities", json=_entity("eve-alone"), headers=writer)
            assert made.status_code == 201, made.text
            health = client.get("/health")
            assert health.status_code == 200
            assert [r["status"] for r in health.json()["replicas"]] == ["down"]


def test_read_replicas_are_refused_for_a_sqlite_store() -> None:
    with pytest.raises(ValidationError, match="need a PostgreSQL store"):
        Settings(database_url="sqlite://", read_database_url=["postgresql://h/db"])
    with pytest.raises(ReplicaConfigError):
        Store("sqlite://", read_urls=["postgresql://h/db"])


def test_read_urls_are_a_list_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMS_DATABASE_URL", "postgresql://p/db")
    monkeypatch.setenv("CLAIMS_READ_DATABASE_URL", "postgresql://r1/db, postgresql://r2/db")
    assert Settings().read_database_url == ["postgresql://r1/db", "postgresql://r2/db"]
    monkeypatch.setenv("CLAIMS_READ_DATABASE_URL", '["postgresql://r1/db"]')
    assert Settings().read_database_url == ["postgresql://r1/db"]


def test_tokens_order_like_the_log() -> None:
    assert parse_lsn("0/3000148") == 0x3000148
    assert parse_lsn("1/0") == 1 << 32
    assert format_lsn(parse_lsn("A/3000148") or 0) == "A/3000148"
    for garbled in ("", "3000148", "0/", "x/1", "0/123456789", "0/1/2"):
        assert parse_lsn(garbled) is None, garbled
    assert later(None, "0/10") == "0/10"
    assert later("0/20", "0/10") == "0/20"
    assert later("0/10", "1/0") == "1/0"
    assert later("0/20", "garbled") == "garbled"


def test_the_client_sends_back_the_furthest_token_it_was_answered_with() -> None:
    sent: list[str | None] = []
    answers = iter(["0/20", "0/10", None, "0/30", None])

    def server(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers.get(CONSISTENCY_HEADER))
        token = next(answers)
        headers = {} if token is None else {CONSISTENCY_HEADER: token}
        return httpx.Response(200, json={"status": "ok", "database": "postgresql"}, headers=headers)

    with ClaimsClient("http://claims.test", transport=httpx.MockTransport(server)) as claims:
        for _ in range(5):
            claims.health()
        assert claims.consistency == "0/30"
    assert sent == [None, "0/20", "0/20", "0/20", "0/30"]


def test_replicas_are_taken_in_turn_among_those_that_qualify() -> None:
    replicas = ReplicaSet(
        [normalize_url(f"postgresql://r{i}.invalid/claims") for i in range(3)], max_lag=5
    )
    fresh = time.monotonic() + 3600  # as if just asked, for the whole test
    looked = [(True, 100, 0.0), (True, 50, 1.0), (True, 200, 9.0)]  # r2 lags past the bound
    for replica, (up, lsn, lag) in zip(replicas.replicas, looked, strict=True):
        replica._state = ReplicaState(up=up, replay_lsn=lsn, lag=lag, at=fresh)

    def picks(count: int, min_lsn: int | None = None) -> list[str | None]:
        chosen = [replicas.choose(min_lsn) for _ in range(count)]
        return [None if r is None else r.name.split(".")[0] for r in chosen]

    assert picks(4) == ["r0", "r1", "r0", "r0"]  # r2 is skipped: the next in turn serves
    assert picks(3, min_lsn=80) == ["r0", "r0", "r0"]  # only r0 has replayed that far
    assert picks(1, min_lsn=150) == [None]  # r2 has, but lags: the primary
    replicas.replicas[0].failed()
    assert picks(3) == ["r1", "r1", "r1"]
    replicas.dispose()
