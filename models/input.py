"""What every input model shares: one glossary of field meanings, no unknown fields, text
a database can hold (no NUL, no lone surrogate) and booleans that are booleans.

Creates carry every field; an update is a JSON Merge Patch (RFC 7386) applied to the
resource's create shape, then validated as a create, so one set of rules covers both.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Discriminator, Tag, ValidationInfo, field_validator

# One meaning per field name, across every input model (and so across the docs).
GLOSSARY = {
    "slug": "Public id: lowercase words joined by hyphens. It cannot change later.",
    "name": "The usual full name.",
    "kind": "What sort of thing it is.",
    "aliases": "Other names as written in sources; unique across entities, ignoring case.",
    "description": "One or two sentences of context.",
    "title": "The title as published, when known.",
    "publisher": "Slug of the entity that published it.",
    "date": "Publication date at the precision known: YYYY, YYYY-MM or YYYY-MM-DD.",
    "date_inferred": "True when any part of the date comes from context.",
    "date_note": "Why the date is what it is, when it is inferred.",
    "url": "Where the work can be read.",
    "statement": "One neutral sentence saying what is claimed.",
    "quote": "The verbatim words of a held source that carry the claim.",
    "source": "Slug of a source.",
    "text": "The exact words.",
    "start": "Offset of the first character (Python str index).",
    "end": "Offset just past the last character.",
    "claimant": "Slug of the entity that asserts the claim.",
    "entities": "Entities involved and their roles; the claimant is added as claimant.",
    "attribution": "Ordered hops from the held source out to the original claimant.",
    "entity": "Slug of an entity.",
    "claimed_on": "When the claimant made the claim: YYYY, YYYY-MM or YYYY-MM-DD.",
    "event_date": "When the claimed event happened, at the precision known.",
    "quantity": "A figure the claim states, if any.",
    "value": "The figure, or null when the words give none.",
    "unit": "What is counted.",
    "qualifier": 'How the figure is hedged: "more than", "few"...',
    "role": "How the entity figures in the claim.",
    "verb": "What this hop did with the claim.",
    "status": "How the source presents it: asserted, reported or speculative (disputed "
    "follows from relations).",
    "claimed_on_inferred": "True when any part of claimed_on comes from context, not the quote.",
    "event_date_inferred": "True when any part of event_date comes from context, not the quote.",
    "low": "The least the words allow, inclusive; null when they set no floor.",
    "high": "The most the words allow, inclusive; null when they set no ceiling.",
    "type": "How the first claim bears on the second.",
    "note": "Why, in one sentence.",
    "speech": "direct, indirect or own.",
    "id": "Stable public id, chosen by the writer.",
}


def describe_fields(schema: dict[str, Any]) -> None:
    for name, prop in schema.get("properties", {}).items():
        if "description" not in prop and name in GLOSSARY:
            prop["description"] = GLOSSARY[name]


class InputModel(BaseModel):
    """Base of every model a client sends."""

    model_config = ConfigDict(
        extra="forbid",
        str_max_length=100_000,
        # Python's JSON parser reads NaN and Infinity; JSON has neither.
        allow_inf_nan=False,
        json_schema_extra=describe_fields,
    )

    @field_validator("*", mode="before")
    @classmethod
    def _plain_values(cls, value: object, info: ValidationInfo) -> object:
        """Every field of every body, before anything else reads it: text (alone or in a
        list) that a database can hold, and booleans that are JSON booleans."""
        problem = text_problem(value)
        if problem is not None:
            raise ValueError(problem)
        if info.field_name in _flags(cls) and value is not None and not isinstance(value, bool):
            raise ValueError("must be true or false (a JSON boolean, not a string or number)")
        return value


def text_problem(value: object) -> str | None:
    """What is wrong with text a client sent, if anything: a NUL character (PostgreSQL
    refuses it, and SQLite would keep a name no lookup can find) or a lone surrogate (not
    Unicode text at all). Lists are checked item by item; nested objects are models,
    which check their own fields."""
    if isinstance(value, str):
        if "\x00" in value:
            return "must not contain a NUL character"
        if not _encodable(value):
            return "must be Unicode text (it holds a lone surrogate escape)"
        return None
    if isinstance(value, list | tuple):
        for number, item in enumerate(value):
            problem = text_problem(item)
            if problem is not None:
                return f"item {number} {problem}"
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@cache
def _flags(model: type[BaseModel]) -> frozenset[str]:
    """The boolean fields of an input model: they take `true` and `false` only, never the
    strings and numbers pydantic would otherwise read as booleans ("yes", "1", 1)."""
    return frozenset(
        name
        for name, field in model.model_fields.items()
        if field.annotation is bool or _optional_bool(field.annotation)
    )


def _optional_bool(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, UnionType) and set(get_args(annotation)) == {
        bool,
        type(None),
    }


def patch_schema(example: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    """The JSON schema of a merge patch: its fields described, and a real example."""

    def write(schema: dict[str, Any]) -> None:
        describe_fields(schema)
        schema["examples"] = [example]

    return write


# Branch tags of `slug_or_object` unions: blank, so an error's field path names no branch
# (`body.claimant.name`, not `body.claimant.NewClaimant.name`; `api.http.errors` drops
# blank parts of an error's location).
_SLUG, _OBJECT = " ", ""


def _shape(value: Any) -> str:
    return _OBJECT if isinstance(value, dict | BaseModel) else _SLUG


def slug_or_object(slug: Any, model: type[BaseModel]) -> Any:
    """A field that takes either a slug or an object (`{name, kind}`), picked by the
    shape of what was sent, so a refusal speaks of that shape alone."""
    return Annotated[
        Annotated[slug, Tag(_SLUG)] | Annotated[model, Tag(_OBJECT)], Discriminator(_shape)
    ]
