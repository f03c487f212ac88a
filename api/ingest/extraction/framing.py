"""Small readings of the words around a cue shared by quotes and paraphrases: who received a
statement ("told The Guardian"), a source cited ("citing media reports"), and where a clause
starts or stops.
"""

from __future__ import annotations

import re
from dataclasses import replace

from api.ingest.extraction.cues import Cue
from api.ingest.extraction.names import Name
from api.ingest.extraction.results import Hop
from models.base import EntityKind, Verb

_GENERIC_RECIPIENTS = re.compile(
    r"\s*(?:(?:the|a|an|his|her|their|its)\s+)?(?:reporters|journalists|the\s+press|press|"
    r"parliament|(?:a\s+)?news\s+conference|(?:a\s+)?press\s+conference|(?:a\s+)?briefing|"
    r"listeners|viewers|supporters|followers|audience|crowd|a\s+rally|the\s+nation|"
    r"a\s+[\w\s]{0,20}?nation|radio|television|"
    r"(?:him|her|them|us|me)(?=\s*(?:that\b|[,:;.\"\u201c]|$))|"
    r"(?:the\s+)?(?:[A-Z][\w-]*\s+)*news\s+agency)\b",
    re.IGNORECASE,
)
_CITING = re.compile(r"\s*,?\s*citing\s+(?P<source>[^,.;]{2,80}?)\s*,", re.IGNORECASE)
_THAT = re.compile(r"\s*that\b", re.IGNORECASE)
_ASIDE_THEN_THAT = re.compile(
    r"\s*(?:by|in|at|on|during|after|before|with|for|since|to|of|over|across|among)\s"
    r"[^.;:!?\"\u201c\u201d]{1,100}?,\s*(?=that\s)",
    re.IGNORECASE,
)
_TEMPORAL_AFTER_CUE = re.compile(
    r"\s*,?\s*(?:(?:on|in|at|during|late|early|earlier|last|this|the)\s+)*"
    r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|"
    r"April|May|June|July|August|September|October|November|December|yesterday|today|"
    r"tonight|week|month|year|night|morning|afternoon|evening)\b(?:\s+\d{1,2}\b)?"
    r"(?:,?\s+\d{4}\b)?\s*)+"
    r"(?:\s*(?:in\s+a\s+statement|in\s+an\s+interview|on\s+(?:television|radio)))?,?"
    # "saying this year will meet expectations": there the words are the subject
    r"(?!\s*(?:will|would|is|was|has|had|could|can|may|might|should|must|\w+s\b|\w+ed\b))",
    re.IGNORECASE,
)
_STATEMENT_AFTER_CUE = re.compile(
    r"\s*,?\s*(?:in\s+a\s+(?:statement|speech|interview|letter)|on\s+(?:television|radio|his\s+website|her\s+website)|"
    r"earlier\s+this\s+\w+|in\s+an\s+interview)\s*,?",
    re.IGNORECASE,
)
_GAP_BEFORE_NAME = re.compile(r"^\s*(?:the\s+)?$", re.IGNORECASE)
_PASSING_KINDS = frozenset(
    {EntityKind.publication, EntityKind.organization, EntityKind.government_body}
)
REPORT_SOURCES = frozenset({"reports", "report", "media", "sources", "source"})


# "told CNN affiliate WUSA", "told affiliate KFSM", "told the BBC's Newsnight": a network's
# station or programme passes the words on, and the network reports them.
_AFFILIATE = re.compile(
    r"\s*(?:the\s+)?(?:(?P<network>[A-Z][\w&.'\u2019-]*(?:\s+[A-Z][\w&.'\u2019-]*){0,2})"
    r"(?:['\u2019]s)?\s+)?(?:local\s+|news\s+|sister\s+|member\s+)?"
    r"(?:affiliate|station|network|newspaper|programme|program|show)\s+"
    r"(?P<outlet>[A-Z][\w&.'\u2019-]*(?:[\s-]+(?:TV|[A-Z][\w&.'\u2019-]*)){0,3})"
)


