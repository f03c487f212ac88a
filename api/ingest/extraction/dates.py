"""When a claim was made, from the words around its cue ("said on Monday", "in June", "last
week", "at a March 4 press conference"), resolved against the article's date at the precision
the words and that date allow: YYYY, YYYY-MM or YYYY-MM-DD.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from models.base import date_bounds

if TYPE_CHECKING:
    from api.ingest.extraction.document import Document
    from api.ingest.extraction.results import Candidate

CONTEXT_PARAGRAPHS = 3  # paragraphs back in which a speaker's dated statement dates the next

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_SEASONS = frozenset({"spring", "summer", "fall", "autumn", "winter"})
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_FULL_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_MONTH = rf"(?P<month>{_FULL_MONTHS}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_EXPRESSIONS = re.compile(
    rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}})\b)?"
    rf"|\b(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month2>{_FULL_MONTHS})\b"
    rf"(?:\s+(?P<year2>\d{{4}})\b)?"
    rf"|\b(?:in|since|during|by)\s+(?:(?:early|late|mid-?)\s*)?(?P<month3>{_FULL_MONTHS})\b"
    rf"(?:\s+(?P<year3>\d{{4}})\b)?"
    r"|\b(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
    r"|\b(?P<relative>yesterday|today|tonight|last night|this morning|this afternoon|this evening|"
    r"earlier this week|this week|last week|over the weekend|this weekend|last weekend|"
    r"earlier this month|this month|last month|earlier this year|this year|last year|"
    r"this (?:spring|summer|fall|autumn|winter)|last (?:spring|summer|fall|autumn|winter))\b"
    r"|\bin\s+(?P<year4>(?:19|20)\d{2})\b",
    re.IGNORECASE,
)


def _parse_source(source_date: str | None) -> tuple[date, int] | None:
    """The source's first day and how many of year, month, day it gives (1..3)."""
    if source_date is None:
        return None
    try:
        first, _ = date_bounds(source_date)
    except ValueError:
        return None
    return first, source_date.count("-") + 1


def _month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _span_of_days(first: date, last: date) -> str:
    """The finest YYYY / YYYY-MM that holds both days."""
    if (first.year, first.month) == (last.year, last.month):
        return _month(first.year, first.month)
    return f"{first.year:04d}" if first.year == last.year else f"{last.year:04d}"


def _year_for(month: int, source: tuple[date, int] | None) -> int | None:
    if source is None:
        return None
    day, precision = source
    if precision >= 2 and month > day.month:
        return day.year - 1  # "in November" read in a March article: the November before
    return day.year


def _relative(word: str, source: tuple[date, int] | None) -> str | None:
    if source is None:
        return None
    day, precision = source
    word = " ".join(word.casefold().split())
    if word in {"this year", "earlier this year"} or (
        word.startswith("this ") and word[5:] in _SEASONS
    ):
        return f"{day.year:04d}"
    if word == "last year":
        return f"{day.year - 1:04d}"
    if word.startswith("last ") and word[5:] in _SEASONS:
        return f"{day.year - 1:04d}"
    if precision < 2:
        return None
    if word in {"this month", "earlier this month"}:
        return _month(day.year, day.month)
    if word == "last month":
        previous = day.replace(day=1) - timedelta(days=1)
        return _month(previous.year, previous.month)
    if precision < 3:
        return None
    if word in {"yesterday", "last night"}:
        return (day - timedelta(days=1)).isoformat()
    if word in {"today", "tonight", "this morning", "this afternoon", "this evening"}:
        return day.isoformat()
    monday = day - timedelta(days=day.weekday())
    if word in {"over the weekend", "this weekend", "last weekend"}:
        saturday = day - timedelta(days=(day.weekday() - 5) % 7)
        return _month(saturday.year, saturday.month)
    if word == "last week":
        monday -= timedelta(days=7)
        return _span_of_days(monday, monday + timedelta(days=6))
    return _span_of_days(monday, day)  # this week, earlier this week


