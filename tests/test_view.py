"""The annotated article page over HTTP: where it answers, what it embeds, what it escapes,
and how the JSON of a source links to it."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from article_page import (
    ARESTOVYCH,
    ARTICLE,
    HOSTILE_QUOTES,
    HOSTILE_SOURCE,
    HOSTILE_TEXT,
    OVERLAPPING,
    RETRACTED,
    add_hostile_source,
    add_overlapping_claims,
    assert_highlighted_once_each,
    read_page,
)
from fastapi import FastAPI
from fastapi.testclient import TestClient
from helpers import FIXTURE_CLAIMS, walk

import api.http.article
from api import Settings, Store, create_app, create_router, install_error_handlers
from api.queries.article import _CLAIMS
from api.writes.keys import create_key
from models.base import Scope

VIEW = f"/sources/{ARTICLE}/view"
VIEW_LINK = f'</sources/{ARTICLE}/view>; rel="alternate"; type="text/html"'


@pytest.fixture
def writer(store: Store) -> dict[str, str]:
    with store.write_session() as session:
        key = create_key(session, "page-tests", Scope.write)
        session.commit()
    return {"Authorization": f"Bearer {key}"}


def live_claims(client: TestClient, source: str) -> dict[str, Any]:
    """Every live claim quoting `source`, as the API answers them."""
    return {
        claim["id"]: claim
        for claim in walk(client, "/claims?limit=200")
        if claim["quote"]["source"] == source
    }


def held_text(client: TestClient, source: str) -> str:
    answer = client.get(f"/sources/{source}/text")
    assert answer.status_code == 200
    text: str = answer.text
    return text


@pytest.mark.parametrize("spelling", [ARTICLE, "The held article", "THE HELD ARTICLE"])
def test_the_page_answers_under_every_spelling(client: TestClient, spelling: str) -> None:
    page = client.get(f"/sources/{spelling}/view")
    assert page.status_code == 200, page.text
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    links = [f'</sources/{ARTICLE}>; rel="alternate"; type="application/json"']
    if spelling != ARTICLE:
        links.insert(0, f'<{VIEW}>; rel="canonical"')
    assert page.headers["link"] == ", ".join(links)
    assert page.text.startswith("<!doctype html>")
    assert client.get(f"/sources/{spelling}/view").text == client.get(VIEW).text


def test_the_page_may_run_only_its_own_script_and_style(client: TestClient) -> None:
    """The policy names the inline script and style by hash: nothing else runs or loads."""
    page = client.get(VIEW)
    policy = dict(
        part.strip().split(" ", 1) for part in page.headers["content-security-policy"].split(";")
    )
    assert policy["default-src"] == "'none'"
    for tag, directive in (("script", "script-src"), ("style", "style-src")):
        inline = re.findall(rf"<{tag}>(.*?)</{tag}>", page.text, re.S)
        assert len(inline) == 1
        digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
        assert policy[directive] == f"'sha256-{digest}'"
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page.text)


def test_the_embedded_data_lists_every_live_claim_with_its_document(client: TestClient) -> None:
    data = read_page(client.get(VIEW).text).data
    live = live_claims(client, ARTICLE)
    assert len(live) == FIXTURE_CLAIMS
    assert [claim["id"] for claim in data["claims"]] == sorted(
        live, key=lambda i: (live[i]["quote"]["start"], -live[i]["quote"]["end"])
    )
    linked = 0
    for claim in data["claims"]:
        shown = claim.pop("relations")
        linked += len(shown)
        assert claim == live[claim["id"]]
        standing = walk(client, f"/claims/{claim['id']}/relations?limit=100")
        assert [relation["id"] for relation in shown] == [r["id"] for r in standing]
        for relation, answered in zip(shown, standing, strict=True):
            other = answered.pop("claim")
            assert relation.pop("claim") == {"id": other["id"], "statement": other["statement"]}
            assert relation == {key: answered[key] for key in relation}
    assert linked > 0
    assert data["names"]["oleksiy-arestovych"] == "Oleksiy Arestovych"
    assert data["names"]["moscow-times-switching-sides"] == "Moscow Times: Switching Sides"
    assert data["source"] == {"slug": ARTICLE, "name": "The held article", "title": None}


def test_every_claim_is_one_highlight_at_its_offsets_even_when_quotes_overlap(
    client: TestClient, writer: dict[str, str]
) -> None:
    add_overlapping_claims(client, writer)
    live = live_claims(client, ARTICLE)
    assert set(OVERLAPPING) <= set(live)
    assert RETRACTED not in live
    page = read_page(client.get(VIEW).text)
    assert_highlighted_once_each(page, held_text(client, ARTICLE), live)
    assert [claim["id"] for claim in page.data["claims"]] == sorted(
        live, key=lambda i: (live[i]["quote"]["start"], -live[i]["quote"]["end"])
    )
    layer_of = {h.claim: h.layer for h in page.highlights}
    # Nested and identical spans stay in the article; each crossing needs a layer more.
    assert layer_of[ARESTOVYCH] == layer_of["view-same-span"] == 0
    assert layer_of["view-nested-said-in-june"] == layer_of["view-nested-few-hundred"] == 0
    assert layer_of["view-crossing-group-to-july"] == 1
    assert layer_of["view-crossing-members-to-two"] == 2
    assert sorted(page.layers) == [0, 1, 2]


def test_each_highlight_can_be_linked_to(client: TestClient, writer: dict[str, str]) -> None:
    """Its id is its URL fragment, `#claim-<id>`: one per claim, crossing quotes too."""
    add_overlapping_claims(client, writer)
    page = read_page(client.get(VIEW).text)
    anchors = [h.anchor for h in page.highlights]
    assert anchors == [f"claim-{h.claim}" for h in page.highlights]
    assert len(set(anchors)) == len(anchors) == len(page.data["claims"])


def options(html: str, name: str) -> dict[str, str]:
    """A filter's choices: value -> label."""
    select = re.search(rf'<select id="filter-{name}" name="{name}">(.*?)</select>', html, re.S)
    assert select is not None, name
    return dict(re.findall(r'<option value="([^"]*)">([^<]*)</option>', select[1]))


