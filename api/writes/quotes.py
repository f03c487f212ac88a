"""The one quote check: a quote is the held text's own words, at the offsets it names.

Every path that takes a quote (the API's creates and edits, the fixture loader, the bulk
loader) checks it here, and says what is wrong the same way: where the quote is not,
and the nearest thing to it the text does hold.
"""

from __future__ import annotations

import difflib
from typing import Literal


class QuoteError(ValueError):
    """The quote is not the text's own words; `part` says which part of it is at fault
    (`quote` for offsets that hold something else, `quote.text` for words not found)."""

    def __init__(self, part: Literal["quote", "quote.text"], message: str) -> None:
        super().__init__(message)
        self.part = part
        self.message = message


def is_at(text: str, quoted: str, start: int, end: int) -> bool:
    """The cheap check, for loads of millions: are these the words at these offsets?"""
    return text[start:end] == quoted


def place(
    text: str, quoted: str, start: int | None = None, end: int | None = None
) -> tuple[int, int]:
    """Where the quote is: at the offsets given, or, without them, its one place in the
    text. A `QuoteError` says what is wrong otherwise."""
    if start is not None and end is not None:
        if text[start:end] != quoted:
            found = text[start:end]
            raise QuoteError(
                "quote", f"is not at {start}-{end} (found {found!r} there){_nearest(text, quoted)}"
            )
        return start, end
    first = text.find(quoted)
    if first < 0:
        raise QuoteError("quote.text", f"is not in the held text{_nearest(text, quoted)}")
    if text.find(quoted, first + 1) >= 0:
        raise QuoteError(
            "quote.text", "occurs more than once in the text; give start and end to say which"
        )
    return first, first + len(quoted)


def _nearest(text: str, quoted: str) -> str:
    near = nearest_match(text, quoted)
    if near is None:
        return "; nothing close in the text"
    return f"; nearest match at {near[0]}-{near[0] + len(near[1])}: {near[1]!r}"


def nearest_match(text: str, quote: str) -> tuple[int, str] | None:
    """Where in `text` the closest thing to `quote` starts, and what it says there."""
    if not quote:
        return None
    exact = text.find(quote)
    if exact >= 0:
        return exact, quote
    width = len(quote)
    best: tuple[float, int] = (0.0, -1)
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(quote)
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch.isspace()]
    for start in starts:
        window = text[start : start + width]
        matcher.set_seq1(window)
        if matcher.real_quick_ratio() <= best[0] or matcher.quick_ratio() <= best[0]:
            continue
        ratio = matcher.ratio()
        if ratio > best[0]:
            best = (ratio, start)
    if best[1] < 0 or best[0] < 0.5:
        return None
    return _refine(text, quote, best[1], width)


def _refine(text: str, quote: str, start: int, width: int, reach: int = 6) -> tuple[int, str]:
    """Nudge both ends of a rough window by a few characters to fit the quote best."""
    best = (-1.0, start, start + width)
    for begin in range(max(0, start - reach), start + reach + 1):
        for end in range(begin + width - reach, begin + width + reach + 1):
            ratio = difflib.SequenceMatcher(None, text[begin:end], quote, autojunk=False).ratio()
            if ratio > best[0]:
                best = (ratio, begin, end)
    return best[1], text[best[1] : best[2]]
