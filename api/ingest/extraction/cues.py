"""The words that credit a statement to someone: reporting verbs in all their forms, "according
to", hedges such as "could mean", and the verbs that set one statement against another
("denied", "disputes", "rejected"). Each maps to the models.base.Verb that keeps it as written,
to whether it presents the claim as a guess, and, for a dispute, to the relation it proposes.

Cues are found by rule over the whole text, which is fast; the parse (parsing.py) is run only
on the sentences that hold one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.base import RelationType, Verb

CONTRADICTS = RelationType.contradicts
UNDERMINES = RelationType.undermines


@dataclass(frozen=True)
class Entry:
    """One reporting verb: its forms, the Verb it is kept as, and how it behaves."""

    forms: tuple[str, ...]
    verb: Verb
    hedged: bool = False
    dispute: RelationType | None = None
    needs_parse: bool = False  # "called", "shows": only a cue when the parse says so
    passive_ok: bool = False  # "are disputed by X", "expected by AAA": the agent speaks


# base form -> entry. The forms include the base.
# fmt: off
_ENTRIES: dict[str, Entry] = {
    "say": Entry(("say", "says", "said", "saying"), Verb.said),
    "tell": Entry(("tell", "tells", "told", "telling"), Verb.told, passive_ok=True),
    "report": Entry(("report", "reports", "reported", "reporting"), Verb.reported,
                    passive_ok=True),
    "claim": Entry(("claim", "claims", "claimed", "claiming"), Verb.claimed),
    "state": Entry(("state", "states", "stated", "stating"), Verb.stated),
    "announce": Entry(("announce", "announces", "announced", "announcing"), Verb.announced),
    "declare": Entry(("declare", "declares", "declared", "declaring"), Verb.declared),
    "add": Entry(("add", "adds", "added", "adding"), Verb.added),
    "note": Entry(("note", "notes", "noted", "noting"), Verb.noted),
    "warn": Entry(("warn", "warns", "warned", "warning"), Verb.warned),
    "insist": Entry(("insist", "insists", "insisted", "insisting"), Verb.insisted),
    "argue": Entry(("argue", "argues", "argued", "arguing"), Verb.argued),
    "contend": Entry(("contend", "contends", "contended", "contending"), Verb.argued),
    "assert": Entry(("assert", "asserts", "asserted", "asserting"), Verb.asserted),
    "allege": Entry(("allege", "alleges", "alleged", "alleging"), Verb.alleged),
    "accuse": Entry(("accuse", "accuses", "accused", "accusing"), Verb.accused,
                    passive_ok=True),
    "maintain": Entry(("maintain", "maintains", "maintained"), Verb.insisted),
    "explain": Entry(("explain", "explains", "explained", "explaining"), Verb.explained),
    "confirm": Entry(("confirm", "confirms", "confirmed", "confirming"), Verb.confirmed),
    "acknowledge": Entry(("acknowledge", "acknowledges", "acknowledged", "acknowledging"),
                         Verb.acknowledged),
    "admit": Entry(("admit", "admits", "admitted", "admitting"), Verb.admitted),
    "concede": Entry(("concede", "concedes", "conceded", "conceding"), Verb.conceded),
    "reveal": Entry(("reveal", "reveals", "revealed", "revealing"), Verb.revealed),
    "write": Entry(("write", "writes", "wrote", "writing"), Verb.wrote),
    "tweet": Entry(("tweet", "tweets", "tweeted", "tweeting"), Verb.tweeted),
    "post": Entry(("posts", "posted"), Verb.posted, needs_parse=True),
    "stress": Entry(("stress", "stresses", "stressed", "stressing"), Verb.emphasized),
    "emphasize": Entry(("emphasize", "emphasizes", "emphasized", "emphasizing", "emphasise",
                        "emphasises", "emphasised", "emphasising"), Verb.emphasized),
    "recall": Entry(("recall", "recalls", "recalled", "recalling"), Verb.said),
    "reply": Entry(("reply", "replies", "replied", "replying"), Verb.replied),
    "respond": Entry(("respond", "responds", "responded", "responding"), Verb.replied),
    "testify": Entry(("testify", "testifies", "testified", "testifying"), Verb.testified),
    "suggest": Entry(("suggest", "suggests", "suggested", "suggesting"), Verb.suggested,
                     hedged=True),
    "speculate": Entry(("speculate", "speculates", "speculated", "speculating"),
                       Verb.suggested, hedged=True),
    "believe": Entry(("believe", "believes", "believed"), Verb.believed, hedged=True),
    "think": Entry(("think", "thinks", "thought"), Verb.thought, hedged=True),
    "predict": Entry(("predict", "predicts", "predicted", "predicting"), Verb.predicted,
                     hedged=True, passive_ok=True),
    "forecast": Entry(("forecasts", "forecasted", "forecasting"), Verb.forecast, hedged=True,
                      passive_ok=True),
    "expect": Entry(("expects", "expected"), Verb.expected, hedged=True, passive_ok=True),
    "estimate": Entry(("estimates", "estimated", "estimating"), Verb.estimated, hedged=True,
                      passive_ok=True),
    "conclude": Entry(("conclude", "concludes", "concluded", "concluding"), Verb.concluded),
    "find": Entry(("finds", "found"), Verb.found, needs_parse=True),
    "show": Entry(("show", "shows", "showed", "showing"), Verb.showed, needs_parse=True),
    "give": Entry(("gives", "gave", "giving"), Verb.gave, needs_parse=True),
    "indicate": Entry(("indicates", "indicated", "indicating"), Verb.indicated,
                      needs_parse=True),
    "highlight": Entry(("highlights", "highlighted"), Verb.noted, needs_parse=True),
    "ask": Entry(("asks", "asked", "asking"), Verb.asked, needs_parse=True),
    "blast": Entry(("blasts", "blasted", "blasting"), Verb.criticized, needs_parse=True),
    "deride": Entry(("derides", "derided", "deriding"), Verb.criticized, needs_parse=True),
    "brand": Entry(("brands", "branded", "branding"), Verb.called, needs_parse=True),
    "refer": Entry(("refers", "referred", "referring"), Verb.called, needs_parse=True),
    "compare": Entry(("compares", "compared", "comparing"), Verb.compared, needs_parse=True),
    "blame": Entry(("blames", "blamed", "blaming"), Verb.accused, needs_parse=True),
    "promise": Entry(("promises", "promised", "promising"), Verb.said, needs_parse=True),
    "vow": Entry(("vows", "vowed", "vowing"), Verb.said, needs_parse=True),
    "assure": Entry(("assures", "assured", "assuring"), Verb.said, needs_parse=True),
    "remark": Entry(("remarks", "remarked"), Verb.said),
    "clarify": Entry(("clarifies", "clarified", "clarifying"), Verb.clarified,
                     dispute=CONTRADICTS, needs_parse=True),
    "counter": Entry(("counters", "countered", "countering"), Verb.countered,
                     dispute=CONTRADICTS, needs_parse=True),
    "reiterate": Entry(("reiterate", "reiterates", "reiterated", "reiterating"),
                       Verb.reiterated),
    "interject": Entry(("interjects", "interjected"), Verb.said),
    "regard": Entry(("regards", "regarded"), Verb.believed, hedged=True, needs_parse=True,
                    passive_ok=True),
    "advise": Entry(("advises", "advised", "advising"), Verb.said, needs_parse=True),
    "assume": Entry(("assumes", "assumed"), Verb.believed, hedged=True, needs_parse=True),
    "calculate": Entry(("calculates", "calculated"), Verb.estimated, needs_parse=True),
    "consider": Entry(("considers", "considered"), Verb.believed, hedged=True,
                      needs_parse=True, passive_ok=True),
    "call": Entry(("call", "calls", "called", "calling"), Verb.called, needs_parse=True),
    "label": Entry(("label", "labels", "labeled", "labelled", "labeling", "labelling"),
                   Verb.called, needs_parse=True),
    "describe": Entry(("describe", "describes", "described", "describing"), Verb.described,
                      needs_parse=True),
    "deny": Entry(("deny", "denies", "denied", "denying"), Verb.denied, dispute=CONTRADICTS),
    "dispute": Entry(("dispute", "disputes", "disputed", "disputing"), Verb.disputed,
                     dispute=CONTRADICTS, passive_ok=True),
    "reject": Entry(("reject", "rejects", "rejected", "rejecting"), Verb.rejected,
                    dispute=CONTRADICTS, passive_ok=True),
    "refute": Entry(("refute", "refutes", "refuted", "refuting"), Verb.disputed,
                    dispute=CONTRADICTS, passive_ok=True),
    "rebut": Entry(("rebut", "rebuts", "rebutted", "rebutting"), Verb.disputed,
                   dispute=CONTRADICTS, passive_ok=True),
    "contradict": Entry(("contradicts", "contradicted", "contradicting"), Verb.disputed,
                        dispute=CONTRADICTS),
    "dismiss": Entry(("dismiss", "dismisses", "dismissed", "dismissing"), Verb.rejected,
                     dispute=UNDERMINES, needs_parse=True),
    "criticize": Entry(("criticize", "criticizes", "criticized", "criticizing", "criticise",
                        "criticises", "criticised", "criticising"), Verb.criticized,
                       dispute=UNDERMINES, passive_ok=True),
    "question": Entry(("questions", "questioned", "questioning"), Verb.questioned,
                      dispute=UNDERMINES, needs_parse=True),
}
# fmt: on
_PHRASES: dict[str, Entry] = {
    "according to": Entry(("according to",), Verb.reported),
    "pointed out": Entry(("pointed out",), Verb.noted),
    "points out": Entry(("points out",), Verb.noted),
    "could mean": Entry(("could mean",), Verb.suggested, hedged=True),
    "may mean": Entry(("may mean",), Verb.suggested, hedged=True),
    "might mean": Entry(("might mean",), Verb.suggested, hedged=True),
    "quoted as saying": Entry(("quoted as saying",), Verb.quoted),
    "made clear": Entry(("made clear",), Verb.said),
    "making clear": Entry(("making clear",), Verb.said),
}
# Nouns that carry what was said in a that-clause: "a Reuters report that ...", "Comey's
# Friday announcement that ...", "comments ... that he might not accept the results".
NOUN_CUES: dict[str, Verb] = {
    "report": Verb.reported,
    "reports": Verb.reported,
    "announcement": Verb.announced,
    "statement": Verb.stated,
    "comments": Verb.said,
    "remarks": Verb.said,
    "claim": Verb.claimed,
    "claims": Verb.claimed,
    "allegation": Verb.alleged,
    "allegations": Verb.alleged,
    "assertion": Verb.asserted,
    "warning": Verb.warned,
    "warnings": Verb.warned,
    "prediction": Verb.predicted,
    "suggestion": Verb.suggested,
    "admission": Verb.admitted,
    "finding": Verb.found,
    "findings": Verb.found,
    "conclusion": Verb.concluded,
    "insistence": Verb.insisted,
    "contention": Verb.argued,
    "argument": Verb.argued,
}
_NOUN_CUE = re.compile(
    rf"\b(?P<word>{'|'.join(NOUN_CUES)})(?P<gap>\s+(?:[a-z]+\s+){{0,6}}?)that\s+"
    r"(?!(?:is|was|are|were|has|had|have|would|could|will|can|may|might|should|showed|shows|"
    r"found|finds|said|says|claims|suggests|appeared|came|went|\w+ed)\b)",
)
FORWARD_ONLY = frozenset({"could mean", "may mean", "might mean"})

_FORMS: dict[str, str] = {}
for _base, _known in _ENTRIES.items():
    for _form in _known.forms:
        _FORMS[_form] = _base

# The Verb each lemma is kept as, for every reader: one table, so the enum and the cues agree.
VERB_OF: dict[str, Verb] = {
    **{base: entry.verb for base, entry in _ENTRIES.items()},
    **{phrase: entry.verb for phrase, entry in _PHRASES.items()},
}

_AUXILIARY = (
    r"(?:(?:has|have|had|is|are|was|were|been|being|be|will|would|also|later|earlier|"
    r"initially|again|first|widely|once|publicly|privately|repeatedly|previously|then|"
    r"has\s+long|long|flatly|strongly|firmly|quickly|immediately|recently|still|often|"
    r"even|already|since|sharply)\s+){0,3}"
)
_WORDS = "|".join(
    sorted((*_FORMS, *(phrase for phrase in _PHRASES)), key=len, reverse=True)
).replace(" ", r"\s+")
CUE_PATTERN = re.compile(rf"\b{_AUXILIARY}(?P<word>{_WORDS})\b", re.IGNORECASE)
# "refused to say", "did not say", "declined to comment": no statement is credited.
_NEGATED_BEFORE = re.compile(
    r"\b(?:refused|declined|not|never|unable|failed|n't|cannot|wouldn't|won't|no\s+one|"
    r"nobody|neither|nor)\s+(?:to\s+)?$",
    re.IGNORECASE,
)
_PASSIVE_AFTER = re.compile(r"^\s+to\s+(?:be|have)\b", re.IGNORECASE)
# "media reports", "the claim", "in a statement": the cue word is a noun there.
_NOUN_BEFORE = re.compile(
    r"\b(?:the|a|an|this|that|these|those|his|her|its|their|our|my|your|media|news|press|online|"
    r"latest|new|initial|further|unconfirmed|such|many|other|of|in|on|for|with|by|from|about|"
    r"despite|after|amid|citing|weather|fire|storm|official|no|any|some|every|each|what|"
    r"whose|first|second|final|annual|quarterly|recent|previous|earlier|later|both|two|three|"
    r"several|few|more|most|less|strong|sharp|angry|widespread|similar)\s+$|"
    r"(?:['\u2019]s|s')\s+$",
    re.IGNORECASE,
)
# Base forms that are mostly nouns or orders in news when they stand alone.
_NOT_CUES_ALONE = frozenset(
    {
        "state",
        "report",
        "note",
        "stress",
        "claim",
        "add",
        "call",
        "show",
        "label",
        "tweet",
        "recall",
        "reply",
        "question",
        "dispute",
        "estimate",
        "forecast",
        "post",
        "find",
        "think",
        "believe",
    }
)
_PARTICIPLE_BEFORE = re.compile(
    r"(?:,|\u2014|\u2013|\b(?:while|before|after|when|by|in|also|and|even|again))\s+$",
    re.IGNORECASE,
)
_PASSIVE_BEFORE = re.compile(
    r"\b(?:is|are|was|were|been|being|be|get|gets|got)\s+(?:\w+ly\s+)?$", re.IGNORECASE
)
_BY_AFTER = re.compile(r"^\s+(?:\w+\s+){0,2}?by\b", re.IGNORECASE)
_AUXILIARY_VERB = re.compile(
    r"\b(?:has|have|had|is|are|was|were|been|being|be|will|would)\b", re.IGNORECASE
)
_PLURAL_BEFORE = re.compile(
    r"\b(?:\w+s|they|we|you|people|police|many|some|others|most|few|will|would|could|might|"
    r"also|still)\s+$",
    re.IGNORECASE,
)
_BE_IN_AUXILIARY = re.compile(r"\b(?:was|were|is|are|been|being|be)\s+", re.IGNORECASE)
# After "called": an order ("called for", "called on"), a name ("a group called X"), a phone.
_CALL_NOT_SPEECH = re.compile(
    r"^\s+(?:for|on|off|up|in|out|back|upon|him\s+(?:to|on)|her\s+(?:to|on)|them\s+(?:to|on))\b",
    re.IGNORECASE,
)
_NAME_BEFORE_CALL = re.compile(
    r"\b(?:a|an|the|one|so|group|company|firm|organization|organisation|program|programme|"
    r"movement|bill|plan|initiative|operation|project|town|village|city|place|area|book|film|"
    r"song|show|website|site|app)\s*-?\s*$",
    re.IGNORECASE,
)
_SOCIAL = re.compile(
    r"^\s+(?:on|to)\s+(?:his|her|their|its|the)?\s*(?:Twitter|Facebook|Instagram|X|Truth\s+Social|"
    r"website|blog|account|page|feed|Medium|Substack)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Cue:
    """A reporting expression found in the text."""

    start: int  # first character, auxiliaries included ("has accused")
    end: int
    word_start: int  # the verb or phrase itself, where the parse looks it up
    lemma: str  # "say", "tell", "according to"...
    verb: Verb
    hedged: bool
    participle: bool  # "saying", "claiming": the speaker is the subject of another verb
    passive: bool = False  # "are disputed by X", "was quoted as saying"
    dispute: RelationType | None = None
    needs_parse: bool = False
    noun: bool = False  # "a Reuters report that ...": the cue is a noun carrying a clause

    @property
    def forward_only(self) -> bool:
        """Cues whose content always follows them ("could mean ...")."""
        return self.lemma in FORWARD_ONLY

    @property
    def according(self) -> bool:
        return self.lemma == "according to"


def _entry(word: str) -> tuple[str, Entry]:
    folded = " ".join(word.casefold().split())
    if folded in _PHRASES:
        return folded, _PHRASES[folded]
    base = _FORMS[folded]
    return base, _ENTRIES[base]


def _kept(
    text: str, match: re.Match[str], lemma: str, entry: Entry, start: int, headline: bool
) -> bool | None:
    """Whether this match is a cue; None when it is one only in the passive with an agent."""
    word = match.group("word")
    folded = word.casefold()
    before = text[max(0, match.start() - 30) : match.start()]
    after = text[match.end() : match.end() + 40]
    auxiliaries = match.group(0)[: match.start("word") - match.start()]
    bare = _AUXILIARY_VERB.search(auxiliaries) is None  # adverbs alone ("also") leave it bare
    if _NEGATED_BEFORE.search(before) or re.search(r"\bnot\s", auxiliaries, re.IGNORECASE):
        return False
    if lemma in _PHRASES:
        return not (lemma == "according to" and re.match(r"\s+(?:plan|schedule)\b", after))
    if bare and _NOUN_BEFORE.search(before):
        return False
    if bare and folded.endswith("ing") and not _PARTICIPLE_BEFORE.search(before):
        return False
    if bare and folded == lemma and folded in _NOT_CUES_ALONE and not _PLURAL_BEFORE.search(before):
        # "state television", "a note", "they say", "I think": the base form alone is a cue
        # only after a plural subject or a modal; the parse decides.
        return False
    if (
        bare
        and folded == lemma
        and lemma not in {"say", "think", "believe"}
        and (before.endswith("to "))
    ):
        return False  # "called on to explain": an infinitive states nothing yet
    if lemma == "add" and re.match(r"\s+(?:another\s+|more\s+|up\s+|to\s+)?[\d$]", after):
        return False  # "added 72 runs": a score
    if lemma == "add" and re.match(r"\s+(?:to|up)\b", after):
        return False  # "adds to the pressure"
    if lemma == "write" and re.match(r"\s+(?:in|off|down)\b", after):
        return False  # "would write in Pence": a write-in vote
    if lemma == "accuse" and re.match(r"\s+of\b", after) and not _BY_AFTER.match(after):
        return False  # "militants accused of ...": no accuser named
    if lemma == "call" and (_CALL_NOT_SPEECH.match(after) or _NAME_BEFORE_CALL.search(before)):
        return False
    if lemma in {"say", "believe", "expect", "report", "think", "estimate"} and (
        _PASSIVE_AFTER.match(after)
    ):
        return False  # "is said to be", "are expected to have"
    if lemma == "post" and not (_SOCIAL.match(after) or re.match(r"\s*[:\"\u201c]", after)):
        return False  # "posted a loss", "posted videos"
    if lemma == "tell" and re.match(
        r"\s+(?:the\s+)?(?:difference|time|story|stories|truth)\b", after, re.IGNORECASE
    ):
        return False
    if (
        word[:1].isupper()
        and match.start() > start
        and lemma != "according to"
        and not headline
        and not re.search(r"[\"\u201d:]\s*$", before)
    ):
        # a capitalised "Said" or "Report" inside a sentence is a name, except after a
        # quotation that ends a sentence ('..." Said Smith') which the caller sees as a start
        return False
    passive = bool(_BE_IN_AUXILIARY.search(auxiliaries)) and not folded.endswith("ing")
    if passive or (bare and _PASSIVE_BEFORE.search(before) and not folded.endswith("ing")):
        return None
    return True


def find_cues(text: str, start: int, end: int) -> list[Cue]:
    """Reporting expressions in text[start:end] that can credit a statement to someone."""
    cues: list[Cue] = []
    words = re.findall(r"[A-Za-z][\w'\u2019-]*", text[start:end])
    long_words = [word for word in words if len(word) > 3]
    headline = len(long_words) >= 3 and sum(w[0].isupper() for w in long_words) >= 0.8 * len(
        long_words
    )  # a headline in title case: "New Poll Gives Clinton A Lead"
    for match in CUE_PATTERN.finditer(text, start, end):
        word = match.group("word")
        lemma, entry = _entry(word)
        kept = _kept(text, match, lemma, entry, start, headline)
        if kept is False:
            continue
        passive = kept is None
        if passive:
            after = text[match.end() : match.end() + 40]
            if not (entry.passive_ok and _BY_AFTER.match(after)):
                continue  # "were told to wear vests", "is expected to": no one is named
        folded = word.casefold()
        participle = folded.endswith("ing") and lemma not in _PHRASES
        cues.append(
            Cue(
                start=match.start(),
                end=match.end(),
                word_start=match.start("word"),
                lemma=lemma,
                verb=entry.verb,
                hedged=entry.hedged,
                participle=participle,
                passive=passive or lemma == "quoted as saying",
                dispute=entry.dispute,
                needs_parse=entry.needs_parse,
            )
        )
    for match in _NOUN_CUE.finditer(text, start, end):
        before = text[max(start, match.start() - 30) : match.start()]
        if not re.search(
            r"(?:\b(?:[Aa]n?|[Tt]he|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts)\s+(?:[\w.'\u2019-]+\s+){0,4}|"
            r"['\u2019]s\s+(?:\w+\s+){0,2}|[A-Z][\w.-]*\s+)$",
            before,
        ):
            continue
        cues = [cue for cue in cues if not cue.start <= match.start() < cue.end]
        word = match.group("word")
        cues.append(
            Cue(
                start=match.start(),
                end=match.end("word"),
                word_start=match.start(),
                lemma="noun:" + word.casefold(),
                verb=NOUN_CUES[word.casefold()],
                hedged=word.casefold() in {"prediction", "suggestion"},
                participle=False,
                noun=True,
            )
        )
    return sorted(cues, key=lambda cue: cue.start)
