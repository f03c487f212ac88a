"""Whether a text is worth reading at all: empty, unreadable bytes, or not English. A text that
fails gives no candidates and says why, instead of feeding noise to the review queue."""

from __future__ import annotations

import re

_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
# fmt: off
_ENGLISH_FUNCTION_WORDS = frozenset({
    "the", "of", "and", "to", "a", "in", "is", "was", "that", "for", "on", "with", "said", "he",
    "it", "as", "by", "at", "from", "his", "be", "are", "has", "have", "not", "but", "they",
    "were", "this", "an", "which", "or", "will", "had", "their", "she", "who", "been", "would",
    "says", "her", "we", "its", "after", "there", "more", "than"
})
# fmt: on
MINIMUM_WORDS_FOR_LANGUAGE = 20
MINIMUM_ENGLISH_SHARE = 0.12
MINIMUM_LETTER_SHARE = 0.5
MAXIMUM_REPLACEMENT_SHARE = 0.01


def reason_to_skip(text: str) -> str | None:
    """Why `text` should not be read, or None when it looks like English prose."""
    visible = len(text) - sum(1 for char in text if char.isspace())
    if visible == 0:
        return "no sentences found"
    if text.count("\ufffd") > MAXIMUM_REPLACEMENT_SHARE * visible:
        return "text is not readable: it has undecodable bytes"
    letters = sum(1 for _ in _LETTERS.finditer(text))
    if letters < MINIMUM_LETTER_SHARE * visible:
        return "text is not readable: too few letters"
    words = _WORDS.findall(text)
    if len(words) >= MINIMUM_WORDS_FOR_LANGUAGE:
        english = sum(1 for word in words if word.casefold() in _ENGLISH_FUNCTION_WORDS)
        if english < MINIMUM_ENGLISH_SHARE * len(words):
            return "text is not English?"
    return None
