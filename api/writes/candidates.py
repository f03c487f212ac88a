"""The review queue's changes: storing what extraction found, accepting, rejecting.

Extraction itself runs before the unit of work is opened (it can take seconds, and SQLite
lets one writer in at a time); `replace_pending` only stores its result. Accepting creates
the claim through `api.writes.claims.create`, in the same unit that marks the candidate,
so a claim never exists without its accepted candidate, nor the reverse.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlmodel import col

from api.errors import conflict, invalid_body, missing_entities, not_found, text_not_held
from api.queries import catalog, names
from api.queries.candidates import candidate_public, candidate_row
from api.queries.names import Named
from api.queries.versions import tag_of
from api.writes import claims, entities, quotes
from api.writes.patch import merge_patch, validated
from api.writes.proposals import Proposal, propose, referenced, statement
from api.writes.sources import text_digest
from api.writes.unit import UnitOfWork
from models.candidate import CandidatePublic, CandidateState
from models.claim import ClaimCreate, ClaimPublic
from models.entity import EntityCreate
from models.tables import Candidate, Claim, Source


@dataclass(frozen=True)
class Draft:
    """One candidate as extraction hands it over: names as written, kinds as read."""

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
    attribution: tuple[Mapping[str, str], ...]  # {"name", "verb", "kind"}, outermost first
    entities: tuple[Mapping[str, Any], ...]  # {"name", "kind", "start", "end"}
    confidence: float


def replace_pending(work: UnitOfWork, source: Named, text: str, drafts: Sequence[Draft]) -> int:
    """The source's pending candidates replaced by `drafts` (read from `text`); accepted
    and rejected ones stay, and a draft at the same words as one of them is not queued
    again. How many are pending now."""
    row = work.session.get(Source, source.id, with_for_update=True)
    if row is None:  # deleted since its name was resolved
        raise not_found("source", source.slug)
    if row.text_sha256 is None:
        raise text_not_held(row.slug)
    if row.text_sha256 != text_digest(text):
        raise conflict(f"The held text of {row.slug!r} changed while it was read; extract again.")
    decided = {
        (start, end)
        for start, end in work.session.execute(
            select(col(Candidate.quote_start), col(Candidate.quote_end)).where(
                col(Candidate.source_id) == source.id,
                col(Candidate.state) != CandidateState.pending.value,
            )
        )
    }
    dropped = work.session.execute(
        delete(Candidate).where(
            col(Candidate.source_id) == source.id,
            col(Candidate.state) == CandidateState.pending.value,
        )
    ).rowcount  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    queued = [
        _row(source.id, draft, now)
        for draft in drafts
        if (draft.start, draft.end) not in decided and _verified(text, draft)
    ]
    for queued_row in queued:
        work.add(queued_row)
    work.flush()
    work.record(
        "source",
        row.slug,
        "extract",
        {"pending_candidates": dropped},
        {"pending_candidates": len(queued)},
    )
    return len(queued)


def _verified(text: str, draft: Draft) -> bool:
    """The one quote check: the words are the held text's own, at their offsets."""
    try:
        quotes.place(text, draft.text, draft.start, draft.end)
    except quotes.QuoteError:
        return False
    return True


def _row(source_id: int, draft: Draft, now: datetime) -> Candidate:
    return Candidate(
        source_id=source_id,
        state=CandidateState.pending.value,
        quote_start=draft.start,
        quote_end=draft.end,
        quote_text=draft.text,
        claimant=draft.claimant,
        claimant_kind=draft.claimant_kind,
        cue=draft.cue,
        cue_start=draft.cue_start,
        speech=draft.speech,
        status=draft.status,
        claimed_on=draft.claimed_on,
        attribution=[dict(hop) for hop in draft.attribution],
        entities=[dict(mention) for mention in draft.entities],
        confidence=draft.confidence,
        extracted_at=now,
    )


# --- review --------------------------------------------------------------------------


def _pending(
    work: UnitOfWork, candidate_id: int, if_match: str | None
) -> tuple[Candidate, CandidatePublic]:
    """The candidate, locked, if `If-Match` names its version and it awaits review."""
    row = candidate_row(work.session, candidate_id, for_update=True)
    before = candidate_public(work.session, row)
    work.guard(if_match, tag_of(before, row.version))
    if before.state is not CandidateState.pending:
        raise conflict(
            f"Candidate {candidate_id} was {before.state.value} by {before.reviewed_by} at "
            f"{before.reviewed_at.isoformat() if before.reviewed_at else 'an unknown time'}; "
            "only pending candidates can be accepted or rejected."
        )
    return row, before


