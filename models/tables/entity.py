"""Entities and every spelling they answer to, their external identifiers, roles and
the keys the resolver finds candidates by; merges, kept so they can be undone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
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
    # An unnamed source (kind `anonymous`) belongs to the source that describes it; its
    # description is its name, never a spelling the whole store answers to.
    # (Created after both tables: sources point at entities, their publishers, too.)
    source_id: int | None = Field(
        default=None,
        index=True,
        sa_column_args=[ForeignKey("source.id", name="fk_entity_source_id_source", use_alter=True)],
    )
    # Set while the entity is merged into another: its slug then redirects there.
    merged_into_id: int | None = Field(default=None, foreign_key="entity.id", index=True)


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


class EntityKey(SQLModel, table=True):
    """What the resolver finds candidate entities by, without reading every name: each
    word of a name or alias (`t:clinton`), its initials (`a:fbi`) and its form with case,
    accents and punctuation folded (`n:enrique pena nieto`). Written with the names."""

    __tablename__ = "entity_key"
    __table_args__ = (Index("ix_entity_key_entity_id", "entity_id"),)

    key: str = Field(max_length=300, primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", primary_key=True, ondelete="CASCADE")


class EntityIdentifier(SQLModel, table=True):
    """An external identifier (`same_as`): a URI, unique across the store; a Wikidata
    entity's id is kept apart so `?entity=Q42` finds it by an index."""

    __tablename__ = "entity_identifier"

    id: int | None = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", index=True, ondelete="CASCADE")
    uri: str = Field(max_length=500, unique=True)
    wikidata: str | None = Field(default=None, max_length=20, index=True)
    position: int = Field(default=0)


class EntityRoleRow(SQLModel, table=True):
    """A role the entity held (`roles`), by its folded title for the resolver."""

    __tablename__ = "entity_role"

    id: int | None = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=200)
    folded: str = Field(max_length=200, index=True)
    since: str | None = Field(default=None, max_length=10)
    until: str | None = Field(default=None, max_length=10)
    position: int = Field(default=0)


class EntityMergeRecord(SQLModel, table=True):
    """One merge: what moved from `entity_id` to `into_id`, so a restore can move it back."""

    __tablename__ = "entity_merge"

    id: int | None = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", index=True)
    into_id: int = Field(foreign_key="entity.id", index=True)
    merged_at: datetime = Field(sa_type=UTCDateTime())
    merged_by: str = Field(max_length=100)
    # {"claimants": [claim ids], "links": [[claim id, role, kept]], "hops": [[claim id,
    # position]], "publishes": [source ids], "names": [folded], "keys": ..., "proposals": ...}
    moved: dict[str, Any] = Field(default={}, sa_type=JSON)
    restored_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
