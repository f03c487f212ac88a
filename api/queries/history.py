"""The revision log, read back: every change to one resource, oldest first."""

from __future__ import annotations

from sqlmodel import Session, col, select

from models.history import RevisionPublic
from models.tables import Revision


def revisions(session: Session, resource: str, key: str) -> list[RevisionPublic]:
    rows = session.execute(
        select(Revision)
        .where(col(Revision.resource) == resource, col(Revision.resource_key) == key)
        .order_by(col(Revision.id))
    ).scalars()
    return [
        RevisionPublic(
            number=n, action=r.action, at=r.at, actor=r.actor, reason=r.reason, changes=r.changes
        )
        for n, r in enumerate(rows, start=1)
    ]
