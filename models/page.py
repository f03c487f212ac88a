"""The envelope every list endpoint answers with."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class ListPage(BaseModel, Generic[T]):
    items: list[T] = Field(description="This page's items, in a stable order.")
    next: str | None = Field(
        description='URL of the next page (also sent as a `Link: rel="next"` header); '
        "null on the last page.",
        examples=["http://localhost:8000/claims?entity=legion&limit=2&cursor=eyJhZnRlciI6IDN9"],
    )
