"""Claims whose documents change because something they show did: an entity renamed or
merged away, a cluster grown or split. Each such claim takes a new version and
`updated_at`, a `reshow` revision and its new document in the change feed, so a reader
who replays the feed ends with the store's documents. A batch at a time."""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import select
from sqlmodel import col

from api.store import documents
from api.writes.unit import UnitOfWork
from models.tables import Claim


def claims(work: UnitOfWork, claim_ids: Iterable[int], reason: str) -> None:
    """Rewrite these claims' documents; those that come out otherwise are reshown. A
    claim whose first document this is (loaded in this unit) has nothing to reshow."""
    connection = work.session.connection()
    for batch in documents.batches(sorted(set(claim_ids))):
        before = documents.held(connection, batch)
        shown = documents.refresh(connection, batch)
        moved = [c for c in sorted(shown) if c in before and before[c] != shown[c]]
        if not moved:
            continue
        work.bump_all(Claim, moved)
        after = documents.refresh(connection, moved)
        keys = dict(
            work.session.execute(
                select(col(Claim.id), col(Claim.public_id)).where(col(Claim.id).in_(moved))
            ).all()
        )
        changes = [(keys[i], json.loads(before[i]), json.loads(after[i])) for i in moved]
        work.record_all("claim", "reshow", changes, reason=reason)
