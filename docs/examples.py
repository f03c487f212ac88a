"""Rewrite the answers shown in README.md from the service itself.

Each ```console `$ curl -s 'localhost:8000/...'` example is followed by its answer;
tests/test_readme.py checks that every answer is still what the service says. When the
service's answers change on purpose, run `.venv/bin/python docs/examples.py` to write the
new ones, then read the diff. An answer that differs only in what depends on when the
store was loaded (`updated_at`, a change's `at` and `etag`: see `steady`) is left as shown.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import tempfile
from pathlib import Path

from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_readme import EXAMPLE, steady  # noqa: E402

from api import Settings, Store, create_app  # noqa: E402
from api.ingest.fixtures import load, read_and_verify  # noqa: E402


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as scratch:
        store = Store(f"sqlite:///{scratch}/claims.db")
        load(store, read_and_verify(ROOT / "fixtures"))
        app = create_app(Settings(database_url="sqlite://"), store=store)
        client = TestClient(app, base_url="http://localhost:8000")

        def answer(match: re.Match[str]) -> str:
            headers = {match["header"]: match["value"]} if match["header"] else {}
            path = match["url"].removeprefix("localhost:8000")
            if match["data"]:
                sent = {**headers, "Content-Type": "application/json"}
                response = client.post(path, content=match["data"], headers=sent)
            else:
                response = client.get(path, headers=headers)
            if match["kind"] == "json" and _same(response.json(), match["body"]):
                return match.group(0)
            if match["kind"] == "ndjson" and _same_lines(response.text, match["body"]):
                return match.group(0)
            if match["kind"] == "csv" and _same_rows(response.text, match["body"]):
                return match.group(0)
            body = (
                json.dumps(response.json(), indent=2, ensure_ascii=False)
                if match["kind"] == "json"
                else response.text.replace("\r\n", "\n").rstrip("\n")
            )
            start, end = match.span("body")
            whole = match.group(0)
            offset = match.start()
            return whole[: start - offset] + body + whole[end - offset :]

        updated = EXAMPLE.sub(answer, text)
        store.dispose()
    readme.write_text(updated, encoding="utf-8")
    print("README.md examples:", "unchanged" if updated == text else "rewritten")


def _same_lines(answer: str, shown: str) -> bool:
    sent = [steady(json.loads(line)) for line in answer.splitlines()]
    return sent == [steady(json.loads(line)) for line in shown.splitlines()]


def _same_rows(answer: str, shown: str) -> bool:
    sent = list(csv.reader(io.StringIO(answer, newline="")))
    return sent == list(csv.reader(io.StringIO(shown)))


def _same(answer: object, shown: str) -> bool:
    try:
        return bool(steady(answer) == steady(json.loads(shown)))
    except ValueError:
        return False


if __name__ == "__main__":
    main()
