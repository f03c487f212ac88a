"""Who changed what, when: the revision log, API keys, and replayable batch answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlmodel import Field, SQLModel

from models.tables.types import UTCDateTime


class Revision(SQLModel, table=True):
    __table_args__ = (Index("ix_revision_resource_key_id", "resource", "resource_key", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    resource: str = Field(sa_type=String(16))
    resource_key: str = Field(max_length=120)
    action: str = Field(sa_type=String(16))
    at: datetime = Field(sa_type=UTCDateTime())
    actor: str = Field(max_length=100)
    reason: str | None = Field(default=None, sa_type=Text)
    changes: dict[str, Any] = Field(default={}, sa_type=JSON)


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    prefix: str = Field(max_length=16, index=True)
    digest: str = Field(max_length=64)
    scope: str = Field(sa_type=String(8))
    created_at: datetime = Field(sa_type=UTCDateTime())
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime())


class IdempotentAnswer(SQLModel, table=True):
    """The answer given to a keyed batch request, replayed when the key comes again."""

    __tablename__ = "idempotent_answer"

    id: int | None = Field(default=None, primary_key=True)
    key_name: str = Field(max_length=100)
    idempotency_key: str = Field(max_length=200)
    request_digest: str = Field(max_length=64)
    status: int
    body: str = Field(sa_type=Text)
    created_at: datetime = Field(sa_type=UTCDateTime())

    __table_args__ = (
        Index("uq_idempotent_answer_key", "key_name", "idempotency_key", unique=True),
    )
