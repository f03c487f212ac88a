"""Held text -> extraction -> drafts for the review queue.

The reading and the extraction happen here, outside any write transaction: a long text
takes seconds to read, and on SQLite holding the write lock that long would stall every
other writer. `api.writes.candidates.replace_pending` then stores the drafts in a short
unit of work, checking that the text is still the one that was read.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.errors import text_not_held
from api.ingest.extraction import Candidate, Extraction, extract
from api.ingest.extraction.kinds import guess_label, kind_of
from api.queries import catalog
from api.queries.names import Named
from api.store.db import Store
from api.writes.candidates import Draft, RelationDraft
from models.base import EntityKind

# Nationalities and other adjectives ("Ukrainian") are named in news but are not the
# people, organisations and places a claim involves.
_NOT_ENTITIES = frozenset({EntityKind.group.value})


@dataclass(frozen=True)
class Read:
    """A held text and what extraction made of it."""

    text: str
    drafts: list[Draft]
    warnings: tuple[str, ...]
    relations: tuple[RelationDraft, ...] = ()


def read_held(store: Store, source: Named) -> Read:
    """Extract from a source's held text (a 404 `text_not_held` if there is none)."""
    with store.session() as session:
        text = catalog.get_source_text(session, source.id)
        date = catalog.source_public(session, source.id).date
    if text is None:
        raise text_not_held(source.slug)
    return read_text(text, date)


def read_text(text: str, date: str | None) -> Read:
    """Extract from `text`, a source's published on `date` (for "on Monday")."""
    found = extract(text, source_date=date)
    return Read(text, drafts(found), found.warnings, relation_drafts(found))


def drafts(extraction: Extraction) -> list[Draft]:
    return [_draft(candidate) for candidate in extraction.candidates]


def relation_drafts(extraction: Extraction) -> tuple[RelationDraft, ...]:
    """The relations the text draws between its own candidates (a dispute, a denial),
    each pointing at its two candidates by their place in `drafts(extraction)`."""
    return tuple(
        RelationDraft(
            source=found.source,
            target=found.target,
            type=str(found.type),
            cue=found.cue,
            cue_start=found.cue_start,
            cue_end=found.cue_end,
            confidence=found.confidence,
        )
        for found in extraction.relations
    )


def _draft(candidate: Candidate) -> Draft:
    mentions = {m.name: str(m.kind) for m in candidate.entities}
    kinds = {hop.name: str(hop.kind) for hop in candidate.attribution if hop.kind is not None}

    def kind(name: str) -> str:
        """What the extractor read the name as; else a guess from its words alone."""
        return kinds.get(name) or mentions.get(name) or kind_of(name, guess_label(name)).value

    return Draft(
        start=candidate.start,
        end=candidate.end,
        text=candidate.text,
        claimant=candidate.claimant,
        claimant_kind=(
            (candidate.claimant_kind or kind(candidate.claimant)) if candidate.claimant else None
        ),
        cue=candidate.cue,
        cue_start=candidate.cue_start,
        speech=candidate.speech,
        status=candidate.status,
        claimed_on=candidate.claimed_on,
        claimed_on_inferred=candidate.claimed_on_inferred,
        attribution=tuple(
            {"name": hop.name, "verb": str(hop.verb), "kind": kind(hop.name)}
            for hop in candidate.attribution
        ),
        entities=tuple(
            {"name": m.name, "kind": str(m.kind), "start": m.start, "end": m.end}
            for m in candidate.entities
            if str(m.kind) not in _NOT_ENTITIES
        ),
        confidence=candidate.confidence,
    )
