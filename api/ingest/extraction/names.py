"""Named mentions in a text: people, organisations, places and groups, with offsets.

Two readers give the same shape: the trained English recogniser (see recogniser.py) and, when
it is not installed, a rule that takes runs of capitalised words. The rest of the extractor
does not know which one ran.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from api.ingest.extraction.kinds import RECOGNISED_LABELS, guess_label, kind_of
from models.base import EntityKind

_LEADING_ARTICLE = re.compile(r"^(?:the|The)\s+")
_POSSESSIVE = re.compile(r"['\u2019]s?$")
_NAME_WORD = r"[A-Z](?:[\w'\u2019-]+|\.(?:[A-Z]\.)*)?"  # "O'Brien", "Jan-Michael", "U.S."
_CAPITALISED_RUN = re.compile(
    rf"\b{_NAME_WORD}(?:(?:\s+(?:of|the|for|de|la|van|von|al|bin|da|del)){{0,2}}\s+{_NAME_WORD})*"
)
_FIRST_PERSON = re.compile(r"^I(?:['\u2019]\w+)?$")
# fmt: off
_NOT_A_NAME = frozenset({
    "The", "A", "An", "But", "And", "In", "On", "At", "When", "While", "As", "If", "After",
    "Before", "During", "Since", "For", "From", "To", "With", "He", "She", "They", "It", "We",
    "I", "You", "His", "Her", "Their", "Its", "Our", "This", "That", "These", "Those", "There",
    "Here", "Meanwhile", "However", "Yesterday", "Today", "Tomorrow", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October", "November", "December",
    "Mr", "Mrs", "Ms", "Dr", "Some", "Many", "Most", "Other", "Another", "One", "Two", "Three",
    "Police", "According", "Under", "Speaking", "Despite", "Only", "Now", "Then", "Also", "Even",
    "Still", "So", "Yet", "No", "Not", "All", "Both", "Each", "Every", "Why", "What", "Who",
    "How", "Where", "Which", "Whose", "Soon", "Let", "Nor", "Or", "Well", "Earlier", "Later"
})
# fmt: on


@dataclass(frozen=True)
class Name:
    """A named mention: `text` is the name as written, minus a leading "the" and a possessive."""

    start: int
    end: int
    text: str
    label: str  # PERSON, ORG, GPE, LOC, FAC or NORP
    kind: str  # models.base.EntityKind value


def cleaned_name(text: str, start: int, end: int, label: str) -> Name | None:
    """A Name for text[start:end], without a leading "the" or a trailing "'s"."""
    if text[max(0, start - 4) : start] == "The " and kind_of(text[start:end], label) == (
        EntityKind.publication
    ):
        start -= 4  # the recogniser leaves "The" out of "The Guardian"
    span = text[start:end]
    article = _LEADING_ARTICLE.match(span)
    keeps_article = span.startswith("The ") and kind_of(span, label) == EntityKind.publication
    if article and label != "PERSON" and not keeps_article:  # "The Guardian" keeps its "The"
        start += article.end()
    possessive = _POSSESSIVE.search(text[start:end])
    if possessive:
        end = start + possessive.start()
    while end > start and not text[end - 1].isalnum():
        end -= 1
    if end <= start:
        return None
    name = text[start:end]
    return Name(start, end, name, label, kind_of(name, label))


_OUTLET_WORD = re.compile(
    r" (?:Post|Times|Journal|Herald|Tribune|Gazette|Chronicle|Observer|Sentinel|Star|Globe|"
    r"Examiner|Inquirer|Review|News|Daily|Bee|Dispatch|Register|Record|Sun|Mail|Telegraph|"
    r"Express|Mirror|Independent|Guardian)\b(?: (?:Sentinel|Journal|Times|News|Tribune))?"
)


def _joined(text: str, names: list[Name]) -> list[Name]:
    """Names the recogniser cut in two: "Milwaukee" + "Journal Sentinel", "Washington" +
    "Post" (a place followed by an outlet's word is the outlet)."""
    joined: list[Name] = []
    for name in names:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and previous.label in {"GPE", "NORP"}
            and name.label == "ORG"
            and text[previous.end : name.start] == " "
        ):
            merged = cleaned_name(text, previous.start, name.end, "ORG")
            if merged is not None:
                joined[-1] = merged
                continue
        if name.label in {"GPE", "ORG"}:
            outlet = _OUTLET_WORD.match(text, name.end)
            if outlet is not None:
                merged = cleaned_name(text, name.start, outlet.end(), "ORG")
                if merged is not None:
                    name = merged
        if previous is not None and name.start < previous.end:
            continue
        joined.append(name)
    return joined


def names_from_labels(text: str, spans: Iterable[tuple[int, int, str]]) -> list[Name]:
    """Names from a recogniser's (start, end, label) spans, keeping the kinds we attribute to."""
    names = []
    for start, end, label in sorted(spans):
        if label not in RECOGNISED_LABELS:
            continue
        name = cleaned_name(text, start, end, label)
        if name is not None:
            names.append(name)
    return _joined(text, names)


def capitalised_names(text: str) -> list[Name]:
    """Names by capitalisation alone: the reader used when no trained recogniser is installed."""
    names = []
    for match in _CAPITALISED_RUN.finditer(text):
        words = match.group(0).split()
        start = match.start()
        while words and words[0].strip(".") in _NOT_A_NAME:
            start = text.index(words[0], start) + len(words[0])
            words = words[1:]
        if not words:
            continue
        while start < len(text) and text[start].isspace():
            start += 1
        name = cleaned_name(text, start, match.end(), guess_label(match.group(0)))
        if name is not None and name.text not in _NOT_A_NAME and not _FIRST_PERSON.match(words[0]):
            names.append(name)
    return names
