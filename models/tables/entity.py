"""Entities and every spelling they answer to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from models.tables.types import UTCDateTime, utc_now


class Entity(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=120)
    name: str = Field(max_length=200)
    kind: str = Field(sa_type=String(32), index=True)
    description: str | None = Field(default=None, max_length=2000)
    version: int = Field(default=1)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime())


class EntityName(SQLModel, table=True):
    """Every spelling an entity answers to (slug, name, aliases), folded for lookup.

    Folded forms are unique across the store, so a name resolves to one entity at most.
    """

    __tablename__ = "entity_name"

    id: int | None = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", index=True, ondelete="CASCADE")
    text: str = Field(max_length=300)
    folded: str = Field(max_length=300, unique=True)
    is_alias: bool = Field(default=False, description="True for aliases, false for slug and name.")
