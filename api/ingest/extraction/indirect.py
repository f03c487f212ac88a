"""Stage: paraphrase (indirect speech), sentence by sentence, for the cues the direct stage did
not use: "X said (that) ...", "..., X said", "According to X, ...", "..., according to X",
"X told Y that ...", "..., as X told Y", passives with an agent ("are disputed by X"), with
"citing Z" read as a further hop and hedges ("could mean") kept as such.

Two readers. The rules read windows of words between commas and connectors; the parse
(syntax.py) reads the subject and the clausal complement of the cue. Where both answer, the
parse gives the speaker's head word (who among an apposition's names speaks) and, for the
cues the windows cannot read (passives, "called X Y", a dispute's object, a cue in the middle
of its clause), the content; the windows keep the content where they measured better
(docs/extraction.md, "Library or rules").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from api.ingest.extraction.cues import Cue
from api.ingest.extraction.direct import Quoted
from api.ingest.extraction.document import Document
from api.ingest.extraction.findings import Attribution, Phrase
from api.ingest.extraction.framing import (
    after_recipient,
    skip_frame_words,
    trim_content,
    word_count,
)
from api.ingest.extraction.results import Hop, SpeechKind
from api.ingest.extraction.syntax import (
    WORK_VERBS,
    content_span,
    reads_as_cue,
    speaker_span,
    work_subject,
)

_CONNECTOR = re.compile(
    r"(?:,[\"\u201d\u2019]?\s*(?:but|and|while|whereas|although|as|which|who)\b|;|\s+but\b|,)\s*",
    re.IGNORECASE,
)
_OPENING_FILLER = re.compile(
    r"^[\s,]*(?:(?:but|and|however|meanwhile|yet|so|also)\b[\s,]*)*$", re.IGNORECASE
)
_AS_BEFORE_SPEAKER = re.compile(r",\s*as\s+", re.IGNORECASE)
_SOURCE_PHRASE_END = re.compile(r"[,.;:!?]")
_QUOTE_MARK = re.compile("''|[\"\u201c\u201d]")
_STARTS_WITH_CUE = re.compile(r"(?:said|says|say|told|reported|claimed)\b", re.IGNORECASE)
_PASSIVE_AGENT = re.compile(r"by\s", re.IGNORECASE)
_AGENT = re.compile(r"\s+(?:\w+\s+){0,2}?by\s+", re.IGNORECASE)
_ROLE_AFTER = re.compile(
    r"\s+(?:the|a|an|one|another)\s+(?:[\w-]+\s+){0,3}?(?:spokes\w+|official|aide|adviser|"
    r"advisor|analyst|economist|professor|expert|source|lawyer|attorney|director|president|"
    r"chairman|chairwoman|manager|executive|strategist|pollster|historian)\b",
    re.IGNORECASE,
)
_AGENT_END = re.compile(r"[,.;:!?]|\s+(?=to\s+\w)")
_INFINITIVE = re.compile(r"\s*,?\s*(to\s+\w+)", re.IGNORECASE)
_OPENING_CONJUNCTION = re.compile(r"\s*(?:(?:but|and|yet|so|however|still),?\s+)?", re.IGNORECASE)
_RELATIVE_BEFORE = re.compile(r",?\s*\b(?:who|which)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
_THAT_AFTER_NOUN = re.compile(r"\s+(?:[a-z]+\s+){0,6}?that\s+")
_ARTICLE = re.compile(r"\b(?:a|an|the|his|her|their|its|this|these|those)\s", re.IGNORECASE)
_NAME_RUN = re.compile(r"(?:[A-Z][\w.'\u2019-]*\s+)+$")


def _noun_phrase_start(text: str, low: int, noun: int) -> int:
    """Where the noun phrase of a noun cue starts: its article, else the proper names and
    possessive just before it ("FBI Director James Comey's Friday announcement")."""
    words = list(re.finditer(r"\S+", text[low:noun]))[-6:]
    for word in reversed(words):
        if _ARTICLE.fullmatch(word.group(0) + " "):
            return low + word.start()
        if word.group(0).endswith((",", ";", ":")):
            return low + word.end() + 1
    names = _NAME_RUN.search(text, low, noun)
    return names.start() if names else noun


MINIMUM_CONTENT_WORDS = 3
MINIMUM_NAMING_WORDS = 2  # "called Palin a clown" names and judges in few words
DATE_REACH_AFTER_CUE = 40  # characters after a closing cue where "on Monday" may stand


@dataclass(frozen=True)
class Policy:
    """Which reader decides what, for the library-or-rules measurement."""

    parse_speaker: bool = True  # the parse's subject (and its head word) names the speaker
    parse_content: str = "fallback"  # "never", "fallback" (where rules give none), "first"


RULES_ONLY = Policy(parse_speaker=False, parse_content="never")
DEFAULT_POLICY = Policy()


def _subject_start(text: str, low: int, cue: Cue) -> int:
    """Where the clause holding this cue's speaker begins (after ", but", ";", ", which"...)."""
    start = low
    for match in _CONNECTOR.finditer(text, low, cue.start):
        if match.group(0).strip(' ,"\u201d\u2019'):
            start = match.end()
    return start


