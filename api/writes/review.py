"""The review queue's mechanics, the same for every kind of proposal: storing proposals,
locking one for review, and recording what became of it.

What accepting a proposal creates is its kind's business (`api.writes.proposals`); how
a proposal is stored, guarded, marked and recorded is decided here once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import col

from api.errors import conflict
from api.queries.proposals import proposal_public, proposal_row, publics
from api.queries.versions import tag_of
from api.writes.unit import UnitOfWork
from models.candidate import ProposalState
from models.proposal import ProposalKind, ProposalPublic
from models.tables import Proposal, ProposalClaim, ProposalEntity

# How a route shows a proposal (a proposal, or a candidate); its ETag is that form's.
View = Callable[[ProposalPublic], Any]


def as_proposal(public: ProposalPublic) -> ProposalPublic:
    return public


@dataclass(frozen=True)
class Proposed:
    """A proposal about to be stored: its kind's payload in stored form, its evidence,
    its proposer, and the held claims and entities it is about."""

    kind: ProposalKind
    payload: dict[str, Any]
    confidence: float
    agent: str
    source_id: int | None = None
    spans: tuple[dict[str, Any], ...] = ()
    rule: str | None = None
    version: str | None = None
    claims: frozenset[int] = field(default_factory=frozenset)
    entities: frozenset[int] = field(default_factory=frozenset)


def store(work: UnitOfWork, proposed: Sequence[Proposed]) -> list[Proposal]:
    """Queue `proposed` as pending proposals, each with its creation as a revision."""
    now = datetime.now(UTC)
    rows = [
        Proposal(
            kind=item.kind.value,
            state=ProposalState.pending.value,
            source_id=item.source_id,
            spans=[dict(span) for span in item.spans],
            payload=item.payload,
            confidence=item.confidence,
            agent=item.agent,
            rule=item.rule,
            agent_version=item.version,
            proposed_at=now,
        )
        for item in proposed
    ]
    for row in rows:
        work.add(row)
    work.flush()
    about(
        work, [(row, item.claims, item.entities) for row, item in zip(rows, proposed, strict=True)]
    )
    for public in publics(work.session, rows):
        work.record("proposal", str(public.id), "create", None, public.model_dump(mode="json"))
    return rows


def about(
    work: UnitOfWork, subjects: Iterable[tuple[Proposal, Iterable[int], Iterable[int]]]
) -> None:
    """Note the held claims and entities each proposal is about (`?claim=`, `?entity=`),
    besides those noted already."""
    claims: set[tuple[int, int]] = set()
    entities: set[tuple[int, int]] = set()
    for row, claim_ids, entity_ids in subjects:
        assert row.id is not None
        claims |= {(row.id, claim_id) for claim_id in claim_ids}
        entities |= {(row.id, entity_id) for entity_id in entity_ids}
    for table, other, pairs in (
        (ProposalClaim, "claim_id", claims),
        (ProposalEntity, "entity_id", entities),
    ):
        if not pairs:
            continue
        proposal_ids = sorted({proposal_id for proposal_id, _ in pairs})
        column = getattr(table, other)
        held = work.session.execute(
            select(col(table.proposal_id), col(column)).where(
                col(table.proposal_id).in_(proposal_ids)
            )
        )
        fresh = sorted(pairs - {(int(p), int(o)) for p, o in held})
        if fresh:
            work.session.execute(insert(table), [{"proposal_id": p, other: o} for p, o in fresh])


def pending(
    work: UnitOfWork,
    proposal_id: int,
    if_match: str | None,
    view: View,
    kind: ProposalKind | None = None,
) -> tuple[Proposal, ProposalPublic]:
    """The proposal, locked, if `If-Match` names its version (in the form `view` shows
    it) and it awaits review."""
    row = proposal_row(work.session, proposal_id, kind=kind, for_update=True)
    before = proposal_public(work.session, row)
    work.guard(if_match, tag_of(view(before), row.version))
    if before.state is not ProposalState.pending:
        when = before.reviewed_at.isoformat() if before.reviewed_at else "an unknown time"
        by = f" by {before.reviewed_by}" if before.reviewed_by else ""
        raise conflict(
            f"Proposal {proposal_id} was {before.state.value}{by} at {when}; only pending "
            "proposals can be accepted or rejected."
        )
    return row, before


def decide(
    work: UnitOfWork,
    row: Proposal,
    before: ProposalPublic,
    state: ProposalState,
    *,
    reason: str | None = None,
    result: str | None = None,
) -> tuple[ProposalPublic, int]:
    """Mark what became of a proposal, bump its version and record it as its revision;
    the proposal as it is now, and its version."""
    assert row.id is not None
    version = work.bump(Proposal, row.id, row.version)
    work.session.refresh(row)
    row.state = state.value
    row.reason = reason
    row.result = result
    if state is not ProposalState.superseded:
        row.reviewed_at = datetime.now(UTC)
        row.reviewed_by = work.who.name
    work.flush()
    after = proposal_public(work.session, row)
    action = {
        ProposalState.accepted: "accept",
        ProposalState.rejected: "reject",
        ProposalState.superseded: "supersede",
    }[state]
    work.record(
        "proposal",
        str(row.id),
        action,
        before.model_dump(mode="json"),
        after.model_dump(mode="json"),
        reason=reason,
    )
    return after, version
