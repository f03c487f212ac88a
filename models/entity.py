"""Entities: who or what a claim is about, or who asserts it."""

from __future__ import annotations

from pydantic import BaseModel
from pydantic import Field as PField
from sqlalchemy import String
from sqlmodel import Field, SQLModel

from models.base import EntityKind, Slug


class EntityBase(SQLModel):
    slug: Slug = Field(
        description="Public id: lowercase words joined by hyphens.",
        schema_extra={"examples": ["freedom-of-russia-legion"]},
    )
    name: str = Field(
        max_length=200,
        description="The usual full name.",
        schema_extra={"examples": ["Freedom of Russia Legion"]},
    )
    kind: EntityKind = Field(sa_type=String(32), description="What sort of entity this is.")
    description: str | None = Field(
        default=None,
        max_length=2000,
        description="One or two sentences of context.",
    )


class Entity(EntityBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=120)
    kind: EntityKind = Field(sa_type=String(32), index=True)
    version: int = Field(default=1)


class EntityName(SQLModel, table=True):
    """Every spelling an entity answers to (slug, name, aliases), folded for lookup.

    Folded forms are unique across the store, so a name resolves to one entity at most.
    """

    __tablename__ = "entity_name"

    id: int | None = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", index=True, ondelete="CASCADE")
    text: str = Field(max_length=300)
    folded: str = Field(max_length=300, unique=True)
    is_alias: bool = Field(default=False, description="True for aliases, false for slug and name.")


class EntityRef(BaseModel):
    """An entity as other resources point at it; fetch /entities/{slug} for the rest."""

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "slug": "freedom-of-russia-legion",
                    "name": "Freedom of Russia Legion",
                    "kind": "military_unit",
                }
            ]
        }
    }

    slug: str = PField(description="Public id of the entity.")
    name: str = PField(description="The usual full name.")
    kind: EntityKind


class EntityPublic(EntityBase):
    """Someone or something claims are about or made by, with every name it goes by."""

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "slug": "freedom-of-russia-legion",
                    "name": "Freedom of Russia Legion",
                    "kind": "military_unit",
                    "aliases": ["Legion", "Freedom of Russia", "Russian Legion"],
                    "description": "Unit of Russian citizens fighting on Ukraine's side "
                    "against the Russian army, formed in 2022.",
                }
            ]
        }
    }

    aliases: list[str] = Field(description="Other names, as written in the sources.")
