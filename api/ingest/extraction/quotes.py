"""Quotation spans in news text: curly or straight marks (and the two apostrophes some archives
write for one: ''like this''), unbalanced ones, and quotes that run over several paragraphs
(an opening mark at each paragraph start, one closing mark at the end).

Straight marks carry no direction, so their side is read from the characters around them.
A quote that never closes is dropped with a warning rather than guessed at: it would
otherwise swallow the rest of its paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPENING_MARKS = "\u201c\u201e\u00ab"  # “ „ «
CLOSING_MARKS = "\u201d\u00bb"  # ” »
ANY_MARK = re.compile("''|``|[\"\u201c\u201d\u201e\u00ab\u00bb]")
PARAGRAPH_BREAK = re.compile(r"\n\s*")
LETTER = re.compile(r"[^\W\d_]")
LONGEST_QUOTE = 4000  # characters; longer "quotes" come from a stray mark, not from a speaker


@dataclass(frozen=True)
class Quote:
    """A quoted stretch; `start`/`end` bound its words, without the marks or a trailing comma."""

    opening: int  # offset of the opening mark
    closing: int | None  # offset of the closing mark; None when the quote goes on in a later mark
    start: int
    end: int
    continues_previous: bool  # opened right after an unclosed quote (next paragraph or sentence)
    closing_end: int | None = None  # just past the closing mark (marks may be two characters)

    @property
    def after(self) -> int:
        """Just past the closing mark, or the end of the words when the quote goes on."""
        if self.closing_end is not None:
            return self.closing_end
        return self.closing + 1 if self.closing is not None else self.end


def _side(text: str, at: int, length: int = 1) -> str:
    """'open', 'close' or 'either' for the mark at `at`."""
    mark = text[at : at + length]
    if mark in OPENING_MARKS or mark == "``":
        return "open"
    if mark in CLOSING_MARKS:
        return "close"
    before = text[at - 1] if at > 0 else " "
    after = text[at + length] if at + length < len(text) else " "
    opens = before.isspace() or before in "([{\u2014\u2013-/:"
    closes = after.isspace() or after in ".,;:!?)]}\u2014\u2013-"
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    return "either"


def _paragraph_starts(text: str) -> list[int]:
    return [0, *(match.end() for match in PARAGRAPH_BREAK.finditer(text))]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return start, end


def _follows_sentence_end(text: str, at: int) -> bool:
    before = text[max(0, at - 3) : at].rstrip()
    return bool(before) and before[-1] in ".!?"


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.quotes: list[Quote] = []
        self.warnings: list[str] = []
        self.open_at: int | None = None
        self.open_length = 1
        self.open_continues = False

    def finish(self, end: int, closing: int | None, closing_length: int = 1) -> None:
        assert self.open_at is not None
        start, stop = _trim(self.text, self.open_at + self.open_length, end)
        content = self.text[start:stop]
        if LETTER.search(content) and stop - start <= LONGEST_QUOTE:
            closing_end = None if closing is None else closing + closing_length
            self.quotes.append(
                Quote(self.open_at, closing, start, stop, self.open_continues, closing_end)
            )
        self.open_at = None
        self.open_continues = False

    def abandon(self) -> None:
        assert self.open_at is not None
        self.warnings.append(f"unbalanced quotation mark at {self.open_at}")
        self.open_at = None
        self.open_continues = False

    def open(self, at: int, continues: bool, length: int = 1) -> None:
        self.open_at = at
        self.open_length = length
        self.open_continues = continues


def find_quotes(text: str) -> tuple[list[Quote], list[str]]:
    """Every quotation in `text`, in order, and a warning for each mark left unpaired."""
    scanner = _Scanner(text)
    paragraph_starts = _paragraph_starts(text)
    paragraph = 0
    for match in ANY_MARK.finditer(text):
        at = match.start()
        length = match.end() - at
        new_paragraph = paragraph
        while (
            new_paragraph + 1 < len(paragraph_starts) and paragraph_starts[new_paragraph + 1] <= at
        ):
            new_paragraph += 1
        side = _side(text, at, length)
        if new_paragraph != paragraph:
            at_paragraph_start = at == paragraph_starts[new_paragraph]
            if scanner.open_at is not None:
                if at_paragraph_start and side != "close":
                    scanner.finish(paragraph_starts[new_paragraph], None)
                    paragraph = new_paragraph
                    scanner.open(at, continues=True, length=length)
                    continue
                scanner.abandon()
            paragraph = new_paragraph
        if scanner.open_at is None:
            if side == "close":
                scanner.warnings.append(f"unbalanced quotation mark at {at}")
            else:
                scanner.open(at, continues=False, length=length)
        elif side == "open" and _follows_sentence_end(text, at):
            # Paragraphs run together: the unclosed quote goes on in this new mark.
            scanner.finish(at, None)
            scanner.open(at, continues=True, length=length)
        elif side == "open":
            scanner.warnings.append(f"unbalanced quotation mark at {scanner.open_at}")
            scanner.open(at, continues=False, length=length)
        else:
            scanner.finish(at, at, length)
    if scanner.open_at is not None:
        scanner.abandon()
    return scanner.quotes, scanner.warnings
