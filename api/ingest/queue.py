"""Held text -> extraction -> drafts for the review queue.

The reading and the extraction happen here, outside any write transaction: a long text
takes seconds to read, and on SQLite holding the write lock that long would stall every
other writer. `api.writes.candidates.replace_pending` then stores the drafts in a short
unit of work, checking that the text is still the one that was read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from api.errors import text_not_held
from api.ingest.extraction import Candidate, Extraction, extract
from api.ingest.extraction.recogniser import find_names
from api.queries import catalog
from api.queries.mentions import Chain, Form, Mention, chains
from api.queries.names import Named
from api.store.db import Store
from api.store.entity_keys import name_key
from api.writes.candidates import Draft, RelationDraft
from models.base import EntityKind, normalize_name

# Nationalities and other adjectives ("Ukrainian") are named in news but are not the
# people, organisations and places a claim involves.
_NOT_ENTITIES = frozenset({EntityKind.group.value})


@dataclass(frozen=True)
class Read:
    """A held text and what extraction made of it."""

    text: str
    drafts: list[Draft]
    warnings: tuple[str, ...]
    chains: tuple[Chain, ...] = ()  # the text's chains of mentions the drafts name
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
    """Extract from `text`, a source's published on `date` (for "on Monday"), and tell
    each name the drafts give by its fullest form in the text (`known_as`)."""
    found = extract(text, source_date=date)
    plain = drafts(found)
    named, used = _chained(text, plain)
    return Read(text, named, found.warnings, chains=used, relations=relation_drafts(found))


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


def _chained(text: str, plain: Sequence[Draft]) -> tuple[list[Draft], tuple[Chain, ...]]:
    """The drafts with each name's fullest form in the text (and, where the extractor
    gave a name no kind, the kind the recogniser read it with elsewhere in the text),
    and the chains the drafts name.

    Every name the recogniser finds in the text is read with the drafts' own names, so
    "Howard" in a claim is "John Howard" when the text names him so anywhere."""
    recognised, _ = find_names(text)
    mentions: list[tuple[int, Mention]] = [
        (name.start, Mention(name.text, _kind(name.kind), name.start, name.end))
        for name in recognised
        if name.kind not in _NOT_ENTITIES
    ]
    for item in plain:
        if item.claimant:
            mentions.append((item.cue_start, Mention(item.claimant, _kind(item.claimant_kind))))
        for hop in item.attribution:
            mentions.append((item.cue_start, Mention(str(hop["name"]), _kind(hop.get("kind")))))
        for m in item.entities:
            mention = Mention(str(m["name"]), _kind(m["kind"]), int(m["start"]), int(m["end"]))
            mentions.append((int(m["start"]), mention))
    mentions.sort(key=lambda pair: pair[0])
    found, chain_of = chains(text, [mention for _, mention in mentions])
    by_name: dict[str, dict[EntityKind | None, int]] = {}
    for (_, mention), chain in zip(mentions, chain_of, strict=True):
        by_name.setdefault(normalize_name(mention.text), {}).setdefault(mention.kind, chain)
    used: set[int] = set()

    def known(name: str, kind: Any) -> tuple[str | None, str | None]:
        """The name's fullest form (when another) and its kind."""
        kinds = by_name.get(normalize_name(name), {})
        chain = kinds.get(_kind(kind))
        if chain is None and kinds:
            chain = next(iter(kinds.values()))
        if chain is None:
            return None, kind
        used.add(chain)
        full, chain_kind = found[chain].full, found[chain].kind
        read_as = kind or (chain_kind.value if chain_kind is not None else None)
        if found[chain].form is Form.description:
            read_as = EntityKind.anonymous.value  # "officials": the text's unnamed source
        elif chain_kind is EntityKind.place:
            read_as = chain_kind.value  # "John F. Kennedy International Airport"
        return (full if name_key(full) != name_key(name) else None), read_as

    def named(item: Draft) -> Draft:
        claimant_known_as, claimant_kind = (
            known(item.claimant, item.claimant_kind) if item.claimant else (None, None)
        )
        hops = []
        for hop in item.attribution:
            known_as, kind = known(str(hop["name"]), hop.get("kind"))
            hops.append(_with({**hop, "kind": kind}, known_as))
        entities = []
        for m in item.entities:
            known_as, kind = known(str(m["name"]), m["kind"])
            entities.append(_with({**m, "kind": kind or m["kind"]}, known_as))
        return replace(
            item,
            claimant_kind=claimant_kind,
            claimant_known_as=claimant_known_as,
            attribution=tuple(hops),
            entities=tuple(entities),
        )

    drafted = [named(item) for item in plain]
    return drafted, tuple(found[n] for n in sorted(used))


def _with(item: Mapping[str, Any], known_as: str | None) -> dict[str, Any]:
    return {**item, "known_as": known_as} if known_as else dict(item)


def _kind(value: Any) -> EntityKind | None:
    try:
        return EntityKind(str(value)) if value is not None else None
    except ValueError:
        return None


def _draft(candidate: Candidate) -> Draft:
    mentions = {m.name: str(m.kind) for m in candidate.entities}
    kinds = {hop.name: str(hop.kind) for hop in candidate.attribution if hop.kind is not None}
    claimant_kind = getattr(candidate, "claimant_kind", None)  # the extractor's, where it has one

    def kind(name: str) -> str | None:
        """What the extractor read the name as; never a guess from its words alone (a
        reviewer gives the kind of a name nothing read)."""
        if name == candidate.claimant and claimant_kind:
            return str(claimant_kind)
        return kinds.get(name) or mentions.get(name)

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
