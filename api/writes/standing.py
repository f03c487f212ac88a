"""How a claim stands: `disputed` follows from the data, never from a writer's word.

A claim is disputed while a standing `contradicts` relation links it to a standing claim
by another claimant; otherwise it stands as its writer stated (asserted, reported or
speculative). Every change that can alter that (a relation added, changed, retracted or
restored; a claim's claimant changed; a claim retracted or restored) settles the claims
it touches here, so no status and relation ever disagree.

Locks: a write takes the row locks of every claim whose standing it may settle before it
changes anything (`lock`, in claim id order), and a settle reads the relations only
once it holds its claims. Two writes around one claim then take turns instead of
deadlocking, and the one that settles last sees what the other committed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from api.queries.claims import current_claim
from api.store import documents
from api.writes.unit import UnitOfWork
from models.base import ClaimStatus, RelationType
from models.tables import Claim, Relation

_from = aliased(Claim, name="from_claim")
_to = aliased(Claim, name="to_claim")


def contradicted(session: Session, claim_ids: Collection[int]) -> set[int]:
    """Which of these claims a standing contradicts relation sets against another
    claimant's standing claim."""
    if not claim_ids:
        return set()
    rows = session.execute(
        select(col(Relation.from_claim_id), col(Relation.to_claim_id))
        .join(_from, col(_from.id) == col(Relation.from_claim_id))
        .join(_to, col(_to.id) == col(Relation.to_claim_id))
        .where(
            col(Relation.type) == RelationType.contradicts.value,
            col(Relation.retracted_at).is_(None),
            col(_from.retracted_at).is_(None),
            col(_to.retracted_at).is_(None),
            col(_from.claimant_id) != col(_to.claimant_id),
            or_(
                col(Relation.from_claim_id).in_(list(claim_ids)),
                col(Relation.to_claim_id).in_(list(claim_ids)),
            ),
        )
    ).all()
    return {claim_id for pair in rows for claim_id in pair} & set(claim_ids)


def neighbours(session: Session, claim_ids: Collection[int]) -> set[int]:
    """The claims themselves and every claim a contradicts relation links them to."""
    if not claim_ids:
        return set()
    rows = session.execute(
        select(col(Relation.from_claim_id), col(Relation.to_claim_id)).where(
            col(Relation.type) == RelationType.contradicts.value,
            or_(
                col(Relation.from_claim_id).in_(list(claim_ids)),
                col(Relation.to_claim_id).in_(list(claim_ids)),
            ),
        )
    ).all()
    return set(claim_ids) | {claim_id for pair in rows for claim_id in pair}


def lock(session: Session, claim_ids: Iterable[int]) -> None:
    """Lock these claims' rows until the transaction ends, in id order (PostgreSQL; SQLite
    writers hold the whole store). Every write locks the claims it touches this way
    before it inserts or changes anything that refers to them: taking them in one order
    keeps two writes from each holding a claim the other waits for, and taking them
    first keeps a foreign key's share lock from being held while another write waits to
    lock the claim outright."""
    ids = sorted(set(claim_ids))
    if ids and session.get_bind().dialect.name != "sqlite":
        session.execute(
            select(col(Claim.id))
            .where(col(Claim.id).in_(ids))
            .order_by(col(Claim.id))
            .with_for_update()
        ).all()


def settle_rows(session: Session, claim_ids: Iterable[int]) -> list[Claim]:
    """Set each claim's status from its stated status and its relations; returns the rows
    whose status changed (their documents and revisions are the caller's to write).
    The claims are locked first (`lock`), so the relations are read as the last write to
    commit left them."""
    ids = sorted(set(claim_ids))
    if not ids:
        return []
    lock(session, ids)
    disputed = contradicted(session, ids)
    changed = []
    # As they are now, not as this session may have read them before the lock.
    rows = session.execute(
        select(Claim)
        .where(col(Claim.id).in_(ids))
        .order_by(col(Claim.id))
        .execution_options(populate_existing=True)
    ).scalars()
    for row in rows:
        assert row.id is not None
        wanted = ClaimStatus.disputed.value if row.id in disputed else row.stated_status
        if row.status != wanted:
            row.status = wanted
            changed.append(row)
    return changed


def settle(
    work: UnitOfWork,
    claim_ids: Iterable[int],
    *,
    recorded: Collection[int] = (),
    by: Relation | None = None,
) -> None:
    """Settle the claims, recording each change of standing as a revision of its claim
    at a new version, except for the claims in `recorded`, whose change the caller is
    recording anyway. Each revision says what changed the standing (`cause`): the
    relation `by` when a relation's write settles them, else the one recorded claim."""
    changed = settle_rows(work.session, set(claim_ids))
    # The new statuses are not flushed yet: the tables still show each claim as it was.
    before = {
        row.id: current_claim(work.session, row.id).model_dump(mode="json")
        for row in changed
        if row.id is not None and row.id not in recorded
    }
    work.flush()
    reason = cause(work, by, recorded) if before else None
    for row in changed:
        assert row.id is not None
        if row.id in recorded:
            continue
        work.bump(Claim, row.id, row.version)
        work.session.refresh(row)
        documents.refresh(work.session.connection(), [row.id])
        after = current_claim(work.session, row.id).model_dump(mode="json")
        work.record("claim", row.public_id, "update", before[row.id], after, reason=reason)


def cause(work: UnitOfWork, by: Relation | None, recorded: Collection[int]) -> str | None:
    """The reason of a revision that only settles a claim's standing: which relation
    (or claim) changed it, then the writer's own reason, if any."""
    if by is not None:
        state = ", retracted" if by.retracted_at is not None else ""
        what = f"relation {by.public_id} ({by.type}{state})"
    elif len(recorded) == 1:
        claim = work.session.get(Claim, next(iter(recorded)))
        what = f"claim {claim.public_id}" if claim is not None else ""
    else:
        return work.reason
    if not what:
        return work.reason
    return f"standing changed by {what}" + (f": {work.reason}" if work.reason else "")
