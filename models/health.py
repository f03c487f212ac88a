"""The answer of the health probe."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class ReplicaHealth(BaseModel):
    """One read replica (`CLAIMS_READ_DATABASE_URL`), as the server last saw it."""

    name: str = Field(description="The replica's host and port.", examples=["10.0.0.7:5432"])
    status: Literal["ok", "lagging", "down"] = Field(
        description="`ok`: takes reads; `lagging`: further behind the primary than "
        "`CLAIMS_READ_MAX_LAG` allows, reads go elsewhere; `down`: does not answer."
    )
    lag_seconds: float | None = Field(
        description="How far behind the primary its data is, in seconds (0 when it has "
        "replayed everything it received); null when down."
    )
    replay_lsn: str | None = Field(
        description="The primary's log position it has replayed up to, as a "
        "`Claims-Consistency` token; null when down.",
        examples=["0/3000148"],
    )


class Health(BaseModel):
    """The service answers and its store answers."""

    status: str = Field(description="`ok` when healthy.", examples=["ok"])
    database: str = Field(description="The store's engine: sqlite or postgresql.")
    replicas: list[ReplicaHealth] | None = Field(
        default=None,
        description="The read replicas and their state; left out when none are set. A "
        "replica that is down or lagging does not make the service unhealthy: its reads go "
        "to the primary.",
    )
