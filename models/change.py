"""The change feed: what changed in the store, in commit order, to keep a copy in sync."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

FEED_MAX_LIMIT = 1000
FEED_DEFAULT_LIMIT = 100
FEED_MAX_WAIT = 60


class ChangeKind(StrEnum):
    """What a change did to its resource."""

    created = "created"
    updated = "updated"
    retracted = "retracted"
    restored = "restored"
    deleted = "deleted"
    merged = "merged"


class FedResource(StrEnum):
    """The kinds of resource the change feed follows."""

    claim = "claim"
    entity = "entity"
    source = "source"
    relation = "relation"


class ChangePublic(BaseModel):
    """One change: which resource, what happened, and the resource as it then stood."""

    cursor: str = Field(
        description="Opaque position of this change: `since=` it (or `Last-Event-ID`) "
        "resumes after it."
    )
    kind: ChangeKind = Field(
        description="created, updated, retracted, restored (a retraction or a merge "
        "undone), deleted (a tombstone: no document) or merged (an entity merged into "
        "another: its document names the one kept in `merged_into`)."
    )
    resource: FedResource = Field(description="claim, entity, source or relation.")
    id: str = Field(description="The resource's id (claims, relations) or slug.")
    revision: int = Field(
        description="The resource's revision count with this change, as its history numbers "
        "them: every change is a revision."
    )
    version: int | None = Field(description="The resource's version; null for a deletion.")
    etag: str | None = Field(
        description="The ETag a GET of the resource sent at this version; null for a "
        "deletion, and for changes made before the feed existed."
    )
    at: datetime = Field(description="When the change was made (UTC).")
    href: str = Field(description="URL of the resource.")
    document: dict[str, Any] | None = Field(
        description="The resource's JSON as a GET sent it after this change (a retracted "
        "claim or relation with its `retraction`); null for a deletion, and for changes "
        "made before the feed existed (fetch `href`)."
    )


class ChangePage(BaseModel):
    """Changes in commit order. `next` is always there: on the last page it is where to
    poll from, and answers an empty list until something changes."""

    items: list[ChangePublic] = Field(description="The changes, oldest first.")
    next: str = Field(
        description='URL of the changes after these (also a `Link: rel="next"` header).',
        examples=["http://localhost:8000/changes?limit=100&since=eyJ2IjoxLCJzIjoiY2hhbmdlcyJ9"],
    )


class ChangeListParams(BaseModel):
    """What `/changes` takes."""

    model_config = ConfigDict(extra="forbid")

    since: str | None = Field(
        default=None,
        max_length=200,
        description="Opaque position from a change's `cursor` or a `next` link; omit to "
        "read from the first change.",
    )
    limit: int = Field(
        default=FEED_DEFAULT_LIMIT,
        ge=1,
        le=FEED_MAX_LIMIT,
        description=f"Changes per page, 1 to {FEED_MAX_LIMIT}.",
    )
    wait: float = Field(
        default=0,
        ge=0,
        le=FEED_MAX_WAIT,
        description="Long-poll: when nothing is past `since`, wait up to this many seconds "
        f"(at most {FEED_MAX_WAIT}) for a change before answering an empty page.",
    )
