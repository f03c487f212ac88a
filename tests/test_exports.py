"""A fact-checker takes the claims away: every match of a list, as CSV or NDJSON, streamed.

Also the answers' compression and caching headers, which exports must live with.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from helpers import FIXTURE_CLAIMS, walk

from api import Store
from api.queries import claims as claim_queries
from api.writes.keys import create_key
from models.base import Scope

COLUMNS = [
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
]
# Filters of /claims, each with the query string a page would take.
FILTERS = [
    "",
    "entity=legion",
    "entity=legion&role=about&sort=-claimed_on",
    "source=moscow-times-switching-sides",
    "claimant=legion-representatives",
    "status=reported&sort=event_date",
    "q=legion&sort=relevance",
    "since=2022-03&until=2022-06",
    "include=retracted&sort=claimed_on",
]
CLAIM = "legion-300-applications-a-day"


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Exports read 500 claims at a time; here 4, so the fixtures span many batches."""
    monkeypatch.setattr(claim_queries, "EXPORT_BATCH", 4)


@pytest.fixture
def writer(store: Store) -> dict[str, str]:
    with store.write_session() as session:
        key = create_key(session, "exporter", Scope.write)
        session.commit()
    return {"Authorization": f"Bearer {key}"}


def rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    reader = csv.reader(io.StringIO(response.text, newline=""))
    header, *body = list(reader)
    assert header == COLUMNS
    return [dict(zip(header, row, strict=True)) for row in body]


def lines(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/x-ndjson"
    assert response.text == "" or response.text.endswith("\n")
    return [json.loads(line) for line in response.text.splitlines()]


def page_ids(client: TestClient, url: str) -> list[str]:
    return [claim["id"] for claim in walk(client, url)]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: f or "all")
def test_an_export_holds_exactly_what_the_pages_hold(client: TestClient, filters: str) -> None:
    pages = walk(client, f"/claims?{filters}&limit=3")
    assert pages, "every filter here matches something"
    as_ndjson = lines(client.get(f"/claims?{filters}&format=ndjson"))
    assert as_ndjson == pages  # the same JSON, in the same order
    as_csv = rows(client.get(f"/claims?{filters}&format=csv"))
    assert [row["id"] for row in as_csv] == [claim["id"] for claim in pages]


def test_the_whole_store_is_one_request_away(client: TestClient) -> None:
    exported = lines(client.get("/claims", params={"format": "ndjson"}))
    assert len(exported) == FIXTURE_CLAIMS


@pytest.mark.parametrize(
    ("path", "filters"),
    [
        ("/entities/freedom-of-russia-legion/claims", ""),
        ("/entities/legion/claims", "role=claimant"),
        ("/sources/moscow-times-switching-sides/claims", ""),
        ("/sources/legion-article-2022/claims", "status=speculative&sort=claimed_on"),
    ],
)
def test_every_nested_claim_list_exports(client: TestClient, path: str, filters: str) -> None:
    query = f"{filters}&" if filters else ""
    expected = page_ids(client, f"{path}?{query}limit=5")
    assert expected
    exported = client.get(f"{path}?{query}format=csv")
    assert [row["id"] for row in rows(exported)] == expected
    name = exported.headers["content-disposition"]
    assert name.startswith('attachment; filename="')
    assert name.endswith('-claims.csv"')
    by_accept = client.get(f"{path}?{filters}", headers={"Accept": "application/x-ndjson"})
    assert [claim["id"] for claim in lines(by_accept)] == expected


