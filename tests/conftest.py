"""Each test gets a fresh store filled from the real fixtures, and a client on it.

The suite runs on SQLite by default; with CLAIMS_TEST_ENGINE=postgresql every store comes
from a throwaway PostgreSQL server started here on loopback (and stopped at the end),
each test on its own copy of a template database.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pg_server import ThrowawayPostgres

from api import Settings, Store, create_app
from api.ingest.fixtures import VerifiedFixtures, load, read_and_verify

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
ENGINE = os.environ.get("CLAIMS_TEST_ENGINE", "sqlite")
if ENGINE not in {"sqlite", "postgresql"}:
    raise pytest.UsageError(f"CLAIMS_TEST_ENGINE must be sqlite or postgresql, not {ENGINE!r}")
_names = itertools.count()
_used_engines: set[str] = set()


def pytest_report_header() -> str:
    return f"store engine: {ENGINE} (set CLAIMS_TEST_ENGINE=postgresql for the other run)"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A PostgreSQL run that never touched PostgreSQL is a failure, not a quiet pass."""
    if ENGINE == "postgresql" and "postgresql" not in _used_engines and session.testscollected:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def verified() -> VerifiedFixtures:
    return read_and_verify(FIXTURES)


@pytest.fixture(scope="session")
def postgres() -> Iterator[ThrowawayPostgres]:
    with ThrowawayPostgres() as server:
        yield server


@pytest.fixture(scope="session")
def loaded_template(
    verified: VerifiedFixtures,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> str:
    """A store filled once per run; each test works on its own copy of it."""
    if ENGINE == "postgresql":
        server: ThrowawayPostgres = request.getfixturevalue("postgres")
        url = server.create_database("claims_template")
        template = Store(url)
        load(template, verified)
        template.dispose()
        return "claims_template"
    path = tmp_path_factory.mktemp("template") / "claims.db"
    template = Store(f"sqlite:///{path}")
    load(template, verified)
    with template.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    template.dispose()
    return str(path)


def _fresh_store(request: pytest.FixtureRequest, tmp_path: Path, template: str | None) -> Store:
    _used_engines.add(ENGINE)
    if ENGINE == "postgresql":
        server: ThrowawayPostgres = request.getfixturevalue("postgres")
        name = f"test_{next(_names)}"
        store = Store(server.create_database(name, template=template))
        request.addfinalizer(lambda: server.drop_database(name))
    else:
        path = tmp_path / "claims.db"
        if template is not None:
            shutil.copyfile(template, path)
        store = Store(f"sqlite:///{path}")
    request.addfinalizer(store.dispose)
    return store


@pytest.fixture
def store(loaded_template: str, tmp_path: Path, request: pytest.FixtureRequest) -> Store:
    return _fresh_store(request, tmp_path, loaded_template)


@pytest.fixture
def empty_store(tmp_path: Path, request: pytest.FixtureRequest) -> Store:
    """A store with no schema at all, for tests of migrations and first runs."""
    return _fresh_store(request, tmp_path, None)


def url_of(store: Store) -> str:
    """The store's URL with its password, for handing to a CLI or another process."""
    return store.url.render_as_string(hide_password=False)


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
