"""How much a reviewer can trust a candidate, 0..1: highest for a quotation whose cue names
its speaker outright, lower for each guess on the way (a pronoun, a role, a quotation credited
to the speaker before it, a hedge, no speaker at all). The weights are set by hand, in this
order of trust, not fitted."""

from __future__ import annotations

from api.ingest.extraction.findings import Finding

_BASE = {"direct": 0.9, "mixed": 0.75, "indirect": 0.7}
_SPEAKER_PENALTY = {
    "named": 0.0,
    "partial": 0.02,
    "pronoun": 0.08,
    "role": 0.12,
    "description": 0.1,
}
_NO_SPEAKER_PENALTY = 0.35
_INHERITED_PENALTY = 0.15
_HEDGED_PENALTY = 0.05


def confidence(finding: Finding) -> float:
    score = _BASE[finding.speech]
    if finding.speaker is None:
        score -= _NO_SPEAKER_PENALTY
    else:
        score -= _SPEAKER_PENALTY.get(finding.speaker.how, 0.1)
    if finding.inherited:
        score -= _INHERITED_PENALTY
    if finding.hedged:
        score -= _HEDGED_PENALTY
    return round(min(0.99, max(0.05, score)), 2)
