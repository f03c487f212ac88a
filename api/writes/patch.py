"""Merge patches and client bodies: how an edit becomes a valid create shape.

An update is a JSON Merge Patch (RFC 7386) applied to the resource's create shape and
validated as a create, so one set of rules covers both.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from api.errors import invalid_body

M = TypeVar("M", bound=BaseModel)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON Merge Patch: objects merge, null deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def patched(model: type[M], current: dict[str, Any], patch: Any, *, key: str, what: str) -> M:
    """`current` with `patch` merged in, validated as `model`; `what`'s `key` (its public
    id) cannot change."""
    if not isinstance(patch, dict):
        raise invalid_body("body", "a merge patch is a JSON object")
    merged = merge_patch(current, patch)
    if merged.get(key) != current.get(key):
        raise invalid_body(f"body.{key}", f"{what}'s {key} cannot change")
    return validated(model, merged)


def validated(model: type[M], data: Any, prefix: str = "body") -> M:
    """`model` from client data, or a 422 naming the first bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in (prefix, *error["loc"]))
        raise invalid_body(field, str(error["msg"])) from None
