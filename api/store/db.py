"""The store: owns the engine, its per-connection settings, sessions and driver access.

Everything above it (queries, writes, ingest) reaches the database through a `Store`:
ORM sessions for writes, a `Reader` (SQL text in, tuples out) for the read path.
"""

from __future__ import annotations

import copy
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import Enum
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from api.settings import Settings
from api.store.reader import Reader
from api.store.replicas import ReadRoute, Replica, ReplicaReport, ReplicaSet, read_pool
from models.consistency import parse_lsn


class MissingDriverError(RuntimeError):
    """The store's URL needs a database driver this installation does not have."""


class ReplicaConfigError(ValueError):
    """Read replicas were given for a store that cannot have them (SQLite)."""


def normalize_url(raw: str) -> URL:
    """Accept the URL spellings users paste and pick the driver we ship for each engine."""
    url = make_url(raw)
    if url.drivername in {"postgres", "postgresql"}:
        url = url.set(drivername="postgresql+psycopg")
    if url.drivername == "postgresql+psycopg" and find_spec("psycopg") is None:
        raise MissingDriverError(
            "PostgreSQL stores need the psycopg driver, an optional part of this package: "
            "pip install 'sourced-claims[postgres]'"
        )
    return url


def _is_memory_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


DEFAULT_WRITE_TIMEOUT = 5.0
DEFAULT_READ_MAX_LAG = 10.0


class Collision(Enum):
    """How a write collided with another on PostgreSQL (see `collision`)."""

    contended = "contended"  # aborted by the database: a deadlock or serialization failure
    raced = "raced"  # a uniqueness or reference check another commit made stale


_COLLISIONS = {
    "40P01": Collision.contended,  # deadlock_detected
    "40001": Collision.contended,  # serialization_failure
    "23505": Collision.raced,  # unique_violation
    "23503": Collision.raced,  # foreign_key_violation
}


