"""Stage: nested attribution, content that itself credits someone else ("A said B had told him
that X", a quote that opens "The Legion claims ..."). The inner speaker becomes the claimant,
the outer one a hop before it, and the content narrows to what the inner speaker said."""

from __future__ import annotations

import re
from dataclasses import replace

from api.ingest.extraction.cues import Cue
from api.ingest.extraction.document import Document
from api.ingest.extraction.findings import Credit
from api.ingest.extraction.framing import (
    after_recipient,
    skip_frame_words,
    trim_content,
    word_count,
)
from api.ingest.extraction.results import Hop
from api.ingest.extraction.speakers import SpeakerResolver
from api.ingest.extraction.syntax import reads_as_cue


def reads_as_inner_cue(document: Document, cue: Cue) -> bool:
    """An inner cue must read as one where its sentence was parsed."""
    return reads_as_cue(document, cue) is not False


_ASIDE = re.compile(r"\b(?:as|I|I've|we|you)\b", re.IGNORECASE)
INNER_SPEAKER_WORDS = 8  # words from the content's start to the inner cue
MINIMUM_INNER_WORDS = 3


def _unnest(document: Document, resolver: SpeakerResolver, credit: Credit) -> Credit:
    text = document.text
    if credit.speaker is None:
        return credit
    cues = [
        cue
        for cue in document.cues_in(credit.start, credit.end)
        if cue.end <= credit.end
        and not cue.noun
        and not cue.according
        and cue.dispute is None
        and not cue.needs_parse
        and not cue.passive
    ]
    if not cues or cues[0].forward_only or cues[0].participle:
        return credit  # ", saying ...": the outer speaker's own words go on
    cue = cues[0]
    if document.parsed and not reads_as_inner_cue(document, cue):
        return credit  # "U.S. companies maintained their pace": a verb of doing
    if word_count(text, credit.start, cue.start) > INNER_SPEAKER_WORDS or cue.start == credit.start:
        return credit
    if _ASIDE.search(text, credit.start, cue.start):
        return credit  # "as I've said before": the speaker's own aside, not a second speaker
    inner = resolver.resolve(credit.start, cue.start)
    if inner is None or inner.how == "pronoun" or inner.name == credit.speaker.name:
        return credit
    names = document.names_between(cue.end, credit.end)
    cue, after, inner_hops = after_recipient(text, cue, credit.end, names)
    content_start, _, _ = skip_frame_words(text, after, credit.end)
    start, end = trim_content(text, content_start, credit.end)
    if word_count(text, start, end) < MINIMUM_INNER_WORDS:
        return credit
    outer_hop = Hop(credit.speaker.name, credit.verb, credit.speaker.kind)
    return replace(
        credit,
        start=start,
        end=end,
        speaker=inner,
        verb=cue.verb,
        hedged=credit.hedged or cue.hedged,
        intermediaries=(*credit.intermediaries, outer_hop, *inner_hops),
    )


def unnest(
    document: Document, credits: tuple[Credit, ...], resolver: SpeakerResolver
) -> tuple[Credit, ...]:
    """Every credit, with nested attributions moved to their inner speaker."""
    return tuple(_unnest(document, resolver, credit) for credit in credits)
