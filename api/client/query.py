"""What a list can be asked for, and how those filters become a query string.

The filters are TypedDicts so that `**filters` keeps each name and type for mypy and
editors, while the client passes them on as one mapping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from enum import Enum
from typing import Literal, TypedDict

from models import ClaimSort, Facet
from models.base import ClaimStatus, EntityKind, Role

SortOrder = Literal["claimed_on", "-claimed_on", "event_date", "-event_date", "relevance"]
FacetName = Literal["claimant", "source", "status", "entity"]

Scalar = str | int | float | bool


class PageQuery(TypedDict, total=False):
    limit: int | None
    cursor: str | None


class ClaimFilters(PageQuery, total=False):
    """Filters and extras of every claim list; None means "not asked", as if left out.

    `sort="relevance"` needs `q`; `facet` adds counts of the commonest values of the
    filtered set (`page.facets`), `count="exact"` its size (`page.count`), and
    `include="retracted"` lists retracted claims too.
    """

    role: Role | str | None
    claimant: str | None
    claimant_kind: EntityKind | str | None
    source: str | None
    status: ClaimStatus | str | None
    q: str | None
    since: str | date | None
    until: str | date | None
    event_since: str | date | None
    event_until: str | date | None
    quantity_unit: str | None
    quantity_min: float | None
    quantity_max: float | None
    sort: ClaimSort | SortOrder | None
    facet: Sequence[Facet | FacetName] | None
    facet_size: int | None
    count: Literal["exact"] | None
    include: Literal["retracted"] | None


class ClaimQuery(ClaimFilters, total=False):
    """Filters of `/claims`, which alone takes `entity` (the nested lists imply it)."""

    entity: str | None


def encode_query(params: Mapping[str, object]) -> dict[str, Scalar | list[Scalar]]:
    """Only the parameters set: an empty `?q=` is a (refused) filter, not the absence of one.
    A list or tuple repeats its parameter (`facet=status&facet=claimant`)."""
    found: dict[str, Scalar | list[Scalar]] = {}
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            found[name] = [_scalar(name, item) for item in value]
        else:
            found[name] = _scalar(name, value)
    return found


def _scalar(name: str, value: object) -> Scalar:
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Scalar):
        return value
    raise TypeError(f"{name}={value!r} is not a query parameter value")
