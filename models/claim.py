"""Claims: what someone asserted, quoted verbatim from a held source, with its chain."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from pydantic import Field as PField
from pydantic.config import JsonDict
from sqlalchemy import Index, String, Text, text
from sqlmodel import Field, SQLModel

from models.base import ClaimStatus, EntityKind, Role, Speech, UTCDateTime, Verb
from models.entity import EntityRef

STATEMENT_DOC = "One neutral sentence saying what is claimed."
CLAIMED_ON_DOC = "When the claimant made the claim: YYYY, YYYY-MM or YYYY-MM-DD."
EVENT_DATE_DOC = "When the claimed event happened, at the precision known."
STATUS_DOC = (
    "asserted (stated as fact), reported (attributed), disputed (contradicted by another "
    "claim), speculative (a guess or suggestion)."
)
SPEECH_DOC = (
    "direct (the claimant's words in quotation marks), indirect (a reporter's paraphrase), "
    "own (the article's own statement)."
)


class ClaimBase(SQLModel):
    statement: str = Field(max_length=1000, description=STATEMENT_DOC)
    claimed_on: str | None = Field(default=None, max_length=10, description=CLAIMED_ON_DOC)
    event_date: str | None = Field(default=None, max_length=10, description=EVENT_DATE_DOC)
    status: ClaimStatus = Field(sa_type=String(16), description=STATUS_DOC)
    speech: Speech = Field(sa_type=String(16), description=SPEECH_DOC)


class Claim(ClaimBase, table=True):
    __table_args__ = (
        Index("ix_claim_claimant_id_id", "claimant_id", "id"),
        Index("ix_claim_claimant_id_claimed_key_id", "claimant_id", "claimed_key", "id"),
        Index("ix_claim_status_id", "status", "id"),
        Index("ix_claim_claimed_key_id", "claimed_key", "id"),
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
    quote_source_id: int = Field(foreign_key="source.id", index=True)
    quote_start: int
    quote_end: int
    quote_text: str = Field(sa_type=Text)
    claimant_id: int = Field(foreign_key="entity.id")
    # First and last day `claimed_on` can mean, so date filters respect its precision.
    claimed_from: date | None = Field(default=None, index=True)
    claimed_to: date | None = None
    # claimed_from as a day number, 0 when undated, so sorting by date uses one index.
    claimed_key: int = Field(default=0)
    quantity_value: float | None = None
    quantity_unit: str | None = Field(default=None, max_length=200)
    quantity_qualifier: str | None = Field(default=None, max_length=100)
    quantity_text: str | None = Field(default=None, max_length=300)
    version: int = Field(default=1, description="Bumped by every change; guards updates.")
    retracted_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    retracted_by: str | None = Field(default=None, max_length=100)
    retraction_reason: str | None = Field(default=None, sa_type=Text)


class QuotePublic(BaseModel):
    """The verbatim span of a held source that carries the claim."""

    text: str = PField(description="The verbatim words of the held source.")
    source: str = PField(description="Slug of the held source.")
    start: int = PField(description="Offset of the first character (Python str index).")
    end: int = PField(description="Offset just past the last character (exclusive).")


class QuantityPublic(BaseModel):
    """A figure the claim states, with its hedging and its original words."""

    value: float | None = PField(description="The figure, or null when the words give none.")
    unit: str | None = PField(description="What is counted.")
    qualifier: str | None = PField(description='How the figure is hedged: "more than", "few"...')
    text: str | None = PField(description="The original words.")


class ClaimEntityPublic(BaseModel):
    """An entity involved in a claim, and its role there."""

    slug: str = PField(description="Public id of the entity.")
    name: str = PField(description="The usual full name.")
    kind: EntityKind
    role: Role


class HopPublic(BaseModel):
    """One step of an attribution chain: who passed the claim on, and how."""

    source: str | None = PField(description="Slug of the source at this hop, if any.")
    entity: str | None = PField(description="Slug of the entity at this hop, if any.")
    verb: Verb = PField(description="What this hop did with the claim.")


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
    "event_date": None,
    "status": "reported",
    "speech": "direct",
    "quantity": {
        "value": 300.0,
        "unit": "applications per day",
        "qualifier": "more than",
        "text": "more than 300",
    },
}


class ClaimPublic(BaseModel):
    """A claim: what was asserted, by whom, quoted verbatim, and how it reached us."""

    model_config = {"json_schema_extra": {"examples": [_CLAIM_EXAMPLE]}}

    id: str = PField(description="Stable public id.")
    statement: str = PField(description=STATEMENT_DOC)
    quote: QuotePublic
    claimant: EntityRef = PField(description="The entity that asserts the claim.")
    entities: list[ClaimEntityPublic] = PField(description="Entities involved, with their role.")
    attribution: list[HopPublic] = PField(
        description="Ordered hops from the held source out to the original claimant."
    )
    claimed_on: str | None = PField(description=CLAIMED_ON_DOC)
    event_date: str | None = PField(description=EVENT_DATE_DOC)
    status: ClaimStatus = PField(description=STATUS_DOC)
    speech: Speech = PField(description=SPEECH_DOC)
    quantity: QuantityPublic | None = PField(description="A figure the claim states, if any.")
