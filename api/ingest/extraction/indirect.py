"""Paraphrase (indirect speech) in one sentence: "X said (that) ...", "..., X said",
"According to X, ...", "..., according to X", "X told Y that ...", "..., as X told Y",
with "citing Z" read as a further hop and hedges ("could mean") kept as such.

Several cues may share a sentence ("A said ..., but B claimed ..., which could mean ...,
according to C"): each claims the words up to where the next one's speaker begins, and a
sentence-final "according to C" becomes the outer hop of every other attribution there.
"""

from __future__ import annotations

import re

from api.ingest.extraction.cues import Cue, find_cues
from api.ingest.extraction.findings import Finding
from api.ingest.extraction.framing import (
    after_recipient,
    is_report_source,
    skip_frame_words,
    trim_content,
    word_count,
)
from api.ingest.extraction.reading import Reading
from api.ingest.extraction.results import Hop, SpeechKind
from api.ingest.extraction.speakers import PRONOUN_REACH, Speaker
from models.base import Verb

_CONNECTOR = re.compile(
    r"(?:,[\"\u201d\u2019]?\s*(?:but|and|while|whereas|although|as|which|who)\b|;|\s+but\b|,)\s*",
    re.IGNORECASE,
)
_OPENING_FILLER = re.compile(
    r"^[\s,]*(?:(?:but|and|however|meanwhile|yet|so)\b[\s,]*)*$", re.IGNORECASE
)
_AS_BEFORE_SPEAKER = re.compile(r",\s*as\s+", re.IGNORECASE)
_SOURCE_PHRASE_END = re.compile(r"[,.;:!?]")
_QUOTE_MARK = re.compile('["\u201c\u201d]')
_STARTS_WITH_CUE = re.compile(r"(?:said|says|say|told|reported|claimed)\b", re.IGNORECASE)
_PASSIVE_AGENT = re.compile(r"by\s", re.IGNORECASE)
MINIMUM_CONTENT_WORDS = 3
DATE_REACH_AFTER_CUE = 40  # characters after a closing cue where "on Monday" may stand


def _subject_start(text: str, low: int, cue: Cue) -> int:
    """Where the clause holding this cue's speaker begins (after ", but", ";", ", which"...)."""
    start = low
    for match in _CONNECTOR.finditer(text, low, cue.start):
        if match.group(0).strip(' ,"\u201d\u2019'):
            start = match.end()
    return start


def _clause_cut(text: str, low: int, cue: Cue) -> int:
    """Where the previous attribution's words stop, before this cue's clause."""
    if cue.lemma == "according to":
        comma = text.rfind(",", low, cue.start)
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


def _according_to(
    reading: Reading, cue: Cue, sentence: tuple[int, int], low: int, others: list[Cue]
) -> Hop | None:
    """Read "according to X"; returns X as an outer hop when it frames the sentence's other cues."""
    text = reading.text
    sentence_start, end = sentence
    phrase_end_match = _SOURCE_PHRASE_END.search(text, cue.end, end)
    phrase_end = phrase_end_match.start() if phrase_end_match else end
    source = reading.resolver.resolve(cue.end, phrase_end)
    if source is None:
        return None
    leading = _OPENING_FILLER.match(text[sentence_start : cue.start]) is not None
    if not leading and others:
        return Hop(source.name, Verb.reported, source.kind)
    if leading:
        content_start, _, cited = skip_frame_words(text, phrase_end, end)
        content_end = end
        for other in others:
            if other.start > content_start:
                content_end = _clause_cut(text, content_start, other)
                break
        frame = [(low, content_start)]
    else:
        content_start, content_end = low, text.rfind(",", low, cue.start)
        if content_end < 0:
            return None
        cited = None
        frame = [(content_end, phrase_end)]
    _add(reading, cue, content_start, content_end, source, frame, [], cited)
    return None


