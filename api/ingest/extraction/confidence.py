"""How much a reviewer can trust a candidate, 0..1, in two steps.

1. A raw score from what supports the candidate: a quotation whose cue names its speaker
   outright scores highest; each guess on the way costs (a pronoun, a role, a description, a
   quotation or sentence credited to the speaker before it, a hedge, a reader that had only
   the parse to go on). The weights order the evidence; they are not probabilities.
2. The calibration (calibration.py): the raw score mapped to the share of candidates with
   that score that were right on the development part of the reference, fitted by isotonic
   regression (bench/extract.py --calibrate). So a candidate of confidence 0.9 is, on texts
   like the reference, right about nine times in ten; docs/extraction.md gives the tier
   where the measured precision reaches 0.97.
"""

from __future__ import annotations

import bisect

from api.ingest.extraction import calibration
from api.ingest.extraction.findings import Credit

_BASE = {"direct": 0.95, "mixed": 0.85, "indirect": 0.8}
# How the speaker was read: a quotation's speaker is rarely wrong however it was found; a
# paraphrase's description or work is named as written and so less often as a reader
# would name it.
_SPEAKER_PENALTY = {
    "direct": {"named": 0.0, "partial": 0.0, "pronoun": 0.01, "role": 0.02, "description": 0.1},
    "mixed": {"named": 0.0, "partial": 0.02, "pronoun": 0.03, "role": 0.05, "description": 0.1},
    "indirect": {
        "named": 0.0,
        "partial": 0.04,
        "pronoun": 0.1,
        "role": 0.1,
        "description": 0.15,
        "work": 0.15,
    },
}
_NO_SPEAKER_PENALTY = 0.4
_BASIS_PENALTY = {"cue": 0.0, "previous": 0.02, "clause": 0.15, "paragraph": 0.35}
_HEDGED_PENALTY = 0.05
_PARSE_ONLY_PENALTY = 0.08  # the content came from the parse alone (no window agreed)
_UNUSUAL_CUE_PENALTY = 0.06  # cues other than say/tell/according to, in paraphrase
_COMMON_CUES = frozenset({"say", "tell", "according to"})
# Set by the benchmark to () to score raw while it fits the calibration; None: the fitted one.
CALIBRATION: tuple[tuple[float, float], ...] | None = None


def raw_score(credit: Credit) -> float:
    """The uncalibrated score: evidence weighed by hand, in order of trust."""
    attribution = credit.attribution
    speech = attribution.speech
    score = _BASE[speech]
    if credit.speaker is None:
        score -= _NO_SPEAKER_PENALTY
    else:
        score -= _SPEAKER_PENALTY[speech].get(credit.speaker.how, 0.1)
    score -= _BASIS_PENALTY[attribution.basis]
    if credit.hedged:
        score -= _HEDGED_PENALTY
    if attribution.reader == "parse":
        score -= _PARSE_ONLY_PENALTY
    if speech != "direct" and credit.cue.lemma not in _COMMON_CUES and attribution.basis == "cue":
        score -= _UNUSUAL_CUE_PENALTY
    return round(min(0.99, max(0.01, score)), 3)


def calibrated(raw: float) -> float:
    """The measured precision of candidates with this raw score (the raw score itself
    while no calibration has been fitted)."""
    steps = CALIBRATION if CALIBRATION is not None else calibration.CALIBRATION
    if not steps:
        return raw
    bounds = [bound for bound, _ in steps]
    index = min(bisect.bisect_left(bounds, raw), len(steps) - 1)
    return steps[index][1]


def confidence(credit: Credit) -> float:
    raw = round(raw_score(credit), 2)
    return round(min(0.99, max(0.01, calibrated(raw))), 2)
