"""What the dependency parse says about one cue, Citron-style: the subject of the reporting verb
(or the agent of a passive, or the object of "according to") is the speaker, its clausal
complement is the content, and the head word of the subject decides who among the names of
an apposition speaks ("Patrol Chief James Hall with the New York Police Department": Hall).

Every function answers None when the sentence was not parsed or the parse does not fit, and
the rules decide instead.
"""

from __future__ import annotations

from api.ingest.extraction.cues import Cue
from api.ingest.extraction.document import Document
from api.ingest.extraction.parsing import Parse

_SUBJECTS = ("nsubj", "nsubjpass", "csubj")
_RELATIVE = frozenset({"who", "that", "which", "whom"})
_CLIMB = frozenset({"conj", "advcl", "xcomp", "pcomp"})
# A cue attached to a clause it follows ("The roads are closed, he said").
_ATTACHED_AFTER = frozenset({"parataxis", "ccomp", "advcl", "conj"})
_COMPLEMENTS = ("ccomp",)
_NAMING = frozenset(
    {
        "call",
        "label",
        "describe",
        "dismiss",
        "blast",
        "deride",
        "brand",
        "refer",
        "compare",
        "regard",
    }
)
# Cues whose content may be a noun phrase: names and judgements ("called him a liar"),
# denials and accusations ("denied any connection", "accused X of Y"), what a work shows.
WORK_VERBS = frozenset({"find", "show", "give", "highlight"})
NOUN_CONTENT = (
    _NAMING
    | WORK_VERBS
    | frozenset(
        {
            "deny",
            "accuse",
            "blame",
            "criticize",
            "dispute",
            "reject",
            "refute",
            "rebut",
            "contradict",
            "question",
            "predict",
            "forecast",
            "expect",
            "estimate",
        }
    )
)
# Cues that state something only with a clause ("vowed that ...", not "vowed to ...").
_CLAUSE_ONLY = frozenset(
    {"promise", "vow", "assure", "assume", "consider", "calculate", "reply", "respond"}
)
_PHRASE_CUES = frozenset({"quoted as saying", "made clear", "making clear", "pointed out"})
_NEVER_CHECKED = frozenset({"say", "tell", "add", "write", "tweet", "post"})
_NAMING_COMPLEMENTS = ("oprd", "xcomp", "ccomp", "acomp", "attr")


def cue_token(document: Document, cue: Cue) -> tuple[Parse, int] | None:
    """The parse of the cue's sentence and the index of the cue's verb in it."""
    parse = document.parse_at(cue.word_start)
    if parse is None:
        return None
    index = parse.index_at(cue.word_start)
    if index is None:
        return None
    return parse, index


def _speaker_token(parse: Parse, index: int, cue: Cue) -> int | None:
    tokens = parse.tokens
    if cue.noun:
        return None  # the rules read "a Reuters report", "Comey's announcement"
    if cue.according:
        to = next((kid for kid in parse.kids(index, "prep") if tokens[kid].text == "to"), None)
        if to is None and index + 1 < len(tokens) and tokens[index + 1].text == "to":
            to = index + 1
        return None if to is None else parse.kid(to, "pobj")
    if cue.passive and cue.lemma != "quoted as saying":
        agent = parse.kid(index, "agent")
        return None if agent is None else parse.kid(agent, "pobj")
    at = index
    for _ in range(3):
        subjects = parse.kids(at, *_SUBJECTS)
        # two subjects (a dateline parsed as one, "Washington (AFP) - The Post ... became"):
        # the one nearest the verb
        before = [kid for kid in subjects if kid < at]
        subject = max(before) if before else (min(subjects) if subjects else None)
        if subject is not None:
            word = tokens[subject].text.casefold()
            if word in _RELATIVE and tokens[at].dep == "relcl":
                return tokens[at].head  # "Smith, who said ...": Smith
            if tokens[subject].dep == "nsubjpass" and cue.lemma != "quoted as saying":
                return None
            return subject
        if tokens[at].dep == "acl" and tokens[at].head != at:
            return tokens[at].head  # "a report saying that ...": the report
        if tokens[at].dep not in _CLIMB or tokens[at].head == at:
            return None
        if tokens[at].dep == "pcomp" and tokens[tokens[at].head].dep == "prep":
            at = tokens[at].head  # "after dismissing ...": the subject of the clause
        at = tokens[at].head
    return None


def speaker_head(document: Document, cue: Cue) -> tuple[int, int] | None:
    """Where the head word of the cue's speaker stands, if the parse names one."""
    found = cue_token(document, cue)
    if found is None:
        return None
    parse, index = found
    speaker = _speaker_token(parse, index, cue)
    if speaker is None:
        return None
    token = parse.tokens[speaker]
    return token.start, token.end


