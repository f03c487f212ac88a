"""The unit of work: one write transaction, its one commit, and the one revision writer.

Use cases change the store through a `UnitOfWork` and never commit; whoever opened the
unit (a route, the batch endpoint, the CLI, the fixture loader) commits it once, at the
boundary, so a failure anywhere leaves the store as it was. A uniqueness race the checks
could not see, caught at a flush or at the commit, is a 409, never a 500.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pydantic_core
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from api.errors import conflict, precondition_failed, precondition_required
from api.queries.versions import matches
from api.store.db import Reader, Store
from models.base import Principal
from models.tables import Revision


class UnitOfWork:
    """One write: its session, who makes it and why."""

    def __init__(self, session: Session, who: Principal, reason: str | None = None) -> None:
        self.session = session
        self.who = who
        self.reason = reason
        self._reader: Reader | None = None

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
            raise _refused(exc) from None

    def commit(self) -> None:
        try:
            self.session.commit()
        except IntegrityError as exc:
            self.session.rollback()
            raise _refused(exc) from None

    def guard(self, if_match: str | None, current: str) -> None:
        """Go on only if `If-Match` names the current version (or is `*`): every change
        to an existing resource says which version it changes."""
        if if_match is None:
            raise precondition_required()
        if not matches(if_match, current):
            raise precondition_failed(if_match, current)

    def bump(self, model: Any, row_id: int, version: int) -> int:
        """Take the next version of a row, or fail if someone changed it first."""
        result = self.session.execute(
            update(model)
            .where(model.id == row_id, model.version == version)
            .values(version=version + 1)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise precondition_failed()
        return version + 1

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
        """The revision of one change: each field that differs, from and to. `reason`, when
        the change carries its own (a rejection's), stands for the unit's."""
        self.session.add(
            Revision(
                resource=resource,
                resource_key=key,
                action=action,
                at=datetime.now(UTC),
                actor=actor or self.who.name,
                reason=reason or self.reason,
                changes=json.loads(revision_changes(before, after)),
            )
        )


def revision_changes(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> str:
    """What a revision records, as JSON text: each field that differs, from and to (the
    bulk loader writes the same through the driver)."""
    old, new = dict(before or {}), dict(after or {})
    changes = {
        name: {"from": old.get(name), "to": new.get(name)}
        for name in sorted(set(old) | set(new))
        if old.get(name) != new.get(name)
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


def _refused(exc: IntegrityError) -> Exception:
    return conflict(f"The store refused the change: {exc.orig}")