def test_a_csv_row_has_the_flat_columns(client: TestClient) -> None:
    claim = client.get(f"/claims/{CLAIM}").json()
    (row,) = [r for r in rows(client.get("/claims?format=csv")) if r["id"] == CLAIM]
    assert row == {
        "id": CLAIM,
        "statement": claim["statement"],
        "quote_text": claim["quote"]["text"],
        "quote_source": "legion-article-2022",
        "quote_start": str(claim["quote"]["start"]),
        "quote_end": str(claim["quote"]["end"]),
        "claimant_slug": "legion-representatives",
        "claimant_name": "Legion representatives",
        "claimant_kind": "group",
        "entities": "freedom-of-russia-legion:about|legion-representatives:claimant",
        # The JSON's direction: from the held source out to whoever first said it.
        "attribution": "legion-article-2022 reported"
        " <- interfax-ukraine reported in interfax-legion-report"
        " <- legion-representatives said in legion-press-conference-2022-03-04",
        "claimed_on": "2022-03-04",
        "claimed_on_inferred": "true",
        "event_date": "",
        "event_date_inferred": "false",
        "status": claim["status"],
        "stated_status": "reported",
        "speech": "direct",
        "quantity_value": "300.0",
        "quantity_low": "300.0",
        "quantity_high": "",
        "quantity_unit": "applications per day",
        "quantity_qualifier": "more than",
        "quantity_text": "more than 300",
        "retraction_at": "",
        "retraction_by": "",
        "retraction_reason": "",
        "updated_at": claim["updated_at"],
        "cluster_id": "",
        "cluster_size": "",
        "cluster_first": "",
    }


def column_of(field: str, value: Any) -> list[str]:
    """The columns a field of a claim's JSON becomes: itself, or one per part (of an
    object, or of one that this claim leaves null)."""
    if isinstance(value, dict) or field in PARTS:
        return [f"{field}_{part}" for part in (value or PARTS[field])]
    return [field]


def test_the_columns_are_the_json_fields_in_order(
    client: TestClient, writer: dict[str, str]
) -> None:
    """Every field of a claim's JSON, in the JSON's order, objects flattened part by part
    (here a claim with both a quantity and a retraction, so every part shows; it is in no
    cluster, whose parts are named all the same)."""
    gone = client.delete(f"/claims/{CLAIM}", headers={**writer, "If-Match": "*"})
    assert gone.status_code in {200, 204}, gone.text
    exported = lines(client.get("/claims?format=ndjson&include=retracted"))
    (claim,) = [c for c in exported if c["id"] == CLAIM]
    assert claim["quantity"] is not None
    assert claim["retraction"] is not None
    assert [c for field, value in claim.items() for c in column_of(field, value)] == COLUMNS


# The parts of the objects a claim may hold or not (null), as the JSON names them.
PARTS = {
    "quantity": ("value", "low", "high", "unit", "qualifier", "text"),
    "retraction": ("at", "by", "reason"),
    "cluster": ("id", "size", "first"),
}


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def flat(claim: dict[str, Any]) -> dict[str, str]:
    """What the test expects of a row but its chain: each JSON field as text, objects
    part by part, entities as `slug:role`."""
    cells: dict[str, str] = {}
    for field, value in claim.items():
        if field == "entities":
            cells[field] = "|".join(f"{e['slug']}:{e['role']}" for e in value)
        elif field == "attribution":
            continue
        elif isinstance(value, dict) or field in PARTS:
            parts = PARTS.get(field) or tuple(value)
            cells.update({f"{field}_{part}": text_of((value or {}).get(part)) for part in parts})
        else:
            cells[field] = text_of(value)
    return cells


def test_every_row_holds_its_claims_json(client: TestClient, writer: dict[str, str]) -> None:
    """Row by row, the CSV says what the JSON says, retracted claims included; the chain
    runs the way `attribution` does, hop for hop."""
    gone = client.delete(f"/claims/{CLAIM}?reason=a+test", headers={**writer, "If-Match": "*"})
    assert gone.status_code in {200, 204}, gone.text
    claims = lines(client.get("/claims?format=ndjson&include=retracted"))
    table = rows(client.get("/claims?format=csv&include=retracted"))
    assert len(table) == len(claims) == FIXTURE_CLAIMS
    for claim, row in zip(claims, table, strict=True):
        assert {k: v for k, v in row.items() if k != "attribution"} == flat(claim)
        hops = row["attribution"].split(" <- ")
        assert len(hops) == len(claim["attribution"])
        for hop, shown in zip(claim["attribution"], hops, strict=True):
            assert shown.startswith(f"{hop['entity'] or hop['source']} {hop['verb']}")
    (retracted,) = [row for row in table if row["id"] == CLAIM]
    assert (retracted["retraction_by"], retracted["retraction_reason"]) == ("exporter", "a test")


