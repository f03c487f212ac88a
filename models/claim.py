"""Claims: what someone asserted, quoted verbatim from a held source, with its chain."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.config import JsonDict

from models.base import (
    ClaimStatus,
    EntityKind,
    PartialDate,
    Role,
    Slug,
    Speech,
    StatedStatus,
    Verb,
    unit_spelling,
)
from models.entity import EntityRef
from models.history import RetractionNote
from models.input import InputModel, describe_fields, patch_schema

STATEMENT_DOC = "One neutral sentence saying what is claimed."
CLAIMED_ON_DOC = "When the claimant made the claim: YYYY, YYYY-MM or YYYY-MM-DD."
EVENT_DATE_DOC = "When the claimed event happened, at the precision known."
STATUS_DOC = (
    "asserted (stated as fact), reported (attributed), speculative (a guess or suggestion), "
    "or disputed: while a `contradicts` relation links the claim to a claim by another "
    "claimant (never set by hand)."
)
INFERRED_DOC = (
    "True when any part of the date comes from context (the article's date, the events "
    "around it) rather than from the words of the quote."
)
SPEECH_DOC = (
    "direct (the claimant's words in quotation marks), indirect (a reporter's paraphrase), "
    "own (the article's own statement)."
)


class QuotePublic(BaseModel):
    """The verbatim span of a held source that carries the claim."""

    text: str = Field(description="The verbatim words of the held source.")
    source: str = Field(description="Slug of the held source.")
    start: int = Field(description="Offset of the first character (Python str index).")
    end: int = Field(description="Offset just past the last character (exclusive).")


class QuantityPublic(BaseModel):
    """A figure the claim states: the number said, the range the words allow, what is
    counted, its hedging and its original words."""

    value: float | None = Field(description="The figure said, or null when the words give none.")
    low: float | None = Field(
        description="The least the words allow (inclusive), or null when they set no floor: "
        '"more than 1,000" gives 1000, "a few hundred" 200.'
    )
    high: float | None = Field(
        description="The most the words allow (inclusive), or null when they set no ceiling: "
        '"a few hundred" gives 500, "more than 1,000" none.'
    )
    unit: str | None = Field(
        description="What is counted, in a canonical plural: people, battalions, "
        "applications per day, soldiers..."
    )
    qualifier: str | None = Field(description='How the figure is hedged: "more than", "few"...')
    text: str | None = Field(description="The original words.")


class ClusterPublic(BaseModel):
    """The claims that restate one another, joined by standing `restates` relations."""

    id: str = Field(description="Id of the cluster: `?cluster=` lists its claims.")
    size: int = Field(description="How many standing claims it holds.")
    first: str = Field(
        description="Id of its first appearance: the claim made earliest (by `claimed_on`; "
        "undated claims last, then the claim held first)."
    )


class ClaimEntityPublic(BaseModel):
    """An entity involved in a claim, and its role there."""

    slug: str = Field(description="Public id of the entity.")
    name: str = Field(description="The usual full name.")
    kind: EntityKind
    role: Role


class HopPublic(BaseModel):
    """One step of an attribution chain: who passed the claim on, and how."""

    source: str | None = Field(description="Slug of the source at this hop, if any.")
    entity: str | None = Field(description="Slug of the entity at this hop, if any.")
    verb: Verb = Field(description="What this hop did with the claim.")


_CLAIM_EXAMPLE: JsonDict = {
    "id": "legion-300-applications-a-day",
    "statement": "Legion representatives said the Freedom of Russia Legion receives more than "
    "300 applications to join every day.",
    "quote": {
        "text": "there are more than 300 applications to join the legion every day.",
        "source": "legion-article-2022",
        "start": 2641,
        "end": 2707,
    },
    "claimant": {
        "slug": "legion-representatives",
        "name": "Legion representatives",
        "kind": "group",
    },
    "entities": [
        {
            "slug": "freedom-of-russia-legion",
            "name": "Freedom of Russia Legion",
            "kind": "military_unit",
            "role": "about",
        },
        {
            "slug": "legion-representatives",
            "name": "Legion representatives",
            "kind": "group",
            "role": "claimant",
        },
    ],
    "attribution": [
        {"source": "legion-article-2022", "entity": "legion-article-2022", "verb": "reported"},
        {"source": "interfax-legion-report", "entity": "interfax-ukraine", "verb": "reported"},
        {
            "source": "legion-press-conference-2022-03-04",
            "entity": "legion-representatives",
            "verb": "said",
        },
    ],
    "claimed_on": "2022-03-04",
    "claimed_on_inferred": True,
    "event_date": None,
    "event_date_inferred": False,
    "status": "reported",
    "stated_status": "reported",
    "speech": "direct",
    "quantity": {
        "value": 300.0,
        "low": 300.0,
        "high": None,
        "unit": "applications per day",
        "qualifier": "more than",
        "text": "more than 300",
    },
    "retraction": None,
    "updated_at": "2026-12-02T08:00:00Z",
    "cluster": None,
}


class ClaimPublic(BaseModel):
    """A claim: what was asserted, by whom, quoted verbatim, and how it reached us."""

    model_config = {"json_schema_extra": {"examples": [_CLAIM_EXAMPLE]}}

    id: str = Field(description="Stable public id.")
    statement: str = Field(description=STATEMENT_DOC)
    quote: QuotePublic
    claimant: EntityRef = Field(description="The entity that asserts the claim.")
    entities: list[ClaimEntityPublic] = Field(description="Entities involved, with their role.")
    attribution: list[HopPublic] = Field(
        description="Ordered hops from the held source out to the original claimant."
    )
    claimed_on: str | None = Field(description=CLAIMED_ON_DOC)
    claimed_on_inferred: bool = Field(description=INFERRED_DOC)
    event_date: str | None = Field(description=EVENT_DATE_DOC)
    event_date_inferred: bool = Field(description=INFERRED_DOC)
    status: ClaimStatus = Field(description=STATUS_DOC)
    stated_status: StatedStatus = Field(
        description="How its source presents the claim, as its writer gave it: what "
        "`status` is whenever no contradiction stands."
    )
    speech: Speech = Field(description=SPEECH_DOC)
    quantity: QuantityPublic | None = Field(description="A figure the claim states, if any.")
    retraction: RetractionNote | None = Field(
        description="Who retracted the claim, when and why; null while it stands. Lists show "
        "retracted claims only with `include=retracted`."
    )
    updated_at: datetime = Field(
        description="When the claim last took a new version (UTC): made, edited, retracted, "
        "restored, its standing settled, or an entity it shows renamed or re-kinded."
    )
    cluster: ClusterPublic | None = Field(
        default=None,
        description="The claims that restate this one (confirmed `restates` relations, "
        "followed through), or null when none does; a change of cluster takes no version.",
    )


# --- what clients send ----------------------------------------------------------------


class QuoteInput(InputModel):
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


class EntityRoleInput(InputModel):
    """An entity a claim involves, and its role there."""

    slug: Slug
    role: Role


class HopInput(InputModel):
    """One hop of an attribution chain: a source and/or an entity, and its verb."""

    source: Slug | None = None
    entity: Slug | None = None
    verb: Verb

    @model_validator(mode="after")
    def _names_someone(self) -> HopInput:
        if self.source is None and self.entity is None:
            raise ValueError("a hop names a source, an entity, or both")
        return self


Figure = Annotated[float, Field(ge=-1e15, le=1e15)]


class QuantityInput(InputModel):
    """A figure a claim states, and the range its words allow."""

    value: Figure | None = None
    low: Figure | None = None
    high: Figure | None = None
    unit: str | None = Field(default=None, max_length=200)
    qualifier: str | None = Field(default=None, max_length=100)
    text: str | None = Field(default=None, max_length=300)

    @model_validator(mode="after")
    def _a_range_goes_up(self) -> QuantityInput:
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("low is above high")
        if self.unit is not None:
            self.unit = unit_spelling(self.unit)
        plain = self.qualifier is None and self.low is None and self.high is None
        if self.value is not None and plain:
            # A plain figure ("300 applications") is its own range.
            self.low = self.high = self.value
        return self


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
    describe_fields(schema)
    schema["examples"] = [CLAIM_CREATE_EXAMPLE]


class ClaimCreate(InputModel):
    """A new claim. Its quote must be found in the held text of its source."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_claim_create_schema)

    id: Slug = Field(description="Stable public id, chosen by the writer.")
    statement: str = Field(min_length=1, max_length=1000)
    quote: QuoteInput
    claimant: Slug
    entities: list[EntityRoleInput] = Field(default=[], max_length=100)
    attribution: list[HopInput] = Field(min_length=1, max_length=20)
    claimed_on: PartialDate | None = None
    claimed_on_inferred: bool = False
    event_date: PartialDate | None = None
    event_date_inferred: bool = False
    status: StatedStatus
    speech: Speech
    quantity: QuantityInput | None = None

    @model_validator(mode="after")
    def _chain_starts_at_the_quote(self) -> ClaimCreate:
        if self.attribution[0].source != self.quote.source:
            raise ValueError("the first attribution hop must be the quoted source")
        return self


