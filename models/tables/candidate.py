"""The review queue: candidates the extractor proposed, and what reviewers made of them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlmodel import Field, SQLModel

from models.tables.types import UTCDateTime


class Candidate(SQLModel, table=True):
    """One proposed claim: its words in a held source and who they are credited to.

    Names stay as the text writes them; which entity each one is gets resolved when the
    candidate is read, so an entity created later is linked without rewriting rows.
    """

    # Pages walk these in id order: a source's queue by state, a source's whole queue,
    # and the queue of every source by state (the reviewer's "pending" list). Ids are
    # public, so SQLite must never hand a replaced candidate's id to a new one.
    __table_args__ = (
        Index("ix_candidate_source_id_state_id", "source_id", "state", "id"),
        Index("ix_candidate_source_id_id", "source_id", "id"),
        Index("ix_candidate_state_id", "state", "id"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", ondelete="CASCADE")
    state: str = Field(sa_type=String(16))
    quote_start: int
    quote_end: int
    quote_text: str = Field(sa_type=Text)
    claimant: str | None = Field(default=None, sa_type=Text)
    claimant_kind: str | None = Field(default=None, sa_type=String(32))
    cue: str = Field(sa_type=Text)
    cue_start: int
    speech: str = Field(sa_type=String(16))
    status: str = Field(sa_type=String(16))
    claimed_on: str | None = Field(default=None, max_length=10)
    # [{"name", "verb", "kind"}], outermost first; [{"name", "kind", "start", "end"}].
    attribution: list[dict[str, Any]] = Field(default=[], sa_type=JSON)
    entities: list[dict[str, Any]] = Field(default=[], sa_type=JSON)
    confidence: float
    version: int = Field(default=1, description="Bumped by every review; guards it.")
    extracted_at: datetime = Field(sa_type=UTCDateTime())
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    reviewed_by: str | None = Field(default=None, max_length=100)
    reason: str | None = Field(default=None, sa_type=Text)
    claim_id: int | None = Field(default=None, foreign_key="claim.id", index=True)
