"""`claims ingest`: text files in, held sources and candidates for review out, a line each."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.common import DatabaseUrl, current_store
from api.cli.progress import progress
from models.base import SourceKind

if TYPE_CHECKING:
    from api.ingest.articles import Details, Outcome
    from api.store.db import Store


def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="UTF-8 text files; a folder stands for its *.txt files.", show_default=False
        ),
    ],
    publisher: Annotated[
        str | None,
        typer.Option(help="Slug (or name) of the entity that published them.", show_default=False),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(help="Publication date: YYYY, YYYY-MM or YYYY-MM-DD.", show_default=False),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(help="Where the article can be read (one file).", show_default=False),
    ] = None,
    title: Annotated[
        str | None,
        typer.Option(help="The article's title as published (one file).", show_default=False),
    ] = None,
    kind: Annotated[SourceKind, typer.Option(help="What sort of work they are.")] = (
        SourceKind.article
    ),
    slug: Annotated[
        str | None,
        typer.Option(
            help="The source's slug (one file); default: made from the file name.",
            show_default=False,
        ),
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Hold each file as a source and queue the claims extracted from it for review."""
    from api.ingest.articles import ingest_file, text_files

    files = list(text_files(paths))
    if not files:
        typer.echo("no text files: a folder is read for its *.txt files", err=True)
        raise typer.Exit(1)
    for option, value in (("--slug", slug), ("--url", url), ("--title", title)):
        if value is not None and len(files) > 1:
            typer.echo(f"{option} is for one file; {len(files)} were given", err=True)
            raise typer.Exit(2)
    with current_store(database_url, "ingest") as store:
        details = _details(store, kind, publisher, date, url, slug, title)
        done = skipped = queued = 0
        with progress(len(files), "ingesting") as tracker:
            for path in files:
                outcome = ingest_file(store, path, details, slug)
                tracker.line(_line(outcome))
                tracker.advance()
                skipped += outcome.skipped is not None
                done += outcome.skipped is None
                queued += outcome.candidates
    typer.echo(
        f"{done} ingested, {queued} candidates queued for review"
        + (f"; {skipped} skipped" if skipped else "")
    )


def _details(
    store: Store,
    kind: SourceKind,
    publisher: str | None,
    date: str | None,
    url: str | None,
    slug: str | None,
    title: str | None = None,
) -> Details:
    """The options, checked once rather than once per file; exit 2 naming a bad one."""
    from pydantic import ValidationError

    from api.ingest.articles import Details
    from api.queries import names
    from models.source import SourceCreate

    publisher_slug = None
    if publisher is not None:
        with store.reader() as reader:
            found = names.find_entity(reader, publisher)
            hints = names.suggest_entities(reader, publisher) if found is None else []
        if found is None:
            hint = f" (did you mean: {', '.join(hints)}?)" if hints else ""
            typer.echo(f"invalid --publisher: no entity {publisher!r}{hint}", err=True)
            raise typer.Exit(2)
        publisher_slug = found.slug
    try:
        SourceCreate(
            slug=slug or "checked", name="checked", kind=kind, date=date, url=url, title=title
        )
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            typer.echo(f"invalid --{error['loc'][0]}: {error['msg']}", err=True)
        raise typer.Exit(2) from None
    return Details(kind=kind, publisher=publisher_slug, date=date, url=url, title=title)


def _line(outcome: Outcome) -> str:
    if outcome.skipped is not None:
        return f"warning: {outcome.path}: skipped: {outcome.skipped}"
    found = f"{outcome.candidates} candidate" + ("" if outcome.candidates == 1 else "s")
    line = f"{outcome.path} -> {outcome.slug}: {found}"
    if outcome.warnings:
        line += " (warnings: " + "; ".join(outcome.warnings) + ")"
    return line
