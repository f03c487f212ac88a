"""The unit of work: one write transaction, its one commit, and the one revision writer.

Use cases change the store through a `UnitOfWork` and never commit; whoever opened the
unit (a route, the batch endpoint, the CLI, the fixture loader) commits it once, at the
boundary, so a failure anywhere leaves the store as it was. A uniqueness race the checks
could not see, caught at a flush or at the commit, is a 409, never a 500.

The revision writer also writes the change feed (`/changes`): each change to a claim,
entity, source or relation gets a `change` row, and the rows get their feed positions
just before the commit, in commit order (`_publish`, docs/changes.md). A document that
changes because something it shows changed (a claim or source showing a renamed entity)
is a change like any other: a new version, `updated_at`, a `reshow` revision and a feed
entry (`bump_all`, `record_all`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pydantic_core
from sqlalchemy import Connection, bindparam, event, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col

from api.errors import precondition_failed, precondition_required, write_refused
from api.queries.versions import matches
from api.store.db import Reader, Store
from models.base import Principal
from models.tables import Change, Claim, Entity, Relation, Revision, Source
from models.tables.types import utc_now

# The resources the change feed (`/changes`) follows, each by the column its key is in,
# and the revision actions it shows, by the name a feed reader sees.
FED: dict[str, Any] = {
    "claim": (Claim, Claim.public_id),
    "entity": (Entity, Entity.slug),
    "source": (Source, Source.slug),
    "relation": (Relation, Relation.public_id),
}
KINDS = {
    "create": "created",
    "update": "updated",
    "retract": "retracted",
    "restore": "restored",
    "delete": "deleted",
    "merge": "merged",
    # A document that changed because something it shows did (an entity renamed).
    "reshow": "updated",
}
# The PostgreSQL advisory lock that hands out feed positions in commit order.
FEED_LOCK = 0x636C61696D73  # "claims"
_changes = Change.__table__  # type: ignore[attr-defined]
_PLACE = (
    update(_changes)
    .where(_changes.c.id == bindparam("change_id"))
    .values(seq=bindparam("change_seq"))
)


class UnitOfWork:
    """One write: its session, who makes it and why."""

    def __init__(self, session: Session, who: Principal, reason: str | None = None) -> None:
        self.session = session
        self.who = who
        self.reason = reason
        self._reader: Reader | None = None
        self._fed = False
        event.listen(session, "before_commit", self._publish)

    @property
    def reader(self) -> Reader:
        """Driver-level reads inside this unit's transaction (for `api.queries.names`)."""
        if self._reader is None:
            self._reader = Reader.of(self.session)
        return self._reader

    def add(self, row: SQLModel) -> None:
        self.session.add(row)

    def flush(self) -> None:
        try:
            self.session.flush()
        except IntegrityError as exc:
            raise write_refused() from exc

    def commit(self) -> None:
        try:
            self.session.commit()
        except IntegrityError as exc:
            self.session.rollback()
            raise write_refused() from exc

    def guard(self, if_match: str | None, current: str) -> None:
        """Go on only if `If-Match` names the current version (or is `*`): every change
        to an existing resource says which version it changes."""
        if if_match is None:
            raise precondition_required()
        if not matches(if_match, current):
            raise precondition_failed(if_match, current)

    def bump(self, model: Any, row_id: int, version: int) -> int:
        """Take the next version of a row (and its `updated_at`, where it has one), or
        fail if someone changed it first."""
        values: dict[str, Any] = {"version": version + 1}
        if hasattr(model, "updated_at"):
            values["updated_at"] = utc_now()
        result = self.session.execute(
            update(model).where(model.id == row_id, model.version == version).values(**values)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise precondition_failed()
        return version + 1

    def bump_all(self, model: Any, row_ids: Sequence[int]) -> None:
        """The next version of each of these rows, and its `updated_at`, whatever version
        it is at: for documents that change because something they show did (no one sent
        an `If-Match` for them). A few hundred rows at most: callers batch them
        (`api.store.documents.batches`), as a statement takes so many parameters."""
        if row_ids:
            self.session.execute(
                update(model)
                .where(model.id.in_(list(row_ids)))
                .values(version=model.version + 1, updated_at=utc_now())
            )

    def record(
        self,
        resource: str,
        key: str,
        action: str,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
        *,
        actor: str | None = None,
        reason: str | None = None,
    ) -> None:
        """The revision of one change: each field that differs, from and to (but not
        `updated_at`: the revision has its own time). `reason`, when the change carries
        its own (a rejection's), stands for the unit's. Changes to what the feed follows
        also go to the feed (`_feed`)."""
        self.record_all(resource, action, [(key, before, after)], actor=actor, reason=reason)

    def record_all(
        self,
        resource: str,
        action: str,
        changes: Sequence[tuple[str, Mapping[str, Any] | None, Mapping[str, Any] | None]],
        *,
        actor: str | None = None,
        reason: str | None = None,
    ) -> None:
        """`record` for several resources of one kind changed the same way, each as
        (key, before, after), with the same few statements however many there are (a few
        hundred at most, as `bump_all` takes them)."""
        at = datetime.now(UTC)
        for key, before, after in changes:
            self.session.add(
                Revision(
                    resource=resource,
                    resource_key=key,
                    action=action,
                    at=at,
                    actor=actor or self.who.name,
                    reason=reason or self.reason,
                    changes=json.loads(revision_changes(before, after)),
                )
            )
        if resource in FED and action in KINDS:
            self._feed(resource, KINDS[action], [(key, after) for key, _, after in changes])

    def _feed(
        self, resource: str, kind: str, changes: Sequence[tuple[str, Mapping[str, Any] | None]]
    ) -> None:
        """The changes as `/changes` shows them: each one's revision number, the version
        and the document a GET would now send (none for a deletion). Their feed positions
        are given at the commit (`_publish`)."""
        if not changes:
            return
        model, key_column = FED[resource]
        keys = [key for key, _ in changes]
        # The revisions just added are flushed by these reads (autoflush): they count.
        numbers = dict(
            self.session.execute(
                select(col(Revision.resource_key), func.count())
                .where(col(Revision.resource) == resource, col(Revision.resource_key).in_(keys))
                .group_by(col(Revision.resource_key))
            ).all()
        )
        versions: dict[str, int] = {}
        if kind != "deleted":
            statement = select(key_column, model.version).where(key_column.in_(keys))
            versions = dict(self.session.execute(statement).all())
        for key, after in changes:
            self.session.add(
                Change(
                    resource=resource,
                    resource_key=key,
                    kind=kind,
                    revision=numbers[key],
                    version=versions[key] if kind != "deleted" else None,
                    at=datetime.now(UTC),
                    document=pydantic_core.to_json(after).decode() if after is not None else None,
                )
            )
        self._fed = True

    def _publish(self, session: Session) -> None:
        """Give this unit's changes their feed positions, last thing before the commit,
        in commit order (`feed_positions`)."""
        if not self._fed:
            return
        self._fed = False
        session.flush()
        connection = session.connection()
        waiting = list(
            connection.execute(
                select(_changes.c.id).where(_changes.c.seq.is_(None)).order_by(_changes.c.id)
            ).scalars()
        )
        first = feed_positions(connection, len(waiting))
        placed = [
            {"change_id": change_id, "change_seq": first + n} for n, change_id in enumerate(waiting)
        ]
        if placed:
            connection.execute(_PLACE, placed)


def feed_positions(connection: Connection, count: int) -> int:
    """The first of `count` feed positions for changes about to be committed in this
    transaction, the others following it; the one rule for handing them out.

    On PostgreSQL transactions commit in any order, so positions taken earlier (a
    sequence) could become visible out of order and a reader past n+1 would never see n.
    A transaction-level advisory lock, held until the commit ends, hands positions out one
    committing transaction at a time, each after the previous one's commit is visible.
    SQLite writers are serialised already (BEGIN IMMEDIATE, `api.store.db`); the caller
    must have written in this transaction first, so that it holds the write lock.
    """
    if count and connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": FEED_LOCK})
    last = connection.execute(select(func.max(_changes.c.seq))).scalar() or 0
    return int(last) + 1


def revision_changes(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> str:
    """What a revision records, as JSON text: each field that differs, from and to, but
    not `updated_at` (the revision has its own time). The bulk loader writes the same
    through the driver."""
    old, new = dict(before or {}), dict(after or {})
    changes = {
        name: {"from": old.get(name), "to": new.get(name)}
        for name in sorted(set(old) | set(new))
        if old.get(name) != new.get(name) and name != "updated_at"
    }
    return pydantic_core.to_json(changes, fallback=str).decode()


@contextmanager
def unit_of_work(store: Store, who: Principal, reason: str | None = None) -> Iterator[UnitOfWork]:
    """A unit on a new write session; the caller commits it."""
    with store.write_session() as session:
        yield UnitOfWork(session, who, reason)


def sync_fields(row: SQLModel, values: Mapping[str, Any]) -> bool:
    """Set only the attributes that differ, so writing the same values issues no UPDATE."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed
