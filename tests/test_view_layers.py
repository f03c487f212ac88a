"""Placing overlapping quotes: every span once, at its offsets, in as few layers as the
crossings need, in time that grows with the claims (never with their pairs)."""

from __future__ import annotations

import time
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from api.http.article import render_page
from api.http.article.layers import Span, deal, nest
from api.queries.article import HeldArticle

TEXT = "abcdefghijklmnopqrstuvwxyz0123456789"


@st.composite
def spans(draw: st.DrawFn) -> list[Span]:
    found = []
    for index in range(draw(st.integers(0, 25))):
        start = draw(st.integers(0, len(TEXT)))
        end = draw(st.integers(start, len(TEXT)))
        found.append(Span(start, end, index))
    return found


def crosses(a: Span, b: Span) -> bool:
    return a.start < b.start < a.end < b.end or b.start < a.start < b.end < a.end


@given(spans())
def test_each_span_lands_once_in_the_lowest_layer_it_fits(placed: list[Span]) -> None:
    layers = deal(placed)
    assert sorted(s.index for layer in layers for s in layer) == [s.index for s in placed]
    for number, layer in enumerate(layers):
        assert layer, "no empty layer"
        assert layer == sorted(layer, key=lambda s: (s.start, -s.end, s.index))
        assert not any(crosses(a, b) for a in layer for b in layer)
        for span in layer:  # it would cross something in every layer below
            for lower in layers[:number]:
                assert any(crosses(span, other) for other in lower)


@given(spans())
def test_nest_wraps_each_span_around_exactly_its_text(placed: list[Span]) -> None:
    for layer in deal(placed):
        markup = nest(TEXT, layer, lambda s: f"[{s.index}:", "]", lambda chunk, _depth: chunk)
        text, opened, found = [], [], {}
        position = 0
        index = 0
        while index < len(markup):
            if markup[index] == "[":
                close = markup.index(":", index)
                opened.append((int(markup[index + 1 : close]), position))
                index = close + 1
            elif markup[index] == "]":
                span_index, start = opened.pop()
                found[span_index] = (start, position)
                index += 1
            else:
                text.append(markup[index])
                position += 1
                index += 1
        assert "".join(text) == TEXT
        assert found == {s.index: (s.start, s.end) for s in layer}


def synthetic(n: int) -> HeldArticle:
    """`n` claims over a text of `n` words: each quotes one to five words from its own,
    so most quotes cross several others."""
    words = [f"w{i:06d} " for i in range(n)]
    text = "".join(words)
    claims: list[dict[str, Any]] = []
    for i in range(n):
        start, end = i * 8, min(len(text), i * 8 + 8 * (1 + i % 5) - 1)
        claims.append(
            {
                "id": f"c{i}",
                "statement": "A claim.",
                "quote": {"text": text[start:end], "source": "s", "start": start, "end": end},
                "claimant": {"slug": f"p{i % 40}", "name": f"P{i % 40}", "kind": "person"},
                "entities": [{"slug": "e", "name": "E", "kind": "person", "role": "about"}],
                "attribution": [],
                "claimed_on": None,
                "event_date": None,
                "status": "asserted",
                "speech": "own",
                "quantity": None,
            }
        )
    return HeldArticle("s", "S", None, text, claims)


def test_a_page_of_many_claims_costs_in_proportion_to_them() -> None:
    """Twenty thousand crossing claims: a quadratic layout would take minutes."""
    article = synthetic(20_000)
    started = time.perf_counter()
    html = render_page(article)
    elapsed = time.perf_counter() - started
    assert html.count("<mark ") == 20_000
    assert elapsed < 10, f"{elapsed:.1f} s for 20,000 claims"
