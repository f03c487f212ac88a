"""The review queue: what extraction, matching or a client proposed, and its review."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlmodel import Field, SQLModel

from models.tables.types import UTCDateTime


class Proposal(SQLModel, table=True):
    """One proposal of any kind: its evidence, its proposer and its kind's payload.

    Names in a claim proposal's payload stay as the text writes them; which entity each
    one is gets resolved when the proposal is read, so an entity created later is linked
    without rewriting rows.
    """

    # Pages walk these in id order: the queue by kind and state (the reviewer's
    # "pending claims"), a source's queue, and every proposal by state. Ids are public,
    # so SQLite must never hand a superseded proposal's id to a new one.
    __table_args__ = (
        Index("ix_proposal_kind_state_id", "kind", "state", "id"),
        Index("ix_proposal_state_id", "state", "id"),
        Index("ix_proposal_source_id_kind_state_id", "source_id", "kind", "state", "id"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_type=String(16))
    state: str = Field(sa_type=String(16))
    # The evidence: the source read (if any) and [{"start", "end", "text", "role"}].
    source_id: int | None = Field(default=None, foreign_key="source.id", ondelete="CASCADE")
    spans: list[dict[str, Any]] = Field(default=[], sa_type=JSON)
    payload: dict[str, Any] = Field(default={}, sa_type=JSON)
    confidence: float
    agent: str = Field(max_length=100)
    rule: str | None = Field(default=None, max_length=100)
    agent_version: str | None = Field(default=None, max_length=40)
    version: int = Field(default=1, description="Bumped by every review; guards it.")
    proposed_at: datetime = Field(sa_type=UTCDateTime())
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    reviewed_by: str | None = Field(default=None, max_length=100)
    reason: str | None = Field(default=None, sa_type=Text)
    # Public id of what accepting it created (a claim's, a relation's).
    result: str | None = Field(default=None, max_length=200)


class ProposalClaim(SQLModel, table=True):
    """A held claim a proposal is about: the claim it became, or an end of a relation."""

    __tablename__ = "proposal_claim"
    __table_args__ = (Index("ix_proposal_claim_claim_id_proposal_id", "claim_id", "proposal_id"),)

    proposal_id: int = Field(foreign_key="proposal.id", primary_key=True, ondelete="CASCADE")
    claim_id: int = Field(foreign_key="claim.id", primary_key=True, ondelete="CASCADE")


class ProposalEntity(SQLModel, table=True):
    """A held entity a proposal names (as its names resolved when it was stored)."""

    __tablename__ = "proposal_entity"
    __table_args__ = (
        Index("ix_proposal_entity_entity_id_proposal_id", "entity_id", "proposal_id"),
    )

    proposal_id: int = Field(foreign_key="proposal.id", primary_key=True, ondelete="CASCADE")
    entity_id: int = Field(foreign_key="entity.id", primary_key=True, ondelete="CASCADE")
