"""Entity tags: what names a version of a resource, and how tags sent back compare.

A tag is strong: the row's version and a digest of exactly what readers get, so two
answers share a tag only when they are the same bytes of the same version.
"""

from __future__ import annotations

import hashlib

from pydantic import BaseModel


def tag(body: str, version: int) -> str:
    return f'"{version}-{hashlib.sha256(body.encode()).hexdigest()[:16]}"'


def tag_of(public: BaseModel, version: int) -> str:
    """The tag readers get for `public` at `version`."""
    return tag(public.model_dump_json(), version)


def listed(header: str) -> list[str]:
    """The tags of an If-Match or If-None-Match header, as sent."""
    return [part.strip() for part in header.split(",") if part.strip()]


def matches(header: str, current: str) -> bool:
    """Whether `header` (`*` or a list of tags) names `current`."""
    tags = listed(header)
    return "*" in tags or current in tags
