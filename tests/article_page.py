"""Helpers for the annotated article page's tests: claims that overlap, and a reader of
the page's HTML that finds every highlight's offsets in the text of its layer.

The claims quote the seed article verbatim, around the Arestovych sentence (3555-3660):
two nest inside it, one has exactly its span, and two cross it, the second of those
also crossing the first, so the page needs three layers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Protocol

ARTICLE = "legion-article-2022"
ARESTOVYCH = "arestovych-legion-few-hundred-members"  # a fixture claim, 3555-3660
HOPS = [
    {"source": ARTICLE, "verb": "reported"},
    {"source": "moscow-times-switching-sides", "entity": "moscow-times", "verb": "reported"},
]
# id: (quote, claimant); each quote occurs once in the article.
OVERLAPPING = {
    "view-nested-said-in-june": ("Oleksiy Arestovych said in June", "oleksiy-arestovych"),
    "view-nested-few-hundred": ("few hundred", "oleksiy-arestovych"),
    "view-same-span": (
        "Ukrainian Presidential Adviser Oleksiy Arestovych said in June that the group had a "
        "“few hundred” members",
        "moscow-times",
    ),
    "view-crossing-group-to-july": (
        "the group had a “few hundred” members, but the Legion claimed in July",
        "moscow-times",
    ),
    "view-crossing-members-to-two": (
        "members, but the Legion claimed in July it consisted of two",
        "freedom-of-russia-legion",
    ),
}
RETRACTED = "view-retracted-thousand-fighters"

HOSTILE_SOURCE = "hostile-markup-source"
HOSTILE_TEXT = (
    "Intro line.\r\nHe wrote </script><b>bold</b> & <!-- not a comment --> here,"
    "\u2028then 😀 smiled at “quotes” </SCRIPT >.\n"
)
HOSTILE_QUOTES = {
    "hostile-script-quote": "</script><b>bold</b> & <!--",
    "hostile-astral-quote": "😀 smiled at “quotes” </SCRIPT >",
    "hostile-carriage-return": "line.\r\nHe wrote",
}


class Poster(Protocol):
    """A TestClient or an httpx.Client."""

    def post(self, url: str, *, json: Any, headers: dict[str, str]) -> Any: ...

    def delete(self, url: str, *, headers: dict[str, str]) -> Any: ...


def claim_body(claim_id: str, quote: str, claimant: str, source: str = ARTICLE) -> dict[str, Any]:
    hops = HOPS if source == ARTICLE else [{"source": source, "verb": "reported"}]
    return {
        "id": claim_id,
        "statement": f"A claim for the page's tests <script>alert('{claim_id}')</script>.",
        "quote": {"source": source, "text": quote},
        "claimant": claimant,
        "entities": [{"slug": "freedom-of-russia-legion", "role": "about"}],
        "attribution": hops,
        "claimed_on": "2022",
        "status": "reported",
        "speech": "indirect",
    }


def add_overlapping_claims(client: Poster, writer: dict[str, str]) -> None:
    """The overlapping claims, and one more that is then retracted."""
    for claim_id, (quote, claimant) in OVERLAPPING.items():
        made = client.post("/claims", json=claim_body(claim_id, quote, claimant), headers=writer)
        assert made.status_code == 201, made.text
    gone = claim_body(RETRACTED, "which could mean more than 1,000 fighters", "moscow-times")
    assert client.post("/claims", json=gone, headers=writer).status_code == 201
    retracted = client.delete(f"/claims/{RETRACTED}", headers={**writer, "If-Match": "*"})
    assert retracted.status_code in {200, 204}, retracted.text


def add_hostile_source(client: Poster, writer: dict[str, str]) -> None:
    """A held text full of markup, and claims quoting the worst of it."""
    source = {
        "slug": HOSTILE_SOURCE,
        "name": "Markup </script> <b>test</b>",
        "kind": "article",
        "text": HOSTILE_TEXT,
    }
    made = client.post("/sources", json=source, headers=writer)
    assert made.status_code == 201, made.text
    for claim_id, quote in HOSTILE_QUOTES.items():
        body = claim_body(claim_id, quote, "moscow-times", source=HOSTILE_SOURCE)
        answer = client.post("/claims", json=body, headers=writer)
        assert answer.status_code == 201, answer.text


@dataclass
class Highlight:
    claim: str
    layer: int
    start: int
    end: int = -1
    text: str = ""
    anchor: str | None = None  # its id: the URL fragment that leads to it


@dataclass
class ParsedPage:
    layers: dict[int, str] = field(default_factory=dict)
    highlights: list[Highlight] = field(default_factory=list)
    data: Any = None


class _Reader(HTMLParser):
    """Walks the page as a browser builds it: text per layer, each highlight's span."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self.stack: list[tuple[str, Highlight | None, int | None]] = []
        self.layer: int | None = None
        self.parts: dict[int, list[str]] = {}
        self.lengths: dict[int, int] = {}
        self.in_data = False
        self.script: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        layer = attributes.get("data-layer")
        highlight = None
        if layer is not None:
            self.layer = int(layer)
            self.parts[self.layer] = []
            self.lengths[self.layer] = 0
        elif "data-claim" in attributes:
            assert self.layer is not None, "a highlight outside the article"
            claim = attributes["data-claim"] or ""
            highlight = Highlight(
                claim, self.layer, self.lengths[self.layer], anchor=attributes.get("id")
            )
            self.page.highlights.append(highlight)
        self.in_data = attributes.get("id") == "claims-data"
        self.stack.append((tag, highlight, int(layer) if layer is not None else None))

    def handle_endtag(self, tag: str) -> None:
        self.in_data = False
        while self.stack:
            open_tag, highlight, layer = self.stack.pop()
            if highlight is not None and self.layer is not None:
                highlight.end = self.lengths[self.layer]
            if layer is not None:
                self.page.layers[layer] = "".join(self.parts[layer])
                self.layer = None
            if open_tag == tag:
                return

    def handle_data(self, data: str) -> None:
        if self.in_data:
            self.script.append(data)
        elif self.layer is not None:
            self.parts[self.layer].append(data)
            self.lengths[self.layer] += len(data)


def read_page(html: str) -> ParsedPage:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    page = reader.page
    page.data = json.loads("".join(reader.script))
    for highlight in page.highlights:
        highlight.text = page.layers[highlight.layer][highlight.start : highlight.end]
    return page


def assert_highlighted_once_each(page: ParsedPage, held: str, live: dict[str, Any]) -> None:
    """Every layer holds the whole text; every live claim is one highlight, at its
    offsets, whose text is its quote; nothing else is highlighted."""
    assert page.layers, "no article layer"
    for number, text in page.layers.items():
        assert text == held, f"layer {number} does not hold the text as it is"
    found = [h.claim for h in page.highlights]
    assert sorted(found) == sorted(live), "each live claim highlighted exactly once"
    for highlight in page.highlights:
        quote = live[highlight.claim]["quote"]
        assert (highlight.start, highlight.end) == (quote["start"], quote["end"]), highlight
        assert highlight.text == quote["text"], highlight
