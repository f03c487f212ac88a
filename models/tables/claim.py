"""Claims, and the read model of their public JSON."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, String, Text, text
from sqlmodel import Field, SQLModel

from models.tables.types import UTCDateTime, utc_now


class Claim(SQLModel, table=True):
    __table_args__ = (
        Index("ix_claim_claimant_id_id", "claimant_id", "id"),
        Index("ix_claim_claimant_id_claimed_key_id", "claimant_id", "claimed_key", "id"),
        Index("ix_claim_claimant_id_claimed_end_key_id", "claimant_id", "claimed_end_key", "id"),
        Index("ix_claim_status_id", "status", "id"),
        Index("ix_claim_claimed_key_id", "claimed_key", "id"),
        Index("ix_claim_claimed_end_key_id", "claimed_end_key", "id"),
        Index("ix_claim_event_key_id", "event_key", "id"),
        Index("ix_claim_event_end_key_id", "event_end_key", "id"),
        Index("ix_claim_quantity_unit_id", "quantity_unit", "id"),
        Index("ix_claim_updated_at_id", "updated_at", "id"),
        # Only the (few) retracted claims: lists leave them out by this index alone.
        Index(
            "ix_claim_retracted_id",
            "id",
            sqlite_where=text("retracted_at IS NOT NULL"),
            postgresql_where=text("retracted_at IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(unique=True, max_length=120)
    statement: str = Field(max_length=1000)
    quote_source_id: int = Field(foreign_key="source.id", index=True)
    quote_start: int
    quote_end: int
    quote_text: str = Field(sa_type=Text)
    claimant_id: int = Field(foreign_key="entity.id")
    claimed_on: str | None = Field(default=None, max_length=10)
    claimed_on_inferred: bool = Field(default=False)
    # First and last day `claimed_on` can mean, so date filters respect its precision.
    claimed_from: date | None = Field(default=None, index=True)
    claimed_to: date | None = None
    # claimed_from and claimed_to as day numbers (0 when undated): newest-first walks the
    # first, oldest-first the second (`models.base.date_keys` says why).
    claimed_key: int = Field(default=0)
    claimed_end_key: int = Field(default=0)
    event_date: str | None = Field(default=None, max_length=10)
    event_date_inferred: bool = Field(default=False)
    event_from: date | None = None
    event_to: date | None = None
    event_key: int = Field(default=0)
    event_end_key: int = Field(default=0)
    # `status` is what readers see (disputed while a contradicts relation stands);
    # `stated_status` is what the writer gave.
    status: str = Field(sa_type=String(16))
    stated_status: str = Field(sa_type=String(16))
    speech: str = Field(sa_type=String(16))
    quantity_value: float | None = None
    quantity_low: float | None = None
    quantity_high: float | None = None
    quantity_unit: str | None = Field(default=None, max_length=200)
    quantity_qualifier: str | None = Field(default=None, max_length=100)
    quantity_text: str | None = Field(default=None, max_length=300)
    # What full-text search indexes: the statement and the quote, with every number also
    # written without separators, so `q=1000` finds "1,000" (`api.store.search`).
    search_text: str = Field(default="", sa_type=Text)
    version: int = Field(default=1, description="Bumped by every change; guards updates.")
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime())
    retracted_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    retracted_by: str | None = Field(default=None, max_length=100)
    retraction_reason: str | None = Field(default=None, sa_type=Text)


class ClaimDocument(SQLModel, table=True):
    """The read model: each claim's public JSON, kept beside the tables it is made from.

    A page of claims is then one index walk plus one lookup per claim, instead of joining
    entities, sources and hops for every claim on every request. `api.store.documents`
    writes these rows in the same transaction as the change that makes them stale.
    """

    __tablename__ = "claim_document"

    claim_id: int = Field(foreign_key="claim.id", primary_key=True, ondelete="CASCADE")
    body: str = Field(sa_type=Text, description="The claim as `ClaimPublic` JSON.")
