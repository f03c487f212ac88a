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


class ClaimPage(ListPage[ClaimPublic]):
    """A page of claims; follow `next` for the rest."""


class EntityPage(ListPage[EntityPublic]):
    """A page of entities; follow `next` for the rest."""


class SourcePage(ListPage[SourcePublic]):
    """A page of sources; follow `next` for the rest."""
