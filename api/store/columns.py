"""What the parts of a list's sort key are compared with, and the values each can hold.

A cursor (`api.http.paging`) carries the sort key of the last item served; each part of
it is compared with a column (or, for a rank, a computed number) in the page's
statement. A value outside what that column holds cannot name a row of it, and a driver
that binds it as the column's type refuses it (PostgreSQL: "integer out of range", a
500), so every part is checked against its kind before any statement sees it.
"""

from __future__ import annotations

from dataclasses import dataclass

INT32 = (-(2**31), 2**31 - 1)  # INTEGER: every row id, the date keys
INT64 = (-(2**63), 2**63 - 1)  # BIGINT: feed positions


@dataclass(frozen=True)
class KeyKind:
    """A part of a sort key: its Python type and, for numbers, the range its column
    holds (inclusive)."""

    name: str
    type: type
    low: int | None = None
    high: int | None = None


# A table's INTEGER primary key: claims, relations, candidates.
ROW_ID = KeyKind("row id", int, *INT32)
# A date as the day number its key columns store (`models.base.date_keys`), INTEGER.
DAY = KeyKind("day number", int, *INT32)
# A change's position in the feed, BIGINT (`change.seq`).
POSITION = KeyKind("feed position", int, *INT64)
# A relevance score: a finite double, computed rather than stored.
RANK = KeyKind("rank", float, *INT64)
# A slug (entities, sources): text, compared as text.
SLUG = KeyKind("slug", str)
