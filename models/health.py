"""The answer of the health probe."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Health(BaseModel):
    """The service answers and its store answers."""

    status: str = Field(description="`ok` when healthy.", examples=["ok"])
    database: str = Field(description="The store's engine: sqlite or postgresql.")
