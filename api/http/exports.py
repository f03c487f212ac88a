"""Exports of a claim list: every claim the filters match, streamed as CSV or NDJSON.

An export is never paged. Its rows come from the stored documents in keyset batches
(`api.queries.claims.claim_batches`), each batch rendered and sent before the next is
read, so the server's memory holds one batch whatever the size of the set. Because it
holds every match from the first, an export refuses the paging parameters (`cursor`,
`limit`) and the page extras (`count`, `facet`, `facet_size`) with a 422 naming them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import Request
from fastapi.responses import StreamingResponse

from api.errors import invalid_parameter
from api.http.negotiation import CSV, JSON_LD, NDJSON

# The CSV's columns, in order.
CSV_COLUMNS = (
    "id",
    "statement",
    "quote_text",
    "quote_source",
    "quote_start",
    "quote_end",
    "claimant_slug",
    "claimant_name",
    "status",
    "speech",
    "claimed_on",
    "event_date",
    "entities",
    "chain",
)
# Between the entity slugs of the `entities` column (a slug never holds one); each entity
# once, whatever its roles (the NDJSON export has them).
ENTITY_SEPARATOR = "|"
# Between the hops of the `chain` column, from the claimant to the held source.
HOP_SEPARATOR = " -> "

CSV_MEDIA_TYPE = "text/csv; charset=utf-8; header=present"

# Parameters of a page that an export, holding every match, does not take.
_PAGE_ONLY = {
    "cursor": "an export holds every match from the first; it takes no cursor",
    "limit": "an export is never paged: it holds every match",
    "count": "an export holds every match; count them from it",
    "facet": "facets come with a page, not with an export",
    "facet_size": "facets come with a page, not with an export",
}


def refuse_paging(request: Request) -> None:
    """A 422 naming the first page-only parameter an export request sent."""
    for name in request.query_params:
        if name in _PAGE_ONLY:
            raise invalid_parameter(name, _PAGE_ONLY[name])


def chain(claim: dict[str, Any]) -> str:
    """The attribution chain as one line, in the direction the claim travelled: from the
    claimant to the held source (`attribution` lists it the other way)."""
    hops = []
    for hop in reversed(claim["attribution"]):
        who = hop["entity"] or hop["source"]
        where = f" in {hop['source']}" if hop["source"] and hop["source"] != who else ""
        hops.append(f"{who} {hop['verb']}{where}")
    return HOP_SEPARATOR.join(hops)


def csv_row(claim: dict[str, Any]) -> list[Any]:
    """A claim (its `ClaimPublic` JSON, parsed) as one CSV row of `CSV_COLUMNS`."""
    quote = claim["quote"]
    return [
        claim["id"],
        claim["statement"],
        quote["text"],
        quote["source"],
        quote["start"],
        quote["end"],
        claim["claimant"]["slug"],
        claim["claimant"]["name"],
        claim["status"],
        claim["speech"],
        claim["claimed_on"] or "",
        claim["event_date"] or "",
        ENTITY_SEPARATOR.join(dict.fromkeys(entity["slug"] for entity in claim["entities"])),
        chain(claim),
    ]


def csv_chunks(batches: Iterable[list[str]]) -> Iterator[bytes]:
    """The header row, then each batch of stored documents as CSV rows (RFC 4180: CRLF,
    fields quoted where they hold a comma, quote or line break)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield buffer.getvalue().encode()
    for batch in batches:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerows(csv_row(json.loads(body)) for body in batch)
        yield buffer.getvalue().encode()


def ndjson_chunks(batches: Iterable[list[str]]) -> Iterator[bytes]:
    """Each claim's JSON, as a page's items carry it, one per line."""
    for batch in batches:
        yield "".join(f"{body}\n" for body in batch).encode()


def export_response(media_type: str, batches: Iterable[list[str]], name: str) -> StreamingResponse:
    """The streamed export: `name`.csv or `name`.ndjson, as an attachment."""
    if media_type == CSV:
        chunks, shown, suffix = csv_chunks(batches), CSV_MEDIA_TYPE, "csv"
    else:
        chunks, shown, suffix = ndjson_chunks(batches), NDJSON, "ndjson"
    filename = f"{_safe(name)}.{suffix}"
    return StreamingResponse(
        chunks,
        media_type=shown,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Vary": "Accept"},
    )


def _safe(name: str) -> str:
    """A filename from a slug as the path spelled it: lower case, letters, digits, dashes."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "claims"


# The 200 answers of a claim list beside its JSON page, for the OpenAPI document.
CLAIM_LIST_CONTENT: dict[str, Any] = {
    CSV: {
        "schema": {"type": "string"},
        "example": ",".join(CSV_COLUMNS) + "\r\n",
    },
    NDJSON: {
        "schema": {"type": "string"},
        "example": '{"id":"...","statement":"...","quote":{...}}\n',
    },
    JSON_LD: {"schema": {"type": "object"}},
}
