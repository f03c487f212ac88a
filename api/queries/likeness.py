"""How alike two claims' words are, and what their differences say: the matcher's text
rules, pure functions of the words (no store, no I/O).

A text is read once into `Words`: its normalised form (for exact and near-duplicate
tests), its content stems (for overlap), its polarity cues (a negation or a denial), its
figures (a number with what it counts) and its dates. `compare` scores two readings and
names the method that scored them; `relation` says which relation the differences
suggest, by the rules docs/matching.md lists.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from api.store.search import STOP_WORDS, plain_numbers

# --- reading a text --------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})

# Words that turn a statement round: a negation, or a cue that denies what follows.
NEGATIONS = frozenset(
    """
    not no never none nobody nothing neither nor cannot can't won't don't doesn't didn't
    isn't aren't wasn't weren't hasn't haven't hadn't wouldn't shouldn't couldn't without
    """.split()  # noqa: SIM905  (a word list reads better as text)
)
DENIALS = frozenset(
    """
    deny denies denied denying false untrue baseless reject rejects rejected rejecting
    refute refutes refuted dismiss dismisses dismissed debunked
    """.split()  # noqa: SIM905
)
# Words that say only how the words reached us: left out of overlap, so "he said X" and
# "X, she told reporters" compare on X.
_REPORTING = frozenset(
    """
    said says say saying told tell tells according added adds stated statement claimed
    claims claim reported reports reporters wrote writes asked interview mr mrs ms also
    would could
    """.split()  # noqa: SIM905
)
_STOP = STOP_WORDS | _REPORTING | NEGATIONS

_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_FIGURE = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)\s*(%|percent|per cent)?"
    r"(?:\s+(thousand|million|billion|trillion))?(?:\s+([^\W\d_]+))?",
    re.UNICODE,
)
_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12,
}  # fmt: skip
_MONTHS = [
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
]  # fmt: skip
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_MONTH_DAY = re.compile(
    r"\b(" + "|".join(m.capitalize() for m in _MONTHS) + r")\.?(?:\s+(\d{1,2})\b)?"
)


def stem(word: str) -> str:
    """A light suffix-stripping stem (English): plurals, -ing, -ed, -ly; enough that
    "emails"/"email" and "charged"/"charges" meet, without a stemmer's dependency."""
    w = word
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    for suffix in ("ing", "edly", "ed", "ly", "es", "s"):
        if len(w) - len(suffix) >= 3 and w.endswith(suffix):
            if suffix == "s" and w.endswith(("ss", "us", "is")):
                return w
            w = w[: -len(suffix)]
            if suffix in ("ing", "ed") and len(w) > 3 and w[-1] == w[-2]:
                w = w[:-1]  # "stopped" -> "stop"
            return w
    return w


def normal(text: str) -> str:
    """The words, case-folded, with punctuation and spacing ignored."""
    return " ".join(word.casefold() for word in _WORD.findall(text.translate(_QUOTES)))


@dataclass(frozen=True)
class Figure:
    """A number the words state and the word after it (what it counts, roughly)."""

    value: float
    unit: str | None


@dataclass(frozen=True)
class Words:
    """One text as the rules read it."""

    text: str
    norm: str
    stems: frozenset[str]
    negative: bool  # an odd number of negation or denial cues
    figures: tuple[Figure, ...]
    years: frozenset[int]
    days: frozenset[tuple[str, int | None]]  # (month, day or None)


@lru_cache(maxsize=4096)
def read(text: str) -> Words:
    """Read a text for matching (cached: the same claims come up again and again)."""
    text = text.translate(_QUOTES)
    norm = normal(text)
    words = norm.split()
    cues = [w for w in words if w in NEGATIONS or w in DENIALS or w.endswith("n't")]
    return Words(
        text=text,
        norm=norm,
        stems=frozenset(
            stem(w.removesuffix("'s"))
            for w in words
            if w not in _STOP and w not in DENIALS and not w.isdigit() and len(w) > 1
        ),
        negative=len(cues) % 2 == 1,  # "no prosecutor would not" is no negation
        figures=_figures(text),
        years=frozenset(int(y) for y in _YEAR.findall(text)),
        days=frozenset(
            (m.group(1).lower(), int(m.group(2)) if m.group(2) else None)
            for m in _MONTH_DAY.finditer(text)
            if m.group(1) != "May" or m.group(2)  # "may" the verb, unless a day follows
        ),
    )


def _figures(text: str) -> tuple[Figure, ...]:
    found = []
    for match in _FIGURE.finditer(plain_numbers(text)):
        number, percent, scale, after = match.groups()
        value = float(number)
        if _YEAR.fullmatch(number) and not percent and not scale:
            continue  # a year is a date, not a figure
        if scale:
            value *= _SCALES[scale]
        unit = "percent" if percent else (stem(after.lower()) if after else None)
        if unit in _STOP:
            unit = None
        found.append(Figure(value, unit))
    for word in normal(text).split():
        if word in _NUMBER_WORDS:
            found.append(Figure(float(_NUMBER_WORDS[word]), None))
    return tuple(found)


# --- comparing two readings --------------------------------------------------------------


@dataclass(frozen=True)
class Likeness:
    """How alike two texts are: a score from 0 to 1, the method that gave it, and the
    overlap of their content (what the relation rules weigh)."""

    score: float
    method: str  # exact | near_duplicate | lexical
    overlap: float


