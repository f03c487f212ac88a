"""The README is tested: its examples are replayed, its settings and endpoints complete."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import Settings, Store, create_app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE = re.compile(
    r"```console\n\$ curl -s (?:-H '(?P<header>[^':]+): (?P<value>[^']*)' )?"
    r"'(?P<url>localhost:8000[^']*)'\n```\n+"
    r"(?:<details>.*?\n\n)?"
    r"```(?P<kind>json|text|csv|ndjson)\n(?P<body>.*?)\n```",
    re.S,
)
EXAMPLES = [
    (m["url"], m["kind"], m["body"], {m["header"]: m["value"]} if m["header"] else {})
    for m in EXAMPLE.finditer(README)
]
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
    response = client.get(url.removeprefix("localhost:8000"), headers=headers)
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
    assert "\nmake test\n" in ci
