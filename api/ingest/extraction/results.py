"""What extraction hands to the review queue: immutable candidates with their evidence, and
the relations one candidate's words propose towards another's ("X denied Y's claim")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SpeechKind = Literal["direct", "indirect", "mixed"]
ClaimStatus = Literal["reported", "speculative"]
RelationKind = Literal["contradicts", "undermines"]


@dataclass(frozen=True)
class Mention:
    """A named person, organisation or place, by its offsets in the source text."""

    name: str
    start: int
    end: int
    kind: str  # a models.base.EntityKind value


@dataclass(frozen=True)
class Hop:
    """One link of the chain from the article out to the claimant."""

    name: str
    verb: str  # a models.base.Verb value
    kind: str | None = None  # a models.base.EntityKind value, when the reader knows it


@dataclass(frozen=True)
class Candidate:
    """One attributed statement, for a person to accept, edit or reject.

    `text` is always `source_text[start:end]`; `claimant` is a name, never a pronoun.
    `claimed_on` is the date the text gives for the statement, resolved against the
    source's date; when the text gives none, the source's own date with
    `claimed_on_inferred` true (None only when the source is undated too).
    """

    start: int
    end: int
    text: str
    claimant: str | None
    cue: str
    speech: SpeechKind
    attribution: tuple[Hop, ...]
    status: ClaimStatus
    claimed_on: str | None
    entities: tuple[Mention, ...]
    confidence: float
    cue_start: int  # where the reporting words stand, so a reviewer can see the evidence
    claimed_on_inferred: bool = False
    claimant_kind: str | None = None  # a models.base.EntityKind value, when there is a claimant


@dataclass(frozen=True)
class RelationFinding:
    """A relation the text itself draws between two candidates of the same extraction:
    candidate `source` (an index into `Extraction.candidates`) contradicts or undermines
    candidate `target`, by the words at `cue_start:cue_end` ("disputes", "denied",
    "calls ... misguided")."""

    source: int
    target: int
    type: RelationKind  # a models.base.RelationType value
    cue: str
    cue_start: int
    cue_end: int
    confidence: float


@dataclass(frozen=True)
class Extraction:
    """Everything read from one text: candidates in text order, the relations between them
    the text draws, and what went wrong."""

    candidates: tuple[Candidate, ...]
    warnings: tuple[str, ...]
    relations: tuple[RelationFinding, ...] = ()
