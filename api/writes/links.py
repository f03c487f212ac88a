"""Which entity a mention is: the `entity_link` proposals resolution queues for a person,
what accepting one decides, and applying a text's resolutions.

A link is decided per source: accepting one says that, in this source, these spellings
("J. Howard", "Howard") are that entity, and every proposal read from the source resolves
them so from then on (`api.queries.resolution`). By default the full spellings also
become the entity's aliases, so the next text that writes them resolves without review.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from api.errors import conflict, invalid_body
from api.queries import catalog, names
from api.queries.mentions import Chain, Form, Mention, chains, read
from api.queries.resolution import Outcome, Resolved, resolve
from api.queries.versions import tag_of
from api.writes import entities, review
from api.writes.drafting import new_slug
from api.writes.patch import validated
from api.writes.unit import UnitOfWork
from models.base import normalize_name
from models.candidate import ProposalState
from models.entity import EntityPublic
from models.proposal import EntityLinkProposalPublic, LinkChoice, ProposalKind
from models.tables import Proposal

# Who proposes links.
RESOLVER = "resolver"


def proposed(source_id: int, found: Resolved) -> review.Proposed:
    """The `entity_link` proposal for a chain the resolver could not decide alone."""
    chain = found.chain
    top = found.fits[0].score if found.fits else 0.0
    payload = {
        "mention": {
            "name": chain.full,
            "kind": chain.kind.value if chain.kind else None,
            "spellings": list(chain.spellings),
        },
        "candidates": [
            {
                "entity": fit.entity.slug,
                "name": fit.entity.name,
                "kind": fit.entity.kind.value,
                "score": fit.score,
                "basis": fit.basis,
            }
            for fit in found.fits
        ],
        "new_entity": {
            "slug": new_slug(chain.full),
            "name": chain.full[:200],
            "kind": chain.kind.value if chain.kind else None,
        },
    }
    spans = tuple(
        {"start": start, "end": end, "text": words, "role": "mention"}
        for start, end, words in sorted(set(chain.places))
    )
    return review.Proposed(
        kind=ProposalKind.entity_link,
        payload=payload,
        confidence=round(top, 3),
        agent=RESOLVER,
        rule=found.fits[0].basis if found.fits else "no candidate",
        source_id=source_id,
        spans=spans,
        entities=frozenset(fit.entity.id for fit in found.fits),
    )


def queue(work: UnitOfWork, source_id: int, found: Sequence[Resolved]) -> list[Proposal]:
    """Queue an `entity_link` for each chain that needs review and has no proposal in
    this source yet (pending or decided)."""
    fresh = [item for item in found if item.outcome is Outcome.review and item.link is None]
    if not fresh:
        return []
    asked = _asked(work, source_id)
    wanted = []
    for item in fresh:
        spellings = {normalize_name(s) for s in item.chain.spellings}
        if spellings & asked:
            continue
        asked |= spellings
        wanted.append(proposed(source_id, item))
    return review.store(work, wanted) if wanted else []


def _asked(work: UnitOfWork, source_id: int) -> set[str]:
    """Spellings of the source already put to a reviewer (in any state but superseded)."""
    rows = work.session.execute(
        select(col(Proposal.payload)).where(
            col(Proposal.source_id) == source_id,
            col(Proposal.kind) == ProposalKind.entity_link.value,
            col(Proposal.state) != ProposalState.superseded.value,
        )
    ).scalars()
    return {normalize_name(str(s)) for payload in rows for s in payload["mention"]["spellings"]}


# --- accepting -------------------------------------------------------------------------------


def accept(
    work: UnitOfWork, row: Proposal, before: EntityLinkProposalPublic, changes: dict[str, Any]
) -> tuple[EntityPublic, str]:
    """Decide which entity the mention is (`LinkChoice`), and mark the proposal accepted
    with that entity's slug as its result."""
    choice = validated(LinkChoice, changes, "body")
    payload = before.payload
    mention = payload.mention
    chain = Chain(
        _form(mention.name), mention.name, mention.kind, spellings=list(mention.spellings)
    )
    created = False
    if choice.entity is not None:
        found = names.find_entity(work.reader, choice.entity)
        if found is None:
            raise invalid_body(
                "body.entity",
                f"no entity {choice.entity!r}",
                names.suggest_entities(work.reader, choice.entity),
            )
        target = found
    elif choice.new is None and payload.candidates:
        best = payload.candidates[0].entity
        found = names.find_entity(work.reader, best)
        if found is None:
            raise conflict(
                f"Candidate {best!r} is no longer held; name the entity (`entity`) or "
                "create one (`new`)."
            )
        target = found
    else:
        new = choice.new
        kind = (new.kind if new else None) or payload.new_entity.kind
        if kind is None:
            raise invalid_body(
                "body.new.kind",
                "the recogniser could not tell what sort of entity this is; give its kind",
            )
        name = (new.name if new else None) or payload.new_entity.name
        slug = new.slug if new and new.slug else None
        if slug is not None and names.entity_itself(work.reader, slug) is not None:
            raise conflict(f"An entity with slug {slug!r} exists already.")
        public = entities.create_named(
            work,
            name,
            kind,
            entities.full_spellings(chain) if choice.aliases else [],
            slug=slug or entities.free_slug(work, payload.new_entity.slug),
        )
        target = names.Named(_entity_id(work, public.slug), public.slug)
        created = True
    if choice.aliases and not created:
        entities.add_aliases(work, target.id, entities.full_spellings(chain))
    review.decide(work, row, before, ProposalState.accepted, result=target.slug)
    review.about(work, [(row, [], [target.id])])
    entity_row = catalog.entity_row(work.session, target.id)
    shown = catalog.entity_public(work.session, entity_row)
    return shown, tag_of(shown, entity_row.version)


