"""Vocabulary shared by every model: enums, reduced-precision dates, names and slugs.

Plain Python and pydantic only: the typed client imports this, and must not need a database
library. Table-only helpers live in `models.tables`.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Annotated

from pydantic import AfterValidator, Field


class EntityKind(StrEnum):
    """What sort of thing an entity is; `work` is a text speaking for itself (a report, a
    study, a model, a poll); `anonymous` an unnamed source ("officials", "sources")."""

    person = "person"
    organization = "organization"
    publication = "publication"
    government_body = "government_body"
    military_unit = "military_unit"
    place = "place"
    weapon = "weapon"
    group = "group"
    work = "work"
    anonymous = "anonymous"


class SourceKind(StrEnum):
    """What sort of work a source is."""

    article = "article"
    news_report = "news_report"
    interview = "interview"
    news_agency_report = "news_agency_report"
    press_conference = "press_conference"
    official_statement = "official_statement"
    media_reports = "media_reports"
    photograph = "photograph"


class ClaimStatus(StrEnum):
    """How a claim stands: as fact, as someone's report, contradicted, or a guess.

    `disputed` is never set by hand: a claim is disputed while a `contradicts` relation
    links it to a claim by another claimant. Writers give the stated status.
    """

    asserted = "asserted"
    reported = "reported"
    disputed = "disputed"
    speculative = "speculative"


class StatedStatus(StrEnum):
    """How the source presents a claim, which a writer gives: as fact, as someone's
    report, or as a guess (`disputed` follows from relations, see `ClaimStatus`)."""

    asserted = "asserted"
    reported = "reported"
    speculative = "speculative"


class RelationType(StrEnum):
    """How one claim bears on another (docs/relations.md gives an example of each)."""

    contradicts = "contradicts"  # both cannot be true
    undermines = "undermines"  # casts doubt on its credibility or framing, not its facts
    qualifies = "qualifies"  # narrows it or adds a condition
    supports = "supports"
    restates = "restates"
    derived_from = "derived_from"  # an inference drawn from the other


# The relations that set claims against each other: what `/entities/{slug}/disputes` lists.
DISPUTING = (RelationType.contradicts, RelationType.undermines, RelationType.qualifies)


class DateKind(StrEnum):
    """Which date of a claim places it on a timeline."""

    event = "event"
    claimed = "claimed"


class Speech(StrEnum):
    """Whose words the quote carries: the claimant's own (direct), a reporter's
    paraphrase (indirect), or the article's own statement (own)."""

    direct = "direct"
    indirect = "indirect"
    own = "own"


class Role(StrEnum):
    """How an entity figures in a claim: its subject, its claimant, or a mention."""

    about = "about"
    claimant = "claimant"
    mentioned = "mentioned"


class Verb(StrEnum):
    """What one hop of an attribution chain did with the claim, kept as the text words it
    ("predicted" is not "suggested"; "wrote" is not "stated")."""

    stated = "stated"
    reported = "reported"
    cited = "cited"
    told = "told"
    said = "said"
    claimed = "claimed"
    suggested = "suggested"
    captioned = "captioned"
    photographed = "photographed"
    wrote = "wrote"
    tweeted = "tweeted"
    posted = "posted"
    added = "added"
    noted = "noted"
    announced = "announced"
    declared = "declared"
    explained = "explained"
    confirmed = "confirmed"
    revealed = "revealed"
    argued = "argued"
    insisted = "insisted"
    acknowledged = "acknowledged"
    conceded = "conceded"
    admitted = "admitted"
    warned = "warned"
    predicted = "predicted"
    forecast = "forecast"
    expected = "expected"
    estimated = "estimated"
    believed = "believed"
    thought = "thought"
    alleged = "alleged"
    accused = "accused"
    called = "called"
    described = "described"
    testified = "testified"
    replied = "replied"
    asserted = "asserted"
    found = "found"
    showed = "showed"
    concluded = "concluded"
    quoted = "quoted"
    denied = "denied"
    disputed = "disputed"
    rejected = "rejected"
    questioned = "questioned"
    criticized = "criticized"
    asked = "asked"
    gave = "gave"
    indicated = "indicated"
    compared = "compared"
    clarified = "clarified"
    countered = "countered"
    reiterated = "reiterated"
    emphasized = "emphasized"


