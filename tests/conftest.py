"""Each test gets a fresh store filled from the real fixtures, and a client on it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import Settings, Store, create_app
from api.loader import VerifiedFixtures, load, read_and_verify

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


@pytest.fixture(scope="session")
def verified() -> VerifiedFixtures:
    return read_and_verify(FIXTURES)


@pytest.fixture(scope="session")
def loaded_template(verified: VerifiedFixtures, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store file filled once per run; each test works on its own copy of it."""
    path = tmp_path_factory.mktemp("template") / "claims.db"
    template = Store(f"sqlite:///{path}")
    load(template, verified)
    with template.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    template.dispose()
    return path


@pytest.fixture
def store(loaded_template: Path, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "claims.db"
    shutil.copyfile(loaded_template, path)
    store = Store(f"sqlite:///{path}")
    yield store
    store.dispose()


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    app = create_app(Settings(database_url="sqlite://"), store=store)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def fixtures_copy(tmp_path: Path) -> Path:
    """A private copy of fixtures/ and seeds/ that a test may tamper with."""
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    return tmp_path / "fixtures"
