"""Query parameters of the list endpoints, as models: documented once, typos rejected.

Each model forbids unknown parameters, so `?entitiy=legion` is a 422 naming `entitiy`
rather than a silent, unfiltered answer.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from api import queries, search
from api.errors import invalid_parameter, unknown_reference
from api.queries import ClaimSort, Facet
from models.base import ClaimStatus, EntityKind, Role, SourceKind, date_bounds

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


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


class ClaimFilterParams(PageParams):
    """Filters that narrow a list of claims; they combine."""

    role: Role | None = Field(
        default=None, description="With an entity: only claims where it has this role."
    )
    claimant: str | None = Field(
        default=None,
        max_length=200,
        description="Claims asserted by this entity (slug, name or alias, any case).",
        examples=["oleksiy-arestovych"],
    )
    source: str | None = Field(
        default=None,
        max_length=300,
        description="Claims whose attribution chain passes through this source (slug, name "
        "or title), or through any source of the publisher so named.",
        examples=["moscow-times-switching-sides"],
    )
    status: ClaimStatus | None = Field(default=None, description="Only claims with this status.")
    q: str | None = Field(
        default=None,
        max_length=200,
        description="Words that must all appear in the statement or the quote (any case).",
        examples=["battalions"],
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
    sort: ClaimSort | None = Field(
        default=None,
        description="Order of the list: `claimed_on` (oldest first; undated claims count "
        "as oldest), `-claimed_on` (newest first), or `relevance` (best match for `q` "
        "first; needs `q`). Default: the order the sources make the claims.",
    )
    facet: list[Facet] = Field(
        default=[],
        max_length=4,
        description="Repeat to get, for the whole filtered set, counts of its commonest "
        "claimants, sources, statuses or entities.",
        examples=[["status", "claimant"]],
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

    def filters(
        self,
        session: Session,
        *,
        entity: str | None = None,
        entity_id: int | None = None,
        source_ids: list[int] | None = None,
    ) -> queries.ClaimFilters:
        """Turn names into ids; a name that matches nothing is a 404 naming the parameter."""
        if entity is not None:
            entity_id = _entity_id(session, "entity", entity)
        claimant_id = _entity_id(session, "claimant", self.claimant) if self.claimant else None
        if self.source is not None:
            found = queries.find_sources(session, self.source)
            if not found:
                suggestions = queries.suggest_sources(session, self.source)
                raise unknown_reference("source", "source", self.source, suggestions)
            source_ids = found if source_ids is None else sorted(set(found) & set(source_ids))
        if self.role is not None and entity_id is None:
            raise invalid_parameter("role", "needs `entity` to say whose role it is")
        if self.q is not None and not search.words_of(self.q):
            raise invalid_parameter("q", "has no words to search for")
        if self.sort is ClaimSort.relevance and self.q is None:
            raise invalid_parameter("sort", "relevance needs `q` to rank against")
        return queries.ClaimFilters(
            entity_id=entity_id,
            role=self.role,
            claimant_id=claimant_id,
            source_ids=source_ids,
            status=self.status.value if self.status else None,
            words=self.q,
            since=_bound("since", self.since, 0),
            until=_bound("until", self.until, 1),
            include_retracted=self.include == "retracted",
        )


class ClaimListParams(ClaimFilterParams):
    entity: str | None = Field(
        default=None,
        max_length=200,
        description="Claims involving this entity (slug, name or alias, any case), in any "
        "role unless `role` narrows it.",
        examples=["legion"],
    )


class EntityListParams(PageParams):
    kind: EntityKind | None = Field(default=None, description="Only entities of this kind.")
    q: str | None = Field(
        default=None,
        max_length=200,
        description="Words that must all appear in a name, an alias or the description.",
        examples=["legion"],
    )


class SourceListParams(PageParams):
    kind: SourceKind | None = Field(default=None, description="Only sources of this kind.")
    publisher: str | None = Field(
        default=None,
        max_length=200,
        description="Only sources published by this entity (slug, name or alias).",
        examples=["moscow-times"],
    )

    def publisher_id(self, session: Session) -> int | None:
        return _entity_id(session, "publisher", self.publisher) if self.publisher else None


def _entity_id(session: Session, field: str, name: str) -> int:
    entity = queries.find_entity(session, name)
    if entity is None or entity.id is None:
        raise unknown_reference(field, "entity", name, queries.suggest_entities(session, name))
    return entity.id


def _bound(field: str, value: str | None, end: int) -> date | None:
    if value is None:
        return None
    try:
        return date_bounds(value)[end]
    except ValueError as exc:
        raise invalid_parameter(field, str(exc)) from None
