"""The `claims` command: check, load, and serve a real store on loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from conftest import url_of
from helpers import FIXTURE_CLAIMS
from typer.testing import CliRunner

from api import Store
from api.cli import cli

runner = CliRunner()


def test_check_validates_fixtures_without_a_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 0, result.output
    assert f"ok: {FIXTURE_CLAIMS} claims, 29 entities, 11 sources" in result.output
    assert list(tmp_path.iterdir()) == []


def test_check_names_a_tampered_quote(fixtures_copy: Path) -> None:
    claims = fixtures_copy / "claims.yaml"
    claims.write_text(
        claims.read_text(encoding="utf-8").replace(
            "None of us wanted this war", "None of us wanted this", 1
        ),
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["check", "--fixtures", str(fixtures_copy)])
    assert result.exit_code == 1
    assert "claim 'sakhibgareev-none-wanted-war'" in result.output
    assert "nearest match at" in result.output


def test_load_creates_then_leaves_the_store_alone(empty_store: Store) -> None:
    url = url_of(empty_store)
    first = runner.invoke(cli, ["load", "--database-url", url])
    assert first.exit_code == 0, first.output
    assert f"claim: {FIXTURE_CLAIMS} created" in first.output
    second = runner.invoke(cli, ["load", "--database-url", url])
    assert f"claim: 0 created, 0 updated, {FIXTURE_CLAIMS} unchanged" in second.output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_fills_a_new_store_and_answers(tmp_path: Path, empty_store: Store) -> None:
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "api.cli",
            "serve",
            "--port",
            str(port),
            "--database-url",
            url_of(empty_store),
            "--log-level",
            "warning",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.communicate()[0]
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        legion = httpx.get(f"{base}/claims", params={"entity": "legion"}).json()
        assert len(legion["items"]) >= 20
        assert all(claim["attribution"] for claim in legion["items"])
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    assert "new store filled from" in output