def _clause_cut(text: str, low: int, cue: Cue) -> int:
    """Where the previous attribution's words stop, before this cue's clause."""
    if cue.according or (cue.participle and text[low : cue.start].rstrip().endswith(",")):
        comma = text.rfind(",", low, cue.start)  # "denied the report, saying ..."
        return comma if comma >= 0 else low
    cut = low
    for match in _CONNECTOR.finditer(text, low, cue.start):
        if match.group(0).strip(' ,"\u201d\u2019'):
            cut = match.start()
    return cut


def _backward_boundary(text: str, low: int, cue: Cue) -> int | None:
    """The comma that ends the content of "..., X said" or "..., as X told Y"."""
    as_matches = list(_AS_BEFORE_SPEAKER.finditer(text, low, cue.start))
    if as_matches:
        return as_matches[-1].start()
    comma = text.rfind(",", low, cue.start)
    if comma < 0:
        return None
    earlier = text.rfind(",", low, comma)
    between = text[earlier + 1 : comma].split() if earlier >= 0 else []
    if earlier >= 0 and between and between[0].casefold() in {"the", "a", "an"}:
        return earlier  # "..., Mark Williams, the incident controller, said."
    return comma


class _Sentence:
    """The paraphrases of one sentence, as the rules find them."""

    def __init__(self, document: Document, sentence: tuple[int, int], cues: list[Cue]) -> None:
        self.document = document
        self.text = document.text
        self.start, self.end = sentence
        self.cues = cues
        self.found: list[Attribution] = []
        self.outer: Phrase | None = None

    def phrase(self, start: int, end: int) -> Phrase | None:
        if not self.text[start:end].strip(" ,;:\u2014\u2013-"):
            return None
        return Phrase(start, end)

    def add(
        self,
        cue: Cue,
        start: int,
        end: int,
        speaker: Phrase | None,
        frame: list[tuple[int, int]],
        cue_end: int | None = None,
        recipients: list[Hop] | tuple[Hop, ...] = (),
        cited: tuple[int, int] | None = None,
        basis: str = "cue",
    ) -> bool:
        """Record one paraphrase unless its content is too short or names no one."""
        text = self.text
        start, end = trim_content(text, start, end)
        least = 1 if cue.dispute is not None else MINIMUM_CONTENT_WORDS
        if word_count(text, start, end) < least:
            return False
        if _STARTS_WITH_CUE.match(text, start, end):
            return False  # "news reports said ...": the noun "reports" is no cue; "said" is
        if speaker is None and not cue.hedged and cited is None and basis == "cue":
            return False  # "a crash that claimed the life of ...": no one to credit
        if _PASSIVE_AGENT.match(text, start, end):
            return False  # "graves maintained by the Commission"
        speech: SpeechKind = "mixed" if _QUOTE_MARK.search(text, start, end) else "indirect"
        self.found.append(
            Attribution(
                start=start,
                end=end,
                cue=cue,
                cue_end=cue.end if cue_end is None else cue_end,
                speech=speech,
                speaker=speaker,
                basis="clause" if basis == "clause" else "cue",
                reader="rules",
                frame=tuple(frame),
                recipients=tuple(recipients),
                cited=cited,
            )
        )
        return True

    def according_to(self, cue: Cue, low: int, others: list[Cue]) -> None:
        """ "According to X, ..." or "..., according to X"; X becomes the outer hop of the
        sentence's other cues when it closes a sentence that has them."""
        text = self.text
        phrase_end_match = _SOURCE_PHRASE_END.search(text, cue.end, self.end)
        phrase_end = phrase_end_match.start() if phrase_end_match else self.end
        source = self.phrase(cue.end, phrase_end)
        if source is None:
            return
        leading = _OPENING_FILLER.match(text[self.start : cue.start]) is not None
        if not leading and others:
            self.outer = source
            return
        if leading:
            content_start, _, cited = skip_frame_words(text, phrase_end, self.end)
            content_end = self.end
            for other in others:
                if other.start > content_start:
                    content_end = _clause_cut(text, content_start, other)
                    break
            frame = [(low, content_start)]
        else:
            content_start, content_end = low, text.rfind(",", low, cue.start)
            if content_end < 0:
                return
            cited = None
            frame = [(content_end, min(phrase_end, cue.end + DATE_REACH_AFTER_CUE))]
        self.add(cue, content_start, content_end, source, frame, cited=cited)

    def named_after(self, cue: Cue) -> bool:
        """Whether a name or "the <role>" follows the cue at once ("said Robert Shapiro")."""
        text = self.text
        for name in self.document.names_between(cue.end, min(self.end, cue.end + 60)):
            if (
                name.label in {"PERSON", "ORG"}
                and not text[cue.end : name.start].strip()
                and re.match(r"\s*(?:[,.;:!?)]|$)", text[name.end : name.end + 2])
            ):
                return True  # "said Robert Shapiro, a professor", not "insists Brazile's"
        return bool(_ROLE_AFTER.match(text, cue.end, self.end))

    def noun_cue(self, cue: Cue, low: int, following: list[Cue]) -> int:
        """ "a Reuters report that X", "Comey's Friday announcement that X": X, credited to
        whoever the noun phrase names (the report itself when it names no one)."""
        text = self.text
        that = _THAT_AFTER_NOUN.match(text, cue.end, self.end)
        if that is None:
            return low
        phrase_start = _noun_phrase_start(text, max(self.start, cue.start - 80), cue.start)
        content_start = that.end()
        content_end = self.end
        for other in following:
            if other.start > content_start:
                content_end = _clause_cut(text, content_start, other)
                break
        parsed = content_span(self.document, cue)
        if parsed is not None and parsed[0] >= cue.end:
            content_start, content_end = _trim_marks(text, *parsed)
        if self.add(
            cue,
            content_start,
            content_end,
            Phrase(phrase_start, cue.end),
            [(phrase_start, cue.end)],
        ):
            return content_end
        return low

    def read(self) -> list[Attribution]:
        text = self.text
        low = self.start
        for index, cue in enumerate(self.cues):
            following = self.cues[index + 1 :]
            if cue.noun:
                low = self.noun_cue(cue, low, following)
                continue
            if cue.according:
                self.according_to(cue, low, [other for other in self.cues if other is not cue])
                low = max(low, cue.end)
                continue
            subject_start = low if cue.forward_only else _subject_start(text, low, cue)
            names = self.document.names_between(cue.end, self.end)
            widened, after, recipients = after_recipient(text, cue, self.end, names)
            speaker_end = cue.start
            if cue.passive and cue.lemma != "quoted as saying":
                agent = _AGENT.match(text, cue.end, self.end)
                if agent is None:
                    continue
                stop = _AGENT_END.search(text, agent.end(), self.end)
                agent_end = stop.start() if stop else self.end
                speaker = self.phrase(agent.end(), agent_end)
                after = agent_end
            content_start, regions, cited = skip_frame_words(text, after, self.end)
            content_end = self.end
            for other in following:
                if other.noun and not text[content_start : other.start].count(","):
                    content_end = other.end  # "denied a Reuters report that ...": its object
                    break
                content_end = _clause_cut(text, content_start, other)
                if content_end > content_start:
                    break
                content_end = self.end
            frame = [(subject_start, widened.end), *regions]
            if cue.forward_only:
                if self.add(cue, content_start, content_end, None, frame, basis="clause"):
                    low = content_end
                continue
            if cue.passive and cue.lemma != "quoted as saying":
                # "Those interpretations are disputed by X": the words before are the
                # content; "Snow is expected by AAA to keep ...": the infinitive after it
                infinitive = _INFINITIVE.match(text, after, self.end)
                if infinitive is not None:
                    start_at, end_at = infinitive.start(1), content_end
                else:
                    opening = _OPENING_CONJUNCTION.match(text, subject_start)
                    start_at = opening.end() if opening else subject_start
                    end_at = cue.start
                if self.add(cue, start_at, end_at, speaker, frame, widened.end, recipients):
                    low = max(low, after)
                continue
            subject = self.phrase(subject_start, speaker_end)
            if (
                re.search(r",\s*$", text[low : cue.start])
                and not cue.participle
                and cue.lemma != "tell"  # "..., told The Huffington Post": the recipient
                and self.named_after(cue)
            ):
                subject = None  # "..., said Robert Shapiro, a professor": inverted, read below
            relative = _RELATIVE_BEFORE.search(text, low, cue.start)
            if subject is None and relative is not None:
                # "said Matt Bai, a columnist, who said the Clintons ...": the speaker is
                # named before the relative pronoun, the content follows
                clause = _subject_start(text, self.start, replace(cue, start=relative.start()))
                subject = self.phrase(max(self.start, clause - 120), relative.start())
            if cue.participle and subject is None:
                continue  # ", claiming the set": a participle with no one to credit
            least = 1 if cue.dispute is not None else MINIMUM_CONTENT_WORDS
            if subject is not None and word_count(text, content_start, content_end) >= least:
                if self.add(
                    cue,
                    content_start,
                    content_end,
                    subject,
                    frame,
                    widened.end,
                    recipients,
                    cited,
                ):
                    low = content_end
                continue
            boundary = _backward_boundary(text, low, cue)
            if boundary is None:
                continue
            if text[boundary : cue.start].strip(" ,"):
                speaker = self.phrase(boundary, cue.start)
            else:
                speaker = self.phrase(after, self.end)
            frame = [(boundary, min(self.end, content_start + DATE_REACH_AFTER_CUE))]
            if self.add(cue, low, boundary, speaker, frame, widened.end, recipients):
                low = max(low, cue.end)
        if self.outer is not None:
            self.found = [replace(found, outer=self.outer) for found in self.found]
        return self.found


