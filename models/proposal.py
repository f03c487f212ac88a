"""Proposals: what a machine (or a person) suggests the store should hold, for review.

One queue holds every kind: a claim read from a text, a relation between two claims, a
link of a mention to an entity, and a merge of two entities. Each proposal
carries its evidence (a source and spans of its held text), how sure its proposer was,
who or what proposed it, and a payload whose shape its kind fixes. Accepting one calls
that kind's own use case, so what it creates is written the one way such things are.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from models.base import EntityKind, RelationType, Slug
from models.candidate import ClaimProposal, ProposalState
from models.input import InputModel
from models.page import ListPage


class ProposalKind(StrEnum):
    """What accepting a proposal creates."""

    claim = "claim"
    relation = "relation"
    entity_link = "entity_link"
    entity_merge = "entity_merge"


class Span(BaseModel):
    """Words of the evidence's held text, at their offsets."""

    start: int = Field(description="Offset of the first character (Python str index).")
    end: int = Field(description="Offset just past the last character.")
    text: str = Field(description="The words, as the held text has them.")
    role: str = Field(description="What the words are: `quote`, `cue`, `mention`.")


class Evidence(BaseModel):
    """Where the proposal was read: a source and spans of its held text (none for a
    proposal made by comparing claims already held)."""

    source: str | None = Field(description="Slug of the source read; null if none was.")
    spans: list[Span] = Field(description="The spans that support it, in text order.")


class Proposer(BaseModel):
    """Who or what proposed it."""

    agent: str = Field(
        description="`extractor`, `matcher`, or the name of the API key that proposed it."
    )
    rule: str | None = Field(description="The rule that fired, where the agent has rules.")
    version: str | None = Field(description="The agent's version, where it has one.")


class ProposalEnd(BaseModel):
    """One end of a proposed relation: a held claim, or the claim another proposal
    would create (accept that proposal first)."""

    model_config = ConfigDict(extra="forbid")

    claim: Slug | None = Field(default=None, description="Id of a held claim.")
    proposal: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="Id of a claim proposal."
    )

    @model_validator(mode="after")
    def _one(self) -> ProposalEnd:
        if (self.claim is None) == (self.proposal is None):
            raise ValueError("give exactly one of `claim` and `proposal`")
        return self


