"""Sources and the texts the store holds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlmodel import Field, SQLModel

from models.tables.types import UTCDateTime, utc_now


class Source(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=120)
    name: str = Field(max_length=300)
    title: str | None = Field(default=None, max_length=500)
    kind: str = Field(sa_type=String(32))
    date: str | None = Field(default=None, max_length=10)
    date_inferred: bool = Field(default=False)
    date_note: str | None = Field(default=None, max_length=1000)
    url: str | None = Field(default=None, max_length=2000)
    publisher_id: int | None = Field(default=None, foreign_key="entity.id", index=True)
    # Indexed: an article ingested again under another name is found by its text.
    text_sha256: str | None = Field(default=None, max_length=64, index=True)
    version: int = Field(default=1)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime())


class SourceText(SQLModel, table=True):
    """The full text of a held source, kept apart so listing sources never reads it."""

    __tablename__ = "source_text"

    source_id: int = Field(foreign_key="source.id", primary_key=True, ondelete="CASCADE")
    text: str = Field(sa_type=Text)