def _reviewed(
    work: UnitOfWork,
    row: Candidate,
    before: CandidatePublic,
    state: CandidateState,
    reason: str | None = None,
    claim_id: int | None = None,
) -> tuple[CandidatePublic, str]:
    """Mark the review, bump the version and record it as the candidate's revision."""
    assert row.id is not None
    version = work.bump(Candidate, row.id, row.version)
    work.session.refresh(row)
    row.state = state.value
    row.reviewed_at = datetime.now(UTC)
    row.reviewed_by = work.who.name
    row.reason = reason
    row.claim_id = claim_id
    work.flush()
    after = candidate_public(work.session, row)
    action = "accept" if state is CandidateState.accepted else "reject"
    work.record(
        "candidate",
        str(row.id),
        action,
        before.model_dump(mode="json"),
        after.model_dump(mode="json"),
        reason=reason,
    )
    return after, tag_of(after, version)


def reject(
    work: UnitOfWork, candidate_id: int, reason: str, if_match: str | None
) -> tuple[CandidatePublic, str]:
    """Turn a pending candidate down, keeping why; the candidate and its new tag."""
    row, before = _pending(work, candidate_id, if_match)
    return _reviewed(work, row, before, CandidateState.rejected, reason=reason)


def accept(
    work: UnitOfWork, candidate_id: int, changes: dict[str, Any], if_match: str | None
) -> tuple[ClaimPublic, str]:
    """Create the claim a pending candidate proposes, as `changes` (a merge patch of its
    create shape) amend it, and mark the candidate accepted; the claim and its tag."""
    row, before = _pending(work, candidate_id, if_match)
    create_entities = bool(changes.pop("create_entities", False))
    publisher = catalog.source_public(work.session, row.source_id).publisher
    proposal = propose(before, default_id(before), publisher.slug if publisher else None)
    data = _claim(work, before, proposal, changes)
    used = referenced(data.model_dump(mode="json"))
    needed = [missing for slug, missing in proposal.missing.items() if slug in used]
    if needed and not create_entities:
        raise missing_entities([missing.as_problem() for missing in needed])
    for missing in needed:
        entity = {"slug": missing.slug, "name": missing.name[:200], "kind": missing.kind.value}
        entities.create(work, validated(EntityCreate, entity))
    claim, tag = claims.create(work, data)
    claim_row_id = work.session.execute(
        select(col(Claim.id)).where(col(Claim.public_id) == claim.id)
    ).scalar_one()
    _reviewed(work, row, before, CandidateState.accepted, claim_id=claim_row_id)
    return claim, tag


def default_id(candidate: CandidatePublic) -> str:
    """The id of the claim a candidate becomes unless the reviewer names one."""
    suffix = f"-c{candidate.id}"
    return candidate.quote.source[: 120 - len(suffix)].rstrip("-") + suffix


def _claim(
    work: UnitOfWork, candidate: CandidatePublic, proposal: Proposal, changes: dict[str, Any]
) -> ClaimCreate:
    """The proposal with the reviewer's merge patch applied, validated as a create."""
    merged = merge_patch(proposal.claim, changes)
    quote = changes.get("quote")
    if isinstance(quote, dict) and "text" in quote and isinstance(merged.get("quote"), dict):
        # New words without offsets are looked for in the text, as in a claim's edit.
        for bound in ("start", "end"):
            if bound not in quote:
                merged["quote"].pop(bound, None)
    claimant = merged.get("claimant")
    if claimant is None:
        found = candidate.claimant.name is not None
        raise invalid_body(
            "body.claimant",
            "a claim needs a claimant; give its slug"
            if found
            else "the extractor found no one to credit these words to; give the claimant's slug",
        )
    hop = proposal.claimant_hop
    if "claimant" in changes and "attribution" not in changes and hop is not None:
        # Another claimant, same chain: its last hop is whoever the claim is credited to.
        merged["attribution"] = [dict(step) for step in merged["attribution"]]
        merged["attribution"][hop]["entity"] = claimant
    if "statement" not in merged and isinstance(claimant, str):
        merged["statement"] = statement(candidate, _shown_name(work, proposal, claimant))
    return validated(ClaimCreate, merged)


def _shown_name(work: UnitOfWork, proposal: Proposal, slug: str) -> str:
    """The claimant's name for a default statement: the entity's own, else as written."""
    if slug not in proposal.missing:
        found = names.find_entity(work.reader, slug)
        if found is not None:
            return catalog.entity_row(work.session, found.id).name
    return proposal.shown.get(slug, slug)
