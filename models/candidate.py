"""Candidates: attributed statements the extractor proposes, waiting for a person's review.

A candidate is evidence, not yet a claim: the words of a held text, who they are credited
to and how, as read by machine. Accepting one creates a claim; rejecting one keeps the
reason, so the queue also records what the extractor got wrong.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from models.base import ClaimStatus, DatePrecision, EntityKind, Slug, Verb
from models.claim import ClaimUpdate, QuotePublic
from models.input import InputModel, patch_schema, slug_or_object
from models.matching import Match
from models.page import ListPage


class ProposalState(StrEnum):
    """Where a proposal is in review: waiting, accepted (what it proposed was created),
    turned down, or superseded (a later reading of the same text replaced it)."""

    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"
    superseded = "superseded"


# A candidate is a claim proposal: the same states.
CandidateState = ProposalState


class CandidateSpeech(StrEnum):
    """How the text gives the words: quoted (direct), paraphrased (indirect), or a
    paraphrase holding a quoted phrase (mixed, which becomes an indirect claim)."""

    direct = "direct"
    indirect = "indirect"
    mixed = "mixed"


ENTITY_DOC = "Slug of the existing entity with this name or alias, or null if there is none."
KIND_DOC = (
    "What sort of entity the extractor took the name for; an accept that creates it uses this."
)
KNOWN_AS_DOC = (
    'The fullest form of the name in the same text ("John Howard" for "Howard"), by which '
    "it is resolved; null when the name is that form."
)
LINK_DOC = (
    "Id of the pending `entity_link` proposal that decides which entity the name is; "
    "accepting this proposal waits for it (or names the entity itself)."
)


class CandidateClaimant(BaseModel):
    """Who the text credits with the words, as written, and the entity that name is."""

    name: str | None = Field(description="The name as the text gives it; null if no one is named.")
    kind: EntityKind | None = Field(description=KIND_DOC)
    entity: str | None = Field(description=ENTITY_DOC)
    known_as: str | None = Field(default=None, description=KNOWN_AS_DOC)
    link: int | None = Field(default=None, description=LINK_DOC)


class CandidateHop(BaseModel):
    """One link of the chain from the held text out to the claimant."""

    name: str = Field(description="Who passed the words on, as the text names them.")
    kind: EntityKind | None = Field(description=KIND_DOC)
    verb: Verb = Field(description="What this hop did with the words.")
    entity: str | None = Field(description=ENTITY_DOC)
    known_as: str | None = Field(default=None, description=KNOWN_AS_DOC)
    link: int | None = Field(default=None, description=LINK_DOC)


class CandidateMention(BaseModel):
    """A person, organisation or place named inside the quoted words."""

    name: str = Field(description="The name as written.")
    kind: EntityKind = Field(description=KIND_DOC)
    start: int = Field(description="Offset of the name's first character in the held text.")
    end: int = Field(description="Offset just past the name's last character.")
    entity: str | None = Field(description=ENTITY_DOC)
    known_as: str | None = Field(default=None, description=KNOWN_AS_DOC)
    link: int | None = Field(default=None, description=LINK_DOC)


class ClaimProposal(BaseModel):
    """What a claim proposal says: words of a held text, who they are credited to and
    how, as the extractor read them."""

    quote: QuotePublic = Field(description="The words, verified at these offsets of the text.")
    claimant: CandidateClaimant
    cue: str = Field(description='The reporting words: "said", "told reporters", "According to".')
    cue_start: int = Field(description="Where the cue stands in the held text.")
    speech: CandidateSpeech = Field(description="direct, indirect or mixed.")
    attribution: list[CandidateHop] = Field(
        description="Hops from the held text out to the claimant (the held text itself is "
        "not listed), each with its verb."
    )
    status: ClaimStatus = Field(description="reported, or speculative for hedged words.")
    claimed_on: str | None = Field(description="When the words were said, if known.")
    claimed_on_precision: DatePrecision | None = Field(
        description="How much of `claimed_on` is known."
    )
    claimed_on_inferred: bool = Field(
        default=False,
        description="True when `claimed_on` is not in the words around them (the source's "
        "own date, say).",
    )
    entities: list[CandidateMention] = Field(
        description="People, organisations and places named in the words."
    )


class _Candidate(BaseModel):
    id: int = Field(description="Stable id of the candidate (its proposal's id).")
    state: ProposalState = Field(description="pending, accepted, rejected or superseded.")


class CandidatePublic(ClaimProposal, _Candidate):
    """A statement the extractor credits to someone, for a person to accept or reject:
    a claim proposal (`GET /proposals/{id}`) in the shape the review queue had first."""

    confidence: float = Field(description="How sure the extractor is, 0 to 1.")
    reviewed_at: datetime | None = Field(description="When it was accepted or rejected (UTC).")
    reviewed_by: str | None = Field(description="Name of the API key that reviewed it.")
    reason: str | None = Field(description="Why it was rejected or superseded.")
    claim: str | None = Field(description="Id of the claim its acceptance created.")
    matches: list[Match] = Field(
        default=[],
        description="Held claims its words match at or above the matcher's `suggest` "
        "threshold, best first (as `POST /claims:match` answers): has it been said before? "
        "Read afresh each time; not part of its ETag.",
    )


class CandidatePage(ListPage[CandidatePublic]):
    """A page of candidates, oldest first; follow `next` for the rest."""


class Extracted(BaseModel):
    """What one extraction run left in the review queue."""

    source: str = Field(description="Slug of the source read.")
    candidates: int = Field(description="Candidates now pending from this run.")


# --- what reviewers send ---------------------------------------------------------------


class NewClaimant(InputModel):
    """A claimant named at accept time: the entity of that name (or alias), or, with
    `create_entities`, a new one of this kind."""

    name: str = Field(min_length=1, max_length=200, pattern=r"\S", description="Its name.")
    kind: EntityKind = Field(description="What sort of entity it is.")


class AcceptCandidate(ClaimUpdate):
    """A JSON Merge Patch of the claim an accepted candidate becomes; send nothing to take
    the claim as proposed."""

    model_config = ConfigDict(
        json_schema_extra=patch_schema(
            {
                "statement": "Maria Okafor said the fire began in a warehouse rented by "
                "Nordvik Lines.",
                "status": "reported",
                "create_entities": True,
            }
        )
    )

    id: Slug | None = Field(
        default=None,
        description="Id of the claim to create; default: the source's slug and the candidate's id.",
    )
    claimant: slug_or_object(Slug, NewClaimant) | None = Field(  # type: ignore[valid-type]
        default=None,
        description="Who the claim is credited to: an entity's slug, or `{name, kind}` for "
        "one named here (found by name or alias, else created with `create_entities`).",
    )
    create_entities: bool = Field(
        default=False,
        description="Create the entities the candidate names that do not exist yet (kind "
        "as the extractor read it, slug from the name); without it, such a name is a 422.",
    )
    restates: Slug | None = Field(
        default=None,
        description="Id of a held claim the new claim restates: the `restates` relation "
        "is created with the claim, in the same transaction, and the new claim joins that "
        "claim's cluster.",
    )


class Rejection(InputModel):
    """Why a proposal is not accepted; kept with it and in its history."""

    reason: str = Field(
        min_length=1,
        max_length=1000,
        pattern=r"\S",
        description="Why it is rejected.",
        examples=["Not a claim: the reporter's own description."],
    )


# The review queue's first name for it.
RejectCandidate = Rejection