def overlap(a: Words, b: Words, weight: Callable[[str], float] | None = None) -> float:
    """Cosine of the two sets of content stems (0 when either has none), each stem
    weighted by `weight` (1 each without it)."""
    if not a.stems or not b.stems:
        return 0.0
    if weight is None:
        return len(a.stems & b.stems) / math.sqrt(len(a.stems) * len(b.stems))
    shared = sum(weight(s) for s in a.stems & b.stems)
    return shared / math.sqrt(sum(map(weight, a.stems)) * sum(map(weight, b.stems)))


def rarity(texts: Sequence[Words]) -> Callable[[str], float]:
    """A stem's weight among `texts` (the claims retrieval brought): the rarer among
    them, the heavier (inverse document frequency), so the words every candidate shares
    with the probe (the story's names) count for less than the ones only some share."""
    counts: dict[str, int] = {}
    for words in texts:
        for s in words.stems:
            counts[s] = counts.get(s, 0) + 1
    n = len(texts)
    return lambda s: math.log((n + 1) / (counts.get(s, 0) + 1)) + 1


# Above this, two texts are the same sentence with small edits (rapidfuzz's ratio).
NEAR_DUPLICATE = 0.9


def compare(a: Words, b: Words, weight: Callable[[str], float] | None = None) -> Likeness:
    """Score two texts: identical words score 1 (`exact`); the same sentence with small
    edits scores its edit similarity (`near_duplicate`); otherwise the blend of content
    overlap (its stems weighted by `weight`) and word-order-free similarity (`lexical`)."""
    shared = overlap(a, b)
    if a.norm and a.norm == b.norm:
        return Likeness(1.0, "exact", shared)
    ratio = fuzz.ratio(a.norm, b.norm) / 100
    if ratio >= NEAR_DUPLICATE:
        return Likeness(round(ratio, 4), "near_duplicate", shared)
    # One text inside the other ("X" quoted in "she said X, and more"): only worth the
    # (costly) alignment when nearly all the shorter text's content is in the longer.
    shorter = min(len(a.stems), len(b.stems))
    held = shorter > 0 and len(a.stems & b.stems) >= 0.8 * shorter
    long_enough = min(len(a.norm), len(b.norm)) >= 20
    inside = fuzz.partial_ratio(a.norm, b.norm) / 100 if held and long_enough else 0
    tokens = fuzz.token_set_ratio(a.norm, b.norm) / 100
    score = 0.75 * (overlap(a, b, weight) if weight else shared) + 0.25 * tokens
    if inside >= 0.95:
        score = max(score, 0.9 * inside)
    return Likeness(round(min(score, 0.999), 4), "lexical", shared)


# --- what the differences suggest ----------------------------------------------------------

# The rules, by id (docs/matching.md): each needs the two texts to be about the same thing
# (content overlap at least its floor), then finds a difference that cannot both be true.
RESTATES_FLOOR = 0.65  # a score this high, with no conflict, is a restatement
FIGURE_FLOOR = 0.5  # the same measure: overlap this high apart from the figures
DATE_FLOOR = 0.5  # the same event: overlap this high apart from the dates
NEGATION_FLOOR = 0.5  # the same statement, one side negated or denied
# Embedding similarity runs higher than content overlap for the same pair: this much is
# taken off before it counts as overlap.
MEANING_OFFSET = 0.2


@dataclass(frozen=True)
class Suggestion:
    type: str | None  # restates | contradicts | None
    rule: str | None  # the rule's id


def relation(a: Words, b: Words, likeness: Likeness, meaning: float | None = None) -> Suggestion:
    """Which relation the two texts suggest, and the rule that says so: `contradicts`
    for a different figure of the same measure, a different date of the same event, or
    the same statement negated or denied; else `restates` above its floor; else none.
    `meaning` (the embeddings' similarity, where the re-ranker runs) can also show that
    two texts are about the same thing."""
    shared = likeness.overlap
    same = max(shared, meaning - MEANING_OFFSET if meaning is not None else 0.0)
    if same >= FIGURE_FLOOR and figures_differ(a.figures, b.figures):
        return Suggestion("contradicts", "contradicts-figure")
    if same >= DATE_FLOOR and dates_differ(a, b):
        return Suggestion("contradicts", "contradicts-date")
    if same >= NEGATION_FLOOR and a.negative != b.negative:
        return Suggestion("contradicts", "contradicts-negation")
    if likeness.score >= RESTATES_FLOOR:
        return Suggestion("restates", f"restates-{likeness.method}")
    return Suggestion(None, None)


def figures_differ(a: tuple[Figure, ...], b: tuple[Figure, ...]) -> bool:
    """Both state a figure of the same thing and no figure of one matches the other's
    (within 1%): a different figure for the same measure."""
    for fa in a:
        same_unit = [fb for fb in b if fb.unit is not None and fb.unit == fa.unit]
        if same_unit and not any(_close(fa.value, fb.value) for fb in same_unit):
            return True
    return False


def quantities_differ(
    a: tuple[float | None, float | None], b: tuple[float | None, float | None]
) -> bool:
    """Two stored quantities of one unit whose ranges (low, high) do not overlap."""
    (alow, ahigh), (blow, bhigh) = a, b
    if ahigh is not None and blow is not None and ahigh < blow and not _close(ahigh, blow):
        return True
    return bool(bhigh is not None and alow is not None and bhigh < alow and not _close(bhigh, alow))


def _close(x: float, y: float) -> bool:
    return abs(x - y) <= 0.01 * max(abs(x), abs(y), 1e-9)


def dates_differ(a: Words, b: Words) -> bool:
    """Both give a date and they cannot be the same day: different years, or the same
    month with different days."""
    if a.years and b.years and not (a.years & b.years):
        return True
    for month, day in a.days:
        for other, other_day in b.days:
            if month == other and day and other_day and day != other_day:
                return True
    return False
