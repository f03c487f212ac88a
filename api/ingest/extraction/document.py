"""The first stage: a text read once into a frozen Document that every later stage shares.

A Document holds the text and its date, its sentences and paragraphs, its quotations, the
names the recogniser found, the cues found by rule, and the dependency parse of the sentences
that hold a cue outside quotation marks (the only ones a parse can help with; parsing every
sentence would cost most of the speed budget). Nothing in it changes after `prepare`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from api.ingest.extraction.cues import Cue, find_cues
from api.ingest.extraction.names import Name
from api.ingest.extraction.parsing import Parse, from_spacy
from api.ingest.extraction.quotes import Quote, find_quotes
from api.ingest.extraction.recogniser import find_names, parse_pieces
from api.ingest.extraction.sentences import split_sentences


@dataclass(frozen=True)
class Document:
    """One text as every stage reads it."""

    text: str
    source_date: str | None
    sentences: tuple[tuple[int, int], ...]
    paragraphs: tuple[tuple[int, int], ...]
    quotes: tuple[Quote, ...]
    names: tuple[Name, ...]
    cues: tuple[Cue, ...]
    parses: Mapping[int, Parse]  # sentence index -> its parse, for sentences holding a cue
    warnings: tuple[str, ...] = ()
    parsed: bool = False  # whether the parser ran (False: rules only)
    _index: dict[str, list[int]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index["sentences"] = [start for start, _ in self.sentences]
        self._index["paragraphs"] = [start for start, _ in self.paragraphs]
        self._index["names"] = [name.start for name in self.names]
        self._index["cues"] = [cue.start for cue in self.cues]
        self._index["quotes"] = [quote.opening for quote in self.quotes]
        self._index["closings"] = [q.closing for q in self.quotes if q.closing is not None]

    # --- where things are -------------------------------------------------------------

    def sentence_index(self, at: int) -> int:
        """The sentence holding offset `at` (or the one before it, between sentences)."""
        return max(0, bisect.bisect_right(self._index["sentences"], at) - 1)

    def sentence_at(self, at: int) -> tuple[int, int]:
        if not self.sentences:
            return 0, len(self.text)
        return self.sentences[self.sentence_index(at)]

    def paragraph_index(self, at: int) -> int:
        return max(0, bisect.bisect_right(self._index["paragraphs"], at) - 1)

    def paragraph_at(self, at: int) -> tuple[int, int]:
        if not self.paragraphs:
            return 0, len(self.text)
        return self.paragraphs[self.paragraph_index(at)]

    def names_between(self, start: int, end: int) -> list[Name]:
        """Names lying wholly inside text[start:end]."""
        first = bisect.bisect_left(self._index["names"], start)
        found = []
        for name in self.names[first:]:
            if name.start >= end:
                break
            if name.end <= end:
                found.append(name)
        return found

    def name_at(self, start: int, end: int) -> Name | None:
        """The name overlapping text[start:end], if any (the longest)."""
        first = max(0, bisect.bisect_left(self._index["names"], start) - 3)
        best = None
        for name in self.names[first:]:
            if name.start >= end:
                break
            if name.end > start and (best is None or name.end - name.start > best.end - best.start):
                best = name
        return best

    def names_before(self, at: int) -> list[Name]:
        """Names ending before `at`, nearest last."""
        return list(self.names[: bisect.bisect_left(self._index["names"], at)])

    def cues_in(self, start: int, end: int) -> list[Cue]:
        first = bisect.bisect_left(self._index["cues"], start)
        found = []
        for cue in self.cues[first:]:
            if cue.start >= end:
                break
            found.append(cue)
        return found

    def quote_around(self, at: int) -> Quote | None:
        """The quotation whose marks enclose `at`."""
        index = bisect.bisect_right(self._index["quotes"], at) - 1
        if index >= 0:
            quote = self.quotes[index]
            if quote.opening < at < quote.after:
                return quote
        return None

    def closing_before(self, at: int) -> int | None:
        """The last closing quotation mark before `at`."""
        closings = self._index["closings"]
        index = bisect.bisect_left(closings, at) - 1
        return closings[index] if index >= 0 else None

    def parse_at(self, at: int) -> Parse | None:
        """The parse of the sentence holding `at`, when it was parsed."""
        return self.parses.get(self.sentence_index(at))


def _paragraphs(text: str) -> tuple[tuple[int, int], ...]:
    """Paragraphs: text between blank lines, or between line breaks in text written one
    paragraph a line."""
    bounds = []
    start = 0
    for match in re.finditer(r"\n", text):
        if text[start : match.start()].strip():
            bounds.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        bounds.append((start, len(text)))
    return tuple(bounds)


_SIMPLE_LEMMAS = frozenset({"say", "tell", "according to"})
_PRONOUN_BEFORE = re.compile(
    r"(?:^|[,\"\u201d]\s*|\b(?:and|but|that)\s+)(?:he|she|they|it)\s+$", re.I
)
_CLAUSE_AFTER = re.compile(
    r"\s*(?:that\s|(?:the|a|an|he|she|it|they|we|his|her|their|its|this|there)\s|[A-Z\"\u201c])"
)
_END_AFTER = re.compile(r"\s*[.,;:!?]?\s*(?:[\"\u201c]|$)")


def _simple(text: str, start: int, cue: Cue, names: list[Name]) -> bool:
    """A cue the rules read as well as a parse would: "said", "told" or "according to" next
    to a bare name or pronoun ('," he said.', '," said John Smith.', 'Smith said that the
    ...'). Its sentence need not be parsed (the parse is the slowest stage)."""
    if cue.lemma not in _SIMPLE_LEMMAS or cue.passive:
        return False
    after = text[cue.end : cue.end + 60]
    if cue.according:
        name = _name_starting(names, text, cue.end)
        return name is not None and text[name.end : name.end + 1] == ","
    before = text[max(start, cue.start - 60) : cue.start]
    named_before = _name_ending(names, text, cue.start)
    quoted_before = re.search(r"[\"\u201d]\s*,?\s*$", text[max(start, cue.start - 4) : cue.start])
    if _PRONOUN_BEFORE.search(before) or named_before is not None:
        opening = named_before.start if named_before is not None else cue.start
        clause_start = re.search(r"(?:^|[\"\u201d,]\s*)$", text[max(start, opening - 3) : opening])
        if clause_start is None and _PRONOUN_BEFORE.search(before) is None:
            return False
        return bool(_CLAUSE_AFTER.match(after) or _END_AFTER.match(after))
    if quoted_before:
        name = _name_starting(names, text, cue.end)
        if name is not None and _END_AFTER.match(text, name.end):
            return True
    return False


def _name_ending(names: list[Name], text: str, at: int) -> Name | None:
    """A person or body named right before `at` (one space between)."""
    for name in names:
        if name.label in {"PERSON", "ORG"} and text[name.end : at] in {" ", ""} and name.end <= at:
            return name
    return None


def _name_starting(names: list[Name], text: str, at: int) -> Name | None:
    for name in names:
        if name.label in {"PERSON", "ORG", "GPE"} and re.fullmatch(
            r"\s*(?:the\s+)?", text[at : name.start]
        ):
            return name
    return None


def _sentences_to_parse(
    text: str,
    sentences: list[tuple[int, int]],
    cues: list[Cue],
    quotes: list[Quote],
    names: list[Name],
) -> list[int]:
    """Sentences holding a cue outside quotation marks that the rules cannot read as well
    alone."""
    opening = [quote.opening for quote in quotes]
    starts = [start for start, _ in sentences]
    name_starts = [name.start for name in names]
    chosen: set[int] = set()
    for cue in cues:
        index = bisect.bisect_right(opening, cue.start) - 1
        if index >= 0 and quotes[index].opening < cue.start < quotes[index].after:
            continue
        sentence = max(0, bisect.bisect_right(starts, cue.start) - 1)
        low = bisect.bisect_left(name_starts, cue.start - 120)
        high = bisect.bisect_right(name_starts, cue.start + 120)
        nearby = names[low:high]
        if not _simple(text, sentences[sentence][0], cue, nearby):
            chosen.add(sentence)
    return sorted(chosen)


LONGEST_PARSED_SENTENCE = 1500  # characters; longer "sentences" are lists or tables


def prepare(
    text: str, source_date: str | None, *, trained: bool = True, parse: bool = True
) -> Document:
    """Read `text` once: sentences, paragraphs, quotations, names, cues and, when the trained
    pipeline is installed and `parse` is true, the parse of the sentences holding a cue."""
    warnings: list[str] = []
    sentences = split_sentences(text)
    quotes, quote_warnings = find_quotes(text)
    warnings.extend(quote_warnings)
    names, recogniser_warning = find_names(text, trained=trained)
    if recogniser_warning:
        warnings.append(recogniser_warning)
    cues: list[Cue] = []
    for start, end in sentences:
        cues.extend(find_cues(text, start, end))
    parses: dict[int, Parse] = {}
    parsed = False
    if trained and parse and recogniser_warning is None:
        chosen = [
            index
            for index in _sentences_to_parse(
                text, sentences, cues, quotes, sorted(names, key=lambda name: name.start)
            )
            if sentences[index][1] - sentences[index][0] <= LONGEST_PARSED_SENTENCE
        ]
        docs = parse_pieces([text[sentences[i][0] : sentences[i][1]] for i in chosen])
        if docs is not None:
            parsed = True
            for index, doc in zip(chosen, docs, strict=True):
                if len(doc):
                    parses[index] = from_spacy(doc, sentences[index][0])
    return Document(
        text=text,
        source_date=source_date,
        sentences=tuple(sentences),
        paragraphs=_paragraphs(text),
        quotes=tuple(quotes),
        names=tuple(sorted(names, key=lambda name: name.start)),
        cues=tuple(cues),
        parses=MappingProxyType(parses),
        warnings=tuple(warnings),
        parsed=parsed,
    )
