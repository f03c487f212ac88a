"""PostgreSQL is an optional part: SQLite-only installs work, and a PostgreSQL URL without
the driver is refused at start with one line that says what to install."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# Runs as if `pip install sourced-claims` had been done without the postgres extra.
WITHOUT_PSYCOPG = "import sys\nsys.modules['psycopg'] = None\n"


def run(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_PSYCOPG + code],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_sqlite_store_needs_no_postgresql_driver(tmp_path: Path) -> None:
    result = run(
        "from fastapi.testclient import TestClient\n"
        "from api import Settings, create_app\n"
        f"app = create_app(Settings(database_url='sqlite:///{tmp_path}/claims.db'))\n"
        "print(TestClient(app).get('/health').json())\n",
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "'status': 'ok'" in result.stdout


def test_a_postgresql_url_without_the_driver_names_the_extra(tmp_path: Path) -> None:
    result = run(
        "from api import Settings, create_app\n"
        "create_app(Settings(database_url='postgresql://u:secret@127.0.0.1:1/claims'))\n",
        tmp_path,
    )
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("api.store.db.MissingDriverError")
    assert "pip install 'sourced-claims[postgres]'" in last


def test_the_cli_refuses_in_one_line(tmp_path: Path) -> None:
    result = run(
        "from api.cli import main\n"
        "sys.argv = ['claims', 'serve', '--database-url', "
        "'postgresql://u:secret@127.0.0.1:1/claims']\n"
        "main()\n",
        tmp_path,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "cannot open the store: PostgreSQL stores need the psycopg driver, an optional part "
        "of this package: pip install 'sourced-claims[postgres]'"
    ]
    assert "secret" not in result.stderr
