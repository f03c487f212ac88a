"""The README is tested: every command in it is run as written (or on a commented list of
the few that cannot be), its outputs compared with the ones it shows; its settings and
endpoints are complete.

The `curl` examples of the reading sections are replayed against a test client; the
transcripts of the writing sections (keys, edits, the review queue) run for real, in
order, in bash, against a `claims serve` on a temporary store, the way a reader runs them
in a second terminal after `make run`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import url_of
from fastapi.testclient import TestClient
from live_server import LiveServer
from transcripts import align, bindings, commands, difference, rendered

from api import Settings, Store, create_app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE = re.compile(
    r"```console\n\$ curl -s (?:-H '(?P<header>[^':]+): (?P<value>[^']*)' )?"
    r"(?:-d '(?P<data>[^']*)' )?"
    r"'(?P<url>localhost:8000[^']*)'\n```\n+"
    r"(?:<details>.*?\n\n)?"
    r"```(?P<kind>json|text|csv|ndjson)\n(?P<body>.*?)\n```",
    re.S,
)
EXAMPLES = [
    (m["url"], m["kind"], m["body"], {m["header"]: m["value"]} if m["header"] else {})
    for m in EXAMPLE.finditer(README)
]
# What each example sends with `-d` (a POST), by its URL.
POSTED = {m["url"]: m["data"] for m in EXAMPLE.finditer(README) if m["data"]}
# The README lines of the commands those examples replay.
REPLAYED = {README.count("\n", 0, m.start()) + 2 for m in EXAMPLE.finditer(README)}
COMMANDS = commands(README)
# The README's commands that no test runs as written, each with why and what runs instead.
NOT_RUN = {
    "make run": "set-up; serves until stopped: checked as a Make target (dry run), and the "
    "session test runs the server it starts",
    "make test": "set-up; it runs this test: checked as a Make target (dry run)",
    ".venv/bin/claims bulk-load claims.ndjson": "needs a file of claims of your own with a bad "
    "line; tests/test_bulk_load_cli.py runs that stop and the resume",
    ".venv/bin/claims bulk-load claims.ndjson          # the quote corrected": "the same",
    "export CLAIMS_DATABASE_URL=postgresql://claims:SECRET@db.internal:5432/claims": "production:"
    " a PostgreSQL server of your own",
    ".venv/bin/claims migrate": "production, on that server; tests/test_migrations.py migrates",
    ".venv/bin/claims serve --host 0.0.0.0 --port 8000 --workers 4": "production, on that "
    "server; serves until stopped; tests/test_workers.py runs workers",
    "docker build -t sourced-claims .": "no Docker engine where the tests run; "
    "tests/test_container.py checks the Dockerfile and runs its entrypoint",
    "docker run -p 8000:8000 sourced-claims": "the same",
}
# Everything else but the replayed examples runs, in the README's order.
SESSION = [c for c in COMMANDS if c.line not in REPLAYED and c.text not in NOT_RUN]
ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(\S.*)", re.S)
# What depends on when the test's store was loaded (times, and the tags that digest them):
# compared as present, not by value.
VARYING = {"updated_at", "at", "etag"}


def steady(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: "<varies>" if key in VARYING and isinstance(item, str) else steady(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [steady(item) for item in value]
    return value


def test_the_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 5
    # Exports and linked data are shown too.
    assert {"csv", "ndjson"} <= {kind for _url, kind, _body, _headers in EXAMPLES}
    assert {"Accept": "application/ld+json"} in [headers for *_, headers in EXAMPLES]


@pytest.mark.parametrize(
    ("url", "kind", "body", "headers"),
    EXAMPLES,
    ids=[" ".join([*e[3].values(), e[0]]) for e in EXAMPLES],
)
def test_readme_examples_answer_as_shown(
    store: Store, url: str, kind: str, body: str, headers: dict[str, str]
) -> None:
    app = create_app(Settings(database_url="sqlite://"), store=store)
    client = TestClient(app, base_url="http://localhost:8000")
    path = url.removeprefix("localhost:8000")
    if url in POSTED:
        posting = {**headers, "Content-Type": "application/json"}
        response = client.post(path, content=POSTED[url], headers=posting)
    else:
        response = client.get(path, headers=headers)
    if kind == "json":
        assert steady(response.json()) == steady(json.loads(body))
    elif kind == "csv":
        # The answer ends its records in CRLF (RFC 4180); the README in LF.
        sent = list(csv.DictReader(io.StringIO(response.text, newline="")))
        shown = list(csv.DictReader(io.StringIO(body)))
        assert [steady(row) for row in sent] == [steady(row) for row in shown]
        assert response.text.split("\r\n", 1)[0] == body.split("\n", 1)[0]
    elif kind == "ndjson":
        sent = [json.loads(line) for line in response.text.splitlines()]
        assert [steady(item) for item in sent] == [
            steady(json.loads(line)) for line in body.splitlines()
        ]
    else:
        assert response.text == body


def test_every_setting_is_documented() -> None:
    for name in Settings.model_fields:
        assert f"`CLAIMS_{name.upper()}`" in README, name


def test_every_endpoint_is_documented(client: TestClient) -> None:
    table = README.replace("{id}", "{").replace("{slug}", "{")
    for path, operations in client.get("/openapi.json").json()["paths"].items():
        documented = re.sub(r"\{[a-z_]+\}", "{", path)
        for method in operations:
            assert f"`{method.upper()} {documented}`" in table, (method, path)


def test_two_setup_commands_and_ci_runs_the_test_one() -> None:
    commands = re.findall(r"```sh\n(make \w+)\n```", README)
    assert commands == ["make run", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    steps = [line for line in ci.splitlines() if line and not line.startswith(("#", "set "))]
    assert steps == [
        'cd "$(dirname "$0")/.."',
        "python3 --version",
        "make --version | sed -n 1p",
        "make test",
    ], "CI runs the README's test command, and nothing a newcomer would not"


def make(*args: str) -> str:
    done = subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_setup_commands_are_make_targets(tmp_path: Path) -> None:
    """`make run` and `make test` exist (a dry run: neither runs here). From a fresh clone
    `make run` says what it does and lets pip show its progress; `make test` first
    installs the system packages its tests need."""
    fresh = make("-n", "-B", f"VENV={tmp_path / 'venv'}", "run").splitlines()
    installs = [line for line in fresh if "pip install" in line]
    assert len(installs) == 2, fresh
    for line in installs:
        assert "--quiet" not in line.split()
        assert "-q" not in line.split()
    assert any(line.startswith('echo "==> installing') for line in fresh)
    assert fresh[-1].endswith("claims serve --host 127.0.0.1 --port 8000")
    steps = make("-n", "test").splitlines()
    assert steps[0] == ".ci/system-packages"
    assert steps[-2:] == [".venv/bin/pytest", "CLAIMS_TEST_ENGINE=postgresql .venv/bin/pytest"]


def test_every_command_is_run_or_says_why_not() -> None:
    """Each README command is a replayed example, runs in the session below, or is on the
    commented list NOT_RUN; the list names only commands the README has."""
    written = {command.text for command in COMMANDS}
    assert set(NOT_RUN) <= written, set(NOT_RUN) - written
    assert all(reason for reason in NOT_RUN.values())
    assert len(REPLAYED) == len(EXAMPLES)
    assert {c.line for c in COMMANDS} >= REPLAYED
    ran = {c.text.split()[0] for c in SESSION}
    assert {".venv/bin/claims", "curl", "KEY=sc_3Vf0Rk2mYc7Qp1LwZt9Xn4Hd8Ue6Ja5Bs0Gi3Oy2Tq"} <= ran
    # `claims` is not on PATH after `make run`: the README says where it is.
    assert not [c.text for c in COMMANDS if re.search(r"(^|[\s$(])claims ", c.text)]


def test_the_readme_runs_as_written(store: Store, tmp_path: Path) -> None:
    """The README's commands from the keys on, in order, in bash, in a folder laid out as
    a clone after `make run` (its `.venv`, its `docs`), against `claims serve` on this
    test's store; each must succeed and print what the README shows."""
    clone = tmp_path / "clone"
    clone.mkdir()
    (clone / ".venv").symlink_to(Path(sys.prefix))
    (clone / "docs").symlink_to(ROOT / "docs")
    env = {name: value for name, value in os.environ.items() if not name.startswith("CLAIMS_")}
    env["CLAIMS_DATABASE_URL"] = url_of(store)
    bound: dict[str, str] = {}
    with LiveServer(url_of(store), tmp_path / "server") as server:
        here = f"127.0.0.1:{server.port}"
        for command in SESSION:
            text = command.text.replace("localhost:8000", here)
            for shown, real in bound.items():
                text = text.replace(shown, real)
            assignment = ASSIGNMENT.fullmatch(text)
            script = f'{text}\nprintf %s "${assignment[1]}"' if assignment else text
            done = subprocess.run(
                ["bash", "-c", script],
                cwd=clone,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            where = f"README line {command.line}: {command.text}"
            assert done.returncode == 0, f"{where}\n{done.stdout}\n{done.stderr}"
            if assignment:
                env[assignment[1]] = done.stdout
                assert command.shown == [], where
                continue
            actual = rendered(done.stdout.replace(f"http://{here}", "http://localhost:8000"))
            pairs = align(command.shown, actual)
            assert pairs is not None, f"{where}\n{difference(command.shown, actual)}"
            bound.update(bindings(command.shown, actual, pairs))
