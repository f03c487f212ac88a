"""Read replicas: which PostgreSQL standby may serve a read, and what each one knows.

The `Store` asks `ReplicaSet.choose` each time a request opens its first read; this
module never decides on its own that a read may go to a replica. A replica serves a read
when it answers, is at most `max_lag` seconds behind the primary, and, when the read
carries a consistency token (the primary's log position after a write), has replayed at
least that far. Otherwise the read goes to the primary. What each replica has replayed
is asked of it at most every `CHECK_INTERVAL` seconds (a replica that did not answer:
every `DOWN_RETRY`), so a busy server spends one small query per replica per interval,
not one per request.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import create_engine

from models.consistency import format_lsn, parse_lsn

CHECK_INTERVAL = 0.05
"""Seconds a replica's replay position and lag are trusted before they are asked again."""
RECHECK_FOR_TOKEN = 0.005
"""A replica found behind a read's token is asked again if its state is older than this."""
DOWN_RETRY = 1.0
"""Seconds a replica that did not answer is left alone before it is tried again."""
CONNECT_TIMEOUT = 2
"""Seconds to wait for a replica's connection (PostgreSQL takes whole seconds)."""


def read_pool(url: URL, connect_args: dict[str, Any], *, pre_ping: bool) -> Engine:
    """An engine for PostgreSQL reads (the primary's read path, or a replica).

    Sized for the server's thread pool (40 threads): a pool smaller than the reads in
    flight closes each connection it cannot keep and opens another for the next read,
    and a PostgreSQL connection is a process forked per connect. Autocommit, because a
    read is one statement at a time and needs no transaction: handing the connection
    back then sends no ROLLBACK, a round trip saved on every read. A replica keeps the
    pre-ping (one more round trip) that tells it is down at checkout, in time to read
    from the primary instead; the primary's reads go without, and a reader that finds
    its connection dropped replaces the pool and reads again (`api.store.reader.Reader`).
    """
    return create_engine(
        url,
        pool_size=20,
        max_overflow=20,
        pool_pre_ping=pre_ping,
        isolation_level="AUTOCOMMIT",
        pool_reset_on_return=None,
        connect_args=connect_args,
    )


Served = Literal["primary", "replica"]

# One query, on the replica: where its replay stands, and how old its data is. A standby
# that has replayed all it received is as current as its stream (lag 0); one with WAL
# left to replay, or whose stream is down, is as old as the last transaction it replayed.
_STATE = """
SELECT
  CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn()
  END::text,
  CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN EXISTS (SELECT 1 FROM pg_stat_wal_receiver)
      AND pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn() THEN 0
    ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())
  END::float8
"""


@dataclass(frozen=True)
class ReplicaState:
    """What one look at a replica found."""

    up: bool
    replay_lsn: int | None = None
    lag: float | None = None
    at: float = 0.0  # time.monotonic() of the look


@dataclass
class ReadRoute:
    """One request's say in where its reads go, and what they did.

    Filled by the HTTP edge from the request (`primary_only` for writes and conditional
    reads, `min_lsn` from a consistency token); the store fills in the rest.
    """

    primary_only: bool = False
    min_lsn: int | None = None
    # The source the request's first read picked; later reads of the request use it too,
    # so one answer never mixes two replicas' states.
    pinned: Replica | Literal["primary"] | None = None
    served: set[Served] = field(default_factory=set)
    # The primary's log position after the request's last commit: its consistency token.
    token: int | None = None

    def served_by(self) -> str | None:
        """`primary`, `replica`, or both when a replica failed mid-request."""
        return ", ".join(sorted(self.served)) or None

    def skip_replica(self) -> None:
        """The replica this request read from failed it: leave that one alone a while."""
        if isinstance(self.pinned, Replica):
            self.pinned.failed()

    def token_text(self) -> str | None:
        return None if self.token is None else format_lsn(self.token)


