"""Several server processes on one store: the API tier keeps no state of its own.

Two `claims serve` processes (two hosts behind a load balancer, in production) see each
other's writes at once, ETags included; and `claims serve --workers 2` answers. On SQLite
the processes share one file; with CLAIMS_TEST_ENGINE=postgresql, one database.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx
from conftest import url_of

from api import Store
from api.client import ClaimsClient
from api.store.migrate import ensure_current
from api.writes.keys import create_key
from models.base import ClaimStatus, Scope

START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
NEW_ID = "legion-size-unknown-restated"
QUOTE = "No one knows just how big it is and on what fronts it has fought."


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def writer_key(store: Store) -> str:
    """A store with its schema and one admin key, as an operator would prepare it."""
    ensure_current(store)
    with store.write_session() as s:
        key = create_key(s, "client-test", Scope.admin)
        s.commit()
    return key


def claims_command() -> list[str]:
    """The installed `claims` script of this interpreter's environment, else the module."""
    script = Path(sys.executable).with_name("claims")
    found = str(script) if script.exists() else shutil.which("claims")
    return [found] if found else [sys.executable, "-m", "api.cli"]


def wait_until_healthy(process: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}:\n{log.read_text()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"server not healthy in {START_TIMEOUT}s:\n{log.read_text()}")
        time.sleep(0.2)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate, then kill: a supervisor that ignores SIGTERM is killed with its process
    group (its own pid, as it was started in a new session), so no worker is left behind."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT)


@contextmanager
def serving(store: Store, cwd: Path, name: str, *extra: str) -> Iterator[str]:
    """`claims serve` on `store` on a free loopback port; yields its base URL, and always
    stops it. Its output goes to a file, so a chatty server can never block on a pipe."""
    port = free_port()
    log = cwd / f"{name}.log"
    command: Sequence[str] = [
        *claims_command(),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--database-url",
        url_of(store),
        *extra,
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_healthy(process, base, log)
        yield base
    finally:
        stop(process)


def new_claim() -> dict[str, object]:
    return {
        "id": NEW_ID,
        "statement": "The size of the Freedom of Russia Legion is unknown.",
        "quote": {"source": "legion-article-2022", "text": QUOTE},
        "claimant": "moscow-times",
        "entities": [{"slug": "freedom-of-russia-legion", "role": "about"}],
        "attribution": [
            {"source": "legion-article-2022", "verb": "reported"},
            {
                "source": "moscow-times-switching-sides",
                "entity": "moscow-times",
                "verb": "reported",
            },
        ],
        "claimed_on": "2022",
        "status": "reported",
        "speech": "indirect",
    }


def test_two_server_processes_on_one_store_see_each_others_writes(
    empty_store: Store, tmp_path: Path
) -> None:
    key = writer_key(empty_store)
    # A fills the new store from the fixtures; B starts on the filled store.
    with (
        serving(empty_store, tmp_path, "a", "--log-level", "warning") as base_a,
        serving(empty_store, tmp_path, "b", "--log-level", "warning") as base_b,
        ClaimsClient(base_a, api_key=key) as a,
        ClaimsClient(base_b, api_key=key) as b,
    ):
        assert a.health().database == b.health().database == empty_store.dialect
        created = a.create_claim(new_claim(), reason="through A")
        seen_by_b, etag_b = b.get_claim_with_etag(NEW_ID)
        assert seen_by_b == created
        assert etag_b == a.get_claim_with_etag(NEW_ID).etag

        patched = b.update_claim(NEW_ID, {"status": "speculative"}, if_match=etag_b, reason="via B")
        assert patched.status is ClaimStatus.speculative
        seen_by_a, etag_a = a.get_claim_with_etag(NEW_ID)
        assert seen_by_a == patched
        assert etag_a != etag_b
        assert etag_a == b.get_claim_with_etag(NEW_ID).etag
        assert NEW_ID in {c.id for c in a.iter_claims(status="speculative")}
        assert [(r.action, r.reason) for r in a.claim_history(NEW_ID)] == [
            ("create", "through A"),
            ("update", "via B"),
        ]


def test_serve_with_two_workers_answers(empty_store: Store, tmp_path: Path) -> None:
    writer_key(empty_store)
    with serving(empty_store, tmp_path, "workers", "--workers", "2") as base:
        with httpx.Client(base_url=base, timeout=10) as http:
            for _ in range(10):  # spread over the workers
                health = http.get("/health")
                assert health.status_code == 200
                assert health.json() == {"status": "ok", "database": empty_store.dialect}
                listed = http.get("/claims", params={"entity": "legion", "count": "exact"})
                assert listed.status_code == 200, listed.text
                assert listed.json()["count"] >= 20
        # The second worker may still be starting on a busy machine: give it time.
        deadline = time.monotonic() + 30
        log = (tmp_path / "workers.log").read_text()
        while log.count("Started server process") < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
            log = (tmp_path / "workers.log").read_text()
    assert "new store filled from" in log
    assert log.count("Started server process") == 2, log