def _resolve(match: re.Match[str], source: tuple[date, int] | None) -> str | None:
    groups = match.groupdict()
    month_name = groups["month"] or groups["month2"]
    if month_name:
        month = _MONTHS[month_name.casefold().rstrip(".")]
        day_number = int(groups["day"] or groups["day2"])
        explicit = groups["year"] or groups["year2"]
        year = int(explicit) if explicit else _year_for(month, source)
        if year is None:
            return None
        try:
            return date(year, month, day_number).isoformat()
        except ValueError:
            return _month(year, month)
    if groups["month3"]:
        month = _MONTHS[groups["month3"].casefold()]
        year = int(groups["year3"]) if groups["year3"] else _year_for(month, source)
        return None if year is None else _month(year, month)
    if groups["weekday"]:
        if source is None or source[1] < 3:
            return None
        day = source[0]
        back = (day.weekday() - _WEEKDAYS.index(groups["weekday"].casefold())) % 7
        if back == 6:
            # the weekday just after the source's date: a dateline a day ahead of the
            # date the source is filed under, not a day six days before
            return (day + timedelta(days=1)).isoformat()
        return (day - timedelta(days=back)).isoformat()
    if groups["relative"]:
        return _relative(groups["relative"], source)
    return groups["year4"]


def claim_date(
    text: str,
    regions: tuple[tuple[int, int], ...],
    cue_at: int,
    source_date: str | None,
    fallback: tuple[tuple[int, int], ...] = (),
) -> tuple[str | None, bool]:
    """When the claim was made, and whether that was inferred: the date the words in
    `regions` (the cue's frame) give, nearest the cue first, else the date the rest of the
    sentence around the content gives (`fallback`, a day only), resolved against the source's date;
    else the source's own date, inferred (a dated source's claim always has one)."""
    source = _parse_source(source_date)
    for tier in (regions, fallback):
        found: list[tuple[int, str]] = []
        for start, end in tier:
            for match in _EXPRESSIONS.finditer(text, start, end):
                resolved = _resolve(match, source)
                if tier is fallback and (resolved is None or len(resolved) < len("2016-10-10")):
                    continue  # away from the cue, only a day ("on Thursday") dates the saying
                if resolved is not None and _not_after(resolved, source_date):
                    found.append((abs(match.start() - cue_at), resolved))
        if found:
            return min(found)[1], False
    if source is not None:
        return source_date, True
    return None, False


def _not_after(resolved: str, source_date: str | None) -> bool:
    """A claim reported in a source cannot have been made after the source's date ("will
    meet in June 2030" is an event, not when it was said)."""
    if source_date is None:
        return True
    try:
        first, _ = date_bounds(resolved)
        _, last = date_bounds(source_date)
    except ValueError:
        return True
    return first <= last + timedelta(days=1)  # a dateline may run a day ahead


def carry_dates(document: Document, candidates: list[Candidate]) -> tuple[Candidate, ...]:
    """A statement the text does not date itself, by a speaker whose statement a little
    earlier it did date, was made on that occasion ("In a Thursday interview, Tapper told
    ..." dates Tapper's next lines)."""
    carried: list[Candidate] = []
    last: dict[str, tuple[int, str]] = {}  # claimant -> (paragraph, date the text gave)
    for candidate in candidates:
        paragraph = document.paragraph_index(candidate.start)
        claimant = candidate.claimant
        if claimant is not None and candidate.claimed_on_inferred and claimant in last:
            where, when = last[claimant]
            if paragraph - where <= CONTEXT_PARAGRAPHS:
                candidate = replace(candidate, claimed_on=when, claimed_on_inferred=False)
        if claimant is not None and not candidate.claimed_on_inferred and candidate.claimed_on:
            last[claimant] = (paragraph, candidate.claimed_on)
        carried.append(candidate)
    return tuple(carried)