class ClaimSort(StrEnum):
    """Orders a list of claims can come in; the default is the order sources make them."""

    claimed_on = "claimed_on"
    claimed_on_desc = "-claimed_on"
    event_date = "event_date"
    event_date_desc = "-event_date"
    relevance = "relevance"


class Facet(StrEnum):
    """What facet counts can group the filtered claims by."""

    claimant = "claimant"
    source = "source"
    status = "status"
    entity = "entity"


class DatePrecision(StrEnum):
    """How much of a reduced-precision date is known."""

    year = "year"
    month = "month"
    day = "day"


# ASCII digits only: `\d` would also take full-width and other scripts' digits, as sent.
PARTIAL_DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
_PARTIAL_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


@lru_cache(maxsize=16384)
def date_bounds(value: str) -> tuple[date, date]:
    """First and last day a reduced-precision ISO date (2022, 2022-07, 2022-03-04) covers.

    Cached: a bulk load asks for the same few thousand dates a million times over.
    """
    match = _PARTIAL_DATE.fullmatch(value)
    if match is None:
        raise ValueError(
            f"{value!r} is not an ISO 8601 date of the form YYYY, YYYY-MM or YYYY-MM-DD"
        )
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    if not 1 <= month <= 12:
        raise ValueError(f"{value!r} has no month {month:02d}")
    if day is None:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    try:
        exact = date(year, month, day)
    except ValueError:
        raise ValueError(f"{value!r} is not a calendar date") from None
    return exact, exact


def date_keys(value: str | None) -> tuple[int, int]:
    """A date's two sort keys: the day numbers of its first and its last day (0, 0 when
    there is none, so undated claims come first oldest-first and last newest-first).

    Oldest first sorts on the last day a date allows, newest first on its first day: a
    date known only to the year or month then comes after the more precise dates inside
    it in either order, never as if it were its first (or last) day.
    """
    if value is None:
        return 0, 0
    first, last = date_bounds(value)
    return first.toordinal(), last.toordinal()


def date_precision(value: str) -> DatePrecision:
    return (DatePrecision.year, DatePrecision.month, DatePrecision.day)[value.count("-")]


def _check_partial_date(value: str) -> str:
    date_bounds(value)
    return value


PartialDate = Annotated[
    str,
    Field(
        pattern=PARTIAL_DATE_PATTERN,
        description="ISO 8601 date at the precision known: YYYY, YYYY-MM or YYYY-MM-DD.",
        examples=["2022-03-04"],
    ),
    AfterValidator(_check_partial_date),
]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=120)]


def slugify(text: str, max_length: int = 120) -> str:
    """A slug made from a name or a file name ("Ukraine's Interfax" -> "ukraines-interfax"):
    accents dropped, apostrophes removed, other runs of non-alphanumerics made one hyphen.
    Empty when nothing alphanumeric is left."""
    flat = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", re.sub(r"['\u2019]", "", flat.lower()))
    return "-".join(words)[:max_length].strip("-")


def normalize_name(text: str) -> str:
    """The form under which names and aliases are compared: case, quotes and spacing folded."""
    folded = text.replace("\u2019", "'").replace("\u2018", "'")
    folded = folded.replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(folded.casefold().split())


def unit_spelling(unit: str) -> str:
    """The one spelling a figure's unit is stored and filtered under: lower case, single
    spaces, so "People" and " people " are one unit."""
    return " ".join(unit.lower().split())


class Scope(StrEnum):
    """What an API key may do; each scope includes the ones before it."""

    read = "read"
    write = "write"
    admin = "admin"

    @property
    def rank(self) -> int:
        return list(Scope).index(self)


@dataclass(frozen=True)
class Principal:
    """Who makes a change: an API key's name (recorded in revisions) and its scope."""

    name: str
    scope: Scope
