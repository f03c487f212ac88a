"""What the stages hand each other, all frozen.

The attribution stages (direct.py, indirect.py, carryover.py) each return Attributions: a
content span, the cue, and the words that name the speaker, not yet who they are. The
speaker pass (speakers.py) turns those words into a Speaker, in text order, and returns
Credits; nesting, dates, confidence and disputes read Credits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from api.ingest.extraction.cues import Cue
from api.ingest.extraction.results import Hop, SpeechKind

# How the speaker of an attribution is known:
#   cue        the words next to its own cue name the speaker
#   previous   a quotation with no cue of its own: the speaker of the attribution before it
#   paragraph  a sentence with no cue after "According to X, ..." opened the paragraph: X
#   clause     "..., which could mean ...": whoever was credited just before in the paragraph
Basis = Literal["cue", "previous", "paragraph", "clause"]
# Which reader found the content: the rules' windows (perhaps with the parse's head word for
# the speaker), or the parse alone.
Reader = Literal["rules", "parse"]


@dataclass(frozen=True)
class Phrase:
    """The words that name a speaker, and the word the parse found at their head ("Hall" in
    "Patrol Chief James Hall with the New York Police Department"); no head by rule."""

    start: int
    end: int
    head: tuple[int, int] | None = None


@dataclass(frozen=True)
class Attribution:
    """One statement and the evidence for whom it is credited to, before that is resolved."""

    start: int
    end: int
    cue: Cue
    cue_end: int  # the cue may widen over its recipient ("told reporters")
    speech: SpeechKind
    speaker: Phrase | None
    basis: Basis
    reader: Reader
    frame: tuple[tuple[int, int], ...] = ()  # the words around the cue, where a date may stand
    recipients: tuple[Hop, ...] = ()  # named recipients passing it on ("told The Guardian")
    cited: tuple[int, int] | None = None  # "citing Legion representatives": who they rely on
    outer: Phrase | None = None  # a sentence-final "according to X" framing this cue
    target: tuple[int, int] | None = None  # what a dispute cue points at ("Hansen's conclusions")

    @property
    def cue_start(self) -> int:
        return self.cue.start


@dataclass(frozen=True)
class Speaker:
    """A resolved speaker: the name, its kind, and how sure the resolution is."""

    name: str
    kind: str  # a models.base.EntityKind value
    how: str  # "named", "partial", "pronoun", "role", "description", "work", "inherited"


@dataclass(frozen=True)
class Credit:
    """An attribution with its speaker resolved and its chain of hops, outermost first."""

    attribution: Attribution
    start: int
    end: int
    cue: Cue  # its own, or the one of the attribution it follows
    cue_end: int
    speaker: Speaker | None
    verb: str  # a models.base.Verb value: the claimant's own hop
    hedged: bool
    frame: tuple[tuple[int, int], ...] = ()
    intermediaries: tuple[Hop, ...] = ()  # outer hops, before the claimant's
    cited: tuple[Hop, ...] = ()  # reports the claimant relied on, after it

    @property
    def inherited(self) -> bool:
        return self.attribution.basis != "cue"
