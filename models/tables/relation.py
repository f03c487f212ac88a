"""Relations between claims, each a revisioned, retractable resource."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.tables.types import UTCDateTime, utc_now


class Relation(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("from_claim_id", "to_claim_id", "type", name="uq_relation_link"),
        # A claim's relations in both directions, in relation order.
        Index("ix_relation_from_claim_id_id", "from_claim_id", "id"),
        Index("ix_relation_to_claim_id_id", "to_claim_id", "id"),
        Index("ix_relation_type_id", "type", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(unique=True, max_length=120)
    type: str = Field(sa_type=String(16))
    # A relation cannot outlive either claim (claims are retracted, not deleted, through
    # the API; a row deleted by hand takes its relations with it).
    from_claim_id: int = Field(foreign_key="claim.id", ondelete="CASCADE")
    to_claim_id: int = Field(foreign_key="claim.id", ondelete="CASCADE")
    note: str = Field(sa_type=Text)
    # Who draws the link: a source, or else the analyst (an API key's name).
    source_id: int | None = Field(default=None, foreign_key="source.id")
    analyst: str | None = Field(default=None, max_length=100)
    version: int = Field(default=1)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime())
    retracted_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    retracted_by: str | None = Field(default=None, max_length=100)
    retraction_reason: str | None = Field(default=None, sa_type=Text)


class RelationEntity(SQLModel, table=True):
    """Which entities a relation involves (those of either claim): the index an entity's
    disputes and `/relations?entity=` walk, in relation order, so their cost grows with
    the entity's relations, not the store's. Derived; `api.store.relation_entities`
    keeps it."""

    __tablename__ = "relation_entity"
    __table_args__ = (Index("ix_relation_entity_relation_id", "relation_id"),)

    entity_id: int = Field(foreign_key="entity.id", primary_key=True)
    relation_id: int = Field(foreign_key="relation.id", primary_key=True, ondelete="CASCADE")
