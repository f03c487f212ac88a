"""Text files -> held sources -> candidates: the pipeline behind `claims ingest`.

Each file is one unit of work (its source and its candidates commit together, so a
stopped run leaves no source without its queue), and its extraction runs before the unit
opens. A file that cannot be read as a text says why in its `Outcome` instead of raising,
so one bad file in a folder of a thousand stops nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError
from sqlmodel import col, select

from api.errors import ProblemError
from api.ingest import matching
from api.ingest.queue import read_text
from api.queries import catalog
from api.queries.names import Named
from api.store.db import Store
from api.writes import candidates, sources
from api.writes.sources import text_digest
from api.writes.unit import unit_of_work
from models.base import Principal, Scope, SourceKind, slugify
from models.source import SourceCreate
from models.tables import Source

# Who an ingest's revisions are by.
INGEST = Principal("ingest", Scope.admin)


@dataclass(frozen=True)
class Details:
    """What the command line says of every file's source."""

    kind: SourceKind = SourceKind.article
    publisher: str | None = None  # an entity's slug
    date: str | None = None
    url: str | None = None
    title: str | None = None  # for one file


@dataclass(frozen=True)
class Outcome:
    """What became of one file: its source and candidates, or why it was skipped."""

    path: Path
    slug: str | None
    candidates: int = 0
    warnings: tuple[str, ...] = ()
    skipped: str | None = None  # why nothing was stored


class UnreadableError(Exception):
    """The file is not a text this store can hold; the message says why."""


def text_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The files named, a folder standing for its *.txt files (in name order)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(child for child in path.glob("*.txt") if child.is_file())
        else:
            yield path


def read_article(path: Path) -> str:
    """The file's text, decoded as UTF-8 (a byte-order mark dropped), or `UnreadableError`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableError(f"cannot be read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableError(
            f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    if not text.strip():
        raise UnreadableError("empty")
    if "\x00" in text:
        raise UnreadableError("holds NUL characters: not a text file")
    return text


def ingest_file(store: Store, path: Path, details: Details, slug: str | None = None) -> Outcome:
    """Hold one file as a source (slug from its name unless given) and queue what
    extraction finds in it."""
    slug = slug or slugify(path.stem)
    if not slug:
        return Outcome(path, None, skipped="no slug can be made from its name; give --slug")
    try:
        text = read_article(path)
        data = SourceCreate(
            slug=slug,
            name=path.stem[:300] or slug,
            kind=details.kind,
            publisher=details.publisher,
            date=details.date,
            url=details.url,
            title=details.title,
            text=text,
        )
    except UnreadableError as exc:
        return Outcome(path, slug, skipped=str(exc))
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        return Outcome(path, slug, skipped=f"{where}: {error['msg']}")
    held = _held_digest(store, slug)
    if held is not None:
        same = held == text_digest(text)
        why = "held already with this text" if same else "another source has this slug"
        return Outcome(path, slug, skipped=f"{why}; give --slug for a new source")
    digest = text_digest(text)
    holder = _holder(store, digest) if digest else None
    if holder is not None:
        return Outcome(path, slug, skipped=f"held already as {holder!r} (the same text)")
    found = read_text(text, details.date)
    try:
        with unit_of_work(store, INGEST) as work:
            sources.create(work, data)
            created = work.session.execute(select(col(Source.id)).where(col(Source.slug) == slug))
            source_id = created.scalar_one()
            after = matching.newest_proposal(work)
            count = candidates.replace_pending(
                work,
                Named(source_id, slug),
                text,
                found.drafts,
                found.relations,
                chains=found.chains,
            )
            # Has it been said before? Relations from its candidates to the held claims.
            matching.after_extract(work, source_id, after)
            work.commit()
    except ProblemError as exc:
        return Outcome(path, slug, warnings=found.warnings, skipped=exc.problem.detail)
    return Outcome(path, slug, count, found.warnings)


def _holder(store: Store, digest: str) -> str | None:
    """The source that holds this very text already, under whatever name."""
    with store.session() as session:
        return catalog.source_holding(session, digest)


def _held_digest(store: Store, slug: str) -> str | None:
    """The digest of the text a source with this slug holds ("" if it holds none), or
    None when there is no such source."""
    with store.session() as session:
        row = session.execute(select(col(Source.text_sha256)).where(col(Source.slug) == slug))
        found = row.first()
    return None if found is None else (found[0] or "")
