"""Claim matching: has this been said before? The questions a client asks, the matches
answered, and the thresholds the matcher proposes and links by."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from models.base import PARTIAL_DATE_PATTERN
from models.claim import ClaimPublic
from models.input import InputModel

MAX_MATCHES = 50
DEFAULT_MATCHES = 10
MAX_MATCH_TEXT = 5000


class MatchMethod(StrEnum):
    """What found a match: the same words, the same sentence with small edits, shared
    content words, or a sentence-embedding model's re-ranking."""

    exact = "exact"
    near_duplicate = "near_duplicate"
    lexical = "lexical"
    semantic = "semantic"


class SuggestedType(StrEnum):
    """The relation the rules suggest between the two claims."""

    restates = "restates"
    contradicts = "contradicts"
    supports = "supports"
    qualifies = "qualifies"


class Match(BaseModel):
    """A held claim that matches, how well, how it was found, and what it suggests."""

    claim: ClaimPublic = Field(description="The held claim.")
    score: float = Field(ge=0, le=1, description="How alike the two are, 0 to 1.")
    method: MatchMethod = Field(description="What found it: exact, near_duplicate, lexical...")
    suggested_type: SuggestedType | None = Field(
        description="The relation the matcher's rules suggest (docs/matching.md), or null."
    )


class Matches(BaseModel):
    """Held claims that match, best first."""

    items: list[Match] = Field(description="Best first; a claim never matches itself.")


_LIMIT_DOC = f"How many matches at most, 1 to {MAX_MATCHES}."


class SimilarParams(BaseModel):
    """What `GET /claims/{id}/similar` takes."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=DEFAULT_MATCHES, ge=1, le=MAX_MATCHES, description=_LIMIT_DOC)
    min_score: float = Field(
        default=0.0, ge=0, le=1, description="Only matches scoring at least this, 0 to 1."
    )
    include_retracted: bool = Field(
        default=False, description="Also match retracted claims (left out by default)."
    )


class MatchQuery(InputModel):
    """A statement to look for in the store: has this been said before?"""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"text": "More than 300 people apply to join the legion every day."}]
        }
    )

    text: str = Field(
        min_length=1,
        max_length=MAX_MATCH_TEXT,
        pattern=r"\w",
        description=f"The statement, up to {MAX_MATCH_TEXT} characters.",
    )
    limit: int = Field(default=DEFAULT_MATCHES, ge=1, le=MAX_MATCHES, description=_LIMIT_DOC)
    min_score: float = Field(
        default=0.0, ge=0, le=1, description="Only matches scoring at least this, 0 to 1."
    )
    entity: str | None = Field(
        default=None,
        min_length=1,
        max_length=300,
        description="Only claims involving this entity (slug, name or alias).",
    )
    claimant: str | None = Field(
        default=None,
        min_length=1,
        max_length=300,
        description="Only claims this entity makes (slug, name or alias).",
    )
    since: str | None = Field(
        default=None,
        pattern=PARTIAL_DATE_PATTERN,
        description="Only claims that may have been made on or after this date (YYYY, "
        "YYYY-MM or YYYY-MM-DD).",
    )
    include_retracted: bool = Field(
        default=False, description="Also match retracted claims (left out by default)."
    )


# --- thresholds ------------------------------------------------------------------------

DEFAULT_SUGGEST = 0.65
DEFAULT_LINK = 0.97


class Thresholds(BaseModel):
    """When the matcher acts on a match (as Meedan's Check has it): at `suggest` or above
    it queues a relation proposal for review; at `link` or above it creates the relation
    at once, recorded as the matcher's. `suggest` is never above `link`."""

    suggest: float = Field(
        default=DEFAULT_SUGGEST, ge=0, le=1, description="Propose relations scoring this or more."
    )
    link: float = Field(
        default=DEFAULT_LINK,
        ge=0,
        le=1,
        description="Create relations scoring this or more at once, without review.",
    )
    link_across_claimants: bool = Field(
        default=False,
        description="Whether `link` also applies between claims of different claimants; "
        "by default such a relation always waits for review.",
    )


class ThresholdsUpdate(InputModel):
    """New thresholds; what is left out stays as it is."""

    suggest: float | None = Field(default=None, ge=0, le=1, description="See `Thresholds`.")
    link: float | None = Field(default=None, ge=0, le=1, description="See `Thresholds`.")
    link_across_claimants: bool | None = Field(default=None, description="See `Thresholds`.")

    @model_validator(mode="after")
    def _something(self) -> ThresholdsUpdate:
        if self.suggest is None and self.link is None and self.link_across_claimants is None:
            raise ValueError("give `suggest`, `link` or `link_across_claimants`")
        return self
