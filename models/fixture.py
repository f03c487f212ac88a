"""The on-disk fixture format (fixtures/*.yaml), kept apart from the API's schemas.

Validation here covers what one record can know about itself; cross-record rules
(references resolve, quotes match the held text, aliases do not clash) live in the loader.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from models.base import (
    ClaimStatus,
    EntityKind,
    PartialDate,
    Role,
    Slug,
    SourceKind,
    Speech,
    Verb,
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EntityFixture(_Strict):
    slug: Slug
    name: str = Field(min_length=1, max_length=200)
    kind: EntityKind
    aliases: list[str] = []
    description: str | None = None


class SourceFixture(_Strict):
    slug: Slug
    name: str = Field(min_length=1, max_length=300)
    title: str | None = None
    publisher: Slug | None = None
    kind: SourceKind
    date: PartialDate | None = None
    date_inferred: bool = False
    date_note: str | None = None
    url: str | None = None
    text: str | None = Field(
        default=None, description="Path of the held text, relative to the fixtures folder."
    )

    @model_validator(mode="after")
    def _inferred_needs_a_date(self) -> SourceFixture:
        if self.date_inferred and self.date is None:
            raise ValueError("date_inferred is true but there is no date")
        return self


class QuoteFixture(_Strict):
    source: Slug
    text: str = Field(min_length=1)
    start: int = Field(ge=0)
    end: int = Field(gt=0)


class EntityRoleFixture(_Strict):
    slug: Slug
    role: Role


class HopFixture(_Strict):
    source: Slug | None = None
    entity: Slug | None = None
    verb: Verb

    @model_validator(mode="after")
    def _names_someone(self) -> HopFixture:
        if self.source is None and self.entity is None:
            raise ValueError("a hop names a source, an entity, or both")
        return self


class QuantityFixture(_Strict):
    value: float | None
    unit: str | None = None
    qualifier: str | None = None
    text: str | None = None


class ClaimFixture(_Strict):
    id: Slug
    statement: str = Field(min_length=1, max_length=1000)
    quote: QuoteFixture
    claimant: Slug
    entities: list[EntityRoleFixture] = []
    attribution: list[HopFixture] = Field(min_length=1)
    claimed_on: PartialDate | None = None
    event_date: PartialDate | None = None
    status: ClaimStatus
    speech: Speech
    quantity: QuantityFixture | None = None

    @model_validator(mode="after")
    def _chain_starts_at_the_quote(self) -> ClaimFixture:
        first = self.attribution[0]
        if first.source != self.quote.source:
            raise ValueError(
                f"the first hop must be the quoted source {self.quote.source!r}, "
                f"not {first.source!r}"
            )
        return self


class NotClaimFixture(_Strict):
    """A sentence of a held source that carries no claim, and why."""

    source: Slug
    text: str = Field(min_length=1)
    start: int = Field(ge=0)
    end: int = Field(gt=0)
    reason: str = Field(min_length=1)


class FixtureSet(_Strict):
    entities: list[EntityFixture]
    sources: list[SourceFixture]
    claims: list[ClaimFixture]
    not_claims: list[NotClaimFixture] = []
