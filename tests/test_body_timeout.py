"""A request body that stops arriving gets 408 and its connection closed, in time.

A real server on loopback (`CLAIMS_BODY_TIMEOUT` set short for the test) and a client
on a raw socket that sends its headers and half a body, then nothing: the server must
answer 408 problem+json and close the connection within the timeout, where it used to
keep the connection open for as long as the client liked. A body that arrives slowly
but whole within the timeout still lands.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import url_of
from live_server import HOST, LiveServer

from api import Store
from api.store.migrate import ensure_current
from api.writes.keys import create_key
from models.base import Scope

TIMEOUT = 1.0  # seconds, as the server is told
PATIENCE = 10.0  # how long the client waits for an answer before calling it held


@pytest.fixture
def server(
    empty_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[int, str]]:
    ensure_current(empty_store)
    with empty_store.write_session() as session:
        key = create_key(session, "slow", Scope.write)
        session.commit()
    empty_store.dispose()
    monkeypatch.setenv("CLAIMS_BODY_TIMEOUT", str(TIMEOUT))
    with LiveServer(url_of(empty_store), tmp_path, name="body-timeout") as live:
        yield live.port, key
        output = live.output()
    assert "Traceback" not in output, output


def head(port: int, key: str, length: int, path: str = "/entities") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAuthorization: Bearer {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def read_all(sock: socket.socket, patience: float) -> tuple[bytes, bool]:
    """What the server sends until it closes the connection (True) or `patience` runs
    out (False)."""
    sock.settimeout(patience)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except TimeoutError:
        return data, False
    return data, True


def test_a_stalled_body_is_a_408_and_the_connection_closes(server: tuple[int, str]) -> None:
    port, key = server
    body = json.dumps({"slug": "slowly-made", "name": "Slowly made", "kind": "group"}).encode()
    with socket.create_connection((HOST, port), timeout=PATIENCE) as sock:
        sock.sendall(head(port, key, len(body)) + body[: len(body) // 2])
        started = time.monotonic()
        data, closed = read_all(sock, PATIENCE)
        waited = time.monotonic() - started
    assert data, f"no answer in {PATIENCE} s: the stalled body held the connection"
    status_line, _, rest = data.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 408 Request Timeout", data[:300]
    headers, _, payload = rest.partition(b"\r\n\r\n")
    assert b"content-type: application/problem+json" in headers.lower()
    assert b"connection: close" in headers.lower()
    problem = json.loads(payload)
    assert problem["status"] == 408
    assert problem["field"] == "body"
    assert closed, "the server answered but kept the connection open"
    assert TIMEOUT * 0.9 <= waited < TIMEOUT + 5, waited


def test_a_body_that_arrives_slowly_but_in_time_lands(server: tuple[int, str]) -> None:
    port, key = server
    body = json.dumps({"slug": "slow-but-sure", "name": "Slow but sure", "kind": "group"})
    raw = body.encode()
    with socket.create_connection((HOST, port), timeout=PATIENCE) as sock:
        sock.sendall(head(port, key, len(raw)))
        for n in range(0, len(raw), 20):
            sock.sendall(raw[n : n + 20])
            time.sleep(TIMEOUT / 10)
        sock.settimeout(PATIENCE)
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 201 "), answer[:300]
