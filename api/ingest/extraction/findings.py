"""The extractor's working record of one attribution, before it becomes a Candidate."""

from __future__ import annotations

from dataclasses import dataclass, field

from api.ingest.extraction.results import Hop, SpeechKind
from api.ingest.extraction.speakers import Speaker
from models.base import Verb


@dataclass
class Finding:
    """Content span, cue and speaker of one attribution, with what supports it."""

    start: int
    end: int
    cue_start: int
    cue_text: str
    verb: Verb
    hedged: bool
    speaker: Speaker | None
    speech: SpeechKind
    frame: list[tuple[int, int]]  # the words around the cue, where a date may stand
    intermediaries: list[Hop] = field(default_factory=list)  # outermost first
    cited: list[Hop] = field(default_factory=list)  # reports the claimant relied on, outward
    inherited: bool = False  # a quote with no cue of its own, credited to the speaker before
