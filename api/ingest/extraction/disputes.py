"""Stage: disputes within one article. A dispute cue ("denied", "disputes", "rejected",
"are disputed by", "calls ... misguided") that points at what another candidate says proposes
a relation from the disputing candidate to that one: `contradicts` where the words deny it,
`undermines` where they judge it ("criticized", "dismissed", "questioned", "calls it
misguided").

What the cue points at is read from its object (or the subject of its passive):
- a possessive naming a speaker ("Hansen's conclusions", "the minister's claim"): that
  speaker's candidate, the nearest before the cue, else the nearest after it;
- a report ("the report", "the new paper", "the study"): the nearest candidate before it
  credited to a publication or a work, or passed on by one;
- a pronoun or a demonstrative ("it", "those interpretations", "the claim", "the
  allegations"): the nearest candidate before it of another claimant, in the same or the
  previous paragraph;
- a clause ("denied that ..."): the candidate before it, of another claimant, sharing the
  most content words with it (at least two).
"""

from __future__ import annotations

import re

from api.ingest.extraction.document import Document
from api.ingest.extraction.findings import Credit
from api.ingest.extraction.lexicon import WORK_NOUNS
from api.ingest.extraction.results import Candidate, RelationFinding, RelationKind
from api.ingest.extraction.syntax import dispute_object
from models.base import EntityKind, RelationType

_POSSESSIVE = re.compile(
    r"(?P<owner>(?:[A-Z][\w.'\u2019-]*\s+){0,3}[A-Z][\w.\u2019-]*?)['\u2019]s?\b(?!\w)"
)
_REFERRING = re.compile(
    r"^(?:it|this|that|these|those|them|such|(?:the|his|her|their|its)\s+(?:claim|claims|allegation|allegations|"
    r"assertion|assertions|interpretation|interpretations|charge|charges|accusation|"
    r"accusations|idea|notion|suggestion|suggestions|theory|theories|conclusion|conclusions|"
    r"finding|findings|argument|arguments|account|accounts|story|stories|remarks|comments|"
    r"statement|statements|characterization|description|view|views|assessment|estimate|"
    r"figures|numbers|prediction|predictions|forecast|criticism|report|reports|rumors|"
    r"rumours|speculation|account|version|story))\b",
    re.IGNORECASE,
)
_CLAIM_NOUNS = re.compile(
    r"\b(?:claims?|allegations?|assertions?|interpretations?|charges?|accusations?|ideas?|"
    r"notion|suggestions?|theory|theories|conclusions?|findings?|arguments?|accounts?|"
    r"stor(?:y|ies)|remarks|comments?|statements?|characterization|description|views?|"
    r"assessments?|estimates?|figures|numbers|predictions?|forecasts?|criticism|reports?|"
    r"rumou?rs|speculation|position|stance|version|narrative|analysis|data|results?|"
    r"evidence|testimony|reporting|coverage|article|paper|study|research|model|models)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z][a-z'-]{3,}")
_STOP = frozenset(
    {
        "that",
        "this",
        "with",
        "from",
        "have",
        "been",
        "were",
        "would",
        "could",
        "should",
        "their",
        "there",
        "which",
        "about",
        "they",
        "will",
        "said",
        "says",
        "into",
        "than",
        "more",
        "also",
        "only",
        "what",
        "when",
        "some",
        "other",
    }
)
_FALSITY = re.compile(
    r"\b(?:false|untrue|wrong|inaccurate|incorrect|lies?|lying|baseless|groundless|bogus|"
    r"fake|fabricat\w*|nonsense|ridiculous|absurd|hoax|myth|misleading|unfounded|"
    r"not\s+true)\b",
    re.IGNORECASE,
)
_JUDGING = re.compile(
    r"\b(?:misguided|irresponsible|reckless|dangerous|outrageous|disgraceful|shameful|"
    r"offensive|absurd|ridiculous|silly|naive|na\u00efve|unfair|partisan|advocacy|"
    r"alarmist|exaggerat\w*|overblown|overstated|hyperbol\w*|premature|flawed|"
    r"simplistic|irrelevant|political|propaganda|smear|attack|distortion)\b",
    re.IGNORECASE,
)
# Verbs that answer a claim already made: with a clause of their own they contradict the
# earlier claim that shares most of their words.
_REBUTTALS = frozenset({"insist", "clarify", "counter", "maintain"})
_ANSWERS = frozenset({"clarify", "counter", "deny", "rebut", "refute"})
REACH = 4000  # characters back from the cue to the candidate it may dispute
_REPORT_KINDS = frozenset({EntityKind.publication.value, EntityKind.work.value})


def _surname(name: str | None) -> str:
    return name.split()[-1].casefold() if name else ""