def _form(name: str) -> Form:
    return read(Mention(name)).form


def _entity_id(work: UnitOfWork, slug: str) -> int:
    found = names.entity_itself(work.reader, slug)
    assert found is not None
    return found.id


# --- applying what a text resolves to ------------------------------------------------------


@dataclass
class Applied:
    """What applying one text's resolutions did: each chain's entity (None while it
    waits for review), and the entities it created."""

    entities: list[int | None] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    queued: int = 0


def apply(
    work: UnitOfWork,
    source_id: int,
    on: str | None,
    text: str | None,
    mentions: Sequence[Mention],
) -> tuple[list[Chain], list[int], list[Resolved], Applied]:
    """Resolve every mention of a held text and apply what is confident: a held entity
    takes the text's full spellings as aliases, a name nothing fits becomes an entity,
    an unnamed source the source's own; the rest waits as `entity_link` proposals."""
    found, chain_of = chains(text, mentions)
    resolved = resolve(work.reader, found, source_id=source_id, on=on)
    applied = Applied()
    for item in resolved:
        chain = item.chain
        if item.outcome is Outcome.held and item.entity is not None:
            entities.add_aliases(work, item.entity.id, entities.full_spellings(chain))
            applied.entities.append(item.entity.id)
        elif item.outcome is Outcome.new and chain.kind is not None:
            public = entities.create_named(
                work, chain.full, chain.kind, entities.full_spellings(chain)
            )
            applied.entities.append(_entity_id(work, public.slug))
            applied.created.append(public.slug)
        elif item.outcome is Outcome.anonymous:
            if item.entity is None:
                public = entities.create_anonymous(work, source_id, chain.full)
                applied.entities.append(_entity_id(work, public.slug))
                applied.created.append(public.slug)
            else:
                applied.entities.append(item.entity.id)
        else:
            applied.entities.append(None)
    applied.queued = len(queue(work, source_id, resolved))
    return found, chain_of, resolved, applied
