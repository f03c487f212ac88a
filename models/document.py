"""The read model: each claim's public JSON, kept beside the tables it is made from.

A page of claims is then one index walk plus one lookup per claim, instead of joining
entities, sources and hops for every claim on every request. `api.documents` writes
these rows in the same transaction as the change that makes them stale.
"""

from __future__ import annotations

from sqlalchemy import Text
from sqlmodel import Field, SQLModel


class ClaimDocument(SQLModel, table=True):
    __tablename__ = "claim_document"

    claim_id: int = Field(foreign_key="claim.id", primary_key=True, ondelete="CASCADE")
    body: str = Field(sa_type=Text, description="The claim as `ClaimPublic` JSON.")
