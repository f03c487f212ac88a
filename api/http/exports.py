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

# The CSV's columns: every field of a claim's JSON (`models.claim.ClaimPublic`), in its
# order, nested objects flattened into `<field>_<part>` columns. Nulls are empty cells,
# booleans `true` or `false` as in the JSON.
CSV_COLUMNS = (
    "id",
    "statement",
    "quote_text",
    "quote_source",
    "quote_start",
    "quote_end",
    "claimant_slug",
    "claimant_name",
    "claimant_kind",
    "entities",
    "attribution",
    "claimed_on",
    "claimed_on_inferred",
    "event_date",
    "event_date_inferred",
    "status",
    "stated_status",
    "speech",
    "quantity_value",
    "quantity_low",
    "quantity_high",
    "quantity_unit",
    "quantity_qualifier",
    "quantity_text",
    "retraction_at",
    "retraction_by",
    "retraction_reason",
    "updated_at",
    "cluster_id",
    "cluster_size",
    "cluster_first",
)
# The `entities` column: `slug:role` for each of the claim's entities, in the JSON's order,
# joined by `|` (neither is ever part of a slug or a role).
ENTITY_SEPARATOR = "|"
# Between the hops of the `attribution` column, which lists them in the JSON's order: from
# the held source out to whoever first said it, each hop passing on what the next said.
HOP_SEPARATOR = " <- "
_QUANTITY = ("value", "low", "high", "unit", "qualifier", "text")
_RETRACTION = ("at", "by", "reason")
_CLUSTER = ("id", "size", "first")

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


def attribution(claim: dict[str, Any]) -> str:
    """The attribution chain as one line, hop by hop in the JSON's order: who passed the
    claim on, how, and in which source where that is not who."""
    hops = []
    for hop in claim["attribution"]:
        who = hop["entity"] or hop["source"]
        where = f" in {hop['source']}" if hop["source"] and hop["source"] != who else ""
        hops.append(f"{who} {hop['verb']}{where}")
    return HOP_SEPARATOR.join(hops)


def _cell(value: Any) -> Any:
    """A JSON value as a CSV cell: null empty, booleans as the JSON spells them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def csv_row(claim: dict[str, Any]) -> list[Any]:
    """A claim (its `ClaimPublic` JSON, parsed) as one CSV row of `CSV_COLUMNS`."""
    quote, claimant = claim["quote"], claim["claimant"]
    quantity = claim["quantity"] or {}
    retraction = claim["retraction"] or {}
    cluster = claim.get("cluster") or {}
    row = [
        claim["id"],
        claim["statement"],
        quote["text"],
        quote["source"],
        quote["start"],
        quote["end"],
        claimant["slug"],
        claimant["name"],
        claimant["kind"],
        ENTITY_SEPARATOR.join(f"{e['slug']}:{e['role']}" for e in claim["entities"]),
        attribution(claim),
        claim["claimed_on"],
        claim["claimed_on_inferred"],
        claim["event_date"],
        claim["event_date_inferred"],
        claim["status"],
        claim["stated_status"],
        claim["speech"],
        *(quantity.get(part) for part in _QUANTITY),
        *(retraction.get(part) for part in _RETRACTION),
        claim["updated_at"],
        *(cluster.get(part) for part in _CLUSTER),
    ]
    return [_cell(value) for value in row]


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