def _affiliate_hops(text: str, at: int, limit: int) -> tuple[int, list[Hop]] | None:
    """ "CNN affiliate WUSA": the network, then the station, each a publication hop."""
    match = _AFFILIATE.match(text, at, limit)
    if match is None:
        return None
    hops = []
    if match.group("network"):
        hops.append(Hop(match.group("network"), Verb.reported, EntityKind.publication))
    outlet = match.group("outlet").rstrip(".,;:")
    hops.append(Hop(outlet, Verb.reported, EntityKind.publication))
    return match.start("outlet") + len(outlet), hops


def recipient_end(text: str, at: int, limit: int, names: list[Name]) -> tuple[int, list[Hop]]:
    """After "told": where the recipient ends and, when it is a named publication or body
    ("told The Guardian", "told CNN affiliate WUSA"), the hops it adds to the chain,
    outermost first. `names` are those after `at`."""
    affiliate = _affiliate_hops(text, at, limit)
    if affiliate is not None:
        return affiliate
    generic = _GENERIC_RECIPIENTS.match(text, at, limit)
    if generic:
        return generic.end(), []
    for name in names:
        if name.start < at:
            continue
        if name.start >= limit or not _GAP_BEFORE_NAME.match(text[at : name.start]):
            break
        if name.kind in _PASSING_KINDS:
            return name.end, [Hop(name.text, Verb.reported, name.kind)]
        return name.end, []
    return at, []


def after_recipient(
    text: str, cue: Cue, limit: int, names: list[Name]
) -> tuple[Cue, int, list[Hop]]:
    """For "told": the cue widened over a generic recipient ("told reporters"), where the
    words after the recipient start, and the hops a named recipient adds ("told The
    Guardian"). Other cues come back as they are."""
    if cue.lemma != "tell":
        return cue, cue.end, []
    end, hops = recipient_end(text, cue.end, limit, names)
    if hops:
        return cue, end, hops
    return replace(cue, end=max(cue.end, end)), end, []


def skip_frame_words(
    text: str, at: int, limit: int
) -> tuple[int, list[tuple[int, int]], tuple[int, int] | None]:
    """After a cue, step over "in June", "in a statement", ", citing X," and "that" to where
    the content begins; returns that offset, the regions stepped over, and where a cited
    source is named."""
    regions: list[tuple[int, int]] = []
    cited = None
    for pattern in (_TEMPORAL_AFTER_CUE, _STATEMENT_AFTER_CUE):
        match = pattern.match(text, at, limit)
        if match and match.end() > at:
            regions.append((at, match.end()))
            at = match.end()
    citing = _CITING.match(text, at, limit)
    if citing:
        regions.append((at, citing.end()))
        cited = citing.span("source")
        at = citing.end()
    aside = _ASIDE_THEN_THAT.match(text, at, limit)
    if aside:
        regions.append((at, aside.end()))
        at = aside.end()  # "say by a 7-point margin, 49 percent to 42 percent, that ..."
    that = _THAT.match(text, at, limit)
    if that:
        at = that.end()
    while at < limit and text[at] in " ,:\u2014\u2013":
        at += 1
    return at, regions, cited


def trim_content(text: str, start: int, end: int) -> tuple[int, int]:
    """Without surrounding spaces, a leading "that", or the sentence's closing punctuation."""
    while start < end and text[start] in " \t\n,;:\u2014\u2013":
        start += 1
    while end > start and (
        text[end - 1] in " \t\n,;:.!?\u2014\u2013"
        or (text[end - 1] == ")" and "(" not in text[start:end])  # "(... their account.)"
    ):
        end -= 1
    return start, end


def word_count(text: str, start: int, end: int) -> int:
    return len(text[start:end].split())


def is_report_source(text: str, start: int, end: int) -> bool:
    """ "media reports", "sources": a source that passes a claim on but asserts nothing."""
    return bool(set(text[start:end].casefold().split()) & REPORT_SOURCES)
