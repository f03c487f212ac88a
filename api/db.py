"""The store: owns the engine, its per-connection settings and the schema."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from api.claim_sql import Sql


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


def _sqlite_read_only(dbapi_connection: Any, _record: Any) -> None:
    # The reader's connections serve GETs only; SQLite itself refuses any write on them.
    dbapi_connection.execute("PRAGMA query_only=ON")


def _sqlite_begin(connection: Any) -> None:
    """Writers take the write lock up front (BEGIN IMMEDIATE): a transaction that read
    first and wrote second could find its snapshot stale and fail instead of waiting."""
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


class Reader:
    """Driver-level access for the read path: SQL text in, tuples out.

    Going through SQLAlchemy costs more per statement than the indexed statements of a
    page themselves cost, so the hot reads (`api.reads`) use the driver directly.
    """

    def __init__(self, connection: Any, listeners: list[Callable[[str], None]]) -> None:
        self._connection = connection
        self._listeners = listeners

    def rows(self, sql: Sql) -> list[tuple[Any, ...]]:
        for listener in self._listeners:
            listener(sql.text)
        cursor = self._connection.cursor()
        try:
            cursor.execute(sql.text, sql.params)
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def first(self, sql: Sql) -> tuple[Any, ...] | None:
        rows = self.rows(sql)
        return rows[0] if rows else None


class Store:
    """One database: SQLite (the zero set-up default) or PostgreSQL, chosen by URL."""

    def __init__(self, database_url: str) -> None:
        self.url = normalize_url(database_url)
        self.engine: Engine = self._create_engine()
        self._read_engine: Engine | None = None
        # Called with the text of every statement the read path runs (tests count them).
        self.read_listeners: list[Callable[[str], None]] = []

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

    @property
    def reads_block(self) -> bool:
        """Whether a read waits on the network (PostgreSQL) rather than only using CPU
        in this process (SQLite); a server runs the first kind off its event loop."""
        return self.dialect != "sqlite"

    def _reads(self) -> Engine:
        """The engine the read path draws connections from.

        A file SQLite store gets a pool of its own, of read-only connections that are
        only ever held for one read: a read on the event loop never waits for a
        connection that a request in the thread pool keeps for its whole session.
        """
        if self.dialect != "sqlite" or _is_memory_sqlite(self.url):
            return self.engine
        if self._read_engine is None:
            engine = create_engine(
                self.url,
                connect_args={"check_same_thread": False},
                pool_size=8,
                max_overflow=56,  # beyond the server's thread pool (40 threads)
            )
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "connect", _sqlite_read_only)
            self._read_engine = engine
        return self._read_engine

    @contextmanager
    def reader(self) -> Iterator[Reader]:
        connection = self._reads().raw_connection()
        try:
            yield Reader(connection, self.read_listeners)
        finally:
            connection.close()

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
        if self._read_engine is not None:
            self._read_engine.dispose()
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Store({self.url.render_as_string(hide_password=True)!r})"