def speaker_span(document: Document, cue: Cue) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The words naming the cue's speaker and their head word, if the parse names one. A
    relative clause after the speaker is left out ("Smith, who was there,")."""
    found = cue_token(document, cue)
    if found is None:
        return None
    parse, index = found
    speaker = _speaker_token(parse, index, cue)
    if speaker is None:
        return None
    cut = [kid for kid in parse.kids(speaker, "relcl", "acl") if kid > speaker]
    if index > speaker:
        cut.extend(kid for kid in parse.children[speaker] if kid > index)
    token = parse.tokens[speaker]
    return parse.span_without(speaker, cut), (token.start, token.end)


def content_span(document: Document, cue: Cue) -> tuple[int, int] | None:
    """The content the parse gives the cue: its clausal complement, the clause "according to"
    hangs from, what "called" names and calls it, what a dispute verb takes as object."""
    found = cue_token(document, cue)
    if found is None:
        return None
    parse, index = found
    tokens = parse.tokens
    if cue.noun:
        clause = parse.kid(index, "acl", "ccomp", "relcl")
        return None if clause is None else parse.span(clause)
    if cue.according:
        head = tokens[index].head
        if head == index:
            return None
        return parse.span_without(head, [index])
    complements = parse.kids(index, *_COMPLEMENTS)
    if not complements and cue.lemma in WORK_VERBS:
        objects = parse.kids(index, "dobj", "dative")
        if objects:
            first, last = min(objects), max(objects)
            return tokens[tokens[first].left].start, tokens[tokens[last].right].end
        return None
    if complements:
        best = max(complements, key=lambda kid: tokens[kid].right - tokens[kid].left)
        return parse.span(best)
    if cue.lemma in _NAMING:
        obj = parse.kid(index, "dobj")
        if obj is None:  # "referred to Mexican immigrants as ...", "compared him to ..."
            obj = next(
                (k for k in parse.kids(index, "prep") if tokens[k].text.casefold() == "to"), None
            )
        named = [kid for kid in parse.kids(index, *_NAMING_COMPLEMENTS) if kid > index]
        as_phrase = [
            kid
            for kid in parse.kids(index, "prep")
            if tokens[kid].text.casefold() in {"as", "to"} and (obj is None or kid > obj)
        ]
        ends = named + as_phrase
        if obj is not None and ends:
            if tokens[obj].dep == "prep":  # "referred to her as": the content starts at "her"
                obj = parse.kid(obj, "pobj") or obj
            return tokens[tokens[obj].left].start, _end_without_clauses(parse, max(ends))
        if obj is not None and cue.lemma == "call" and tokens[obj].left > index:
            # "calls Hansen's arguments 'misguided policy advocacy'": one noun phrase
            return parse.span(obj)
        return None
    if cue.lemma in {"accuse", "blame"}:
        obj = parse.kid(index, "dobj")
        if obj is None:
            return None
        reasons = [kid for kid in parse.kids(index, "prep") if kid > obj]
        last = max(reasons) if reasons else obj
        return tokens[tokens[obj].left].start, tokens[tokens[last].right].end
    if cue.lemma == "deny" and parse.kid(index, "dobj") is not None:
        return parse.span(parse.kid(index, "dobj"))  # type: ignore[arg-type]
    if cue.dispute is not None:
        if cue.passive:
            subject = parse.kid(index, "nsubjpass")
            return None if subject is None else parse.span(subject)
        obj = parse.kid(index, "dobj")
        return None if obj is None else parse.span(obj)
    token = tokens[index]
    if token.dep in _ATTACHED_AFTER and token.head < index and token.head != index:
        return parse.span_without(token.head, [index])
    return None


def work_subject(document: Document, cue: Cue) -> bool:
    """Whether the cue's subject is a document, a poll or a study ("polls show")."""
    from api.ingest.extraction.lexicon import WORK_NOUNS

    found = cue_token(document, cue)
    if found is None:
        return False
    parse, index = found
    subject = _speaker_token(parse, index, cue)
    if subject is None:
        return False
    words = [parse.tokens[subject], *(parse.tokens[k] for k in parse.kids(subject, "compound"))]
    return any(word.text.casefold() in WORK_NOUNS for word in words)


def dispute_object(document: Document, cue: Cue) -> tuple[int, int] | None:
    """What a dispute cue points at: its object ("disputes Hansen's conclusions"), the
    subject of its passive ("those interpretations are disputed by"), or what "called"
    judges ("calls it misguided")."""
    found = cue_token(document, cue)
    if found is None:
        return None
    parse, index = found
    if cue.passive:
        subject = parse.kid(index, "nsubjpass")
        return None if subject is None else parse.span(subject)
    obj = parse.kid(index, "dobj")
    if obj is None:
        return None
    return parse.span(obj)


def _end_without_clauses(parse: Parse, index: int) -> int:
    """Where the subtree of `index` ends, before any clause that hangs from it ("as
    "rapists" while calling to erect a wall": before "while")."""
    tokens = parse.tokens
    end = tokens[tokens[index].right].end
    for inside in range(index, tokens[index].right + 1):
        if tokens[inside].dep in {"advcl", "relcl"} and inside > index:
            end = min(end, tokens[tokens[inside].left].start)
    return end


def reads_as_cue(document: Document, cue: Cue) -> bool | None:
    """Whether the parse reads the cue as a verb crediting a statement (None: no parse).
    A noun ("Republican states", "media reports") is not; nor is a verb whose object is a
    thing rather than a statement ("announced her campaign", "maintained their pace",
    "is adding 182,000 jobs") unless the verb names, judges, denies or accuses with it."""
    found = cue_token(document, cue)
    if found is None:
        return None
    parse, index = found
    token = parse.tokens[index]
    if cue.according or cue.forward_only or cue.noun or cue.lemma in _PHRASE_CUES:
        return True
    if not (token.tag.startswith("VB") or token.tag == "MD"):
        return False
    if cue.lemma in NOUN_CONTENT:
        return True
    clause = parse.kids(index, "ccomp")
    if cue.lemma in _CLAUSE_ONLY:
        return bool(clause)
    if clause or cue.lemma in _NEVER_CHECKED:
        return True
    return parse.kid(index, "dobj", "dative") is None


def verb_is_head(document: Document, cue: Cue) -> bool | None:
    """Whether the parse reads the cue word as a verb (None when there is no parse)."""
    found = cue_token(document, cue)
    if found is None:
        return None
    parse, index = found
    token = parse.tokens[index]
    if cue.according or cue.noun:
        return True
    return token.tag.startswith("VB") or token.tag in {"MD"}
