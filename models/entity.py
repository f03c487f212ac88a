"""Entities: who or what a claim is about, or who asserts it."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from models.base import EntityKind, PartialDate, Slug, date_bounds
from models.input import InputModel, patch_schema

# A Wikidata entity's concept URI, the one form `same_as` keeps: http://www.wikidata.org/entity/Q42.
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
WIKIDATA_ID = re.compile(r"Q[1-9][0-9]{0,11}")
_WIKIDATA_URI = re.compile(
    r"https?://(?:www\.|m\.)?wikidata\.org/(?:entity|wiki)/(Q[1-9][0-9]{0,11})/?"
)


def wikidata_id(uri: str) -> str | None:
    """The Wikidata id (`Q42`) an identifier names, if it names a Wikidata entity."""
    found = _WIKIDATA_URI.fullmatch(uri.strip())
    return found.group(1) if found else None


def _same_as_uri(value: str) -> str:
    """An external identifier checked by its form alone (nothing is looked up): an
    absolute http(s) URI with a host; a Wikidata entity in any of its URL forms becomes
    its concept URI."""
    value = value.strip()
    if WIKIDATA_ID.fullmatch(value):
        raise ValueError(f"give the URI: {WIKIDATA_ENTITY}{value}")
    qid = wikidata_id(value)
    if qid is not None:
        return WIKIDATA_ENTITY + qid
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or " " in value:
        raise ValueError(
            "must be an absolute http or https URI, such as " + WIKIDATA_ENTITY + "Q42"
        )
    if "wikidata.org" in parts.hostname:
        raise ValueError("a Wikidata identifier must name an entity: " + WIKIDATA_ENTITY + "Q42")
    return value


SameAs = Annotated[
    str,
    StringConstraints(min_length=1, max_length=500),
    AfterValidator(_same_as_uri),
]

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


class EntityRole(BaseModel):
    """An office or role the entity held ("FBI director"), and when, as far as known: a
    mention of the role in a text of that date resolves to the holder."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(
        min_length=1, max_length=200, pattern=r"\S", description="The role as texts name it."
    )
    since: PartialDate | None = Field(default=None, description="When it began, if known.")
    until: PartialDate | None = Field(
        default=None, description="When it ended; null while it lasts."
    )

    def holds_on(self, day: str) -> bool:
        """Whether the role was held over the whole of `day` (a date of any precision)."""
        first, last = date_bounds(day)
        if self.since is not None and date_bounds(self.since)[0] > first:
            return False
        return self.until is None or date_bounds(self.until)[1] >= last


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
                    "same_as": [],
                    "roles": [],
                    "source": None,
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
    same_as: list[str] = Field(
        default=[],
        description="External identifiers of the same thing, each a URI: a Wikidata entity "
        "(`http://www.wikidata.org/entity/Q…`), a Wikipedia or an official page.",
    )
    roles: list[EntityRole] = Field(
        default=[], description="Offices and roles held, with when: how a role resolves."
    )
    source: str | None = Field(
        default=None,
        description="For an unnamed source (kind `anonymous`): slug of the source it belongs "
        "to. Unnamed sources are never shared between sources.",
    )
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
    same_as: list[SameAs] = Field(
        default=[],
        max_length=20,
        description="External identifiers, each a URI (a Wikidata entity, a Wikipedia or an "
        "official page), checked by form only; unique across entities.",
    )
    roles: list[EntityRole] = Field(
        default=[],
        max_length=50,
        description="Offices and roles held, with when: a text's role on a date inside "
        "one resolves to this entity.",
    )


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
    same_as: list[SameAs] | None = Field(
        default=None, max_length=20, description="External identifiers, each a URI."
    )
    roles: list[EntityRole] | None = Field(
        default=None, max_length=50, description="Offices and roles held, with when."
    )


class EntityMerge(InputModel):
    """Which entity to keep: the one in the path is merged into it."""

    into: str = Field(
        min_length=1,
        max_length=200,
        description="Slug (or name, or alias) of the entity to keep.",
        examples=["vladimir-putin"],
    )
