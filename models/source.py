"""Sources: works that report claims, from the held article out to what it cites."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from models.base import DatePrecision, PartialDate, Slug, SourceKind
from models.entity import EntityRef
from models.input import InputModel, patch_schema


class SourcePublic(BaseModel):
    """A work that reports claims, with what is known of its publication."""

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "slug": "moscow-times-switching-sides",
                    "name": "Moscow Times: Switching Sides",
                    "title": "Switching Sides: The Elusive \u2018Russian Legion\u2019 "
                    "Fighting with Ukraine",
                    "publisher": {
                        "slug": "moscow-times",
                        "name": "The Moscow Times",
                        "kind": "publication",
                    },
                    "kind": "article",
                    "date": "2022",
                    "date_precision": "year",
                    "date_inferred": True,
                    "date_note": "The article says only that Moscow Times reported it "
                    '"on Monday"; the year comes from the events it covers.',
                    "url": None,
                    "text_held": False,
                    "text_sha256": None,
                    "updated_at": "2026-12-02T08:00:00Z",
                }
            ]
        }
    }

    slug: str = Field(
        description="Public id: lowercase words joined by hyphens.",
        examples=["moscow-times-switching-sides"],
    )
    name: str = Field(description="Short label for lists.")
    title: str | None = Field(default=None, description="Title as published, when known.")
    kind: SourceKind
    date: str | None = Field(
        default=None,
        description="Publication date at the precision known (YYYY, YYYY-MM or YYYY-MM-DD).",
    )
    date_inferred: bool = Field(
        default=False, description="True when any part of the date comes from context."
    )
    date_note: str | None = Field(default=None, description="Why the date is so.")
    url: str | None = Field(default=None, description="Where it can be read.")
    publisher: EntityRef | None = Field(description="Who published it, when known.")
    date_precision: DatePrecision | None = Field(description="How much of `date` is known.")
    text_held: bool = Field(description="True when this store holds the full text.")
    text_sha256: str | None = Field(description="SHA-256 of the held text, hex.")
    updated_at: datetime = Field(
        description="When the source was made or last changed (UTC), its publisher renamed "
        "or re-kinded included."
    )


def _web_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise ValueError("must be an http or https URL, such as https://example.org/story")
    return value


# Where a work can be read, kept as written.
WebUrl = Annotated[
    str,
    Field(max_length=2000, pattern=r"^https?://\S+$", examples=["https://example.org/story"]),
    AfterValidator(_web_url),
]


class SourceCreate(InputModel):
    """A new source; `text` makes it held, so claims can quote it."""

    slug: Slug
    name: str = Field(min_length=1, max_length=300)
    title: str | None = Field(default=None, max_length=500)
    publisher: Slug | None = None
    kind: SourceKind
    date: PartialDate | None = None
    date_inferred: bool = False
    date_note: str | None = Field(default=None, max_length=1000)
    url: WebUrl | None = None
    text: str | None = Field(
        default=None, max_length=1_000_000, description="The full text, to hold it here."
    )


class SourceUpdate(InputModel):
    """A JSON Merge Patch of a source; its slug and held text cannot change."""

    model_config = ConfigDict(
        json_schema_extra=patch_schema(
            {"date": "2022-07-04", "date_inferred": False, "url": "https://example.org/story"}
        )
    )

    name: str | None = Field(default=None, min_length=1, max_length=300)
    title: str | None = Field(default=None, max_length=500)
    publisher: Slug | None = None
    kind: SourceKind | None = None
    date: PartialDate | None = None
    date_inferred: bool | None = None
    date_note: str | None = Field(default=None, max_length=1000)
    url: WebUrl | None = None
