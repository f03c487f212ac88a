"""The typed client is light: importing it loads no server, ORM or database driver."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = (
    "fastapi",
    "starlette",
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "psycopg",
    "uvicorn",
    "models.tables",  # the wire schemas in models are fine; the tables need SQLModel
)

# Run in a fresh interpreter: this test process has the server loaded already.
PROBE = """
import json, sys, time
started = time.perf_counter()
import api.client
elapsed = time.perf_counter() - started
print(json.dumps({"modules": sorted(sys.modules), "seconds": elapsed}))
"""


def test_importing_the_client_loads_nothing_of_the_server() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    found = json.loads(done.stdout)
    print(f"import api.client: {found['seconds'] * 1000:.0f} ms, {len(found['modules'])} modules")
    for package in FORBIDDEN:
        loaded = [m for m in found["modules"] if m == package or m.startswith(package + ".")]
        assert loaded == [], f"import api.client loaded {package}: {loaded[:5]}"