def _content_words(text: str) -> set[str]:
    return {word for word in _WORD.findall(text.casefold()) if word not in _STOP}


def _relation_type(document: Document, credit: Credit) -> RelationKind | None:
    cue = credit.cue
    words = document.text[credit.start : credit.end]
    if cue.lemma in _REBUTTALS:
        return "contradicts"
    if cue.dispute is not None:
        if cue.dispute == RelationType.contradicts or _FALSITY.search(words):
            return "contradicts"
        return "undermines"
    if cue.lemma in {"call", "label", "describe"}:
        if _FALSITY.search(words):
            return "contradicts"
        if _JUDGING.search(words):
            return "undermines"
    return None


def _object(document: Document, credit: Credit) -> tuple[int, int]:
    span = dispute_object(document, credit.cue)
    if span is None or credit.cue.lemma in {"call", "label", "describe"}:
        return credit.start, credit.end
    return span


def _report_like(candidate: Candidate) -> bool:
    return candidate.claimant_kind in _REPORT_KINDS or any(
        hop.kind in _REPORT_KINDS for hop in candidate.attribution[:-1]
    )


def _target(
    document: Document,
    index: int,
    credit: Credit,
    candidates: tuple[Candidate, ...],
) -> int | None:
    text = document.text
    source = candidates[index]
    start, end = _object(document, credit)
    words = text[start:end].strip(" \"'\u201c\u201d\u2018\u2019")
    others = [
        other
        for other, candidate in enumerate(candidates)
        if other != index
        and candidate.claimant is not None
        and candidate.claimant != source.claimant
        and abs(candidate.cue_start - credit.cue.start) <= REACH
    ]
    before = [other for other in others if candidates[other].start < credit.cue.start]
    after = [other for other in others if candidates[other].start > credit.cue.start]
    possessive = _POSSESSIVE.search(words)
    if possessive is not None and _CLAIM_NOUNS.search(words, possessive.end()):
        owner = _surname(possessive.group("owner"))
        owned = [other for other in before if _surname(candidates[other].claimant) == owner]
        if owned:
            return owned[-1]
        owned = [other for other in after if _surname(candidates[other].claimant) == owner]
        return owned[0] if owned else None
    inside = [
        other
        for other in others
        if candidates[other].cue_start >= start and candidates[other].cue_start < end
    ]
    if inside:
        return inside[0]  # "denied a Reuters report that ...": the report's own words
    head = words.split()[-1].casefold() if words.split() else ""
    if head in WORK_NOUNS and _CLAIM_NOUNS.search(words):
        reports = [other for other in before if _report_like(candidates[other])]
        if reports:
            return reports[-1]
    if _REFERRING.match(words):
        paragraph = document.paragraph_index(credit.cue.start)
        near = [
            other
            for other in before
            if paragraph - document.paragraph_index(candidates[other].start) <= 1
        ]
        return near[-1] if near else None
    if (credit.cue.dispute is not None or credit.cue.lemma in _REBUTTALS) and (
        len(words.split()) >= 3
    ):
        # "denied that ...", "insisted ...", "clarified ...": the claim before it that
        # says most of the same things
        mine = _content_words(words)
        best, best_shared = None, 1
        for other in before:
            shared = len(mine & _content_words(candidates[other].text))
            if shared > best_shared:
                best, best_shared = other, shared
        if best is None and credit.cue.lemma in _ANSWERS:
            # "clarified that ...", "countered that ...": an answer to the claim just before
            paragraph = document.paragraph_index(credit.cue.start)
            near = [
                other
                for other in before
                if paragraph - document.paragraph_index(candidates[other].start) <= 1
            ]
            return near[-1] if near else None
        return best
    return None


def find_disputes(
    document: Document, credits: tuple[Credit, ...], candidates: tuple[Candidate, ...]
) -> tuple[RelationFinding, ...]:
    """Relations from disputing candidates to the candidates they point at; `credits[i]` is
    what `candidates[i]` was made from."""
    found: list[RelationFinding] = []
    seen: set[tuple[int, int]] = set()
    for index, credit in enumerate(credits):
        if credit.inherited or candidates[index].claimant is None:
            continue
        kind = _relation_type(document, credit)
        if kind is None:
            continue
        target = _target(document, index, credit, candidates)
        if target is None or (index, target) in seen:
            continue
        seen.add((index, target))
        cue = credit.cue
        found.append(
            RelationFinding(
                source=index,
                target=target,
                type=kind,
                cue=document.text[cue.start : cue.end],
                cue_start=cue.start,
                cue_end=cue.end,
                confidence=round(
                    min(candidates[index].confidence, candidates[target].confidence) * 0.9, 2
                ),
            )
        )
    return tuple(found)