def test_commas_quotes_and_line_breaks_survive_the_csv(
    client: TestClient, writer: dict[str, str]
) -> None:
    quote = 'She said: "one, two,\nthree" -- and\r\nleft.'
    source = {
        "slug": "awkward-text",
        "name": "An awkward text",
        "kind": "article",
        "text": f"Before. {quote} After.",
    }
    assert client.post("/sources", json=source, headers=writer).status_code == 201
    claim = {
        "id": "awkward-claim",
        "statement": 'A statement, with "quotes", commas\nand a line break.',
        "quote": {"source": "awkward-text", "text": quote},
        "claimant": "moscow-times",
        "attribution": [{"source": "awkward-text", "verb": "reported"}],
        "status": "reported",
        "speech": "direct",
    }
    made = client.post("/claims", json=claim, headers=writer)
    assert made.status_code == 201, made.text
    exported = client.get("/sources/awkward-text/claims?format=csv")
    assert exported.headers["content-disposition"] == (
        'attachment; filename="source-awkward-text-claims.csv"'
    )
    (row,) = rows(exported)
    assert row["statement"] == claim["statement"]
    assert row["quote_text"] == quote
    assert (int(row["quote_start"]), int(row["quote_end"])) == (8, 8 + len(quote))
    # RFC 4180: records end in CRLF; a field with a quote, comma or break is quoted and
    # its quotes doubled.
    assert exported.text.startswith(",".join(COLUMNS) + "\r\n")
    assert '"She said: ""one, two,\nthree"" -- and\r\nleft."' in exported.text


def test_an_export_that_matches_nothing_still_has_its_header(client: TestClient) -> None:
    exported = client.get("/claims?q=xyzzy&format=csv")
    assert rows(exported) == []
    assert exported.text == ",".join(COLUMNS) + "\r\n"
    assert lines(client.get("/claims?q=xyzzy&format=ndjson")) == []


@pytest.mark.parametrize(
    ("query", "field", "status"),
    [
        ("format=xml", "format", 422),
        ("format=CSV", "format", 422),
        ("format=csv&format=ndjson", "format", 422),
        ("format=csv&entity=nobody-at-all", "entity", 404),
        ("format=csv&role=about", "role", 422),
        ("format=ndjson&since=2022-13", "since", 422),
        ("format=csv&cursor=eyJ2IjoxfQ", "cursor", 422),
        ("format=csv&limit=10", "limit", 422),
        ("format=ndjson&count=exact", "count", 422),
        ("format=csv&facet=status", "facet", 422),
        ("format=csv&colour=red", "colour", 422),
    ],
)
def test_bad_export_requests_are_problems_naming_the_parameter(
    client: TestClient, query: str, field: str, status: int
) -> None:
    response = client.get(f"/claims?{query}")
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["field"] == field
    assert response.headers["cache-control"] == "no-store"


def test_paging_parameters_are_refused_through_accept_too(client: TestClient) -> None:
    response = client.get("/claims?limit=5", headers={"Accept": "text/csv"})
    assert response.status_code == 422
    assert response.json()["field"] == "limit"


