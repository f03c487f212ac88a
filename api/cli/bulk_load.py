"""`claims bulk-load FILE`: a large NDJSON file of claims into the store, with progress."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, BinaryIO

import typer

from api.cli.common import DatabaseUrl, current_store
from api.cli.progress import progress


def bulk_load(
    file: Annotated[
        Path,
        typer.Argument(
            help="NDJSON, one claim per line as `POST /claims:batch` takes them; - reads stdin.",
            show_default=False,
        ),
    ],
    batch_size: Annotated[
        int, typer.Option(min=1, max=200_000, help="Claims per transaction.")
    ] = 5_000,
    workers: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=64,
            help="Processes that check claims while one writes (default: the spare cores).",
            show_default=False,
        ),
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Append many claims fast: quotes checked, one transaction per batch, resumable.

    The entities and sources they name must exist. Claims whose id is already in the
    store are skipped, so the same command run again carries on after an interruption.
    """
    from api.ingest.claim_file import load_claim_file
    from api.ingest.fixtures import FixtureError

    stdin = str(file) == "-"
    if not stdin and not file.is_file():
        typer.echo(f"no such file: {file}", err=True)
        raise typer.Exit(2)
    with current_store(database_url, "load") as store:
        total = 0 if stdin else _count_lines(file)
        stream: BinaryIO = sys.stdin.buffer if stdin else file.open("rb")
        try:
            with progress(total, "claims read") as tracker:
                report = load_claim_file(
                    store,
                    stream,
                    batch_size=batch_size,
                    workers=workers,
                    on_line=tracker.advance,
                )
        except FixtureError as exc:
            typer.echo(f"stopped: {exc}", err=True)
            typer.echo(
                "the batches before the bad one are in the store; fix the file and run the "
                "same command again to carry on",
                err=True,
            )
            raise typer.Exit(1) from None
        finally:
            if not stdin:
                stream.close()
    typer.echo(
        f"loaded {report.claims} claims in {report.seconds:.1f} s"
        f" ({report.skipped} already in the store, skipped)"
    )


def _count_lines(file: Path) -> int:
    """Lines in the file, for the bar's total: one fast pass over its bytes."""
    count = 0
    with file.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            count += chunk.count(b"\n")
    return count
