"""Relations between claims: one claim contradicts, undermines, qualifies, supports,
restates or is derived from another, said by whom, and why."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from models.base import DateKind, DatePrecision, RelationType, Slug
from models.claim import ClaimPublic
from models.history import RetractionNote
from models.input import InputModel, patch_schema
from models.page import ListPage


class AssertedBy(BaseModel):
    """Who draws the link: a source whose words set the claims against each other (the
    held article itself, or one it cites), or the analyst whose API key added it."""

    source: str | None = Field(description="Slug of the source that draws the link.")
    analyst: str | None = Field(description="Name of the API key that drew it.")


_EXAMPLE: dict[str, Any] = {
    "id": "arestovych-few-hundred-contradicts-two-battalions",
    "type": "contradicts",
    "from": "arestovych-legion-few-hundred-members",
    "to": "legion-two-fully-manned-battalions",
    "note": "A few hundred members cannot fill two fully manned battalions.",
    "asserted_by": {"source": "legion-article-2022"},
}


class RelationPublic(BaseModel):
    """How claim `from` bears on claim `to`."""

    model_config = ConfigDict(
        populate_by_name=True,
        serialize_by_alias=True,  # `from`, as readers get it (ETags digest that)
        json_schema_extra={
            "examples": [
                _EXAMPLE
                | {"asserted_by": {"source": "legion-article-2022", "analyst": None}}
                | {"retraction": None, "updated_at": "2026-12-02T08:00:00Z"}
            ]
        },
    )

    id: str = Field(description="Stable public id.")
    type: RelationType
    from_: str = Field(alias="from", description="Id of the claim that bears on the other.")
    to: str = Field(description="Id of the claim it bears on.")
    note: str = Field(description="Why, in one sentence.")
    asserted_by: AssertedBy
    retraction: RetractionNote | None = Field(
        default=None, description="Who withdrew the relation, when and why; null while it stands."
    )
    updated_at: datetime = Field(
        description="When the relation was drawn or last edited, retracted or restored (UTC)."
    )


class ClaimRelation(RelationPublic):
    """A relation of one claim, seen from that claim: `claim` is the other one."""

    claim: ClaimPublic = Field(description="The claim at the other end, in full.")


class Dispute(RelationPublic):
    """A relation that sets two claims against each other, with both claims."""

    from_claim: ClaimPublic = Field(description="The claim `from`, in full.")
    to_claim: ClaimPublic = Field(description="The claim `to`, in full.")


class AssertedByInput(InputModel):
    """The source that draws a link; leave it out when the link is the analyst's own."""

    source: Slug


class RelationCreate(InputModel):
    """A new relation between two standing claims."""

    model_config = ConfigDict(
        populate_by_name=True, serialize_by_alias=True, json_schema_extra=patch_schema(_EXAMPLE)
    )

    id: Slug | None = Field(
        default=None, description="Stable public id; made from the claims and type when omitted."
    )
    type: RelationType
    from_: Slug = Field(alias="from", description="Id of the claim that bears on the other.")
    to: Slug = Field(description="Id of the claim it bears on.")
    note: str = Field(min_length=1, max_length=1000)
    asserted_by: AssertedByInput | None = Field(
        default=None,
        description="The source whose words draw the link, if one does; without one the "
        "link is the analyst's own, and the API key's name is recorded.",
    )

    @model_validator(mode="after")
    def _two_claims(self) -> RelationCreate:
        if self.from_ == self.to:
            raise ValueError("a relation links two different claims, not a claim to itself")
        return self


class RelationUpdate(InputModel):
    """A JSON Merge Patch of a relation: its type, note or source; its claims stay."""

    model_config = ConfigDict(
        json_schema_extra=patch_schema(
            {"type": "undermines", "note": "It casts doubt on the figure without refuting it."}
        )
    )

    type: RelationType | None = None
    note: str | None = Field(default=None, min_length=1, max_length=1000)
    asserted_by: AssertedByInput | None = None


class TimelineEntry(BaseModel):
    """A claim placed on an entity's timeline, and the date that places it there."""

    date: str | None = Field(description="The date used: the event's, else the claim's.")
    kind: DateKind | None = Field(description="event or claimed; null for an undated claim.")
    precision: DatePrecision | None = Field(description="How much of the date is known.")
    inferred: bool = Field(description="True when that date comes partly from context.")
    claim: ClaimPublic


class RelationPage(ListPage[RelationPublic]):
    """A page of relations; follow `next` for the rest."""


class ClaimRelationPage(ListPage[ClaimRelation]):
    """A page of one claim's relations, each with the other claim; follow `next`."""


class DisputePage(ListPage[Dispute]):
    """A page of relations that set an entity's claims against each other."""


class TimelinePage(ListPage[TimelineEntry]):
    """A page of an entity's timeline, oldest first; follow `next` for the rest."""