def test_a_nested_export_of_an_unknown_resource_is_a_404(client: TestClient) -> None:
    response = client.get("/entities/nobody-at-all/claims?format=csv")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("accept", "kind"),
    [
        (None, "application/json"),
        ("application/json", "application/json"),
        ("text/csv", "text/csv"),
        ("application/x-ndjson", "application/x-ndjson"),
        ("text/csv;q=0.5, application/x-ndjson", "application/x-ndjson"),
        ("application/json;q=0.2, text/csv;q=0.9", "text/csv"),
        ("text/*", "text/csv"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/json"),
        ("image/png", "application/json"),
        ("text/csv;q=0", "application/json"),
    ],
)
def test_accept_chooses_the_representation(
    client: TestClient, accept: str | None, kind: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/claims?entity=legion", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == kind
    assert "Accept" in response.headers["vary"]


def test_head_of_an_export_sends_its_headers_and_reads_nothing(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_reading(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("a HEAD read the claims")

    monkeypatch.setattr("api.http.claim_lists.claim_batches", no_reading)
    head = client.head("/claims?format=csv")
    assert head.status_code == 200
    assert head.headers["content-disposition"] == 'attachment; filename="claims.csv"'
    assert head.content == b""


def test_format_wins_over_accept(client: TestClient) -> None:
    response = client.get("/claims?format=ndjson", headers={"Accept": "text/csv"})
    assert response.headers["content-type"] == "application/x-ndjson"
    assert response.headers["content-disposition"] == 'attachment; filename="claims.ndjson"'


def test_the_exports_are_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/claims", "/entities/{slug}/claims", "/sources/{slug}/claims"):
        operation = paths[path]["get"]
        content = operation["responses"]["200"]["content"]
        assert {"application/json", "text/csv", "application/x-ndjson"} <= set(content)
        (format_parameter,) = [p for p in operation["parameters"] if p["name"] == "format"]
        assert format_parameter["schema"]["anyOf"][0]["enum"] == ["csv", "ndjson"]


# --- compression and caching -------------------------------------------------------------


def raw(client: TestClient, url: str, **headers: str) -> Any:
    """The answer as sent, before the client undoes any compression."""
    with client.stream("GET", url, headers=headers) as response:
        response.body = b"".join(response.iter_raw())
        return response


def test_large_answers_are_compressed_for_clients_that_accept_it(client: TestClient) -> None:
    page = raw(client, "/claims?limit=20", **{"Accept-Encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in page.headers["vary"]
    plain = client.get("/claims?limit=20", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert json.loads(gzip.decompress(page.body)) == plain.json()
    assert len(page.body) < len(plain.content)


def test_small_answers_are_sent_as_they_are(client: TestClient) -> None:
    small = raw(client, "/claims?entity=nobody", **{"Accept-Encoding": "gzip"})
    assert small.status_code == 404
    assert "content-encoding" not in small.headers


def test_a_streamed_export_is_compressed_as_it_goes(client: TestClient) -> None:
    exported = raw(client, "/claims?format=csv", **{"Accept-Encoding": "gzip"})
    assert exported.headers["content-encoding"] == "gzip"
    text = gzip.decompress(exported.body).decode()
    assert text == client.get("/claims?format=csv").text
    assert len(text.splitlines()) > FIXTURE_CLAIMS  # every claim, some over two lines


def test_etags_and_304_hold_under_compression(client: TestClient) -> None:
    first = raw(client, f"/claims/{CLAIM}", **{"Accept-Encoding": "gzip"})
    assert first.headers["content-encoding"] == "gzip"
    etag = first.headers["etag"]
    plain = client.get(f"/claims/{CLAIM}", headers={"Accept-Encoding": "identity"})
    assert plain.headers["etag"] == etag  # the claim's version, however it travels
    again = raw(client, f"/claims/{CLAIM}", **{"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304
    assert again.body == b""
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == "no-cache"


def test_reads_are_revalidated_and_nothing_else_is_kept(
    client: TestClient, writer: dict[str, str]
) -> None:
    for url in (
        f"/claims/{CLAIM}",
        "/claims?entity=legion",
        "/claims?format=csv",
        "/entities/legion/claims",
        "/sources",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-cache", url
    head = client.head(f"/claims/{CLAIM}")
    assert head.headers["cache-control"] == "no-cache"
    assert client.get("/claims/no-such-claim").headers["cache-control"] == "no-store"
    refused = client.post("/claims", json={}, headers=writer)
    assert refused.status_code == 422
    assert refused.headers["cache-control"] == "no-store"
    etag = client.get(f"/claims/{CLAIM}").headers["etag"]
    edited = client.patch(
        f"/claims/{CLAIM}",
        content=b'{"speech": "indirect"}',
        headers=writer | {"Content-Type": "application/merge-patch+json", "If-Match": etag},
    )
    assert edited.status_code == 200, edited.text
    assert edited.headers["cache-control"] == "no-store"
