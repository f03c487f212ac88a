"""Nested attribution: content that itself credits someone else ("A said B had told him that
X", a quote that opens "The Legion claims ..."). The inner speaker becomes the claimant, the
outer one a hop before it, and the content narrows to what the inner speaker said."""

from __future__ import annotations

import re

from api.ingest.extraction.cues import find_cues
from api.ingest.extraction.findings import Finding
from api.ingest.extraction.framing import (
    after_recipient,
    skip_frame_words,
    trim_content,
    word_count,
)
from api.ingest.extraction.reading import Reading
from api.ingest.extraction.results import Hop

_ASIDE = re.compile(r"\b(?:as|I|I've|we|you)\b", re.IGNORECASE)
INNER_SPEAKER_WORDS = 8  # words from the content's start to the inner cue
MINIMUM_INNER_WORDS = 3


def unnest(reading: Reading, finding: Finding) -> None:
    """Move the claim to the inner speaker when the content opens with "X <cue> ..."."""
    text = reading.text
    if finding.speaker is None:
        return
    cues = [
        cue for cue in find_cues(text, finding.start, finding.end) if cue.lemma != "according to"
    ]
    if not cues or cues[0].forward_only:
        return
    cue = cues[0]
    if (
        word_count(text, finding.start, cue.start) > INNER_SPEAKER_WORDS
        or cue.start == finding.start
    ):
        return
    if _ASIDE.search(text, finding.start, cue.start):
        return  # "as I've said before": the speaker's own aside, not a second speaker
    inner = reading.resolver.resolve(finding.start, cue.start)
    if inner is None or inner.how == "pronoun" or inner.name == finding.speaker.name:
        return
    names = reading.names_in(cue.end, finding.end)
    cue, after, inner_hops = after_recipient(text, cue, finding.end, names)
    content_start, _, _ = skip_frame_words(text, after, finding.end)
    start, end = trim_content(text, content_start, finding.end)
    if word_count(text, start, end) < MINIMUM_INNER_WORDS:
        return
    finding.intermediaries.extend(
        [Hop(finding.speaker.name, finding.verb, finding.speaker.kind), *inner_hops]
    )
    finding.speaker = inner
    finding.verb = cue.verb
    finding.hedged = finding.hedged or cue.hedged
    finding.start, finding.end = start, end
