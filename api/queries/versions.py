"""Entity tags: what names a version of a resource, and how tags sent back compare.

A tag is strong: the row's version and a digest of exactly what readers get, so two
answers share a tag only when they are the same bytes of the same version.
"""

from __future__ import annotations

import hashlib
import re

from pydantic import BaseModel


def tag(body: str, version: int) -> str:
    return f'"{version}-{hashlib.sha256(body.encode()).hexdigest()[:16]}"'


def tag_of(public: BaseModel, version: int) -> str:
    """The tag readers get for `public` at `version`."""
    return tag(public.model_dump_json(), version)


def listed(header: str) -> list[str]:
    """The tags of an If-Match or If-None-Match header, as sent."""
    return [part.strip() for part in header.split(",") if part.strip()]


# An entity-tag as RFC 9110 (section 8.8.3) writes one: optionally weak, then quoted.
_ENTITY_TAG = re.compile(r'(?:W/)?"[\x21\x23-\x7e\x80-\uffff]*"')


def matches(header: str, current: str, *, weak: bool = False) -> bool:
    """Whether `header` names `current` (RFC 9110 sections 13.1.1 and 13.1.2).

    The field is either `*` alone, which names any current version, or a list of
    entity-tags, which names the version one of them is. Anything else (a `*` among
    tags, or a member that is not an entity-tag: `"stale", *`) is neither, and names
    nothing: an If-Match then fails (412) and an If-None-Match gets the full answer.

    If-Match compares strongly: a weak tag (`W/"..."`) names no exact representation, so it
    never matches. If-None-Match compares weakly: `W/"1-ab"` and `"1-ab"` are the same
    version, as a cache behind a compressing proxy holds it.
    """
    tags = listed(header)
    if tags == ["*"]:
        return True
    if not all(_ENTITY_TAG.fullmatch(sent) for sent in tags):
        return False
    if not weak:
        return current in tags
    return current.removeprefix("W/") in {t.removeprefix("W/") for t in tags}
