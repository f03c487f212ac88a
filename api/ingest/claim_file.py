"""A file of claims in the NDJSON format of `POST /claims:batch`, into the bulk loader.

The entities and sources the claims name must already be in the store (loaded from
fixtures, or created through the API); quotes are checked against their held texts, and
a quote given without offsets is found in its text, as `POST /claims` does.

Resumable, not all-or-nothing: every batch is its own transaction, and a claim whose id
is already in the store is skipped, so after an interruption or a bad line, running the
same command again (on the corrected file) carries on where the load stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

from api.ingest.bulk import BulkReport, ClaimLine, bulk_load
from api.queries.catalog import held_texts
from api.store.db import Store


def claim_lines(
    stream: BinaryIO, on_line: Callable[[int], None] | None = None
) -> Iterator[ClaimLine]:
    """Each non-blank line with its number, unparsed: the loader's workers parse it, and
    a line that is not a JSON object stops the load, naming its number. `on_line` hears
    how many lines were read, every thousand."""
    number = 0
    for number, raw in enumerate(stream, start=1):
        if on_line is not None and number % 1000 == 0:
            on_line(1000)
        if not raw.strip():
            continue
        yield ClaimLine(number, raw)
    if on_line is not None and number % 1000:
        on_line(number % 1000)


def load_claim_file(
    store: Store,
    stream: BinaryIO,
    *,
    batch_size: int = 5_000,
    workers: int | None = None,
    on_line: Callable[[int], None] | None = None,
) -> BulkReport:
    """Append the stream's claims to the store, skipping those already in it."""
    with store.session() as session:
        texts = held_texts(session)
    claims: Iterable[ClaimLine] = claim_lines(stream, on_line)
    return bulk_load(
        store,
        entities=[],
        sources=[],
        texts=texts,
        claims=claims,
        batch_size=batch_size,
        workers=workers,
        skip_existing=True,
    )
