"""What extraction hands to the review queue: immutable candidates with their evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SpeechKind = Literal["direct", "indirect", "mixed"]
ClaimStatus = Literal["reported", "speculative"]


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


@dataclass(frozen=True)
class Extraction:
    """Everything read from one text: candidates in text order and what went wrong."""

    candidates: tuple[Candidate, ...]
    warnings: tuple[str, ...]
