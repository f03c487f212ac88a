"""The change feed: one row per change a reader of `/changes` sees, in commit order."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, Text
from sqlmodel import Field, SQLModel

from models.tables.types import UTCDateTime


class Change(SQLModel, table=True):
    """A change to a claim, entity, source or relation, and the document it left.

    `seq` is the feed position. It is NULL while the writing transaction is open and is
    handed out by `api.writes.unit` just before the commit, under a lock that makes
    positions follow commit order (see docs/changes.md), so a reader that sees position
    n has seen every position below it.
    """

    id: int | None = Field(default=None, primary_key=True)
    seq: int | None = Field(default=None, sa_type=BigInteger(), unique=True)
    resource: str = Field(sa_type=String(16))
    resource_key: str = Field(max_length=120)
    kind: str = Field(sa_type=String(16))
    revision: int = Field(description="How many revisions the resource had with this one.")
    version: int | None = Field(
        default=None, description="The resource's version; null for a deletion."
    )
    at: datetime = Field(sa_type=UTCDateTime())
    document: str | None = Field(
        default=None, sa_type=Text, description="The resource's JSON as GET sent it then."
    )
