"""Entities: who or what a claim is about, or who asserts it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from models.base import EntityKind, Slug
from models.input import InputModel, patch_schema

_LEGION: dict[str, Any] = {
    "slug": "freedom-of-russia-legion",
    "name": "Freedom of Russia Legion",
    "kind": "military_unit",
}


class EntityRef(BaseModel):
    """An entity as other resources point at it; fetch /entities/{slug} for the rest."""

    model_config = {"json_schema_extra": {"examples": [_LEGION]}}

    slug: str = Field(description="Public id of the entity.")
    name: str = Field(description="The usual full name.")
    kind: EntityKind


class EntityPublic(BaseModel):
    """Someone or something claims are about or made by, with every name it goes by."""

    model_config = {
        "json_schema_extra": {
            "examples": [
                _LEGION
                | {
                    "description": "Unit of Russian citizens fighting on Ukraine's side "
                    "against the Russian army, formed in 2022.",
                    "aliases": ["Legion", "Freedom of Russia", "Russian Legion"],
                    "updated_at": "2026-12-02T08:00:00Z",
                }
            ]
        }
    }

    slug: str = Field(
        description="Public id: lowercase words joined by hyphens.",
        examples=["freedom-of-russia-legion"],
    )
    name: str = Field(description="The usual full name.", examples=["Freedom of Russia Legion"])
    kind: EntityKind = Field(description="What sort of entity this is.")
    description: str | None = Field(default=None, description="One or two sentences of context.")
    aliases: list[str] = Field(description="Other names, as written in the sources.")
    updated_at: datetime = Field(description="When the entity was made or last edited (UTC).")


# A name as written: 1 to 300 characters, not all of them blank.
Alias = Annotated[str, StringConstraints(min_length=1, max_length=300, pattern=r"\S")]


class EntityCreate(InputModel):
    """A new entity; its slug, name and aliases must not be taken by another entity."""

    slug: Slug
    name: str = Field(min_length=1, max_length=200)
    kind: EntityKind
    aliases: list[Alias] = Field(default=[], max_length=50)
    description: str | None = Field(default=None, max_length=2000)


class EntityUpdate(InputModel):
    """A JSON Merge Patch of an entity: the fields to change; null removes an optional one."""

    model_config = ConfigDict(
        json_schema_extra=patch_schema(
            {"aliases": ["Legion", "Freedom of Russia", "Russian Legion", "FRL"]}
        )
    )

    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: EntityKind | None = None
    aliases: list[Alias] | None = Field(default=None, max_length=50)
    description: str | None = Field(default=None, max_length=2000)
