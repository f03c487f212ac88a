"""Link tables that carry meaning: an entity's role in a claim, a hop's place in a chain."""

from __future__ import annotations

from sqlalchemy import Index, String
from sqlmodel import Field, SQLModel


class ClaimEntity(SQLModel, table=True):
    __tablename__ = "claim_entity"
    # Filtering claims by entity (optionally by role) walks this index in claim order.
    __table_args__ = (
        Index("ix_claim_entity_entity_claim", "entity_id", "claim_id"),
        Index("ix_claim_entity_entity_role_claim", "entity_id", "role", "claim_id"),
    )

    claim_id: int = Field(foreign_key="claim.id", primary_key=True, ondelete="CASCADE")
    entity_id: int = Field(foreign_key="entity.id", primary_key=True)
    role: str = Field(sa_type=String(16), primary_key=True)


class AttributionHop(SQLModel, table=True):
    """One step of a claim's chain; position 0 is the held source that carries the quote."""

    __tablename__ = "attribution_hop"
    __table_args__ = (Index("ix_attribution_hop_source_claim", "source_id", "claim_id"),)

    claim_id: int = Field(foreign_key="claim.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True, ge=0)
    source_id: int | None = Field(default=None, foreign_key="source.id")
    entity_id: int | None = Field(default=None, foreign_key="entity.id", index=True)
    verb: str = Field(sa_type=String(16))