def test_the_filters_count_claims(client: TestClient) -> None:
    """ "All entities (39)" is every claim, as "All claimants" is; each entity's count is
    the claims that involve it, whatever its roles there."""
    html = client.get(VIEW).text
    claims = read_page(html).data["claims"]
    for name, everyone in (("claimant", "All claimants"), ("entity", "All entities")):
        assert options(html, name)[""] == f"{everyone} ({len(claims)})"
    involving = sum(1 for c in claims if any(e["slug"] == "ukraine" for e in c["entities"]))
    assert options(html, "entity")["ukraine"] == f"Ukraine ({involving})"
    legion = sum(
        1 for c in claims if any(e["slug"] == "freedom-of-russia-legion" for e in c["entities"])
    )
    assert options(html, "entity")["freedom-of-russia-legion"] == (
        f"Freedom of Russia Legion ({legion})"
    )


def test_a_retracted_claim_leaves_the_page(client: TestClient, writer: dict[str, str]) -> None:
    add_overlapping_claims(client, writer)
    html = client.get(VIEW).text
    assert RETRACTED not in html


def test_markup_in_text_quotes_and_statements_stays_text(
    client: TestClient, writer: dict[str, str]
) -> None:
    add_hostile_source(client, writer)
    answer = client.get(f"/sources/{HOSTILE_SOURCE}/view")
    assert answer.status_code == 200, answer.text
    html = answer.text
    # One script element of data, one of code: no quote closed one or opened another.
    assert len(re.findall(r"<script\b", html, re.I)) == 2
    assert len(re.findall(r"</script", html, re.I)) == 2
    assert "<b>" not in html
    assert "<!-- not" not in html
    page = read_page(html)
    live = live_claims(client, HOSTILE_SOURCE)
    assert set(live) == set(HOSTILE_QUOTES)
    assert_highlighted_once_each(page, HOSTILE_TEXT, live)
    by_id = {claim["id"]: claim for claim in page.data["claims"]}
    assert by_id["hostile-script-quote"]["quote"]["text"] == HOSTILE_QUOTES["hostile-script-quote"]
    assert "<script>alert(" in by_id["hostile-script-quote"]["statement"]
    assert page.data["source"]["name"] == "Markup </script> <b>test</b>"
    assert (
        "<title>Markup &lt;/script&gt; &lt;b&gt;test&lt;/b&gt;: claims highlighted</title>" in html
    )


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/sources/no-such-source/view", "not-found"),
        ("/sources/moscow-times-switching-sides/view", "text-not-held"),
    ],
)
def test_no_page_without_a_held_text(client: TestClient, path: str, kind: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"] == f"urn:sourced-claims:problem:{kind}"


def test_an_unknown_parameter_is_refused(client: TestClient) -> None:
    answer = client.get(f"{VIEW}?claimant=x")
    assert answer.status_code == 422
    assert answer.json()["field"] == "claimant"


def test_the_json_of_a_held_source_links_to_its_page(client: TestClient) -> None:
    assert client.get(f"/sources/{ARTICLE}").headers["link"] == VIEW_LINK
    by_name = client.get("/sources/The held article")
    assert by_name.headers["link"] == f'</sources/{ARTICLE}>; rel="canonical", {VIEW_LINK}'
    not_held = client.get("/sources/moscow-times-switching-sides")
    assert "link" not in not_held.headers


def test_the_links_follow_a_prefix(store: Store) -> None:
    host = FastAPI()
    install_error_handlers(host)
    host.include_router(create_router(store), prefix="/api")
    with TestClient(host) as client:
        assert client.get(f"/api/sources/{ARTICLE}").headers["link"] == (
            f'</api/sources/{ARTICLE}/view>; rel="alternate"; type="text/html"'
        )
        page = client.get("/api/sources/The held article/view")
        assert page.status_code == 200
        assert page.headers["link"].startswith(f'</api/sources/{ARTICLE}/view>; rel="canonical"')


@contextmanager
def statements(store: Store) -> Iterator[list[str]]:
    seen: list[str] = []
    store.read_listeners.append(seen.append)
    try:
        yield seen
    finally:
        store.read_listeners.remove(seen.append)


def test_the_page_reads_a_fixed_number_of_statements(
    client: TestClient, store: Store, writer: dict[str, str]
) -> None:
    """Its claims come from one statement, however many there are."""
    with statements(store) as before:
        assert client.get(VIEW).status_code == 200
    add_overlapping_claims(client, writer)
    with statements(store) as after:
        assert client.get(VIEW).status_code == 200
    assert len(after) == len(before)
    claims = [sql for sql in after if "claim_document" in sql]
    assert len(claims) == 1
    assert "quote_source_id" in claims[0]


def test_the_links_follow_a_mount_and_a_proxy(store: Store) -> None:
    app = create_app(Settings(database_url="sqlite://"), store=store)
    host = FastAPI()
    host.mount("/svc", app)
    with TestClient(host) as client:
        page = client.get("/svc/sources/The held article/view")
        assert page.headers["link"].startswith(f'</svc/sources/{ARTICLE}/view>; rel="canonical"')
    with TestClient(app, root_path="/proxied") as client:
        answer = client.get(f"/sources/{ARTICLE}")
        assert answer.headers["link"].startswith(f"</proxied/sources/{ARTICLE}/view>")


def luminance(colour: str) -> float:
    """WCAG relative luminance of `#rrggbb` (or `#rgb`)."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def multiply(a: str, b: str) -> str:
    """Two tints as `mix-blend-mode: multiply` lays them over each other."""
    pa, pb = (int(a[i : i + 2], 16) for i in (1, 3, 5)), (int(b[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{x * y // 255:02x}" for x, y in zip(pa, pb, strict=True))


def test_highlight_colours_keep_the_text_readable() -> None:
    """Text on any claimant's tint, and where three crossing highlights darken each other,
    passes WCAG AA (4.5:1); the lines that tell claimants apart pass 3:1 on white."""
    css = (Path(api.http.article.__file__).parent / "article.css").read_text(encoding="utf-8")
    ink = re.search(r"--ink: (#[0-9a-f]+)", css)
    assert ink is not None
    palette = re.findall(r"\.k\d+ \{ --tint: (#[0-9a-f]{6}); --line: (#[0-9a-f]+); \}", css)
    assert len(palette) == 12
    for tint, line in palette:
        assert contrast(ink[1], tint) >= 7, tint
        assert contrast(line, "#ffffff") >= 3, line
        for other, _ in palette:
            for third, _ in palette:
                assert contrast(ink[1], multiply(multiply(tint, other), third)) >= 4.5


def test_the_claims_statement_walks_the_quote_source_index(store: Store) -> None:
    if store.dialect != "sqlite":
        pytest.skip("PostgreSQL's planner may scan a table this small; the plan is SQLite's")
    with store.reader() as reader:
        plan = " ".join(
            str(row) for row in reader.rows(reader.sql(f"EXPLAIN QUERY PLAN {_CLAIMS}", id=1))
        )
    assert "USING INDEX ix_claim_quote_source_id" in plan
    assert "SCAN claim" not in plan
