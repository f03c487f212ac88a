"""The driver-level reader of the read path: SQL text in, tuples out.

Going through SQLAlchemy costs more per statement than the indexed statements of a page
themselves cost, so the hot reads (`api.queries`) use the driver directly. Only the
queries and the store use it: routes never do (an import contract says so), so every
statement the service runs is in `api.queries`, `api.writes` or `api.store`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session


@dataclass(frozen=True)
class Sql:
    """A statement ready for the driver: its text in the driver's parameter style."""

    text: str
    params: dict[str, Any]


_NAMED = re.compile(r"(?<!:):([a-z_][a-z0-9_]*)")


def for_driver(dialect: str, text: str) -> str:
    """SQLite's driver takes `:name`; psycopg takes `%(name)s` (and a literal % doubled)."""
    if dialect == "sqlite":
        return text
    return _NAMED.sub(r"%(\1)s", text.replace("%", "%%"))


def lost(connection: Any) -> bool:
    """Whether the server dropped this (pooled) PostgreSQL connection."""
    return bool(getattr(connection.dbapi_connection, "broken", False)) or bool(
        getattr(connection.dbapi_connection, "closed", False)
    )


class Reader:
    """Driver-level access for the read path: SQL text in, tuples out.

    Going through SQLAlchemy costs more per statement than the indexed statements of a
    page themselves cost, so the hot reads (`api.queries`) use the driver directly.
    """

    def __init__(
        self,
        connection: Any,
        listeners: list[Callable[[str], None]],
        dialect: str,
        reconnect: Callable[[Any], Any] | None = None,
    ) -> None:
        self._connection = connection
        self._listeners = listeners
        self.dialect = dialect
        # Swaps a connection the server dropped for a fresh one (`Store.reader`).
        self._reconnect = reconnect

    @property
    def connection(self) -> Any:
        return self._connection

    @classmethod
    def of(cls, session: Session) -> Reader:
        """A reader on a session's own connection: it sees the session's transaction."""
        connection = session.connection()
        return cls(connection.connection.dbapi_connection, [], connection.dialect.name)

    def sql(self, text: str, **params: Any) -> Sql:
        """`text` (with `:name` parameters) for this reader's driver."""
        return Sql(for_driver(self.dialect, text), params)

    def rows(self, sql: Sql) -> list[tuple[Any, ...]]:
        for listener in self._listeners:
            listener(sql.text)
        try:
            return self._run(sql)
        except Exception:
            if self._reconnect is None or not lost(self._connection):
                raise
        # The server dropped the connection (a restart, a failover): a read is safe to
        # send again, once, on a fresh one.
        self._connection = self._reconnect(self._connection)
        return self._run(sql)

    def _run(self, sql: Sql) -> list[tuple[Any, ...]]:
        cursor = self._connection.cursor()
        try:
            cursor.execute(sql.text, sql.params)
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def first(self, sql: Sql) -> tuple[Any, ...] | None:
        rows = self.rows(sql)
        return rows[0] if rows else None
