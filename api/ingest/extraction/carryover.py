"""Stage: attribution carried across a paragraph. News names a report once ("According to the
Wall Street Journal, ...", "The Guardian reported ...") and the next sentences of the
paragraph go on reporting what it said with no cue of their own. Such a sentence is credited
to the report (a publication or a work) at the head of the chain of the paragraph's latest
attribution, until a sentence with a cue or a quotation of its own ends the run.

These candidates are marked as carried (`basis="paragraph"`): they are the reader's guess, and
their confidence says so.
"""

from __future__ import annotations

import re
from dataclasses import replace

from api.ingest.extraction.document import Document
from api.ingest.extraction.findings import Attribution, Credit, Speaker
from api.ingest.extraction.framing import trim_content, word_count
from models.base import EntityKind, Verb

_QUOTE_MARK = re.compile("''|[\"\u201c\u201d]")
_REPORTS = frozenset({EntityKind.publication.value, EntityKind.work.value})
_MEDIA = re.compile(r"\b(?:media|press|reports|newspapers?|outlets?)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:I|we|my|our|me|us)\b")
_REPORTERS_OWN = re.compile(
    r"\b(?:for comment|be reached|be contacted|did not (?:immediately )?respond|declined to|"
    r"not immediately|contributed (?:to )?(?:this )?report|this report|reporting by)\b",
    re.IGNORECASE,
)
MINIMUM_WORDS = 4


def _carrier(credit: Credit) -> Speaker | None:
    """The report that tells this credit's story: its claimant, or the outermost hop."""
    if credit.speaker is not None and (
        credit.speaker.kind in _REPORTS or _MEDIA.search(credit.speaker.name)
    ):
        return credit.speaker
    for hop in credit.intermediaries:
        if hop.kind in _REPORTS:
            return Speaker(hop.name, hop.kind, "named")
    return None


def carry_over(document: Document, credits: tuple[Credit, ...]) -> tuple[Credit, ...]:
    """Credits for the cue-less sentences that go on reporting what a report said."""
    text = document.text
    by_sentence: dict[int, list[Credit]] = {}
    for credit in credits:
        by_sentence.setdefault(document.sentence_index(credit.start), []).append(credit)
    # a cue the parse may yet veto ("gave their names") does not end the account
    cue_sentences = {
        document.sentence_index(cue.start) for cue in document.cues if not cue.needs_parse
    }
    carried: list[Credit] = []
    carrier: tuple[Credit, Speaker] | None = None
    paragraph = -1
    for index, (start, end) in enumerate(document.sentences):
        here = document.paragraph_index(start)
        if here != paragraph:
            paragraph, carrier = here, None
        found = by_sentence.get(index, [])
        if found:
            latest = max(found, key=lambda credit: credit.start)
            speaker = _carrier(latest)
            carrier = None if speaker is None else (latest, speaker)
            continue
        if carrier is None:
            continue
        if (
            index in cue_sentences
            or _QUOTE_MARK.search(text, start, end)
            or document.quote_around(start) is not None
        ):
            carrier = None
            continue
        content_start, content_end = trim_content(text, start, end)
        if word_count(text, content_start, content_end) < MINIMUM_WORDS:
            continue
        if _FIRST_PERSON.search(text, content_start, content_end) or _REPORTERS_OWN.search(
            text, content_start, content_end
        ):
            carrier = None  # the writer speaking for themself, or about their own reporting
            continue
        source, speaker = carrier
        attribution: Attribution = replace(
            source.attribution,
            start=content_start,
            end=content_end,
            speech="indirect",
            basis="paragraph",
        )
        hops = []
        for hop in source.intermediaries:
            if hop.name == speaker.name:
                break
            hops.append(hop)
        carried.append(
            Credit(
                attribution=attribution,
                start=content_start,
                end=content_end,
                cue=source.cue,
                cue_end=source.cue_end,
                speaker=speaker,
                verb=source.verb if source.speaker == speaker else Verb.reported,
                hedged=False,
                frame=source.frame,
                intermediaries=tuple(hops),
            )
        )
    return tuple(carried)
