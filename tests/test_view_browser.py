"""The annotated article in a real headless Chromium, served by a real `claims serve`.

The page must place every claim's highlight exactly once, over exactly its words, even
where quotes nest or cross; show a claim on hover and on keyboard focus; hide other
claimants' highlights when filtered; and fetch nothing but its own server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from article_page import (
    ARESTOVYCH,
    ARTICLE,
    HOSTILE_SOURCE,
    HOSTILE_TEXT,
    RETRACTED,
    add_hostile_source,
    add_overlapping_claims,
)
from browser import ARTIFACTS, Browser, browser
from conftest import url_of
from live_server import LiveServer
from playwright.sync_api import Page

from api import Store
from api.writes.keys import create_key
from models.base import Scope

# In the page: each highlight's offsets in its layer's text (in code points, as Python
# counts), its text, and whether its first and last characters and its box lie exactly
# where the same characters lie in the article people read.
MEASURE = """() => {
  const points = (s) => Array.from(s).length;
  const article = document.getElementById("article");
  function locate(root, offset) {  // code-point offset -> [text node, UTF-16 offset]
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let node, seen = 0;
    while ((node = walker.nextNode())) {
      const chars = Array.from(node.data);
      if (seen + chars.length >= offset) {
        return [node, chars.slice(0, offset - seen).join("").length];
      }
      seen += chars.length;
    }
    throw new Error("offset past the text: " + offset);
  }
  function range(root, start, end) {
    const r = document.createRange();
    r.setStart(...locate(root, start));
    r.setEnd(...locate(root, end));
    return r;
  }
  const box = (r) => {
    const b = r.getBoundingClientRect();
    return [b.left, b.top, b.right, b.bottom];
  };
  const layers = Array.from(document.querySelectorAll("[data-layer]"));
  const marks = Array.from(document.querySelectorAll("[data-claim]")).map((mark) => {
    const layer = mark.closest("[data-layer]");
    const before = document.createRange();
    before.setStart(layer, 0);
    before.setEnd(mark, 0);
    const start = points(before.toString());
    const end = start + points(mark.textContent);
    const own = document.createRange();
    own.selectNodeContents(mark);
    const shown = [box(own)], read = [box(range(article, start, end))];
    if (end > start) {
      shown.push(box(range(layer, start, start + 1)), box(range(layer, end - 1, end)));
      read.push(box(range(article, start, start + 1)), box(range(article, end - 1, end)));
    }
    const off = shown.flat().map((v, i) => Math.abs(v - read.flat()[i]));
    return {
      claim: mark.getAttribute("data-claim"), layer: Number(layer.dataset.layer),
      start, end, text: mark.textContent, drift: Math.max(0, ...off),
      tabIndex: mark.tabIndex,
    };
  });
  return {layers: layers.map((l) => l.textContent), marks};
}"""

DETAILS = "document.getElementById('details-body').textContent"


@pytest.fixture
def writer(store: Store) -> dict[str, str]:
    with store.write_session() as session:
        key = create_key(session, "browser-tests", Scope.write)
        session.commit()
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def server(store: Store, tmp_path: Path) -> Iterator[LiveServer]:
    with LiveServer(url_of(store), tmp_path / "server") as running:
        yield running


@pytest.fixture
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        yield client


@pytest.fixture
def chromium(server: LiveServer, tmp_path: Path) -> Iterator[Browser]:
    with browser(tmp_path / "profile", server.base_url) as opened:
        yield opened


def live(http: httpx.Client, source: str) -> dict[str, Any]:
    claims, url = {}, "/claims?limit=200"
    while url:
        page = http.get(url).json()
        claims.update({c["id"]: c for c in page["items"] if c["quote"]["source"] == source})
        url = page["next"]
    return claims


def open_page(chromium: Browser, server: LiveServer, source: str) -> tuple[Page, list[str]]:
    page = chromium.context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    answer = page.goto(f"{server.base_url}/sources/{source}/view")
    assert answer is not None
    assert answer.status == 200
    return page, problems


def keep(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def assert_each_claim_highlighted_once(page: Page, held: str, claims: dict[str, Any]) -> Any:
    measured = page.evaluate(MEASURE)
    for number, text in enumerate(measured["layers"]):
        assert text == held, f"layer {number} of the page does not hold the text as it is"
    found = [mark["claim"] for mark in measured["marks"]]
    assert sorted(found) == sorted(claims), "every live claim highlighted exactly once"
    for mark in measured["marks"]:
        quote = claims[mark["claim"]]["quote"]
        assert (mark["start"], mark["end"]) == (quote["start"], quote["end"]), mark
        assert mark["text"] == quote["text"], mark
        assert mark["drift"] < 1, f"{mark['claim']} is drawn {mark['drift']}px off its words"
        assert mark["tabIndex"] == 0, mark
    return measured


def test_overlapping_claims_in_a_real_browser(
    server: LiveServer, http: httpx.Client, writer: dict[str, str], chromium: Browser
) -> None:
    add_overlapping_claims(http, writer)
    claims = live(http, ARTICLE)
    assert RETRACTED not in claims
    held = http.get(f"/sources/{ARTICLE}/text").text
    page, problems = open_page(chromium, server, ARTICLE)

    measured = assert_each_claim_highlighted_once(page, held, claims)
    assert {mark["layer"] for mark in measured["marks"]} == {0, 1, 2}

    # Hovering shows the claim, for a highlight in the article and for one laid over it.
    for claim_id in ("legion-300-applications-a-day", "view-crossing-members-to-two"):
        page.locator(f'[data-claim="{claim_id}"]').hover()
        shown = page.evaluate(DETAILS)
        assert claims[claim_id]["statement"] in shown
        assert claims[claim_id]["claimant"]["name"] in shown
    keep(page, "article-overlaps-hover.png")

    # The keyboard reaches the highlights, each shows its claim, and Escape closes it.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    first = None
    for _ in range(40):
        page.keyboard.press("Tab")
        first = page.evaluate("document.activeElement.getAttribute('data-claim')")
        if first:
            break
    assert first, "Tab never reached a highlight"
    assert claims[first]["statement"] in page.evaluate(DETAILS)
    page.keyboard.press("Tab")
    second = page.evaluate("document.activeElement.getAttribute('data-claim')")
    assert second
    assert second != first
    assert claims[second]["statement"] in page.evaluate(DETAILS)
    page.keyboard.press("Enter")  # into the details, and Escape back to the highlight
    assert page.evaluate("document.activeElement.id") == "details-body"
    page.keyboard.press("Escape")
    assert page.evaluate(DETAILS) == ""
    assert page.locator("#details-empty").is_visible()
    assert page.evaluate("document.activeElement.getAttribute('data-claim')") == second

    # Filtering by claimant hides everyone else's highlights, and takes them out of Tab.
    page.get_by_label("Claimant").select_option("oleksiy-arestovych")
    state = page.evaluate(
        """() => Array.from(document.querySelectorAll("[data-claim]")).map((m) => ({
            claim: m.dataset.claim, off: m.classList.contains("off"), tab: m.tabIndex,
            background: getComputedStyle(m).backgroundColor}))"""
    )
    mine = {c for c, claim in claims.items() if claim["claimant"]["slug"] == "oleksiy-arestovych"}
    assert {ARESTOVYCH, "view-nested-said-in-june", "view-nested-few-hundred"} <= mine
    for mark in state:
        if mark["claim"] in mine:
            assert not mark["off"]
            assert mark["tab"] == 0
            assert mark["background"] != "rgba(0, 0, 0, 0)"
        else:
            assert mark["off"], mark
            assert mark["tab"] == -1, mark
            assert mark["background"] == "rgba(0, 0, 0, 0)", mark
    assert (
        page.locator("#filter-count").text_content()
        == f"{len(mine)} of {len(claims)} highlights shown"
    )
    keep(page, "article-overlaps-filtered.png")

    # By entity, with the claimant filter back on everyone.
    page.get_by_label("Claimant").select_option("")
    page.get_by_label("Entity").select_option("ukraine")
    about_ukraine = {
        c for c, claim in claims.items() if any(e["slug"] == "ukraine" for e in claim["entities"])
    }
    visible = page.evaluate(
        "Array.from(document.querySelectorAll('[data-claim]:not(.off)')).map(m => m.dataset.claim)"
    )
    assert about_ukraine
    assert set(visible) == about_ukraine

    assert problems == []
    assert chromium.refused == [], "the page asked for something beyond its server"


def test_markup_in_a_held_text_stays_text_in_a_real_browser(
    server: LiveServer, http: httpx.Client, writer: dict[str, str], chromium: Browser
) -> None:
    add_hostile_source(http, writer)
    page, problems = open_page(chromium, server, HOSTILE_SOURCE)
    assert_each_claim_highlighted_once(page, HOSTILE_TEXT, live(http, HOSTILE_SOURCE))
    assert page.evaluate("document.querySelectorAll('b, script:not([id]) ~ script').length") == 0
    assert page.evaluate("document.scripts.length") == 2
    page.locator('[data-claim="hostile-script-quote"]').hover()
    assert "<script>alert(" in page.evaluate(DETAILS)
    keep(page, "hostile-markup.png")
    assert problems == []
    assert chromium.refused == []


def test_a_claims_relations_show_and_lead_to_the_other_claim(
    server: LiveServer, http: httpx.Client, chromium: Browser
) -> None:
    """The fixture records that the article sets Arestovych's "few hundred" against "two
    fully manned battalions": the page shows the link with the claim, names the source
    that drew it, and its button moves to the other claim's highlight."""
    other = "legion-two-fully-manned-battalions"
    relation = http.get("/relations/few-hundred-contradicts-two-battalions").json()
    assert (relation["from"], relation["to"]) == (ARESTOVYCH, other)
    source = http.get(f"/sources/{relation['asserted_by']['source']}").json()
    page = chromium.context.new_page()
    page.goto(f"{server.base_url}/sources/{ARTICLE}/view")
    page.locator(f'[data-claim="{ARESTOVYCH}"]').focus()
    shown = page.evaluate(DETAILS)
    assert "contradicts" in shown
    assert relation["note"] in shown
    assert f"Asserted by {source['name']}" in shown
    statement = http.get(f"/claims/{other}").json()["statement"]
    page.get_by_role("button", name=statement).click()
    assert page.evaluate("document.activeElement.getAttribute('data-claim')") == other
    assert statement in page.evaluate(DETAILS)
    assert chromium.refused == []


