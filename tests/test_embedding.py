"""Other Python apps embed the service: import without side effects, include, or mount."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from helpers import FIXTURE_CLAIMS

from api import Store, create_app, create_router, install_error_handlers
from api.store.migrate import ensure_current

IMPORT_PROBE = """
import json, sys
events = []
def hook(event, args):
    if event in ("sqlite3.connect", "socket.connect", "socket.bind"):
        events.append(event)
    elif event == "open" and isinstance(args[0], str) and set(args[1] or "") & set("wax+"):
        events.append(f"open {args[0]} {args[1]}")
sys.addaudithook(hook)
import api, api.app, api.cli, api.router, api.store.db, api.ingest.fixtures, api.queries.names
import api.routes.claims, api.routes.entities, api.routes.sources, api.routes.health
from fastapi import FastAPI
apps = [name for mod in list(sys.modules.values()) if (mod.__name__ or "").startswith("api")
        for name, value in vars(mod).items() if isinstance(value, FastAPI)]
print(json.dumps({"events": events, "apps": apps}))
"""


def test_importing_does_no_io_and_builds_no_app(tmp_path: Path) -> None:
    target = tmp_path / "never" / "claims.db"
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE],
        cwd=tmp_path,
        env={
            "CLAIMS_DATABASE_URL": f"sqlite:///{target}",
            "PATH": "/usr/bin:/bin",
            "PYTHONDONTWRITEBYTECODE": "1",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"events": [], "apps": []}
    assert list(tmp_path.iterdir()) == []


def test_the_router_serves_under_a_host_prefix(store: Store) -> None:
    host = FastAPI(title="newsroom tools")
    install_error_handlers(host)

    @host.get("/")
    def home() -> dict[str, str]:
        return {"app": "host"}

    host.include_router(create_router(store), prefix="/api/v1")
    client = TestClient(host)
    assert client.get("/").json() == {"app": "host"}
    page = client.get("/api/v1/claims?entity=legion&limit=2")
    assert page.status_code == 200
    assert page.json()["next"].startswith("http://testserver/api/v1/claims?")
    assert client.get(page.json()["next"]).status_code == 200
    missing = client.get("/api/v1/entities/nobody")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert "/api/v1/claims" in client.get("/openapi.json").json()["paths"]


def test_the_app_mounts_as_a_sub_application(store: Store) -> None:
    host = FastAPI()
    host.mount("/claims-service", create_app(store=store))
    # No `with`: the lifespan of a mounted app never runs, and nothing may depend on it.
    client = TestClient(host)
    page = client.get("/claims-service/claims?entity=legion&limit=2")
    assert page.status_code == 200
    assert page.json()["next"].startswith("http://testserver/claims-service/claims?")
    docs = client.get("/claims-service/docs").text
    assert "/claims-service/static-offline-docs/swagger-ui-bundle.js" in docs
    assert client.get("/claims-service/static-offline-docs/swagger-ui-bundle.js").status_code == 200


def test_two_routers_on_two_stores(store: Store) -> None:
    empty = Store("sqlite://")
    ensure_current(empty)
    host = FastAPI()
    host.include_router(create_router(store), prefix="/full")
    host.include_router(create_router(empty), prefix="/empty")
    client = TestClient(host)
    assert len(client.get("/full/claims").json()["items"]) == FIXTURE_CLAIMS
    assert client.get("/empty/claims").json() == {"items": [], "next": None}
