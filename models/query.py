"""Query parameters of the list endpoints, as models: documented once, typos rejected.

Each model forbids unknown parameters, so `?entitiy=legion` is a 422 naming `entitiy`
rather than a silent, unfiltered answer. The server parses requests with them
(`api.http.params`), and the queries read them as they are.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from models.base import (
    PARTIAL_DATE_PATTERN,
    ClaimSort,
    ClaimStatus,
    EntityKind,
    Facet,
    RelationType,
    Role,
    SourceKind,
)
from models.candidate import ProposalState
from models.proposal import ProposalKind

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
DEFAULT_FACET_SIZE = 10
MAX_FACET_SIZE = 500
_DATE_PATTERN = PARTIAL_DATE_PATTERN


class PageParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(
        default=DEFAULT_LIMIT,
        ge=1,
        le=MAX_LIMIT,
        description=f"Items per page, 1 to {MAX_LIMIT}.",
        examples=[20],
    )
    cursor: str | None = Field(
        default=None,
        max_length=200,
        description="Opaque position from a previous page's `next` link; omit for page one.",
    )


UPDATED_SINCE_DOC = (
    "Only what changed at or after this moment (RFC 3339, such as 2026-12-02T08:00:00Z; "
    "no offset means UTC), by `updated_at`."
)


class ClaimFilterParams(PageParams):
    """Filters that narrow a list of claims; they combine."""

    updated_since: datetime | None = Field(
        default=None, description=UPDATED_SINCE_DOC, examples=["2026-12-02T08:00:00Z"]
    )

    role: Role | None = Field(
        default=None, description="With an entity: only claims where it has this role."
    )
    claimant: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Claims asserted by this entity (slug, name or alias, any case, or a "
        "Wikidata id such as Q7747 or another `same_as` URI of it).",
        examples=["oleksiy-arestovych"],
    )
    claimant_kind: EntityKind | None = Field(
        default=None,
        description="Claims whose claimant is of this kind: `anonymous` finds those "
        "credited to unnamed sources.",
        examples=["anonymous"],
    )
    cluster: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="The claims of this cluster (its id, or the id of any claim in it): "
        "claims joined by confirmed `restates` relations. 404 for a claim in no cluster.",
        examples=["many-want-to-join-legion"],
    )
    source: str | None = Field(
        default=None,
        min_length=1,
        max_length=300,
        description="Claims whose attribution chain passes through this source (slug, name "
        "or title), or through any source of the publisher so named.",
        examples=["moscow-times-switching-sides"],
    )
    status: ClaimStatus | None = Field(default=None, description="Only claims with this status.")
    q: str | None = Field(
        default=None,
        max_length=200,
        description="Full-text search of the statement and the quote: every word must "
        'appear (any case, any form: `battalion` finds "battalions", `cafe` finds '
        '"café"); `OR` between alternatives (binding more loosely than the words around '
        'it); `"a phrase"` in double quotes; `-word` or `-"a phrase"` to leave out. '
        "Common words such as `the` are not indexed. A `q` with nothing to find, or with "
        "an alternative that only leaves out, is a 422.",
        examples=["battalions", 'legion OR "fully manned" -ukraine'],
    )
    since: str | None = Field(
        default=None,
        pattern=_DATE_PATTERN,
        description="Claims made on or after this date (YYYY, YYYY-MM or YYYY-MM-DD). A claim "
        "dated with less precision matches only if it falls wholly inside the window: "
        "since=2022-06 includes a claim dated 2022-06, not one dated just 2022.",
        examples=["2022-06"],
    )
    until: str | None = Field(
        default=None,
        pattern=_DATE_PATTERN,
        description="Claims made on or before this date, with the same precision rule.",
        examples=["2022-07"],
    )
    event_since: str | None = Field(
        default=None,
        pattern=_DATE_PATTERN,
        description="Claims about events on or after this date, with the precision rule "
        "of `since` (claims without an event date are left out).",
        examples=["2022-02"],
    )
    event_until: str | None = Field(
        default=None,
        pattern=_DATE_PATTERN,
        description="Claims about events on or before this date, with the same rule.",
        examples=["2022-03"],
    )
    quantity_unit: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Claims stating a figure of this unit (people, battalions, ...).",
        examples=["people"],
    )
    quantity_min: float | None = Field(
        default=None,
        ge=-1e15,
        le=1e15,
        allow_inf_nan=False,
        description="Claims whose figure's range reaches this number or more: a claim of "
        "'a few hundred' (200 to 500) matches quantity_min=400.",
        examples=[1000],
    )
    quantity_max: float | None = Field(
        default=None,
        ge=-1e15,
        le=1e15,
        allow_inf_nan=False,
        description="Claims whose figure's range reaches down to this number or less.",
        examples=[500],
    )
    sort: ClaimSort | None = Field(
        default=None,
        description="Order of the list: `claimed_on` (oldest first), `-claimed_on` (newest "
        "first), `event_date`, `-event_date` (by when the claimed thing happened), or "
        "`relevance` (best match for `q` first, among its 1,000 most recently added matches by "
        "default; needs `q`). Default: the order the sources "
        "make the claims. Oldest first places a date by its last day and newest first by "
        "its first, so a date known only to the year comes after the precise dates in it "
        "either way; undated claims come first oldest-first and last newest-first.",
    )
    facet: list[Facet] = Field(
        default=[],
        max_length=4,
        description="Repeat to get, for the whole filtered set, counts of its commonest "
        "claimants, sources, statuses or entities (`facet_size` of each; `facets_omitted` "
        "says how many values were left out).",
        examples=[["status", "claimant"]],
    )
    facet_size: int = Field(
        default=DEFAULT_FACET_SIZE,
        ge=1,
        le=MAX_FACET_SIZE,
        description=f"How many values each facet lists, 1 to {MAX_FACET_SIZE}.",
        examples=[10],
    )
    include: Literal["retracted"] | None = Field(
        default=None,
        description="`retracted` also lists retracted claims; by default they are left out.",
    )
    count: Literal["exact"] | None = Field(
        default=None,
        description="`exact` adds the size of the whole filtered set (it reads every match, "
        "so it is opt-in).",
    )
    format: Literal["csv", "ndjson"] | None = Field(
        default=None,
        description="`csv` or `ndjson` exports every claim the filters match, not one page, "
        "streamed as an attachment (as does `Accept: text/csv` or `application/x-ndjson`). "
        "An export is never paged: it refuses `cursor`, `limit`, `count`, `facet` and "
        "`facet_size`.",
    )


class ClaimListParams(ClaimFilterParams):
    entity: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Claims involving this entity (slug, name or alias, any case, or a "
        "Wikidata id such as Q7747 or another `same_as` URI of it), in any role unless "
        "`role` narrows it.",
        examples=["legion"],
    )


class EntityListParams(PageParams):
    updated_since: datetime | None = Field(
        default=None, description=UPDATED_SINCE_DOC, examples=["2026-12-02T08:00:00Z"]
    )
    kind: EntityKind | None = Field(default=None, description="Only entities of this kind.")
    q: str | None = Field(
        default=None,
        max_length=200,
        description="Words that must all appear in a name, an alias or the description.",
        examples=["legion"],
    )


class SourceListParams(PageParams):
    updated_since: datetime | None = Field(
        default=None, description=UPDATED_SINCE_DOC, examples=["2026-12-02T08:00:00Z"]
    )
    kind: SourceKind | None = Field(default=None, description="Only sources of this kind.")
    publisher: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Only sources published by this entity (slug, name or alias).",
        examples=["moscow-times"],
    )


class CandidateListParams(PageParams):
    source: str | None = Field(
        default=None,
        min_length=1,
        max_length=300,
        description="Only those read from this source (slug, name or title), or from any "
        "source of the publisher so named.",
        examples=["harbour-fire"],
    )
    state: ProposalState | None = Field(
        default=None,
        description="Only those in this state: pending, accepted, rejected or superseded.",
    )
    min_confidence: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Only those whose proposer was at least this sure (0 to 1); "
        "docs/extraction.md says how sure each tier of the extractor's confidence has been.",
        examples=[0.9],
    )


class ProposalListParams(CandidateListParams):
    """Filters of the review queue; they combine."""

    kind: ProposalKind | None = Field(
        default=None,
        description="Only proposals of this kind: claim, relation, entity_link or entity_merge.",
    )
    claim: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Only proposals about this held claim: the claim one became, or an end "
        "of a relation.",
        examples=["legion-two-fully-manned-battalions"],
    )
    entity: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Only proposals naming this entity (slug, name or alias), as their names "
        "resolved when they were proposed.",
        examples=["freedom-of-russia-legion"],
    )


class RelationListParams(PageParams):
    """Filters of the relations list; they combine."""

    updated_since: datetime | None = Field(
        default=None, description=UPDATED_SINCE_DOC, examples=["2026-12-02T08:00:00Z"]
    )

    type: RelationType | None = Field(default=None, description="Only relations of this type.")
    claim: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Only relations of this claim, in either direction.",
        examples=["legion-two-fully-manned-battalions"],
    )
    entity: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Only relations where either claim involves this entity (slug, name or "
        "alias, any case).",
        examples=["legion"],
    )
    include: Literal["retracted"] | None = Field(
        default=None, description="`retracted` also lists retracted relations."
    )


class ClaimRelationParams(PageParams):
    """What a claim's relations list takes."""

    include: Literal["retracted"] | None = Field(
        default=None, description="`retracted` also lists retracted relations."
    )
