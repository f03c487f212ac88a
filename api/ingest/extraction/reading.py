"""The state shared while one text is read: its sentences, names, quotes, the cues already
used and the attributions found so far (pronouns look back at them)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from api.ingest.extraction.findings import Finding
from api.ingest.extraction.names import Name
from api.ingest.extraction.quotes import Quote
from api.ingest.extraction.speakers import PRONOUN_REACH, SpeakerResolver


@dataclass
class Reading:
    """One text as the rules see it."""

    text: str
    sentences: list[tuple[int, int]]
    quotes: list[Quote]
    resolver: SpeakerResolver
    source_date: str | None
    used_cues: set[int] = field(default_factory=set)
    quoted: list[tuple[int, int]] = field(default_factory=list)  # spans of attributed quotes
    findings: list[Finding] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._sentence_starts = [start for start, _ in self.sentences]
        self._quoted_starts: list[int] = []
        self._closings = [quote.closing for quote in self.quotes if quote.closing is not None]

    def sentence_at(self, at: int) -> tuple[int, int]:
        """The sentence holding offset `at` (or the one before it, between sentences)."""
        index = max(0, bisect.bisect_right(self._sentence_starts, at) - 1)
        return self.sentences[index] if self.sentences else (0, len(self.text))

    def closing_before(self, at: int) -> int | None:
        """The last closing quotation mark before `at`."""
        index = bisect.bisect_left(self._closings, at) - 1
        return self._closings[index] if index >= 0 else None

    def mark_quoted(self, start: int, end: int) -> None:
        index = bisect.bisect_left(self._quoted_starts, start)
        self._quoted_starts.insert(index, start)
        self.quoted.insert(index, (start, end))

    def is_quoted(self, at: int) -> bool:
        """Whether `at` lies inside an attributed quote (cues there are the speaker's words)."""
        index = bisect.bisect_right(self._quoted_starts, at) - 1
        return index >= 0 and self.quoted[index][0] <= at < self.quoted[index][1]

    def names_in(self, start: int, end: int) -> list[Name]:
        return self.resolver.names_between(start, end)

    def last_finding(self, before: int) -> Finding | None:
        """The latest attribution whose cue stands close enough before `before`."""
        for finding in reversed(self.findings):
            if finding.cue_start < before:
                return finding if before - finding.cue_start <= PRONOUN_REACH else None
        return None

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)
        if finding.speaker is not None and not finding.inherited:
            self.resolver.remember(finding.speaker, finding.cue_start)