def _add(
    reading: Reading,
    cue: Cue,
    start: int,
    end: int,
    speaker: Speaker | None,
    frame: list[tuple[int, int]],
    intermediaries: list[Hop],
    cited: tuple[int, int] | None,
) -> bool:
    """Record one paraphrase unless its content is too short or no one can be credited;
    a named source it cites ("citing Legion representatives") becomes the claimant, with
    the citing speaker as the hop before it. Whether anything was recorded."""
    text = reading.text
    start, end = trim_content(text, start, end)
    if word_count(text, start, end) < MINIMUM_CONTENT_WORDS:
        return False
    if _STARTS_WITH_CUE.match(text, start, end):
        return False  # "news reports said ...": the noun "reports" is no cue; "said" is
    if speaker is None and not cue.hedged and cited is None:
        return False  # "a crash that claimed the life of ...": no one to credit
    if _PASSIVE_AGENT.match(text, start, end):
        return False  # "graves maintained by the Commission"
    claimant = speaker
    hops = list(intermediaries)
    cited_hops: list[Hop] = []
    if cited is not None:
        if is_report_source(text, *cited):
            cited_hops = [Hop(text[cited[0] : cited[1]], Verb.cited)]
        else:
            origin = reading.resolver.resolve(*cited)
            if origin is not None:
                if claimant is not None:
                    hops.append(Hop(claimant.name, cue.verb, claimant.kind))
                claimant = origin
    speech: SpeechKind = "mixed" if _QUOTE_MARK.search(text, start, end) else "indirect"
    reading.used_cues.add(cue.start)
    reading.add(
        Finding(
            start=start,
            end=end,
            cue_start=cue.start,
            cue_text=text[cue.start : cue.end],
            # a cited origin said it; the cue's own verb went on the citing speaker's hop
            verb=Verb.said if cited is not None and claimant is not speaker else cue.verb,
            hedged=cue.hedged,
            speaker=claimant,
            speech=speech,
            frame=frame,
            intermediaries=hops,
            cited=cited_hops,
        )
    )
    return True


def _credit_to_previous(reading: Reading, finding: Finding) -> None:
    """ "..., which could mean X": a hedge with no subject of its own is the inference of
    whoever was credited just before, in the same paragraph."""
    previous = None
    for earlier in reversed(reading.findings):
        if earlier.cue_start < finding.cue_start and earlier is not finding:
            previous = earlier
            break
    if previous is None or previous.speaker is None:
        return
    if "\n" in reading.text[previous.cue_start : finding.cue_start]:
        return
    if finding.cue_start - previous.cue_start > PRONOUN_REACH:
        return
    finding.speaker = previous.speaker
    finding.intermediaries = list(previous.intermediaries)
    finding.inherited = True


def attribute_sentence(reading: Reading, sentence: tuple[int, int]) -> None:
    """Find the paraphrased attributions of one sentence (quoted speech already taken out)."""
    text = reading.text
    start, end = sentence
    cues = [
        cue
        for cue in find_cues(text, start, end)
        if cue.start not in reading.used_cues and not reading.is_quoted(cue.start)
    ]
    if not cues:
        return
    first_new = len(reading.findings)
    subjectless: set[int] = set()  # findings of "could mean", which has no speaker of its own
    outer: Hop | None = None
    low = start
    for index, cue in enumerate(cues):
        following = cues[index + 1 :]
        if cue.lemma == "according to":
            others = [other for other in cues if other is not cue]
            hop = _according_to(reading, cue, (start, end), low, others)
            if hop is not None:
                outer = hop
            low = max(low, cue.end)
            continue
        subject_start = low if cue.forward_only else _subject_start(text, low, cue)
        names = reading.names_in(cue.end, end)
        cue, after, intermediaries = after_recipient(text, cue, end, names)
        content_start, regions, cited = skip_frame_words(text, after, end)
        content_end = end
        for other in following:
            content_end = _clause_cut(text, content_start, other)
            if content_end > content_start:
                break
            content_end = end
        frame = [(subject_start, cue.end), *regions]
        if cue.forward_only:
            if _add(reading, cue, content_start, content_end, None, frame, intermediaries, cited):
                subjectless.add(id(reading.findings[-1]))
                low = content_end
            continue
        if cue.participle and reading.resolver.resolve(subject_start, cue.start) is None:
            continue  # ", claiming the set": a participle with no one to credit
        has_subject = bool(text[subject_start : cue.start].strip(" ,;"))
        if has_subject and word_count(text, content_start, content_end) >= MINIMUM_CONTENT_WORDS:
            speaker = reading.resolver.resolve(subject_start, cue.start)
            if _add(
                reading, cue, content_start, content_end, speaker, frame, intermediaries, cited
            ):
                low = content_end
            continue
        boundary = _backward_boundary(text, low, cue)
        if boundary is None:
            continue
        if text[boundary : cue.start].strip(" ,"):
            speaker = reading.resolver.resolve(boundary, cue.start)
        else:
            speaker = reading.resolver.resolve(after, end)
        frame = [(boundary, min(end, content_start + DATE_REACH_AFTER_CUE))]
        if _add(reading, cue, low, boundary, speaker, frame, intermediaries, None):
            low = max(low, cue.end)
    for finding in reading.findings[first_new:]:
        if outer is not None and finding.speaker is None:
            finding.speaker = Speaker(outer.name, "organization", "named")
        elif outer is not None:
            finding.intermediaries.insert(0, outer)
        elif finding.speaker is None and id(finding) in subjectless:
            _credit_to_previous(reading, finding)
