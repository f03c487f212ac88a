"""Claim proposals ("candidates"): storing what extraction found, and accepting one.

Extraction itself runs before the unit of work is opened (it can take seconds, and SQLite
lets one writer in at a time); `replace_pending` only stores its result. Accepting creates
the claim through `api.writes.claims.create`, in the same unit that marks the proposal,
so a claim never exists without its accepted proposal, nor the reverse.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from api.errors import conflict, invalid_body, missing_entities, not_found, text_not_held
from api.queries import catalog, names
from api.queries.mentions import Chain
from api.queries.proposals import proposal_public, written
from api.queries.resolution import Outcome, resolve, resolve_written
from api.writes import claims, entities, links, quotes, review
from api.writes.drafting import ClaimDraft, Missing, draft, new_slug, referenced, statement
from api.writes.patch import merge_patch, validated
from api.writes.sources import text_digest
from api.writes.unit import UnitOfWork
from models.base import EntityKind
from models.candidate import ClaimProposal, NewClaimant, ProposalState
from models.claim import ClaimCreate, ClaimPublic
from models.entity import EntityCreate
from models.proposal import ClaimProposalPublic, ProposalKind
from models.tables import Claim, Proposal, Source

# Who stores what extraction found.
EXTRACTOR = "extractor"


@dataclass(frozen=True)
class Draft:
    """One claim as extraction hands it over: names as written, kinds as read."""

    start: int
    end: int
    text: str
    claimant: str | None
    claimant_kind: str | None
    cue: str
    cue_start: int
    speech: str
    status: str
    claimed_on: str | None
    attribution: tuple[Mapping[str, Any], ...]  # {"name", "verb", "kind"}, outermost first
    entities: tuple[Mapping[str, Any], ...]  # {"name", "kind", "start", "end"}
    confidence: float
    claimed_on_inferred: bool = False
    # The claimant's fullest form in the text ("John Howard" for "Howard"), when another;
    # hops and mentions carry theirs as "known_as".
    claimant_known_as: str | None = None

    def spans(self) -> tuple[dict[str, Any], ...]:
        """The evidence: the words themselves."""
        return ({"start": self.start, "end": self.end, "text": self.text, "role": "quote"},)

    def payload(self) -> dict[str, Any]:
        """What the proposal stores: its names as written (resolved when read)."""
        claimant: dict[str, Any] = {"name": self.claimant, "kind": self.claimant_kind}
        if self.claimant_known_as:
            claimant["known_as"] = self.claimant_known_as
        return {
            "claimant": claimant,
            "cue": self.cue,
            "cue_start": self.cue_start,
            "speech": self.speech,
            "status": self.status,
            "claimed_on": self.claimed_on,
            "claimed_on_inferred": self.claimed_on_inferred,
            "attribution": [dict(hop) for hop in self.attribution],
            "entities": [dict(mention) for mention in self.entities],
        }

    def names(self) -> list[str]:
        found = [self.claimant] if self.claimant else []
        return found + [str(item["name"]) for item in (*self.attribution, *self.entities)]


def replace_pending(
    work: UnitOfWork,
    source: names.Named,
    text: str,
    drafts: Sequence[Draft],
    chains: Sequence[Chain] = (),
) -> int:
    """Make the source's pending claim proposals what `drafts` (read from `text`) say:
    a draft already pending stays as it is, one no longer found is superseded, a new one
    is queued; words accepted or rejected once are not queued again. Each of `chains`
    (the text's chains of mentions that the drafts name) whose entity the resolver cannot
    decide alone is queued as an `entity_link` proposal, once per source. How many claim
    proposals are pending now."""
    row = work.session.get(Source, source.id, with_for_update=True)
    if row is None:  # deleted since its name was resolved
        raise not_found("source", source.slug)
    if row.text_sha256 is None:
        raise text_not_held(row.slug)
    if row.text_sha256 != text_digest(text):
        raise conflict(f"The held text of {row.slug!r} changed while it was read; extract again.")
    queued = work.session.execute(
        select(Proposal).where(
            col(Proposal.source_id) == source.id,
            col(Proposal.kind) == ProposalKind.claim.value,
            col(Proposal.state).in_([ProposalState.pending.value, *_DECIDED]),
        )
    ).scalars()
    decided: set[tuple[int, int]] = set()
    waiting: dict[str, Proposal] = {}
    for proposal in queued:
        quote = proposal.spans[0]
        if proposal.state == ProposalState.pending.value:
            waiting[_identity(proposal.spans, proposal.payload)] = proposal
        else:
            decided.add((quote["start"], quote["end"]))
    fresh, kept = [], []
    for item in drafts:
        if (item.start, item.end) in decided or not _verified(text, item):
            continue
        same = waiting.pop(_identity(list(item.spans()), item.payload()), None)
        if same is not None:
            kept.append(same)
        else:
            fresh.append(item)
    gone = sorted(waiting.values(), key=lambda proposal: proposal.id or 0)
    for stale in gone:
        before = proposal_public(work.session, stale)
        review.decide(
            work, stale, before, ProposalState.superseded, reason="not found by a later extraction"
        )
    resolved = resolve_written(
        work.reader,
        [(source.id, row.date, [w for item in fresh for w in written(item.payload())])],
    )

    def held(item: Draft) -> frozenset[int]:
        return frozenset(
            found.entity.id
            for w in written(item.payload())
            if (found := resolved[(source.id, w)]).entity is not None
            and found.outcome in (Outcome.held, Outcome.anonymous)
        )

    review.store(
        work,
        [
            review.Proposed(
                kind=ProposalKind.claim,
                payload=item.payload(),
                confidence=item.confidence,
                agent=EXTRACTOR,
                source_id=source.id,
                spans=item.spans(),
                entities=held(item),
            )
            for item in fresh
        ],
    )
    if chains:
        # After the claims, whose ids then follow each other as they are found.
        links.queue(work, source.id, resolve(work.reader, chains, source_id=source.id, on=row.date))
    count = len(kept) + len(fresh)
    work.record(
        "source",
        row.slug,
        "extract",
        {"pending_candidates": len(kept) + len(gone)},
        {"pending_candidates": count},
    )
    return count


_DECIDED = (ProposalState.accepted.value, ProposalState.rejected.value)


def _identity(spans: Sequence[Mapping[str, Any]], payload: Mapping[str, Any]) -> str:
    """What makes two claim proposals the same: the same evidence and the same reading."""
    return json.dumps([list(spans), payload], sort_keys=True, default=str)


def _verified(text: str, item: Draft) -> bool:
    """The one quote check: the words are the held text's own, at their offsets."""
    try:
        quotes.place(text, item.text, item.start, item.end)
    except quotes.QuoteError:
        return False
    return True


# --- accepting ---------------------------------------------------------------------------


def accept(
    work: UnitOfWork, proposal: Proposal, before: ClaimProposalPublic, changes: dict[str, Any]
) -> tuple[ClaimPublic, str]:
    """Create the claim a pending claim proposal drafts, as `changes` (a merge patch of
    its create shape) amend it, and mark the proposal accepted; the claim and its tag."""
    create_entities = bool(changes.pop("create_entities", False))
    assert proposal.source_id is not None
    publisher = catalog.source_public(work.session, proposal.source_id).publisher
    drafted = draft(before.payload, default_id(before), publisher.slug if publisher else None)
    if isinstance(changes.get("claimant"), dict):
        changes["claimant"] = _named_claimant(work, drafted, changes["claimant"])
    data = _claim(work, before.payload, drafted, changes)
    used = referenced(data.model_dump(mode="json"))
    needed = [missing for slug, missing in drafted.missing.items() if slug in used]
    waiting = sorted({m.link for m in needed if m.link is not None})
    if waiting:
        listed = ", ".join(f"/proposals/{link}" for link in waiting)
        raise conflict(
            f"Which entity {needed[0].name!r} is waits for review ({listed}); accept or "
            "reject that first, or name the entity in the body."
        )
    unnamed = [m for m in needed if m.kind is EntityKind.anonymous]
    named = [m for m in needed if m.kind is not EntityKind.anonymous]
    if named and not create_entities:
        raise missing_entities([missing.as_problem() for missing in named])
    assert proposal.source_id is not None
    for missing in unnamed:
        # The text's own unnamed source: no choice to make, so no `create_entities`.
        entities.create_anonymous(work, proposal.source_id, missing.name, missing.slug)
    for missing in named:
        if missing.kind is None:
            raise invalid_body(
                missing.field,
                f"the extractor could not tell what sort of entity {missing.name!r} is; "
                "create it first, or name an existing one in the body",
            )
        entity = {"slug": missing.slug, "name": missing.name[:200], "kind": missing.kind.value}
        entities.create(work, validated(EntityCreate, entity))
    for slug, spellings in drafted.written.items():
        # The text's other full names for an entity ("NYPD"), so the next text resolves.
        found = names.find_entity(work.reader, slug) if slug in used else None
        if found is not None:
            entities.add_aliases(work, found.id, spellings)
    claim, tag = claims.create(work, data)
    claim_row_id = work.session.execute(
        select(col(Claim.id)).where(col(Claim.public_id) == claim.id)
    ).scalar_one()
    review.decide(work, proposal, before, ProposalState.accepted, result=claim.id)
    review.about(work, [(proposal, [claim_row_id], [])])
    return claim, tag


def _named_claimant(work: UnitOfWork, drafted: ClaimDraft, named: dict[str, Any]) -> str:
    """The slug of a claimant the reviewer names as `{name, kind}`: the entity of that
    name or alias, else the one accepting creates (with `create_entities`)."""
    claimant = validated(NewClaimant, named, "body.claimant")
    found = names.find_entity(work.reader, claimant.name)
    if found is not None:
        return found.slug
    slug = new_slug(claimant.name)
    drafted.shown[slug] = claimant.name
    drafted.missing[slug] = Missing("body.claimant.name", claimant.name, claimant.kind, slug)
    return slug


def default_id(proposal: ClaimProposalPublic) -> str:
    """The id of the claim a proposal becomes unless the reviewer names one."""
    suffix = f"-c{proposal.id}"
    return proposal.payload.quote.source[: 120 - len(suffix)].rstrip("-") + suffix


def _claim(
    work: UnitOfWork, proposed: ClaimProposal, drafted: ClaimDraft, changes: dict[str, Any]
) -> ClaimCreate:
    """The draft with the reviewer's merge patch applied, validated as a create."""
    merged = merge_patch(drafted.claim, changes)
    quote = changes.get("quote")
    if isinstance(quote, dict) and "text" in quote and isinstance(merged.get("quote"), dict):
        # New words without offsets are looked for in the text, as in a claim's edit.
        for bound in ("start", "end"):
            if bound not in quote:
                merged["quote"].pop(bound, None)
    claimant = merged.get("claimant")
    if claimant is None:
        found = proposed.claimant.name is not None
        raise invalid_body(
            "body.claimant",
            "a claim needs a claimant; give its slug"
            if found
            else "the extractor found no one to credit these words to; give the claimant's slug",
        )
    hop = drafted.claimant_hop
    if "claimant" in changes and "attribution" not in changes and hop is not None:
        # Another claimant, same chain: its last hop is whoever the claim is credited to.
        merged["attribution"] = [dict(step) for step in merged["attribution"]]
        merged["attribution"][hop]["entity"] = claimant
    if "statement" not in merged and isinstance(claimant, str):
        merged["statement"] = statement(proposed, _shown_name(work, drafted, claimant))
    return validated(ClaimCreate, merged)


def _shown_name(work: UnitOfWork, drafted: ClaimDraft, slug: str) -> str:
    """The claimant's name for a default statement: the entity's own, else as written."""
    if slug not in drafted.missing:
        found = names.find_entity(work.reader, slug)
        if found is not None:
            return catalog.entity_row(work.session, found.id).name
    return drafted.shown.get(slug, slug)