def collision(exc: BaseException) -> Collision | None:
    """Whether `exc` (or an error it was raised from) is PostgreSQL refusing a transaction
    because another one got in its way. Nothing of the transaction is written, and the
    same work run again on a new transaction sees what the other committed: a deadlock
    victim then takes its turn, and a uniqueness or reference check that could not see
    an uncommitted row now does. SQLite serialises writers, so none of its errors is
    one (an integrity error there is a check that is missing, not a race)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DBAPIError):
            state = getattr(current.orig, "sqlstate", None)
            return _COLLISIONS.get(state) if isinstance(state, str) else None
        current = current.__cause__ or current.__context__
    return None


class StoreBusyError(Exception):
    """A write waited longer than the store's write timeout for the write lock.

    Nothing was written; the same request sent again later may well succeed.
    """

    def __init__(self, waited: float) -> None:
        super().__init__(f"the store stayed busy with other writes for {waited:.1f} s")
        self.waited = waited


class WriteQueue:
    """Writers of one process take SQLite's write lock one at a time, in arrival order.

    SQLite's busy handler is not fair: a writer that waits sleeps and polls, and writers
    that arrive later can take the lock in between its polls, again and again, until it
    gives up. Queueing here first means that, within a process, only the head of the
    queue ever asks SQLite for the lock, and nobody waits behind more than the writers
    that came before it. (Writers in other processes still meet at SQLite's own lock.)
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._waiting: deque[threading.Event] = deque()

    def acquire(self, timeout: float) -> None:
        """Wait for our turn; `StoreBusyError` if it does not come within `timeout`."""
        with self._mutex:
            if not self._held and not self._waiting:
                self._held = True
                return
            turn = threading.Event()
            self._waiting.append(turn)
        started = time.monotonic()
        if turn.wait(timeout):
            return
        with self._mutex:
            if turn in self._waiting:
                self._waiting.remove(turn)
                raise StoreBusyError(time.monotonic() - started)
        # The turn was handed over between the timeout and the mutex: it is ours.

    @property
    def depth(self) -> int:
        """Writers holding or waiting for the turn."""
        with self._mutex:
            return int(self._held) + len(self._waiting)

    def release(self) -> None:
        """Hand the lock straight to the longest waiter, or free it."""
        with self._mutex:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._held = False


_HOLDS_TURN = "claims_write_turn"


def _sqlite_pragmas(write_timeout: float) -> Callable[[Any, Any], None]:
    busy_ms = max(1, round(write_timeout * 1000))

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (_sqlite_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL lets readers run beside a writer; NORMAL is durable across crashes of the
        # process (the WAL is fsynced at checkpoints), and loses at most the last commits
        # on power loss.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # How long a writer waits for another process's write lock before giving up.
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.close()

    return on_connect


def _sqlite_read_only(dbapi_connection: Any, _record: Any) -> None:
    # The reader's connections serve GETs only; SQLite itself refuses any write on them.
    dbapi_connection.execute("PRAGMA query_only=ON")


def _sqlite_begin(queue: WriteQueue | None, write_timeout: float) -> Callable[[Any], None]:
    """Writers take the write lock up front (BEGIN IMMEDIATE): a transaction that read
    first and wrote second could find its snapshot stale and fail instead of waiting.
    They queue for it in this process first (`WriteQueue`); the turn is handed on when
    the connection goes back to the pool, after its commit or rollback."""

    def on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        info = connection.connection.info
        queued = mode == "IMMEDIATE" and queue is not None and not info.get(_HOLDS_TURN)
        if queued:
            assert queue is not None
            queue.acquire(write_timeout)
            info[_HOLDS_TURN] = True
        try:
            connection.exec_driver_sql(f"BEGIN {mode}")
        except BaseException:
            if queued:
                assert queue is not None
                info.pop(_HOLDS_TURN, None)
                queue.release()
            raise

    return on_begin


def _hand_on_turn(queue: WriteQueue) -> Callable[..., None]:
    """Pass the write turn on when its connection is back in the pool (after the commit
    or rollback) or is thrown away, whichever comes first."""

    def on_return(_dbapi_connection: Any, record: Any, *_rest: Any) -> None:
        if record is not None and record.info.pop(_HOLDS_TURN, False):
            queue.release()

    return on_return


def _reconnect_to(engine: Engine) -> Callable[[Any], Any]:
    """How a reader swaps a connection the server dropped for a fresh one. The pool's
    other idle connections are as stale (a server restart drops them all), so the pool
    is replaced too: reads skip the round trip of a pre-ping on every checkout, and pay
    for a restart here, once, instead."""

    def reconnect(lost: Any) -> Any:
        lost.invalidate()
        engine.dispose()
        return engine.raw_connection()

    return reconnect


class Store:
    """One database: SQLite (the zero set-up default) or PostgreSQL, chosen by URL."""

    def __init__(
        self,
        database_url: str,
        *,
        write_timeout: float = DEFAULT_WRITE_TIMEOUT,
        read_urls: Sequence[str] = (),
        read_max_lag: float = DEFAULT_READ_MAX_LAG,
    ) -> None:
        self.url = normalize_url(database_url)
        # Seconds a write may wait for the write lock before it is refused (StoreBusyError).
        self.write_timeout = write_timeout
        self._write_queue: WriteQueue | None = None
        self.engine: Engine = self._create_engine()
        # PostgreSQL's read pool is made here, not on first use: a request's routed view
        # (`routed`) is a copy of this store, and must share the pool, not start its own.
        self._read_engine: Engine | None = (
            read_pool(self.url, {}, pre_ping=False) if self.dialect == "postgresql" else None
        )
        # Called with the text of every statement the read path runs (tests count them).
        self.read_listeners: list[Callable[[str], None]] = []
        # Read replicas (PostgreSQL only), and the request a routed view serves (`routed`).
        self.replicas: ReplicaSet | None = None
        self._route: ReadRoute | None = None
        if read_urls:
            if self.dialect != "postgresql":
                self.engine.dispose()
                raise ReplicaConfigError(
                    "read replicas need a PostgreSQL store; SQLite has none to read from"
                )
            self.replicas = ReplicaSet([normalize_url(url) for url in read_urls], read_max_lag)

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        return cls(
            settings.database_url,
            write_timeout=settings.write_timeout,
            read_urls=settings.read_database_url,
            read_max_lag=settings.read_max_lag,
        )

    def routed(self, route: ReadRoute) -> Store:
        """This store as one request sees it: its reads go where `route` allows (a
        replica or the primary), and its writes record their consistency token there.

        Only a store with replicas needs a routed view; the store itself reads from the
        primary (the CLI, loaders, anything outside a request).
        """
        view = copy.copy(self)
        view._route = route
        return view

    def _create_engine(self) -> Engine:
        if self.url.get_backend_name() != "sqlite":
            # A write that waits on another transaction's lock gives up as SQLite's does.
            lock_ms = max(1, round(self.write_timeout * 1000))
            return create_engine(
                self.url,
                pool_pre_ping=True,
                connect_args={"options": f"-c lock_timeout={lock_ms}"},
            )
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
        # A memory store is one shared connection: its writers cannot queue on it.
        queue = None if _is_memory_sqlite(self.url) else WriteQueue()
        self._write_queue = queue
        event.listen(engine, "connect", _sqlite_pragmas(self.write_timeout))
        event.listen(engine, "begin", _sqlite_begin(queue, self.write_timeout))
        if queue is not None:
            event.listen(engine, "checkin", _hand_on_turn(queue))
            event.listen(engine, "invalidate", _hand_on_turn(queue))
        return engine

    @property
    def writers_queued(self) -> int:
        """Writes of this process holding or waiting for the write lock (SQLite files)."""
        return self._write_queue.depth if self._write_queue is not None else 0

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
        PostgreSQL gets one too (`replicas.read_pool`), with no transaction to end.
        """
        if self._read_engine is not None:
            return self._read_engine
        if _is_memory_sqlite(self.url):
            return self.engine
        engine = create_engine(
            self.url,
            connect_args={"check_same_thread": False},
            pool_size=8,
            max_overflow=56,  # beyond the server's thread pool (40 threads)
        )
        event.listen(engine, "connect", _sqlite_pragmas(self.write_timeout))
        event.listen(engine, "connect", _sqlite_read_only)
        self._read_engine = engine
        return engine

    def _pick(self, route: ReadRoute) -> Replica | None:
        """Where the request's reads go: the replica it is pinned to, or the one
        `ReplicaSet.choose` allows, or (None) the primary."""
        if route.pinned is None:
            chosen = None
            if not route.primary_only and self.replicas is not None:
                chosen = self.replicas.choose(route.min_lsn)
            route.pinned = chosen or "primary"
        return None if route.pinned == "primary" else route.pinned

    def _from_primary(self, route: ReadRoute) -> Engine:
        route.pinned = "primary"
        route.served.add("primary")
        return self._reads()

    @contextmanager
    def reader(self) -> Iterator[Reader]:
        route = self._route
        if route is None:
            engine = self._reads()
            connection = engine.raw_connection()
        else:
            engine, connection = self._routed_connection(route)
        reader = Reader(connection, self.read_listeners, self.dialect, _reconnect_to(engine))
        try:
            yield reader
        finally:
            reader.connection.close()

    def _routed_connection(self, route: ReadRoute) -> tuple[Engine, Any]:
        """A connection to the replica the request reads from, once it answers; else to
        the primary; with the engine it came from."""
        replica = self._pick(route)
        if replica is not None:
            try:
                connection = replica.engine.raw_connection()
            except SQLAlchemyError:
                # Down since it was last asked: skip it for a while, read from the primary.
                replica.failed()
            else:
                route.served.add("replica")
                return replica.engine, connection
        engine = self._from_primary(route)
        return engine, engine.raw_connection()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for reads (and, outside a request, for anything): on the primary,
        or in a request with replicas, on wherever its reads go."""
        route = self._route
        if route is None:
            with Session(self.engine) as session:
                yield session
            return
        with _RoutedSession(self, route) as session:
            yield session

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A session for one write transaction, serialised with other writers on SQLite.

        Always on the primary; in a request with replicas, each commit records the
        primary's log position after it as the request's consistency token.
        """
        with Session(self.engine.execution_options(sqlite_begin="IMMEDIATE")) as session:
            route = self._route
            if route is not None:
                event.listen(session, "after_commit", lambda _s: self._record_token(route))
            yield session

    def _record_token(self, route: ReadRoute) -> None:
        """The primary's log position now, just after a commit: every replica that has
        replayed this far holds the commit. (The insert position, not the write position:
        with asynchronous commit the commit record may not be written out yet.)"""
        try:
            with self.engine.connect() as connection:
                text = connection.exec_driver_sql(
                    "SELECT pg_current_wal_insert_lsn()::text"
                ).scalar()
        except SQLAlchemyError:
            return  # committed all the same; the answer goes without a token
        position = parse_lsn(str(text))
        if position is not None and (route.token is None or position > route.token):
            route.token = position

    def ping(self) -> None:
        """One trivial query on the primary; raises SQLAlchemyError when it cannot answer."""
        with self.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")

    def replica_status(self) -> list[ReplicaReport] | None:
        """Each read replica with its state, asked now; None without replicas."""
        return None if self.replicas is None else self.replicas.status()

    def dispose(self) -> None:
        if self._read_engine is not None:
            self._read_engine.dispose()
        if self.replicas is not None:
            self.replicas.dispose()
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Store({self.url.render_as_string(hide_password=True)!r})"


class _RoutedSession(Session):
    """A read session that picks its database at its first statement, not when it is
    opened: opening a session happens on the event loop, where asking a replica for its
    state must not."""

    def __init__(self, store: Store, route: ReadRoute) -> None:
        super().__init__(store.engine)
        self._store = store
        self._route = route
        self._picked: Engine | None = None

    def get_bind(self, *args: Any, **kwargs: Any) -> Engine:
        if self._picked is None:
            replica = self._store._pick(self._route)
            if replica is None:
                self._picked = self._store._from_primary(self._route)
            else:
                self._route.served.add("replica")
                self._picked = replica.engine
        return self._picked