class RelationProposal(BaseModel):
    """The relation accepting creates: `from` bears on `to` as `type` says."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    type: RelationType = Field(description="How the first claim bears on the second.")
    from_: ProposalEnd = Field(alias="from", description="The claim that bears on the other.")
    to: ProposalEnd = Field(description="The claim it bears on.")
    note: str = Field(max_length=1000, description="Why, in one sentence.")
    method: str | None = Field(
        default=None,
        max_length=40,
        description="How the matcher found the two alike (exact, near_duplicate, lexical, "
        "semantic), for a relation it proposed; its score is the proposal's confidence and "
        "its rule the proposer's.",
    )


class LinkCandidate(BaseModel):
    """A held entity a mention may be, and how well it fits."""

    entity: str = Field(description="Slug of the entity.")
    name: str = Field(description="Its name.")
    kind: EntityKind = Field(description="Its kind.")
    score: float = Field(description="How well the mention fits it, 0 to 1.")
    basis: str = Field(
        description="Why it is a candidate: `name`, `alias`, `same name` (but for case, "
        "accents or punctuation), `acronym`, `surname`, `first name`, `role`, `fuzzy`; "
        "with `, kind differs` when the recogniser read another kind."
    )


class NewEntityOption(BaseModel):
    """The entity accepting creates if the mention is none of the candidates."""

    slug: str = Field(description="Slug it would get.")
    name: str = Field(description="Name it would get: the fullest form in the text.")
    kind: EntityKind | None = Field(
        description="Kind it would get; null when the recogniser could not tell, and the "
        "reviewer gives it."
    )


class MentionOf(BaseModel):
    """A name as one text writes it: its fullest form and every spelling of it there."""

    name: str = Field(description='The fullest form in the text ("John Howard").')
    kind: EntityKind | None = Field(
        description="What the recogniser read it as; null when it could not tell."
    )
    spellings: list[str] = Field(
        description='Every way the text writes it ("John Howard", "Howard").'
    )


class EntityLinkProposal(BaseModel):
    """Which entity a mention is: one of the candidates (best first), or a new one."""

    mention: MentionOf
    candidates: list[LinkCandidate] = Field(description="Held entities it may be, best first.")
    new_entity: NewEntityOption = Field(description='The "new entity" option.')


class EntityMergeProposal(BaseModel):
    """Two held entities that look like one: `entity` would be merged into `into`."""

    entity: str = Field(description="Slug of the entity that would be merged (and redirect).")
    into: str = Field(description="Slug of the entity that would be kept.")
    score: float = Field(description="How alike they are, 0 to 1.")
    basis: str = Field(
        description="Why: `same name`, `acronym`, `fuzzy`, `same_as` (a shared identifier)."
    )


class _Reviewed(BaseModel):
    id: int = Field(description="Stable id of the proposal.")
    state: ProposalState = Field(description="pending, accepted, rejected or superseded.")
    evidence: Evidence = Field(description="Where it was read, and the words.")
    confidence: float = Field(description="How sure its proposer was, 0 to 1.")
    proposed_by: Proposer
    proposed_at: datetime = Field(description="When it was proposed (UTC).")
    reviewed_at: datetime | None = Field(description="When it was accepted or rejected (UTC).")
    reviewed_by: str | None = Field(description="Name of the API key that reviewed it.")
    reason: str | None = Field(description="Why it was rejected or superseded.")
    result: str | None = Field(
        description="Public id of what accepting created or decided: a claim's or a "
        "relation's id, the entity a mention was linked to, the entity kept by a merge."
    )


class ClaimProposalPublic(_Reviewed):
    """A claim read from a text: who the words are credited to, and how."""

    kind: Literal[ProposalKind.claim] = Field(
        default=ProposalKind.claim, description="`claim`: accepting it creates a claim."
    )
    payload: ClaimProposal = Field(description="The claim it proposes, as read.")


class RelationProposalPublic(_Reviewed):
    """A relation between two claims, or claims to be."""

    kind: Literal[ProposalKind.relation] = Field(
        default=ProposalKind.relation, description="`relation`: accepting it links two claims."
    )
    payload: RelationProposal = Field(description="The relation it proposes.")


class EntityLinkProposalPublic(_Reviewed):
    """A mention of a text whose entity the resolver could not decide alone."""

    kind: Literal[ProposalKind.entity_link] = Field(
        default=ProposalKind.entity_link,
        description="`entity_link`: accepting it says which entity the mention is.",
    )
    payload: EntityLinkProposal = Field(description="The mention and its candidates.")


class EntityMergeProposalPublic(_Reviewed):
    """Two entities the store finds likely to be one."""

    kind: Literal[ProposalKind.entity_merge] = Field(
        default=ProposalKind.entity_merge,
        description="`entity_merge`: accepting it merges `entity` into `into`.",
    )
    payload: EntityMergeProposal = Field(description="The two entities and why.")


ProposalPublic = Annotated[
    ClaimProposalPublic
    | RelationProposalPublic
    | EntityLinkProposalPublic
    | EntityMergeProposalPublic,
    Field(discriminator="kind"),
]


class ProposalPage(ListPage[ProposalPublic]):
    """A page of proposals, oldest first; follow `next` for the rest."""


# --- what clients send ------------------------------------------------------------------


class SpanIn(InputModel):
    """Words of a held text, at their offsets (found in the text when omitted)."""

    text: str = Field(min_length=1, max_length=10_000, description="The exact words.")
    start: int | None = Field(
        default=None, ge=0, description="Offset of the first character; found when omitted."
    )
    end: int | None = Field(
        default=None, ge=0, description="Offset just past the last; found when omitted."
    )


class ProposeRelation(InputModel):
    """A relation for someone else to review: two claims (held, or proposed) and how
    the first bears on the second."""

    model_config = ConfigDict(populate_by_name=True)

    kind: Literal[ProposalKind.relation] = Field(
        description="What is proposed; clients propose relations (claims come from texts)."
    )
    payload: RelationProposal = Field(description="The relation proposed.")
    source: str | None = Field(
        default=None,
        max_length=300,
        description="Slug of a held source whose words support it; its spans go in `spans`.",
    )
    spans: list[SpanIn] = Field(
        default_factory=list,
        max_length=20,
        description="Words of the source's held text that support it (a dispute's cue), "
        "checked against the text.",
    )
    confidence: float = Field(default=1.0, ge=0, le=1, description="How sure you are, 0 to 1.")
    rule: str | None = Field(default=None, max_length=100, description="Your rule's name.")


class ReviewItem(InputModel):
    """One proposal of a batch accept, with the ETag it was last read with."""

    id: int = Field(ge=1, le=2**31 - 1, description="Id of the proposal.")
    etag: str = Field(
        max_length=200,
        description='Its ETag, as a GET answered it: `"1-ab12..."`, or without the quotes.',
    )
    changes: dict[str, Any] | None = Field(
        default=None,
        description="A JSON Merge Patch of what it creates, as for a single accept "
        '(`{"create_entities": true}`, another `claimant`...); omit to take it as proposed.',
    )

    @field_validator("etag")
    @classmethod
    def _quoted(cls, etag: str) -> str:
        """In a JSON body the header's quotes are optional: `1-ab12` is `"1-ab12"`."""
        bare = etag.strip()
        return bare if bare.startswith(('"', "W/")) or not bare else f'"{bare}"'


class NewEntity(InputModel):
    """The entity a mention becomes when it is none of the held ones; what is not given
    is taken from the proposal's `new_entity`."""

    slug: Slug | None = Field(default=None, description="Its slug.")
    name: str | None = Field(default=None, min_length=1, max_length=200, pattern=r"\S")
    kind: EntityKind | None = Field(
        default=None, description="Its kind; needed when the proposal's is null."
    )


class LinkChoice(InputModel):
    """What accepting an `entity_link` proposal decides: a held entity (a candidate or
    any other), or a new one. Send nothing to take the best candidate (or, with none,
    the new entity)."""

    entity: str | None = Field(
        default=None, max_length=200, description="Slug (or name) of the held entity it is."
    )
    new: NewEntity | None = Field(default=None, description="Create it as a new entity.")
    aliases: bool = Field(
        default=True,
        description="Add the mention's full spellings (not a bare surname) to the entity's "
        "aliases where no other entity has them, so the next text that writes them "
        "resolves at once.",
    )

    @model_validator(mode="after")
    def _one(self) -> LinkChoice:
        if self.entity is not None and self.new is not None:
            raise ValueError("give `entity` or `new`, not both")
        return self


class AcceptedItem(BaseModel):
    """What accepting one proposal of a batch created."""

    proposal: int = Field(description="Id of the proposal accepted.")
    kind: ProposalKind = Field(description="The proposal's kind.")
    id: str = Field(
        description="Public id of what it created or decided: a claim's, a relation's, an "
        "entity's slug."
    )
    etag: str = Field(description="The ETag of what it created, for a later edit.")
    href: str = Field(description="Where what it created lives, under the service's root.")


class AcceptedBatch(BaseModel):
    """Every proposal of a batch accept, in the order sent, with what it created."""

    items: list[AcceptedItem] = Field(description="One entry per proposal, in the order sent.")
