"""PostgreSQL reads after the server dropped the pooled connections (a restart, a
failover, an administrator's pg_terminate_backend): answered, not failed.

The primary's read pool sends no pre-ping before each read, so the first read on a
dropped connection is where the loss shows; that read replaces the pool and is sent
again, and the client never sees it.
"""

from __future__ import annotations

import psycopg
import pytest
from conftest import ENGINE, url_of
from fastapi.testclient import TestClient

from api import Store

pytestmark = pytest.mark.skipif(
    ENGINE != "postgresql", reason="SQLite has no server to drop a connection"
)


def _drop_every_other_connection(store: Store) -> int:
    """Terminate every backend of the store's database but the one asking."""
    url = url_of(store).replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return len(rows)


def test_reads_carry_on_after_the_server_drops_the_pool(client: TestClient, store: Store) -> None:
    first = client.get("/claims?entity=legion&limit=5")
    assert first.status_code == 200
    one = client.get(f"/claims/{first.json()['items'][0]['id']}")
    assert one.status_code == 200
    assert _drop_every_other_connection(store) >= 1
    for _ in range(3):  # every pooled connection was dropped, not just the next one
        again = client.get("/claims?entity=legion&limit=5")
        assert again.status_code == 200, again.text
        assert again.json()["items"] == first.json()["items"]
    assert client.get(f"/claims/{first.json()['items'][0]['id']}").json() == one.json()
