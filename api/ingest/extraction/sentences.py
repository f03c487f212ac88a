"""Sentence and paragraph boundaries that respect quotation marks and "Mr." or "U.S.".

spaCy's rule sentencizer gives a straight opening mark to the sentence before it, which breaks
every quote it touches, so the extractor splits sentences itself.
"""

from __future__ import annotations

import re

# fmt: off
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sgt", "capt", "prof", "rev", "sen", "rep",
    "gov", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "inc", "co", "corp", "ltd", "jr", "sr", "no", "vs", "etc", "mt", "ft", "maj", "adm", "cmdr",
    "brig", "supt", "insp", "det", "const", "u.s", "u.k", "u.n", "e.g", "i.e", "a.m", "p.m"
})
# fmt: on
_TERMINATOR = re.compile(r"[.!?\u2026]+(?:[\"\u201d\u2019')\]]+)?(?=\s)")
_NEXT_STARTS_SENTENCE = re.compile(r"\s+[\"\u201c\u2018'(\[]?[A-Z0-9\u201c\"]")
_LINE = re.compile(r"[^\n]+")
_WORD_BEFORE = re.compile(r"([\w.]+)[.!?\u2026]*$")


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    if not _NEXT_STARTS_SENTENCE.match(text, match.end()):
        return False
    if match.group(0)[0] != "." or len(match.group(0)) > 1:
        return True  # "!", "?", or a period followed by a closing mark
    word = _WORD_BEFORE.search(text, max(0, match.start() - 12), match.start() + 1)
    if word is None:
        return True
    token = word.group(1).casefold().rstrip(".")
    return token not in _ABBREVIATIONS and not (len(token) == 1 and token.isalpha())


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence, whitespace excluded; a line break always ends one."""
    sentences = []
    for line in _LINE.finditer(text):
        start = line.start()
        for match in _TERMINATOR.finditer(text, line.start(), line.end()):
            if _ends_sentence(text, match):
                sentences.append((start, match.end()))
                start = match.end()
        sentences.append((start, line.end()))
    trimmed = []
    for start, end in sentences:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            trimmed.append((start, end))
    return trimmed
