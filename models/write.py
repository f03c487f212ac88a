"""What clients send to create and change claims, entities and sources.

Creates carry every field; an update is a JSON Merge Patch (RFC 7386) applied to the
resource's create shape, then validated as a create, so one set of rules covers both.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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

# One meaning per field name, across every input model (and so across the docs).
GLOSSARY = {
    "slug": "Public id: lowercase words joined by hyphens. It cannot change later.",
    "name": "The usual full name.",
    "kind": "What sort of thing it is.",
    "aliases": "Other names as written in sources; unique across entities, ignoring case.",
    "description": "One or two sentences of context.",
    "title": "The title as published, when known.",
    "publisher": "Slug of the entity that published it.",
    "date": "Publication date at the precision known: YYYY, YYYY-MM or YYYY-MM-DD.",
    "date_inferred": "True when any part of the date comes from context.",
    "date_note": "Why the date is what it is, when it is inferred.",
    "url": "Where the work can be read.",
    "statement": "One neutral sentence saying what is claimed.",
    "quote": "The verbatim words of a held source that carry the claim.",
    "source": "Slug of a source.",
    "text": "The exact words.",
    "start": "Offset of the first character (Python str index).",
    "end": "Offset just past the last character.",
    "claimant": "Slug of the entity that asserts the claim.",
    "entities": "Entities involved and their roles; the claimant is added as claimant.",
    "attribution": "Ordered hops from the held source out to the original claimant.",
    "entity": "Slug of an entity.",
    "claimed_on": "When the claimant made the claim: YYYY, YYYY-MM or YYYY-MM-DD.",
    "event_date": "When the claimed event happened, at the precision known.",
    "quantity": "A figure the claim states, if any.",
    "value": "The figure, or null when the words give none.",
    "unit": "What is counted.",
    "qualifier": 'How the figure is hedged: "more than", "few"...',
    "role": "How the entity figures in the claim.",
    "verb": "What this hop did with the claim.",
    "status": "asserted, reported, disputed or speculative.",
    "speech": "direct, indirect or own.",
    "id": "Stable public id, chosen by the writer.",
}


def _describe_fields(schema: dict[str, Any]) -> None:
    for name, prop in schema.get("properties", {}).items():
        if "description" not in prop and name in GLOSSARY:
            prop["description"] = GLOSSARY[name]


class _Input(BaseModel):
    model_config = ConfigDict(
        extra="forbid", str_max_length=100_000, json_schema_extra=_describe_fields
    )

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain a NUL character")
        return value


class EntityCreate(_Input):
    """A new entity; its slug, name and aliases must not be taken by another entity."""

    slug: Slug
    name: str = Field(min_length=1, max_length=200)
    kind: EntityKind
    aliases: list[str] = Field(default=[], max_length=50)
    description: str | None = Field(default=None, max_length=2000)

    @field_validator("aliases")
    @classmethod
    def _aliases_are_names(cls, aliases: list[str]) -> list[str]:
        for alias in aliases:
            if not alias.strip() or len(alias) > 300:
                raise ValueError("each alias is 1 to 300 characters")
        return aliases


class SourceCreate(_Input):
    """A new source; `text` makes it held, so claims can quote it."""

    slug: Slug
    name: str = Field(min_length=1, max_length=300)
    title: str | None = Field(default=None, max_length=500)
    publisher: Slug | None = None
    kind: SourceKind
    date: PartialDate | None = None
    date_inferred: bool = False
    date_note: str | None = Field(default=None, max_length=1000)
    url: str | None = Field(default=None, max_length=2000)
    text: str | None = Field(
        default=None, max_length=1_000_000, description="The full text, to hold it here."
    )


class QuoteInput(_Input):
    """The quote of a new claim; offsets are found in the held text when omitted."""

    source: Slug
    text: str = Field(min_length=1, max_length=10_000)
    start: int | None = Field(
        default=None, ge=0, le=2**31, description="Omit to have it found in the held text."
    )
    end: int | None = Field(default=None, ge=0, le=2**31)

    @model_validator(mode="after")
    def _both_or_neither(self) -> QuoteInput:
        if (self.start is None) != (self.end is None):
            raise ValueError("give both start and end, or neither")
        return self


class EntityRoleInput(_Input):
    """An entity a claim involves, and its role there."""

    slug: Slug
    role: Role


class HopInput(_Input):
    """One hop of an attribution chain: a source and/or an entity, and its verb."""

    source: Slug | None = None
    entity: Slug | None = None
    verb: Verb

    @model_validator(mode="after")
    def _names_someone(self) -> HopInput:
        if self.source is None and self.entity is None:
            raise ValueError("a hop names a source, an entity, or both")
        return self


class QuantityInput(_Input):
    """A figure a claim states."""

    value: float | None = Field(default=None, ge=-1e15, le=1e15)
    unit: str | None = Field(default=None, max_length=200)
    qualifier: str | None = Field(default=None, max_length=100)
    text: str | None = Field(default=None, max_length=300)


CLAIM_CREATE_EXAMPLE = {
    "id": "legion-applications-per-day-restated",
    "statement": "Legion representatives said more than 300 people apply to join every day.",
    "quote": {
        "source": "legion-article-2022",
        "text": "there are more than 300 applications to join the legion every day.",
    },
    "claimant": "legion-representatives",
    "entities": [{"slug": "freedom-of-russia-legion", "role": "about"}],
    "attribution": [
        {"source": "legion-article-2022", "verb": "reported"},
        {"source": "interfax-legion-report", "entity": "interfax-ukraine", "verb": "reported"},
        {"entity": "legion-representatives", "verb": "said"},
    ],
    "claimed_on": "2022-03-04",
    "status": "reported",
    "speech": "direct",
}


def _claim_create_schema(schema: dict[str, Any]) -> None:
    _describe_fields(schema)
    schema["examples"] = [CLAIM_CREATE_EXAMPLE]


class ClaimCreate(_Input):
    """A new claim. Its quote must be found in the held text of its source."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_claim_create_schema)

    id: Slug = Field(description="Stable public id, chosen by the writer.")
    statement: str = Field(min_length=1, max_length=1000)
    quote: QuoteInput
    claimant: Slug
    entities: list[EntityRoleInput] = Field(default=[], max_length=100)
    attribution: list[HopInput] = Field(min_length=1, max_length=20)
    claimed_on: PartialDate | None = None
    event_date: PartialDate | None = None
    status: ClaimStatus
    speech: Speech
    quantity: QuantityInput | None = None

    @model_validator(mode="after")
    def _chain_starts_at_the_quote(self) -> ClaimCreate:
        if self.attribution[0].source != self.quote.source:
            raise ValueError("the first attribution hop must be the quoted source")
        return self


