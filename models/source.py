"""Sources: works that report claims, from the held article out to what it cites."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlmodel import Field, SQLModel

from models.base import DatePrecision, SourceKind
from models.entity import EntityRef


class SourceBase(SQLModel):
    slug: str = Field(
        max_length=120,
        description="Public id: lowercase words joined by hyphens.",
        schema_extra={"examples": ["moscow-times-switching-sides"]},
    )
    name: str = Field(max_length=300, description="Short label for lists.")
    title: str | None = Field(
        default=None, max_length=500, description="Title as published, when known."
    )
    kind: SourceKind = Field(sa_type=String(32))
    date: str | None = Field(
        default=None,
        max_length=10,
        description="Publication date at the precision known (YYYY, YYYY-MM or YYYY-MM-DD).",
    )
    date_inferred: bool = Field(
        default=False, description="True when any part of the date comes from context."
    )
    date_note: str | None = Field(default=None, max_length=1000, description="Why the date is so.")
    url: str | None = Field(default=None, max_length=2000, description="Where it can be read.")


class Source(SourceBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=120)
    kind: SourceKind = Field(sa_type=String(32))
    publisher_id: int | None = Field(default=None, foreign_key="entity.id", index=True)
    text_sha256: str | None = Field(
        default=None, max_length=64, description="Fingerprint of the held text, if any."
    )
    version: int = Field(default=1)


class SourceText(SQLModel, table=True):
    """The full text of a held source, kept apart so listing sources never reads it."""

    __tablename__ = "source_text"

    source_id: int = Field(foreign_key="source.id", primary_key=True, ondelete="CASCADE")
    text: str = Field(sa_type=Text)


class SourcePublic(SourceBase):
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
                }
            ]
        }
    }

    publisher: EntityRef | None = Field(description="Who published it, when known.")
    date_precision: DatePrecision | None = Field(description="How much of `date` is known.")
    text_held: bool = Field(description="True when this store holds the full text.")
    text_sha256: str | None = Field(description="SHA-256 of the held text, hex.")
