"""The matcher's thresholds: set, guarded by `If-Match`, one revision each."""

from __future__ import annotations

from api.errors import invalid_body
from api.queries.matching import thresholds
from api.queries.versions import tag_of
from api.writes.unit import UnitOfWork
from models.matching import Thresholds, ThresholdsUpdate
from models.tables import MatchSetting


def set_thresholds(
    work: UnitOfWork, update: ThresholdsUpdate, if_match: str | None
) -> tuple[Thresholds, str]:
    """Change the thresholds; `suggest` may not be above `link` (a 422 naming the one
    sent). The new thresholds and their tag."""
    row = work.session.get(MatchSetting, 1, with_for_update=True)
    before, version = thresholds(work.reader)
    work.guard(if_match, tag_of(before, version))
    after = before.model_copy(update=update.model_dump(exclude_none=True))
    if after.suggest > after.link:
        field = "body.suggest" if update.suggest is not None else "body.link"
        raise invalid_body(
            field,
            f"suggest ({after.suggest}) must not be above link ({after.link}): a match "
            "would be linked without ever being proposed",
        )
    if after == before:
        return before, tag_of(before, version)
    values = after.model_dump()
    if row is None:
        row = MatchSetting(id=1, version=1, **values)
        work.add(row)
    else:
        work.bump(MatchSetting, 1, row.version)
        work.session.refresh(row)
        for name, value in values.items():
            setattr(row, name, value)
    work.flush()
    work.record("thresholds", "matching", "update", before.model_dump(), values)
    return after, tag_of(after, row.version)
