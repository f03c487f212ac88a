"""The store: owns the engine, its per-connection settings and the schema."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine


def normalize_url(raw: str) -> URL:
    """Accept the URL spellings users paste and pick the driver we ship for each engine."""
    url = make_url(raw)
    if url.drivername in {"postgres", "postgresql"}:
        url = url.set(drivername="postgresql+psycopg")
    return url


def _is_memory_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, decide when transactions begin (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets readers run beside a writer; NORMAL is durable across crashes of the
    # process (the WAL is fsynced at checkpoints), and loses at most the last commits
    # on power loss.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    """Writers take the write lock up front (BEGIN IMMEDIATE): a transaction that read
    first and wrote second could find its snapshot stale and fail instead of waiting."""
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


class Store:
    """One database: SQLite (the zero set-up default) or PostgreSQL, chosen by URL."""

    def __init__(self, database_url: str) -> None:
        self.url = normalize_url(database_url)
        self.engine: Engine = self._create_engine()

    def _create_engine(self) -> Engine:
        if self.url.get_backend_name() != "sqlite":
            return create_engine(self.url, pool_pre_ping=True)
        if _is_memory_sqlite(self.url):
            engine = create_engine(
                self.url,
                connect_args={"check_same_thread": False},
                poolclass=StaticPool,
            )
        else:
            assert self.url.database is not None
            Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
            # Enough pooled connections for the server's thread pool: a connection opened
            # and closed per request would pay for its pragmas every time.
            engine = create_engine(
                self.url,
                connect_args={"check_same_thread": False},
                pool_size=20,
                max_overflow=20,
            )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine) as session:
            yield session

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A session for one write transaction, serialised with other writers on SQLite."""
        with Session(self.engine.execution_options(sqlite_begin="IMMEDIATE")) as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Store({self.url.render_as_string(hide_password=True)!r})"
