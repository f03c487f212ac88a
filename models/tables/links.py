"""Link tables that carry meaning: an entity's role in a claim, a hop's place in a chain."""

from __future__ import annotations

from sqlalchemy import Index, String
from sqlmodel import Field, SQLModel


class ClaimEntity(SQLModel, table=True):
    __tablename__ = "claim_entity"
    # Filtering claims by entity (optionally by role) walks one of these indexes in the
    # order asked for: claim order, or the claims' dates.
    __table_args__ = (
        Index("ix_claim_entity_entity_claim", "entity_id", "claim_id"),
        Index("ix_claim_entity_entity_role_claim", "entity_id", "role", "claim_id"),
        Index("ix_claim_entity_entity_claimed_key_claim", "entity_id", "claimed_key", "claim_id"),
        Index(
            "ix_claim_entity_entity_claimed_end_key_claim",
            "entity_id",
            "claimed_end_key",
            "claim_id",
        ),
        Index("ix_claim_entity_entity_when_end_key_claim", "entity_id", "when_end_key", "claim_id"),
    )

    claim_id: int = Field(foreign_key="claim.id", primary_key=True, ondelete="CASCADE")
    entity_id: int = Field(foreign_key="entity.id", primary_key=True)
    role: str = Field(sa_type=String(16), primary_key=True)
    # Copies of the claim's date keys, so "an entity's claims by date" and its timeline
    # each read one index instead of every claim; written wherever the claim's dates are.
    claimed_key: int = Field(default=0)
    claimed_end_key: int = Field(default=0)
    # The last day of the date a timeline places the claim by: its event's, else its own.
    when_end_key: int = Field(default=0)


class AttributionHop(SQLModel, table=True):
    """One step of a claim's chain; position 0 is the held source that carries the quote."""

    __tablename__ = "attribution_hop"
    __table_args__ = (Index("ix_attribution_hop_source_claim", "source_id", "claim_id"),)

    claim_id: int = Field(foreign_key="claim.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True, ge=0)
    source_id: int | None = Field(default=None, foreign_key="source.id")
    entity_id: int | None = Field(default=None, foreign_key="entity.id", index=True)
    verb: str = Field(sa_type=String(16))