def _with_parse(document: Document, found: Attribution, policy: Policy) -> Attribution:
    """The rules' attribution with what the parse adds: the speaker's head word (and the
    whole subject when the windows found none) and, by policy, the content."""
    cue = found.cue
    if found.reader == "parse":
        return found
    changes: dict[str, object] = {}
    if policy.parse_speaker and found.speaker is not None:
        parsed = speaker_span(document, cue)
        if parsed is not None:
            (start, end), head = parsed
            if found.speaker.start <= head[0] and head[1] <= found.speaker.end:
                changes["speaker"] = Phrase(found.speaker.start, found.speaker.end, head)
            elif not _overlaps((start, end), (found.start, found.end)):
                changes["speaker"] = Phrase(start, end, head)
    if policy.parse_content == "first":
        content = _parse_content(document, cue)
        if content is not None:
            changes["start"], changes["end"] = content
            changes["reader"] = "parse"
    elif policy.parse_content == "narrow":
        # the parse's clause where it sits inside the window's words and stops earlier: the
        # window ran on over a clause of the writer's own
        content = _parse_content(document, cue)
        if (
            content is not None
            and found.start <= content[0] <= found.start + 12
            and content[1] < found.end
            and 2 * (content[1] - content[0]) >= found.end - found.start
        ):
            changes["start"], changes["end"] = content
    return replace(found, **changes) if changes else found  # type: ignore[arg-type]


