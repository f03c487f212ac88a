"""The words that credit a statement to someone: reporting verbs in all their forms, "according
to", and hedges such as "could mean", each mapped to a models.base.Verb and to whether it
presents the claim as a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.base import Verb

# base form -> (other forms, verb recorded on the hop, hedged?)
_REPORTING_VERBS: dict[str, tuple[tuple[str, ...], Verb, bool]] = {
    "say": (("says", "said", "saying"), Verb.said, False),
    "tell": (("tells", "told", "telling"), Verb.told, False),
    "report": (("reports", "reported", "reporting"), Verb.reported, False),
    "claim": (("claims", "claimed", "claiming"), Verb.claimed, False),
    "state": (("states", "stated", "stating"), Verb.stated, False),
    "announce": (("announces", "announced", "announcing"), Verb.stated, False),
    "declare": (("declares", "declared", "declaring"), Verb.stated, False),
    "add": (("adds", "added", "adding"), Verb.said, False),
    "warn": (("warns", "warned", "warning"), Verb.said, False),
    "insist": (("insists", "insisted", "insisting"), Verb.claimed, False),
    "argue": (("argues", "argued", "arguing"), Verb.claimed, False),
    "allege": (("alleges", "alleged", "alleging"), Verb.claimed, False),
    "accuse": (("accuses", "accused", "accusing"), Verb.claimed, False),
    "maintain": (("maintains", "maintained"), Verb.claimed, False),
    "explain": (("explains", "explained", "explaining"), Verb.said, False),
    "confirm": (("confirms", "confirmed", "confirming"), Verb.stated, False),
    "acknowledge": (("acknowledges", "acknowledged", "acknowledging"), Verb.said, False),
    "admit": (("admits", "admitted", "admitting"), Verb.said, False),
    "concede": (("concedes", "conceded", "conceding"), Verb.said, False),
    "reveal": (("reveals", "revealed", "revealing"), Verb.reported, False),
    "write": (("writes", "wrote", "writing"), Verb.stated, False),
    "note": (("notes", "noted", "noting"), Verb.said, False),
    "stress": (("stresses", "stressed", "stressing"), Verb.said, False),
    "suggest": (("suggests", "suggested", "suggesting"), Verb.suggested, True),
    "speculate": (("speculates", "speculated", "speculating"), Verb.suggested, True),
    "believe": (("believes", "believed"), Verb.suggested, True),
    "predict": (("predicts", "predicted", "predicting"), Verb.suggested, True),
    "forecast": (("forecasts", "forecasting"), Verb.suggested, True),
    "expect": (("expects",), Verb.suggested, True),
}
_PHRASES: dict[str, tuple[Verb, bool]] = {
    "according to": (Verb.reported, False),
    "pointed out": (Verb.said, False),
    "could mean": (Verb.suggested, True),
    "may mean": (Verb.suggested, True),
    "might mean": (Verb.suggested, True),
}

_FORMS: dict[str, tuple[str, Verb, bool]] = {}
for _base, (_forms, _verb, _hedged) in _REPORTING_VERBS.items():
    for _form in (_base, *_forms):
        _FORMS[_form] = (_base, _verb, _hedged)

_AUXILIARY = (
    r"(?:(?:has|have|had|is|are|was|were|been|being|be|will|would|also|later|earlier|"
    r"initially|again|"
    r"repeatedly|previously|then)\s+){0,3}"
)
_WORDS = "|".join(sorted((*_FORMS, *_PHRASES), key=len, reverse=True)).replace(" ", r"\s+")
CUE_PATTERN = re.compile(rf"\b{_AUXILIARY}(?P<word>{_WORDS})\b", re.IGNORECASE)
# "refused to say", "is said to be", "did not say": no statement is credited.
_NEGATED_BEFORE = re.compile(
    r"\b(?:refused|declined|not|never|unable|failed|n't|cannot|wouldn't|won't)\s+(?:to\s+)?$",
    re.IGNORECASE,
)
_PASSIVE_AFTER = re.compile(r"^\s+to\s+(?:be|have)\b", re.IGNORECASE)
# "media reports", "the claim", "in a statement": the cue word is a noun there.
_NOUN_BEFORE = re.compile(
    r"\b(?:the|a|an|this|that|these|those|his|her|its|their|our|my|your|media|news|press|online|"
    r"latest|new|initial|further|unconfirmed|such|many|other|of|in|on|for|with|by|from|about|"
    r"despite|after|amid|citing|weather|fire|storm|official)\s+$|(?:['\u2019]s|s')\s+$",
    re.IGNORECASE,
)
_NOT_CUES_ALONE = frozenset({"state", "report", "note", "stress", "forecast", "claim", "add"})
_PARTICIPLE_BEFORE = re.compile(r"(?:,|\b(?:while|before|after|when|by))\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class Cue:
    """A reporting expression found in the text."""

    start: int  # first character, auxiliaries included ("has accused")
    end: int
    lemma: str  # "say", "tell", "according to"...
    verb: Verb
    hedged: bool
    participle: bool  # "saying", "claiming": the speaker is the subject of another verb

    @property
    def forward_only(self) -> bool:
        """Cues whose content always follows them ("according to X, ...", "could mean ...")."""
        return self.lemma in {"could mean", "may mean", "might mean"}


def _lemma(word: str) -> tuple[str, Verb, bool]:
    folded = " ".join(word.casefold().split())
    if folded in _PHRASES:
        verb, hedged = _PHRASES[folded]
        return folded, verb, hedged
    return _FORMS[folded]


def find_cues(text: str, start: int, end: int) -> list[Cue]:
    """Reporting expressions in text[start:end] that can credit a statement to someone."""
    cues: list[Cue] = []
    for match in CUE_PATTERN.finditer(text, start, end):
        word = match.group("word")
        lemma, verb, hedged = _lemma(word)
        before = text[max(0, match.start() - 30) : match.start()]
        after = text[match.end() : match.end() + 12]
        if _NEGATED_BEFORE.search(before):
            continue
        if lemma not in _PHRASES and match.group(0) == word and _NOUN_BEFORE.search(before):
            continue
        bare = match.group(0) == word  # no auxiliary: "is forecasting" keeps one
        if bare and word.casefold().endswith("ing") and not _PARTICIPLE_BEFORE.search(before):
            continue
        passive = re.search(
            r"\b(?:was|were|is|are|been|being|be)\s+$", match.group(0)[: -len(word)]
        )
        if passive and not word.casefold().endswith("ing"):
            continue  # "were told to wear vests", "are predicted": the source is not named
        if bare and word.casefold() == lemma and lemma != "say" and before.endswith("to "):
            continue  # "called on to explain": an infinitive states nothing yet
        if bare and word.casefold() in _NOT_CUES_ALONE:
            continue  # "state television", "a note": these base forms are nouns in news
        if lemma == "add" and re.match(r"\s+(?:another\s+)?\d", after):
            continue  # "added 72 runs": a score, not a statement
        if lemma == "accuse" and re.match(r"\s+of\b", after):
            continue  # "militants accused of ...": no accuser named
        if lemma in {"say", "believe", "expect", "report", "fear"} and _PASSIVE_AFTER.match(after):
            continue
        if word[:1].isupper() and lemma not in {"according to"} and match.start() > start:
            continue  # a capitalised "Said" or "Report" inside a sentence is a name
        participle = word.casefold().endswith("ing") and lemma not in _PHRASES
        cues.append(Cue(match.start(), match.end(), lemma, verb, hedged, participle))
    return cues
