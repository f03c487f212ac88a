"""What the revision log says: every change to a resource, and a claim's retraction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class RevisionPublic(BaseModel):
    """One change to a resource, as the revision log recorded it."""

    number: int = Field(description="1 for the creation, then one more per change.")
    action: str = Field(
        description="create, update, retract, restore or delete; reshow (a claim or source "
        "showing an entity that was renamed or re-kinded); extract (a source read for "
        "candidates), accept or reject (a candidate reviewed)."
    )
    at: datetime = Field(description="When the change was committed (UTC).")
    actor: str = Field(description="Name of the API key that made it, or `fixtures`.")
    reason: str | None = Field(description="Why, as the writer said.")
    changes: dict[str, Any] = Field(
        description="For each changed field, its value before (`from`) and after (`to`)."
    )


class History(BaseModel):
    """Every revision of a resource, oldest first."""

    items: list[RevisionPublic] = Field(description="The revisions, oldest first.")
    next: str | None = Field(default=None, description="Always null: one page holds it all.")


class RetractionNote(BaseModel):
    """Who withdrew a claim, when and why: part of a retracted claim's JSON."""

    at: datetime = Field(description="When it was retracted (UTC).")
    by: str = Field(description="Name of the API key that retracted it.")
    reason: str | None = Field(description="Why, as the writer said.")


class Retraction(RetractionNote):
    """The record a retracted claim answers with (410): which claim, who, when and why."""

    claim: str = Field(description="Id of the retracted claim.")


class RelationRetraction(RetractionNote):
    """The record a retracted relation answers with: which relation, who, when and why."""

    relation: str = Field(description="Id of the retracted relation.")