def _overlaps(first: tuple[int, int], second: tuple[int, int]) -> bool:
    return first[0] < second[1] and second[0] < first[1]


def _parse_content(document: Document, cue: Cue) -> tuple[int, int] | None:
    span = content_span(document, cue)
    if span is None:
        return None
    start, end = trim_content(document.text, *span)
    start, end = _trim_marks(document.text, start, end)
    least = MINIMUM_NAMING_WORDS if cue.lemma in {"call", "label", "describe"} else 2
    if cue.dispute is not None:
        least = 1
    if word_count(document.text, start, end) < least:
        return None
    return start, end


def _trim_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """Without a leading "that" and without unbalanced quotation marks at the edges."""
    match = re.match(r"that\s+", text[start:end], re.IGNORECASE)
    if match:
        start += match.end()
    return start, end


def _from_parse(document: Document, cue: Cue, taken: list[Attribution]) -> Attribution | None:
    """An attribution read from the parse alone, for a cue the rules could not read."""
    content = _parse_content(document, cue)
    if content is None:
        return None
    if any(_overlaps(content, (other.start, other.end)) for other in taken):
        return None
    parsed = speaker_span(document, cue)
    speaker = None if parsed is None else Phrase(parsed[0][0], parsed[0][1], parsed[1])
    if speaker is None and not cue.hedged:
        return None
    if speaker is not None and _overlaps((speaker.start, speaker.end), content):
        return None
    text = document.text
    speech: SpeechKind = "mixed" if _QUOTE_MARK.search(text, *content) else "indirect"
    sentence_start, sentence_end = document.sentence_at(cue.start)
    return Attribution(
        start=content[0],
        end=content[1],
        cue=cue,
        cue_end=cue.end,
        speech=speech,
        speaker=speaker,
        basis="cue",
        reader="parse",
        frame=((sentence_start, content[0]), (content[1], sentence_end)),
    )


