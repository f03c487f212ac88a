"""Stage: direct speech. Each quotation is credited from the words after it ('," he said'),
the words before it ('those representatives said "'), or, when it has neither, marked as
following the attribution before it (news runs a speaker's quotes on without repeating the
cue). Who the speaker words name is left to the speaker pass.

A quotation inside a running sentence ('a "few hundred" members') is not direct speech: it is
left to the paraphrase stage, which calls the result mixed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from api.ingest.extraction.cues import Cue
from api.ingest.extraction.document import Document
from api.ingest.extraction.findings import Attribution, Phrase
from api.ingest.extraction.framing import after_recipient
from api.ingest.extraction.quotes import Quote
from api.ingest.extraction.results import Hop
from api.ingest.extraction.syntax import speaker_head, verb_is_head
from models.base import Verb

_LEAD_IN_GAP = re.compile(r"[\s:,\u2014\u2013-]*(?:that\s*)?", re.IGNORECASE)
# The words after '," said': up to a comma or the sentence's end, stepping over the period
# of a title or an initial ('," said Mr. Clyburn, the third-ranking House Democrat.')
_TITLE_PERIOD = "|".join(
    rf"(?<=\b{title})\." for title in ("Mr", "Mrs", "Ms", "Dr", "Sen", "Rep", "Gov", "Gen", "Lt")
)
_SPEAKER_AFTER_CUE = re.compile(
    rf"(?:[^,.;:!?\"\u201c\u201d]|{_TITLE_PERIOD}|(?<=\b[A-Z])\.(?=\s*[A-Z])){{1,80}}"
)
_NEXT_MARK = re.compile("''|[\"\u201c\u201d]")
SHORTEST_UTTERANCE = 3  # words; fewer is a scare quote or a quoted phrase, not speech
TRAILING_REACH = 100  # characters after a closing mark in which its cue may stand
DATE_REACH = 30  # characters after '," he said' where "on Monday" may stand
TRAILING_WORDS = 8  # words between a closing mark and its cue ('," one Legion representative said')
TRAILING_WORDS_PARSED = 30  # when the parse finds the cue's subject in them


@dataclass(frozen=True)
class Quoted:
    """What the direct stage found: its attributions, the cues it used, the spans it took."""

    attributions: tuple[Attribution, ...]
    used_cues: frozenset[int]
    quoted: tuple[tuple[int, int], ...]  # from opening mark to just past the closing mark


@dataclass(frozen=True)
class _Frame:
    cue: Cue
    cue_end: int
    speaker: Phrase | None
    regions: tuple[tuple[int, int], ...]
    recipients: tuple[Hop, ...]


def quote_chains(quotes: tuple[Quote, ...]) -> list[list[Quote]]:
    """Quotations grouped with the paragraphs (or sentences) that continue them."""
    chains: list[list[Quote]] = []
    for quote in quotes:
        if quote.continues_previous and chains:
            chains[-1].append(quote)
        else:
            chains.append([quote])
    return chains


def _verb(document: Document, cue: Cue) -> bool:
    """A cue the parse reads as a noun does not credit a quotation; one that needs the
    parse does only when the sentence was parsed."""
    verdict = verb_is_head(document, cue)
    if verdict is None:
        return not cue.needs_parse
    return verdict


def _lead_in_start(document: Document, quote: Quote) -> int:
    """The sentence start, or the end of a quotation closed earlier in the same sentence."""
    sentence_start, _ = document.sentence_at(quote.opening)
    closing = document.closing_before(quote.opening)
    return max(sentence_start, closing + 1) if closing is not None else sentence_start


def _phrase(document: Document, cue: Cue, start: int, end: int) -> Phrase | None:
    """The speaker words text[start:end] of `cue`, with the parse's head word when the parse
    puts it inside them."""
    if not document.text[start:end].strip(" ,;:\u2014\u2013-"):
        return None
    head = speaker_head(document, cue)
    if head is not None and not (start <= head[0] and head[1] <= end):
        head = None
    return Phrase(start, end, head)


def _lead_in(document: Document, quote: Quote, used: set[int]) -> tuple[bool, _Frame | None]:
    """Whether the quotation opens an utterance, and the cue before it if any."""
    text = document.text
    if len(text[quote.start : quote.end].split()) < SHORTEST_UTTERANCE:
        return False, None  # '"nasty" conditions': a word quoted inside a paraphrase
    start = _lead_in_start(document, quote)
    before = text[start : quote.opening]
    if not before.strip():
        return True, None
    cues = [
        cue
        for cue in document.cues_in(start, quote.opening)
        if cue.start not in used
        and not cue.forward_only
        and not cue.according
        and _verb(document, cue)
    ]
    for cue in reversed(cues):
        names = document.names_between(cue.end, quote.opening + 1)
        widened, gap_start, recipients = after_recipient(text, cue, quote.opening, names)
        if _LEAD_IN_GAP.fullmatch(text, gap_start, quote.opening):
            speaker = _phrase(document, cue, start, cue.start)
            if speaker is None and cue.passive:
                speaker = _agent_phrase(document, cue, quote.opening)
            return True, _Frame(
                cue, widened.end, speaker, ((start, quote.opening),), tuple(recipients)
            )
    return before.rstrip().endswith(":"), None


def _agent_phrase(document: Document, cue: Cue, limit: int) -> Phrase | None:
    """ "was criticized by X": the speaker named after "by"."""
    match = re.compile(r"\s+(?:\w+\s+){0,2}?by\s+([^,.;:!?\"\u201c\u201d]{1,80})").match(
        document.text, cue.end, limit
    )
    if match is None:
        return None
    return _phrase(document, cue, match.start(1), match.end(1))


def _trailing(document: Document, quote: Quote, used: set[int]) -> _Frame | None:
    """The cue after a closing mark: '," he said', '," said John Smith', '," Volobuyev told X'."""
    if quote.closing is None:
        return None
    text = document.text
    start = quote.after
    _, sentence_end = document.sentence_at(quote.closing)
    end = min(max(sentence_end, start), start + TRAILING_REACH)
    next_mark = _NEXT_MARK.search(text, start, end)
    if next_mark:
        end = next_mark.start()
    cues = [cue for cue in document.cues_in(start, end) if cue.start not in used]
    cues = [cue for cue in cues if cue.end <= end and not cue.forward_only and _verb(document, cue)]
    if not cues:
        return None
    cue = cues[0]
    words = len(text[start : cue.start].split())
    if words > TRAILING_WORDS:
        head = speaker_head(document, cue)
        if words > TRAILING_WORDS_PARSED or head is None or not start <= head[0] < cue.start:
            return None
    recipients: list[Hop] = []
    cue_end = cue.end
    if text[start : cue.start].strip(" ,.\u2014\u2013-"):
        speaker = _phrase(document, cue, start, cue.start)
        names = document.names_between(cue.end, end)
        widened, after, recipients = after_recipient(text, cue, end, names)
        cue_end = widened.end
        if cue.passive:
            speaker = _agent_phrase(document, cue, end) or speaker
    else:
        named = _SPEAKER_AFTER_CUE.match(text, cue.end, end)
        after = named.end() if named else cue.end
        speaker = _phrase(document, cue, cue.end, after) if named else None
        if speaker is not None and cue.according:
            speaker = Phrase(speaker.start, speaker.end, None)
    return _Frame(
        cue, cue_end, speaker, ((start, max(after, cue.end) + DATE_REACH),), tuple(recipients)
    )


def attribute_quotes(document: Document) -> Quoted:
    """Credit every quotation chain that opens an utterance, in text order."""
    attributions: list[Attribution] = []
    used: set[int] = set()
    quoted: list[tuple[int, int]] = []
    for chain in quote_chains(document.quotes):
        opens_utterance, frame = _lead_in(document, chain[0], used)
        if not opens_utterance:
            continue
        for quote in chain:
            quoted.append((quote.opening, quote.after))
        if frame is None:
            for quote in chain:
                frame = _trailing(document, quote, used)
                if frame is not None:
                    break
        for quote in chain:
            if frame is not None:
                used.add(frame.cue.start)
                attributions.append(
                    Attribution(
                        start=quote.start,
                        end=quote.end,
                        cue=frame.cue,
                        cue_end=frame.cue_end,
                        speech="direct",
                        speaker=frame.speaker,
                        basis="cue",
                        reader="rules",
                        frame=frame.regions,
                        recipients=frame.recipients,
                    )
                )
            else:
                attributions.append(_following(quote))
    return Quoted(tuple(attributions), frozenset(used), tuple(quoted))


def _following(quote: Quote) -> Attribution:
    """A quotation with no cue of its own: the speaker pass gives it the speaker before it."""
    cue = Cue(
        start=quote.opening,
        end=quote.opening,
        word_start=quote.opening,
        lemma="",
        verb=Verb.said,
        hedged=False,
        participle=False,
    )
    return Attribution(
        start=quote.start,
        end=quote.end,
        cue=cue,
        cue_end=quote.opening,
        speech="direct",
        speaker=None,
        basis="previous",
        reader="rules",
    )
