"""extract(): the stages in order, each reading the frozen Document and returning its findings.

screening     is the text worth reading at all?               (screening.py)
document      sentences, quotes, names, cues, parse            (document.py)
direct        quotations and the cues that credit them         (direct.py)
indirect      paraphrases, by rule and by parse                (indirect.py)
speakers      who the speaker words name, in text order        (speakers.py)
nesting       "A said B told him that X": B, through A         (nesting.py)
carry-over    cue-less sentences after a report is named       (carryover.py)
candidates    dates, entities, confidence                      (dates.py, confidence.py)
disputes      "X denied Y's claim": relations between them     (disputes.py)
"""

from __future__ import annotations

from dataclasses import dataclass

from api.ingest.extraction.carryover import carry_over
from api.ingest.extraction.confidence import confidence
from api.ingest.extraction.dates import carry_dates, claim_date
from api.ingest.extraction.direct import attribute_quotes
from api.ingest.extraction.disputes import find_disputes
from api.ingest.extraction.document import Document, prepare
from api.ingest.extraction.findings import Credit
from api.ingest.extraction.indirect import DEFAULT_POLICY, RULES_ONLY, Policy, attribute_paraphrases
from api.ingest.extraction.nesting import unnest
from api.ingest.extraction.results import Candidate, Extraction, Hop, Mention
from api.ingest.extraction.screening import reason_to_skip
from api.ingest.extraction.speakers import SpeakerResolver, resolve_speakers
from models.base import date_bounds

MAXIMUM_WARNINGS = 20
_MENTION_KINDS = frozenset(
    {"person", "organization", "place", "publication", "government_body", "group"}
)


@dataclass(frozen=True)
class Options:
    """How to read: the trained pipeline or capitalisation, the parse or rules only, and
    whether to carry attribution across paragraphs (the benchmark compares them)."""

    trained: bool = True
    policy: Policy = DEFAULT_POLICY
    carry: bool = True


RULES = Options(policy=RULES_ONLY)


def _checked_source_date(source_date: str | None, warnings: list[str]) -> str | None:
    if source_date is None:
        return None
    try:
        date_bounds(source_date)
    except ValueError:
        warnings.append(f"source_date {source_date!r} is not YYYY, YYYY-MM or YYYY-MM-DD: ignored")
        return None
    return source_date


def _candidate(document: Document, credit: Credit) -> Candidate:
    text = document.text
    speaker = credit.speaker
    hops = list(credit.intermediaries)
    if speaker is not None:
        hops.append(Hop(speaker.name, credit.verb, speaker.kind))
    hops.extend(credit.cited)
    mentions = tuple(
        Mention(name.text, name.start, name.end, name.kind)
        for name in document.names_between(credit.start, credit.end)
        if name.kind in _MENTION_KINDS
    )
    sentence_start, sentence_end = document.sentence_at(credit.cue.start)
    around: tuple[tuple[int, int], ...] = (
        (sentence_start, min(credit.start, credit.cue.start)),
        (credit.end, sentence_end),
    )
    if credit.start < sentence_start or document.quote_around(credit.cue.start) is not None:
        around = ()
    claimed_on, inferred = claim_date(
        text, credit.frame, credit.cue.start, document.source_date, around
    )
    return Candidate(
        start=credit.start,
        end=credit.end,
        text=text[credit.start : credit.end],
        claimant=speaker.name if speaker is not None else None,
        cue=text[credit.cue.start : credit.cue_end],
        speech=credit.attribution.speech,
        attribution=tuple(hops),
        status="speculative" if credit.hedged else "reported",
        claimed_on=claimed_on,
        entities=mentions,
        confidence=confidence(credit),
        cue_start=credit.cue.start,
        claimed_on_inferred=inferred,
        claimant_kind=speaker.kind if speaker is not None else None,
    )


def _capped(warnings: list[str]) -> tuple[str, ...]:
    if len(warnings) <= MAXIMUM_WARNINGS:
        return tuple(warnings)
    extra = len(warnings) - MAXIMUM_WARNINGS
    return (*warnings[:MAXIMUM_WARNINGS], f"... and {extra} more warnings")


def _distinct(credits: list[Credit]) -> list[Credit]:
    """One credit per span (the first found), in text order; a span inside a direct quote
    already credited is dropped."""
    ordered = sorted(credits, key=lambda credit: (credit.start, credit.end))
    kept: list[Credit] = []
    for credit in ordered:
        if kept and (credit.start, credit.end) == (kept[-1].start, kept[-1].end):
            continue
        kept.append(credit)
    return kept


def read(
    text: str,
    *,
    source_date: str | None = None,
    trained: bool = True,
    options: Options | None = None,
) -> Extraction:
    """extract() with the choice of readers (the benchmark compares them): `trained=False`
    reads names by capitalisation only; `options` picks rules or parse."""
    options = options or Options(trained=trained)
    warnings: list[str] = []
    source_date = _checked_source_date(source_date, warnings)
    problem = reason_to_skip(text)
    if problem is not None:
        return Extraction((), (*warnings, problem))
    document = prepare(
        text, source_date, trained=options.trained, parse=options.policy != RULES_ONLY
    )
    warnings.extend(document.warnings)
    quoted = attribute_quotes(document)
    paraphrased = attribute_paraphrases(document, quoted, options.policy)
    resolver = SpeakerResolver(document)
    credits = resolve_speakers(document, quoted.attributions + paraphrased, resolver)
    credits = unnest(document, credits, resolver)
    if options.carry:
        credits = credits + carry_over(document, credits)
    kept = _distinct(list(credits))
    candidates = carry_dates(document, [_candidate(document, credit) for credit in kept])
    relations = find_disputes(document, tuple(kept), candidates)
    return Extraction(candidates, _capped(warnings), relations)


def extract(text: str, *, source_date: str | None = None) -> Extraction:
    """Attributed claims in a news text: who is credited with saying what.

    `source_date` is the article's publication date (YYYY, YYYY-MM or YYYY-MM-DD); it
    resolves "on Monday", "in June" or "last week", and dates every claim the text does not
    date itself. Never raises on any text.
    """
    try:
        return read(text, source_date=source_date)
    except Exception as error:  # the review queue must get an answer for every document
        return Extraction((), (f"extraction failed: {type(error).__name__}: {error}",))
