"""Direct speech: whom a quotation is credited to, from the words after it ('," he said'), the
words before it ('those representatives said "'), or, when it has neither, the speaker of the
attribution just before it (news runs a speaker's quotes on without repeating the cue).

A quotation inside a running sentence ('a "few hundred" members') is not direct speech: it is
left to the paraphrase rules, which call the result mixed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from api.ingest.extraction.cues import Cue, find_cues
from api.ingest.extraction.findings import Finding
from api.ingest.extraction.framing import after_recipient
from api.ingest.extraction.quotes import Quote
from api.ingest.extraction.reading import Reading
from api.ingest.extraction.results import Hop
from api.ingest.extraction.speakers import Speaker

_LEAD_IN_GAP = re.compile(r"[\s:,\u2014\u2013-]*(?:that\s*)?", re.IGNORECASE)
_SPEAKER_AFTER_CUE = re.compile(r"[^,.;:!?\"\u201c\u201d]{1,80}")
SHORTEST_UTTERANCE = 3  # words; fewer is a scare quote or a quoted phrase, not speech
TRAILING_REACH = 100  # characters after a closing mark in which its cue may stand
DATE_REACH = 30  # characters after '," he said' where "on Monday" may stand
TRAILING_WORDS = 8  # words between a closing mark and its cue ('," one Legion representative said')


@dataclass(frozen=True)
class Frame:
    """The cue that credits a quotation and the speaker it names."""

    cue: Cue
    speaker: Speaker | None
    regions: list[tuple[int, int]]
    intermediaries: list[Hop]


def quote_chains(quotes: list[Quote]) -> list[list[Quote]]:
    """Quotations grouped with the paragraphs (or sentences) that continue them."""
    chains: list[list[Quote]] = []
    for quote in quotes:
        if quote.continues_previous and chains:
            chains[-1].append(quote)
        else:
            chains.append([quote])
    return chains


def _lead_in_start(reading: Reading, quote: Quote) -> int:
    """The sentence start, or the end of a quotation closed earlier in the same sentence."""
    sentence_start, _ = reading.sentence_at(quote.opening)
    closing = reading.closing_before(quote.opening)
    return max(sentence_start, closing + 1) if closing is not None else sentence_start


def _lead_in(reading: Reading, quote: Quote) -> tuple[bool, Frame | None]:
    """Whether the quotation opens an utterance, and the cue before it if any."""
    text = reading.text
    if len(text[quote.start : quote.end].split()) < SHORTEST_UTTERANCE:
        return False, None  # '"nasty" conditions': a word quoted inside a paraphrase
    start = _lead_in_start(reading, quote)
    before = text[start : quote.opening]
    if not before.strip():
        return True, None
    cues = [
        cue for cue in find_cues(text, start, quote.opening) if cue.start not in reading.used_cues
    ]
    for cue in reversed(cues):
        names = reading.names_in(cue.end, quote.opening)
        cue, gap_start, intermediaries = after_recipient(text, cue, quote.opening, names)
        if _LEAD_IN_GAP.fullmatch(text, gap_start, quote.opening):
            speaker = reading.resolver.resolve(start, cue.start)
            return True, Frame(cue, speaker, [(start, quote.opening)], intermediaries)
    return before.rstrip().endswith(":"), None


def _trailing(reading: Reading, quote: Quote) -> Frame | None:
    """The cue after a closing mark: '," he said', '," said John Smith', '," Volobuyev told X'."""
    if quote.closing is None:
        return None
    text = reading.text
    start = quote.closing + 1
    _, sentence_end = reading.sentence_at(quote.closing)
    end = min(max(sentence_end, start), start + TRAILING_REACH)
    next_mark = re.compile('["\u201c\u201d]').search(text, start, end)
    if next_mark:
        end = next_mark.start()
    cues = [cue for cue in find_cues(text, start, end) if cue.start not in reading.used_cues]
    if not cues:
        return None
    cue = cues[0]
    if len(text[start : cue.start].split()) > TRAILING_WORDS:
        return None
    intermediaries: list[Hop] = []
    if text[start : cue.start].strip(" ,.\u2014\u2013-"):
        speaker = reading.resolver.resolve(start, cue.start)
        names = reading.names_in(cue.end, end)
        cue, after, intermediaries = after_recipient(text, cue, end, names)
    else:
        named = _SPEAKER_AFTER_CUE.match(text, cue.end, end)
        after = named.end() if named else cue.end
        speaker = reading.resolver.resolve(cue.end, after) if named else None
    return Frame(cue, speaker, [(start, max(after, cue.end) + DATE_REACH)], intermediaries)


def attribute_chain(reading: Reading, chain: list[Quote]) -> None:
    """Credit every part of one quotation chain, or leave it (embedded, or unattributable)."""
    opens_utterance, frame = _lead_in(reading, chain[0])
    if not opens_utterance:
        return
    for quote in chain:
        reading.mark_quoted(quote.opening, (quote.closing or quote.end) + 1)
    if frame is None:
        for quote in chain:
            frame = _trailing(reading, quote)
            if frame is not None:
                break
    if frame is not None:
        reading.used_cues.add(frame.cue.start)
        cue = frame.cue
        template = Finding(
            start=0,
            end=0,
            cue_start=cue.start,
            cue_text=reading.text[cue.start : cue.end],
            verb=cue.verb,
            hedged=cue.hedged,
            speaker=frame.speaker,
            speech="direct",
            frame=frame.regions,
            intermediaries=frame.intermediaries,
        )
    else:
        previous = reading.last_finding(chain[0].opening)
        if previous is None or previous.speaker is None:
            return
        template = replace(previous, speech="direct", inherited=True)
    for quote in chain:
        reading.add(
            replace(
                template,
                start=quote.start,
                end=quote.end,
                intermediaries=list(template.intermediaries),
                cited=list(template.cited),
            )
        )
