"""A file of claims in the NDJSON format of `POST /claims:batch`, into the bulk loader.

The entities and sources the claims name must already be in the store (loaded from
fixtures, or created through the API); quotes are checked against their held texts, and
a quote given without offsets is found in its text, as `POST /claims` does.

Resumable, not all-or-nothing: every batch is its own transaction, and a claim whose id
is already in the store is skipped, so after an interruption or a bad line, running the
same command again (on the corrected file) carries on where the load stopped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, BinaryIO

from api.ingest.bulk import BulkReport, bulk_load
from api.ingest.fixtures import FixtureError
from api.queries.catalog import held_texts
from api.store.db import Store


def claim_lines(
    stream: BinaryIO, on_line: Callable[[int], None] | None = None
) -> Iterator[Mapping[str, Any]]:
    """Each non-blank line as a JSON object; a line that is not one stops the load,
    naming its number. `on_line` hears how many lines were read, every thousand."""
    number = 0
    for number, raw in enumerate(stream, start=1):
        if on_line is not None and number % 1000 == 0:
            on_line(1000)
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except ValueError as exc:
            raise FixtureError([f"line {number}: not JSON ({exc})"]) from None
        if not isinstance(item, dict):
            raise FixtureError([f"line {number}: a claim is a JSON object"])
        yield item
    if on_line is not None and number % 1000:
        on_line(number % 1000)


def load_claim_file(
    store: Store,
    stream: BinaryIO,
    *,
    batch_size: int = 20_000,
    workers: int | None = None,
    on_line: Callable[[int], None] | None = None,
) -> BulkReport:
    """Append the stream's claims to the store, skipping those already in it."""
    with store.session() as session:
        texts = held_texts(session)
    claims: Iterable[Mapping[str, Any]] = claim_lines(stream, on_line)
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