@dataclass(frozen=True)
class ReplicaReport:
    """A replica's state as the health probe reports it."""

    name: str
    status: Literal["ok", "lagging", "down"]
    lag_seconds: float | None
    replay_lsn: str | None


class Replica:
    """One standby: its engine, and the last state it was seen in."""

    def __init__(self, url: URL, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self.name = f"{url.host or 'localhost'}:{url.port or 5432}"
        self._state = ReplicaState(up=False, at=-DOWN_RETRY)
        self._looking = threading.Lock()

    def state(self, max_age: float = CHECK_INTERVAL) -> ReplicaState:
        """The replica's state, asked anew when the last look is older than `max_age`
        (`DOWN_RETRY` for a replica that was down). Only one thread looks at a time;
        the others take the last state meanwhile."""
        state = self._state
        age = time.monotonic() - state.at
        if age < (max_age if state.up else max(max_age, DOWN_RETRY)):
            return state
        if not self._looking.acquire(blocking=False):
            return self._state
        try:
            return self.look()
        finally:
            self._looking.release()

    def look(self) -> ReplicaState:
        """Ask the replica where it stands, now."""
        self._state = self._look()
        return self._state

    def _look(self) -> ReplicaState:
        try:
            with self.engine.connect() as connection:
                row = connection.exec_driver_sql(_STATE).one()
        except SQLAlchemyError:
            return ReplicaState(up=False, at=time.monotonic())
        lsn = parse_lsn(row[0]) if row[0] is not None else None
        lag = float(row[1]) if row[1] is not None else None
        return ReplicaState(up=True, replay_lsn=lsn, lag=lag, at=time.monotonic())

    def failed(self) -> None:
        """A connection to it failed: leave it alone for `DOWN_RETRY` seconds."""
        self._state = ReplicaState(up=False, at=time.monotonic())


class ReplicaSet:
    """The read replicas of a store, taken in turn (round robin)."""

    def __init__(self, urls: Sequence[URL], max_lag: float) -> None:
        self.max_lag = max_lag
        self.replicas = [
            Replica(
                url,
                read_pool(
                    url,
                    {
                        "connect_timeout": CONNECT_TIMEOUT,
                        # Reads only: a write sent here by mistake fails at once.
                        "options": "-c default_transaction_read_only=on",
                    },
                    pre_ping=True,
                ),
            )
            for url in urls
        ]
        self._turn = itertools.count()

    def choose(self, min_lsn: int | None) -> Replica | None:
        """The next replica in turn that may serve a read needing `min_lsn` (or, with
        no token, any replica within `max_lag`); None: read from the primary."""
        count = len(self.replicas)
        start = next(self._turn) % count
        for step in range(count):
            replica = self.replicas[(start + step) % count]
            state = replica.state()
            if self._serves(state, min_lsn):
                return replica
            # Behind the token: it may have caught up since it was last asked.
            recheck = min_lsn is not None and state.up
            if recheck and self._serves(replica.state(RECHECK_FOR_TOKEN), min_lsn):
                return replica
        return None

    def _serves(self, state: ReplicaState, min_lsn: int | None) -> bool:
        if not state.up or state.lag is None or state.lag > self.max_lag:
            return False
        return min_lsn is None or (state.replay_lsn is not None and state.replay_lsn >= min_lsn)

    def status(self) -> list[ReplicaReport]:
        """Every replica's state, asked anew (for the health probe)."""
        reports = []
        for replica in self.replicas:
            state = replica.look()
            status: Literal["ok", "lagging", "down"] = (
                "down" if not state.up else "ok" if self._serves(state, None) else "lagging"
            )
            lsn = None if state.replay_lsn is None else format_lsn(state.replay_lsn)
            reports.append(ReplicaReport(replica.name, status, state.lag, lsn))
        return reports

    def dispose(self) -> None:
        for replica in self.replicas:
            replica.engine.dispose()
