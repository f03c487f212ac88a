"""Overlapping quotes, each highlighted by exactly one element at exactly its offsets.

Quotes that nest (or are disjoint) fit in one element tree: the inner highlight sits
inside the outer one. Quotes that cross cannot: an element holding exactly the words of
the one would have to start inside the other and end outside it. So highlights are
dealt into layers, each a tree of nested highlights over its own copy of the text: the
first layer is the article people read; later ones are transparent copies laid exactly
over it (same box, same font, so the same line breaks), holding only the quotes that
cross one in a layer below. Most texts need one layer; each crossing depth adds one.

Dealing is one pass over the quotes in text order, keeping per layer the ends of the
highlights still open: O(n log n + n x layers), never a comparison of every pair.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A highlight to place: `text[start:end]`, and its position among the claims."""

    start: int
    end: int
    index: int


def deal(spans: Iterable[Span]) -> list[list[Span]]:
    """Spans in layers: within a layer any two nest or are disjoint; each span goes to
    the lowest layer it fits in. Each layer lists its spans by start, outer first."""
    layers: list[list[Span]] = []
    open_ends: list[list[int]] = []  # per layer, ends of the spans around the cursor
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.index)):
        for layer, ends in zip(layers, open_ends, strict=True):
            while ends and ends[-1] <= span.start:
                ends.pop()  # closed before this span starts, and before every later one
            if not ends or span.end <= ends[-1]:
                layer.append(span)
                ends.append(span.end)
                break
        else:
            layers.append([span])
            open_ends.append([span.end])
    return layers


def nest(
    text: str,
    spans: Sequence[Span],
    opening: Callable[[Span], str],
    closing: str,
    plain: Callable[[str, int], str],
) -> str:
    """One layer's markup: the whole `text`, each span wrapped in `opening(span)` and
    `closing`. `plain(chunk, depth)` renders the text between tags, `depth` being the
    number of highlights around it. The spans must come as `deal` lists them."""
    out: list[str] = []
    position = 0
    ends: list[int] = []

    def close_until(limit: int) -> None:
        nonlocal position
        while ends and ends[-1] <= limit:
            end = ends.pop()
            out.append(plain(text[position:end], len(ends) + 1))
            out.append(closing)
            position = end

    for span in spans:
        close_until(span.start)
        out.append(plain(text[position : span.start], len(ends)))
        out.append(opening(span))
        ends.append(span.end)
        position = span.start
    close_until(len(text))
    out.append(plain(text[position:], 0))
    return "".join(out)
