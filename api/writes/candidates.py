"""Claim proposals ("candidates"): storing what extraction found, and accepting one.

Extraction itself runs before the unit of work is opened (it can take seconds, and SQLite
lets one writer in at a time); `replace_pending` only stores its result. Accepting creates
the claim through `api.writes.claims.create`, in the same unit that marks the proposal,
so a claim never exists without its accepted proposal, nor the reverse.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from api.errors import conflict, invalid_body, missing_entities, not_found, text_not_held
from api.queries import catalog, names
from api.queries.claims import claim_row, claim_row_ids
from api.queries.mentions import Chain
from api.queries.proposals import proposal_public, proposal_row, written
from api.queries.resolution import Outcome, resolve, resolve_written
from api.writes import claims, entities, links, quotes, relations, review
from api.writes.drafting import ClaimDraft, Missing, draft, new_slug, referenced, statement
from api.writes.patch import merge_patch, validated
from api.writes.sources import text_digest
from api.writes.unit import UnitOfWork
from models.base import EntityKind, RelationType
from models.candidate import ClaimProposal, NewClaimant, ProposalState
from models.claim import ClaimCreate, ClaimPublic
from models.entity import EntityCreate
from models.proposal import ClaimProposalPublic, ProposalKind
from models.relation import RelationCreate
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


@dataclass(frozen=True)
class RelationDraft:
    """A relation the text draws between two of its drafts (indexes into the drafts
    handed over with it): `source` bears on `target` as `type` says, by the words at
    `cue_start:cue_end`."""

    source: int
    target: int
    type: str
    cue: str
    cue_start: int
    cue_end: int
    confidence: float

    def spans(self, text: str) -> tuple[dict[str, Any], ...]:
        words = text[self.cue_start : self.cue_end]
        return ({"start": self.cue_start, "end": self.cue_end, "text": words, "role": "cue"},)

    def payload(self, ends: Mapping[int, dict[str, Any]], text: str) -> dict[str, Any]:
        words = " ".join(text[self.cue_start : self.cue_end].split())
        return {
            "type": self.type,
            "from": ends[self.source],
            "to": ends[self.target],
            "note": f"The text draws it: \u201c{words}\u201d."[:1000],
        }


# The rule an extracted relation is proposed by.
DISPUTE_RULE = "dispute-cue"


def replace_pending(
    work: UnitOfWork,
    source: names.Named,
    text: str,
    drafts: Sequence[Draft],
    relations: Sequence[RelationDraft] = (),
    chains: Sequence[Chain] = (),
) -> int:
    """Make the source's pending extracted proposals what `drafts` and `relations` (read
    from `text`) say: a proposal already pending stays as it is, one no longer found is
    superseded, a new one is queued; words accepted or rejected once are not queued
    again. Each of `chains` (the text's chains of mentions that the drafts name) whose
    entity the resolver cannot decide alone is queued as an `entity_link` proposal, once
    per source. How many claim proposals are pending now."""
    row = work.session.get(Source, source.id, with_for_update=True)
    if row is None:  # deleted since its name was resolved
        raise not_found("source", source.slug)
    if row.text_sha256 is None:
        raise text_not_held(row.slug)
    if row.text_sha256 != text_digest(text):
        raise conflict(f"The held text of {row.slug!r} changed while it was read; extract again.")
    queued = _extracted(work, source.id, ProposalKind.claim)
    decided: dict[tuple[int, int], Proposal] = {}
    waiting: dict[str, Proposal] = {}
    for proposal in queued:
        quote = proposal.spans[0]
        if proposal.state == ProposalState.pending.value:
            waiting[_identity(proposal.spans, proposal.payload)] = proposal
        else:
            decided[(quote["start"], quote["end"])] = proposal
    ends: dict[int, dict[str, Any]] = {}  # draft index -> its end in a relation's payload
    fresh: list[tuple[int, Draft]] = []
    kept = 0
    for n, item in enumerate(drafts):
        done = decided.get((item.start, item.end))
        if done is not None:
            if done.state == ProposalState.accepted.value and done.result is not None:
                ends[n] = {"claim": done.result}
            continue
        if not _verified(text, item):
            continue
        same = waiting.pop(_identity(list(item.spans()), item.payload()), None)
        if same is not None:
            kept += 1
            ends[n] = {"proposal": same.id}
        else:
            fresh.append((n, item))
    gone = _supersede(work, waiting.values())
    resolved = resolve_written(
        work.reader,
        [(source.id, row.date, [w for _, item in fresh for w in written(item.payload())])],
    )

    def held(item: Draft) -> frozenset[int]:
        return frozenset(
            found.entity.id
            for w in written(item.payload())
            if (found := resolved[(source.id, w)]).entity is not None
            and found.outcome in (Outcome.held, Outcome.anonymous)
        )

    stored = review.store(
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
            for _, item in fresh
        ],
    )
    for (n, _), stored_row in zip(fresh, stored, strict=True):
        ends[n] = {"proposal": stored_row.id}
    _replace_relations(work, source.id, text, relations, ends)
    if chains:
        # After the claims, whose ids then follow each other as they are found.
        links.queue(work, source.id, resolve(work.reader, chains, source_id=source.id, on=row.date))
    count = kept + len(fresh)
    work.record(
        "source",
        row.slug,
        "extract",
        {"pending_candidates": kept + gone},
        {"pending_candidates": count},
    )
    return count


def _extracted(work: UnitOfWork, source_id: int, kind: ProposalKind) -> list[Proposal]:
    """The source's proposals of `kind` the extractor made, pending or decided."""
    return list(
        work.session.execute(
            select(Proposal).where(
                col(Proposal.source_id) == source_id,
                col(Proposal.kind) == kind.value,
                col(Proposal.agent) == EXTRACTOR,
                col(Proposal.state).in_([ProposalState.pending.value, *_DECIDED]),
            )
        ).scalars()
    )


def _supersede(work: UnitOfWork, stale: Iterable[Proposal]) -> int:
    """Mark pending proposals a later extraction no longer finds; how many."""
    gone = sorted(stale, key=lambda proposal: proposal.id or 0)
    for proposal in gone:
        before = proposal_public(work.session, proposal)
        reason = "not found by a later extraction"
        review.decide(work, proposal, before, ProposalState.superseded, reason=reason)
    return len(gone)


def _replace_relations(
    work: UnitOfWork,
    source_id: int,
    text: str,
    relations: Sequence[RelationDraft],
    ends: Mapping[int, dict[str, Any]],
) -> None:
    """Queue the relations the text draws between proposals (or claims accepted from
    them), the same way: identical pending ones stay, stale ones are superseded, a cue
    decided once is not queued again."""
    waiting: dict[str, Proposal] = {}
    decided: set[tuple[int, int]] = set()
    for proposal in _extracted(work, source_id, ProposalKind.relation):
        if proposal.state == ProposalState.pending.value:
            waiting[_identity(proposal.spans, proposal.payload)] = proposal
        else:
            decided.add((proposal.spans[0]["start"], proposal.spans[0]["end"]))
    fresh: list[review.Proposed] = []
    for found in relations:
        if found.source not in ends or found.target not in ends:
            continue  # an end was rejected, or its words are not the text's
        if (found.cue_start, found.cue_end) in decided:
            continue
        payload, spans = found.payload(ends, text), found.spans(text)
        if waiting.pop(_identity(list(spans), payload), None) is not None:
            continue
        claims = [end["claim"] for end in (payload["from"], payload["to"]) if "claim" in end]
        fresh.append(
            review.Proposed(
                kind=ProposalKind.relation,
                payload=payload,
                confidence=found.confidence,
                agent=EXTRACTOR,
                rule=DISPUTE_RULE,
                source_id=source_id,
                spans=spans,
                claims=frozenset(claim_row_ids(work.session, claims)),
            )
        )
    _supersede(work, waiting.values())
    review.store(work, fresh)


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
    restates = changes.pop("restates", None)
    if restates is not None:
        _restatable(work, restates)
    assert proposal.source_id is not None
    held = catalog.source_public(work.session, proposal.source_id)
    publisher = held.publisher.slug if held.publisher else None
    drafted = draft(before.payload, default_id(before), publisher, held.date)
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
    _carry_over(work, before.id, claim_row_id, claim.id, restates)
    return claim, tag


def _restatable(work: UnitOfWork, claim_id: Any) -> None:
    """The claim an accept says the new claim restates must stand."""
    held = claim_row(work.session, str(claim_id)) if isinstance(claim_id, str) else None
    if held is None:
        raise invalid_body("body.restates", f"no claim {claim_id!r}")
    if held.retracted_at is not None:
        raise invalid_body("body.restates", f"claim {claim_id!r} is retracted; restore it first")


def _carry_over(
    work: UnitOfWork, proposal_id: int, claim_row_id: int, claim_id: str, restates: str | None
) -> None:
    """A claim proposal became a claim: the relations proposed from it are now about the
    claim too; with `restates`, that relation is created in this same unit, and a
    pending proposal of it is marked accepted."""
    created = None
    if restates is not None:
        data = {
            "type": RelationType.restates.value,
            "from": claim_id,
            "to": restates,
            "note": f"Accepted from candidate {proposal_id} as a restatement of {restates}.",
        }
        created, _ = relations.create(work, RelationCreate.model_validate(data))
    rows = work.reader.rows(
        work.reader.sql(
            "SELECT id, payload FROM proposal WHERE kind = 'relation' AND state = 'pending'"
        )
    )
    for row_id, payload in rows:
        data = json.loads(payload) if isinstance(payload, str) else payload
        if (data.get("from") or {}).get("proposal") != proposal_id:
            continue
        row = proposal_row(work.session, int(row_id), for_update=True)
        review.about(work, [(row, [claim_row_id], [])])
        same = (data.get("to") or {}).get("claim") == restates
        if created is not None and same and data.get("type") == RelationType.restates.value:
            shown = proposal_public(work.session, row)
            review.decide(work, row, shown, ProposalState.accepted, result=created.id)


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
