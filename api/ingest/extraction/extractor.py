"""extract(): screen the text, find names, quotations and sentences, credit quotations first
and paraphrases second, in text order so that "he said" can look back at who spoke last, then
turn what was found into Candidates."""

from __future__ import annotations

from api.ingest.extraction.confidence import confidence
from api.ingest.extraction.dates import claim_date
from api.ingest.extraction.direct import attribute_chain, quote_chains
from api.ingest.extraction.findings import Finding
from api.ingest.extraction.indirect import attribute_sentence
from api.ingest.extraction.nesting import unnest
from api.ingest.extraction.quotes import find_quotes
from api.ingest.extraction.reading import Reading
from api.ingest.extraction.recogniser import find_names
from api.ingest.extraction.results import Candidate, Extraction, Hop, Mention
from api.ingest.extraction.screening import reason_to_skip
from api.ingest.extraction.sentences import split_sentences
from api.ingest.extraction.speakers import SpeakerResolver
from models.base import date_bounds

MAXIMUM_WARNINGS = 20
_MENTION_KINDS = frozenset(
    {"person", "organization", "place", "publication", "government_body", "group"}
)


def _checked_source_date(source_date: str | None, warnings: list[str]) -> str | None:
    if source_date is None:
        return None
    try:
        date_bounds(source_date)
    except ValueError:
        warnings.append(f"source_date {source_date!r} is not YYYY, YYYY-MM or YYYY-MM-DD: ignored")
        return None
    return source_date


def _candidate(reading: Reading, finding: Finding) -> Candidate:
    text = reading.text
    speaker = finding.speaker
    claimant = speaker.name if speaker is not None else None
    hops = list(finding.intermediaries)
    if speaker is not None:
        hops.append(Hop(speaker.name, finding.verb, speaker.kind))
    hops.extend(finding.cited)
    mentions = tuple(
        Mention(name.text, name.start, name.end, name.kind)
        for name in reading.names_in(finding.start, finding.end)
        if name.kind in _MENTION_KINDS
    )
    return Candidate(
        start=finding.start,
        end=finding.end,
        text=text[finding.start : finding.end],
        claimant=claimant,
        cue=finding.cue_text,
        speech=finding.speech,
        attribution=tuple(hops),
        status="speculative" if finding.hedged else "reported",
        claimed_on=claim_date(text, finding.frame, finding.cue_start, reading.source_date),
        entities=mentions,
        confidence=confidence(finding),
        cue_start=finding.cue_start,
    )


def _capped(warnings: list[str]) -> tuple[str, ...]:
    if len(warnings) <= MAXIMUM_WARNINGS:
        return tuple(warnings)
    extra = len(warnings) - MAXIMUM_WARNINGS
    return (*warnings[:MAXIMUM_WARNINGS], f"... and {extra} more warnings")


def read(text: str, *, source_date: str | None = None, trained: bool = True) -> Extraction:
    """extract() with the choice of name reader: `trained=False` uses capitalisation only
    (the benchmark compares the two)."""
    warnings: list[str] = []
    source_date = _checked_source_date(source_date, warnings)
    problem = reason_to_skip(text)
    if problem is not None:
        return Extraction((), (*warnings, problem))
    sentences = split_sentences(text)
    quotes, quote_warnings = find_quotes(text)
    warnings.extend(quote_warnings)
    names, recogniser_warning = find_names(text, trained=trained)
    if recogniser_warning:
        warnings.append(recogniser_warning)
    reading = Reading(text, sentences, quotes, SpeakerResolver(text, names), source_date)
    chains = quote_chains(quotes)
    chain_index = 0
    for sentence in sentences:
        while chain_index < len(chains) and chains[chain_index][0].opening < sentence[1]:
            attribute_chain(reading, chains[chain_index])
            chain_index += 1
        attribute_sentence(reading, sentence)
    for finding in reading.findings:
        unnest(reading, finding)
    findings = sorted(reading.findings, key=lambda finding: (finding.start, finding.end))
    unique = [
        finding
        for index, finding in enumerate(findings)
        if index == 0
        or (finding.start, finding.end) != (findings[index - 1].start, findings[index - 1].end)
    ]
    return Extraction(tuple(_candidate(reading, finding) for finding in unique), _capped(warnings))


def extract(text: str, *, source_date: str | None = None) -> Extraction:
    """Attributed claims in a news text: who is credited with saying what.

    `source_date` is the article's publication date (YYYY, YYYY-MM or YYYY-MM-DD); it
    resolves "on Monday", "in June" or "last week". Never raises on any text.
    """
    try:
        return read(text, source_date=source_date)
    except Exception as error:  # the review queue must get an answer for every document
        return Extraction((), (f"extraction failed: {type(error).__name__}: {error}",))
