"""The on-disk fixture format (fixtures/*.yaml): the API's create shapes, made stricter.

A fixture record is what a client would send to create the resource, except that a quote
carries its offsets and a source names its held text by path. Validation here covers
what one record can know about itself; cross-record rules (references resolve, quotes
match the held text, aliases do not clash) live in the loader.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from models.base import Slug
from models.claim import ClaimCreate, QuoteInput
from models.entity import EntityCreate
from models.relation import RelationCreate
from models.source import SourceCreate


class EntityFixture(EntityCreate):
    """An entity as fixtures/entities.yaml records it."""


class SourceFixture(SourceCreate):
    """A source as fixtures/sources.yaml records it; `text` is a path, not the text."""

    text: str | None = Field(
        default=None, description="Path of the held text, relative to the fixtures folder."
    )

    @model_validator(mode="after")
    def _inferred_needs_a_date(self) -> SourceFixture:
        if self.date_inferred and self.date is None:
            raise ValueError("date_inferred is true but there is no date")
        return self


class QuoteFixture(QuoteInput):
    """A quote with its offsets, which the loader checks against the held text."""

    start: int = Field(ge=0, le=2**31)
    end: int = Field(gt=0, le=2**31)


class ClaimFixture(ClaimCreate):
    """A claim as fixtures/claims.yaml records it: a create with a located quote."""

    quote: QuoteFixture


class RelationFixture(RelationCreate):
    """A relation as fixtures/relations.yaml records it: with its id. Without
    `asserted_by`, the link is the fixtures' own reading (the analyst `fixtures`)."""

    id: Slug


class NotClaimFixture(BaseModel):
    """A sentence of a held source that carries no claim, and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: Slug
    text: str = Field(min_length=1)
    start: int = Field(ge=0)
    end: int = Field(gt=0)
    reason: str = Field(min_length=1)


class FixtureSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entities: list[EntityFixture]
    sources: list[SourceFixture]
    claims: list[ClaimFixture]
    relations: list[RelationFixture] = []
    not_claims: list[NotClaimFixture] = []