def _parse_keeps(document: Document, cue: Cue) -> bool:
    """The parse's veto: a cue it reads as a noun or as a verb of doing is dropped; a
    verb only a work speaks with ("polls show") needs a work as its subject; "asked" is a
    cue of quotations only."""
    if cue.lemma == "ask":
        return False
    verdict = reads_as_cue(document, cue)
    if verdict is False:
        return False
    if cue.lemma in WORK_VERBS:
        return work_subject(document, cue)
    return True


def attribute_paraphrases(
    document: Document, quoted: Quoted, policy: Policy = DEFAULT_POLICY
) -> tuple[Attribution, ...]:
    """The paraphrased attributions of every sentence, quoted speech already taken out."""
    spans = sorted(quoted.quoted)
    span_starts = [start for start, _ in spans]
    found: list[Attribution] = []
    use_parse = document.parsed and policy != RULES_ONLY

    def inside_quote(at: int) -> bool:
        index = bisect.bisect_right(span_starts, at) - 1
        return index >= 0 and spans[index][0] <= at < spans[index][1]

    by_sentence: dict[int, list[Cue]] = {}
    for cue in document.cues:
        if cue.start in quoted.used_cues or inside_quote(cue.start):
            continue
        by_sentence.setdefault(document.sentence_index(cue.start), []).append(cue)
    for index, cues in sorted(by_sentence.items()):
        sentence = document.sentences[index]
        readable = [cue for cue in cues if not cue.needs_parse or use_parse]
        if use_parse:
            readable = [cue for cue in readable if _parse_keeps(document, cue)]
        rules = _Sentence(document, sentence, [c for c in readable if not c.needs_parse]).read()
        if use_parse:
            rules = [_with_parse(document, attribution, policy) for attribution in rules]
            read_cues = {attribution.cue.start for attribution in rules}
            if policy.parse_content != "never":
                for cue in readable:
                    if cue.start in read_cues:
                        continue
                    extra = _from_parse(document, cue, rules)
                    if extra is not None:
                        rules.append(extra)
        found.extend(rules)
    return tuple(sorted(found, key=lambda attribution: (attribution.start, attribution.end)))