AT_HIGHLIGHT = """(id) => {
  const mark = document.getElementById("claim-" + id);
  const box = mark.getBoundingClientRect();
  return {
    top: box.top, bottom: box.bottom, height: innerHeight, scrolled: scrollY,
    target: mark.matches(":target"), active: mark.classList.contains("active"),
    focused: document.activeElement === mark, off: mark.classList.contains("off"),
    outline: getComputedStyle(mark).outlineStyle,
  };
}"""


def test_a_highlight_has_a_link_that_leads_back_to_it(
    server: LiveServer, http: httpx.Client, chromium: Browser
) -> None:
    """A highlight's URL (`#claim-<id>`) opens the page scrolled to it, marked, its claim
    shown; its details give that link and copy it; a filter that hid it gives way."""
    claims = live(http, ARTICLE)
    last = max(claims, key=lambda c: claims[c]["quote"]["start"])  # far below the fold
    view = f"{server.base_url}/sources/{ARTICLE}/view"
    page = chromium.context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    assert page.goto(f"{view}#claim-{last}") is not None

    state = page.evaluate(AT_HIGHLIGHT, last)
    assert state["scrolled"] > 0
    assert 0 <= state["top"] < state["bottom"] <= state["height"], state
    assert state["target"]
    assert state["active"]
    assert state["focused"]
    assert state["outline"] == "solid"
    assert claims[last]["statement"] in page.evaluate(DETAILS)
    keep(page, "article-linked-highlight.png")

    here = page.locator("#details-body a.permalink")
    assert here.get_attribute("href") == f"#claim-{last}"
    assert here.text_content() == "Link to this highlight"
    chromium.context.grant_permissions(["clipboard-read", "clipboard-write"])
    copy = page.locator("#details-body button.copy")
    assert copy.text_content() == "Copy link"
    copy.click()
    page.wait_for_function(
        "document.querySelector('#details-body .copy').textContent !== 'Copy link'"
    )
    assert copy.text_content() == "Link copied"
    assert page.evaluate("navigator.clipboard.readText()") == f"{view}#claim-{last}"

    # Another highlight's link, followed while the claimant filter hides it.
    page.get_by_label("Claimant").select_option("moscow-times")
    assert page.evaluate(AT_HIGHLIGHT, ARESTOVYCH)["off"]
    page.evaluate("(id) => { location.hash = 'claim-' + id; }", ARESTOVYCH)
    page.wait_for_function(
        "(id) => document.getElementById('details-body').dataset.claim === id", arg=ARESTOVYCH
    )
    state = page.evaluate(AT_HIGHLIGHT, ARESTOVYCH)
    assert not state["off"]
    assert state["target"]
    assert state["focused"]
    assert 0 <= state["top"] < state["bottom"] <= state["height"], state
    assert page.get_by_label("Claimant").input_value() == ""
    assert claims[ARESTOVYCH]["statement"] in page.evaluate(DETAILS)
    assert problems == []
    assert chromium.refused == []
