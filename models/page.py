"""The envelope every list endpoint answers with."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

from models.claim import ClaimPublic
from models.entity import EntityPublic
from models.source import SourcePublic

T = TypeVar("T")


class ListPage(BaseModel, Generic[T]):
    """One page of a list; follow `next` for the rest."""

    items: list[T] = Field(description="This page's items, in a stable order.")
    next: str | None = Field(
        description='URL of the next page (also sent as a `Link: rel="next"` header); '
        "null on the last page.",
        examples=[
            "http://localhost:8000/claims?entity=legion&limit=2&cursor=eyJ2IjoxLCJhZnRlciI6M30"
        ],
    )


class FacetValue(BaseModel):
    """How many claims of the filtered set share one value."""

    value: str = Field(description="The value: a slug, or a status.")
    label: str | None = Field(default=None, description="Its display name, if it has one.")
    count: int = Field(description="Claims of the filtered set with this value.")


class ClaimPage(ListPage[ClaimPublic]):
    """A page of claims; follow `next` for the rest."""

    count: int | None = Field(
        default=None, description="Size of the whole filtered set, with `count=exact`."
    )
    facets: dict[str, list[FacetValue]] | None = Field(
        default=None,
        description="For each `facet` asked for, the commonest values in the filtered set "
        "and their counts, most common first, at most `facet_size` of them.",
        examples=[{"status": [{"value": "reported", "label": None, "count": 20}]}],
    )
    facets_omitted: dict[str, int] | None = Field(
        default=None,
        description="For each facet, how many of its values were left out of `facets` by "
        "`facet_size`: 0 means the list is complete.",
        examples=[{"status": 0, "entity": 19}],
    )


class EntityPage(ListPage[EntityPublic]):
    """A page of entities; follow `next` for the rest."""


class SourcePage(ListPage[SourcePublic]):
    """A page of sources; follow `next` for the rest."""
