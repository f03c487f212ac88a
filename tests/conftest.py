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


@pytest.fixture
def store(verified: VerifiedFixtures) -> Iterator[Store]:
    store = Store("sqlite://")
    load(store, verified)
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