class EntityUpdate(_Input):
    """A JSON Merge Patch of an entity: the fields to change; null removes an optional one."""

    name: str | None = None
    kind: EntityKind | None = None
    aliases: list[str] | None = None
    description: str | None = None


class SourceUpdate(_Input):
    """A JSON Merge Patch of a source; its slug and held text cannot change."""

    name: str | None = None
    title: str | None = None
    publisher: Slug | None = None
    kind: SourceKind | None = None
    date: str | None = None
    date_inferred: bool | None = None
    date_note: str | None = None
    url: str | None = None


class ClaimUpdate(_Input):
    """A JSON Merge Patch of a claim: the fields to change; null removes an optional one."""

    statement: str | None = None
    quote: dict[str, object] | None = None
    claimant: Slug | None = None
    entities: list[EntityRoleInput] | None = None
    attribution: list[HopInput] | None = None
    claimed_on: str | None = None
    event_date: str | None = None
    status: ClaimStatus | None = None
    speech: Speech | None = None
    quantity: dict[str, object] | None = None

    @field_validator("quote", "quantity")
    @classmethod
    def _fields_are_plain_values(cls, value: dict[str, object] | None) -> dict[str, object] | None:
        # Every field of a quote or a quantity is text, a finite number or null. Checked
        # here because these patches are re-serialized before they are validated: a deeply
        # nested value made that serializer fail (a 500), and NaN or Infinity (which
        # Python's JSON parser accepts) became null, silently deleting the field.
        for name, field in (value or {}).items():
            if isinstance(field, dict | list):
                raise ValueError(f"{name!r} must be text, a number or null, not a structure")
            if isinstance(field, float) and not math.isfinite(field):
                raise ValueError(f"{name!r} must be a finite number")
        return value
