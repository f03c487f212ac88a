"""The change feed, read: changes past a position, in the order they were committed.

Positions (`change.seq`) are handed out at commit under a lock (`api.writes.unit`), so
every change below a position a reader sees is visible to it too: reading past the
last position served never skips one, on either engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from api.queries.relations import moment
from api.store.reader import Reader

_PAST = (
    "SELECT seq, resource, resource_key, kind, revision, version, at, document "
    "FROM change WHERE seq > :after ORDER BY seq LIMIT :limit"
)


@dataclass(frozen=True)
class FedChange:
    """One row of the feed, as stored."""

    seq: int
    resource: str
    key: str
    kind: str
    revision: int
    version: int | None
    at: datetime
    document: str | None


def past(reader: Reader, after: int, limit: int) -> list[FedChange]:
    """Up to `limit` changes after position `after`, oldest first."""
    rows = reader.rows(reader.sql(_PAST, after=after, limit=limit))
    return [_change(row) for row in rows]


def _change(row: tuple[Any, ...]) -> FedChange:
    seq, resource, key, kind, revision, version, at, document = row
    return FedChange(
        seq=int(seq),
        resource=str(resource),
        key=str(key),
        kind=str(kind),
        revision=int(revision),
        version=int(version) if version is not None else None,
        at=moment(at),
        document=document,
    )