class QuotePatch(InputModel):
    """A merge patch of a claim's quote; a new `text` without offsets is found again."""

    source: Slug | None = None
    text: str | None = Field(default=None, min_length=1, max_length=10_000)
    start: int | None = Field(default=None, ge=0, le=2**31)
    end: int | None = Field(default=None, ge=0, le=2**31)


class QuantityPatch(InputModel):
    """A merge patch of a claim's quantity; null removes a field."""

    value: Figure | None = None
    low: Figure | None = None
    high: Figure | None = None
    unit: str | None = Field(default=None, max_length=200)
    qualifier: str | None = Field(default=None, max_length=100)
    text: str | None = Field(default=None, max_length=300)


class ClaimUpdate(InputModel):
    """A JSON Merge Patch of a claim: the fields to change; null removes an optional one."""

    model_config = ConfigDict(
        json_schema_extra=patch_schema(
            {
                "status": "speculative",
                "quote": {"text": "there are more than 300 applications to join the legion"},
            }
        )
    )

    statement: str | None = Field(default=None, min_length=1, max_length=1000)
    quote: QuotePatch | None = None
    claimant: Slug | None = None
    entities: list[EntityRoleInput] | None = Field(default=None, max_length=100)
    attribution: list[HopInput] | None = Field(default=None, min_length=1, max_length=20)
    claimed_on: PartialDate | None = None
    claimed_on_inferred: bool | None = None
    event_date: PartialDate | None = None
    event_date_inferred: bool | None = None
    status: StatedStatus | None = None
    speech: Speech | None = None
    quantity: QuantityPatch | None = None


class BatchResult(BaseModel):
    """What one batch created; a batch is all or nothing."""

    created: list[str] = Field(description="Ids of the created claims, in input order.")
    count: int = Field(description="How many claims were created.")
