"""Fixtures -> store: verify everything first, then write in one transaction.

`verify` proves every quote against the held text (found at its offsets, or an error
naming the claim and the nearest match) and every cross-reference; `load` writes the
verified set as an idempotent sync keyed by public ids, so loading twice changes nothing
and a failed load leaves the store as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from api.errors import ProblemError
from api.queries import names
from api.store import documents
from api.store.db import Store
from api.store.migrate import ensure_current
from api.writes import quotes
from api.writes.claims import claim_values, sync_claim_links
from api.writes.sources import text_digest
from api.writes.unit import UnitOfWork, sync_fields
from models.base import Principal, Scope
from models.fixture import (
    ClaimFixture,
    EntityFixture,
    FixtureSet,
    SourceFixture,
)
from models.tables import Claim, Entity, EntityName, Source, SourceText

# Who a load's revisions are by.
LOADER = Principal("fixtures", Scope.admin)

FIXTURE_FILES = {
    "entities": "entities.yaml",
    "sources": "sources.yaml",
    "claims": "claims.yaml",
    "not_claims": "not_claims.yaml",
}


class FixtureError(Exception):
    """The fixtures are unusable; `problems` lists every reason, one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))

    def __reduce__(self) -> tuple[type[FixtureError], tuple[list[str]]]:
        # Raised in the bulk loader's worker processes and re-raised in the caller's.
        return (FixtureError, (self.problems,))


@dataclass(frozen=True)
class VerifiedFixtures:
    """A fixture set whose quotes and references have all been checked."""

    fixtures: FixtureSet
    texts: dict[str, str]  # held source slug -> its full text

    @property
    def claims(self) -> list[ClaimFixture]:
        return self.fixtures.claims


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, table: str, outcome: str) -> None:
        tally = getattr(self, outcome)
        tally[table] = tally.get(table, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        parts = []
        for table in ("entity", "source", "claim"):
            parts.append(
                f"{table}: {self.created.get(table, 0)} created, "
                f"{self.updated.get(table, 0)} updated, {self.unchanged.get(table, 0)} unchanged"
            )
        return "; ".join(parts)


# --- reading -------------------------------------------------------------------------


def read_fixtures(directory: Path) -> FixtureSet:
    """Parse and validate the fixture files, reporting every problem with its file."""
    raw: dict[str, Any] = {}
    problems: list[str] = []
    for key, filename in FIXTURE_FILES.items():
        path = directory / filename
        if not path.exists():
            if key != "not_claims":
                problems.append(f"{path}: missing")
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            problems.append(f"{path}: not valid YAML: {exc}")
            continue
        if data is not None and not isinstance(data, list):
            problems.append(f"{path}: expected a list of records")
            continue
        raw[key] = data or []
    if problems:
        raise FixtureError(problems)
    try:
        return FixtureSet.model_validate(raw)
    except ValidationError as exc:
        raise FixtureError([_describe(error, raw) for error in exc.errors()]) from None


def _describe(error: Any, raw: dict[str, Any]) -> str:
    loc = list(error["loc"])
    where = FIXTURE_FILES.get(str(loc[0]), str(loc[0]))
    record = ""
    if len(loc) > 1 and isinstance(loc[1], int):
        item = raw.get(str(loc[0]), [])[loc[1]]
        name = item.get("id") or item.get("slug") if isinstance(item, dict) else None
        record = f" record {loc[1]}" + (f" ({name})" if name else "")
    path = ".".join(str(part) for part in loc[2:])
    return f"{where}{record}: {path + ': ' if path else ''}{error['msg']}"


# --- verifying -----------------------------------------------------------------------


def _check_span(
    label: str, text: str, quoted: str, start: int, end: int, problems: list[str]
) -> None:
    try:
        quotes.place(text, quoted, start, end)
    except quotes.QuoteError as exc:
        problems.append(f"{label}: quote {quoted!r} {exc.message}")


def _duplicates(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    dup: list[str] = []
    for value in values:
        if value in seen:
            dup.append(value)
        seen.add(value)
    return dup


def verify(fixtures: FixtureSet, directory: Path) -> VerifiedFixtures:
    """Check every reference and every quote; raise FixtureError listing all problems."""
    problems: list[str] = []
    entity_slugs = {e.slug for e in fixtures.entities}
    source_slugs = {s.slug for s in fixtures.sources}
    for kind, values in (
        ("entity slug", [e.slug for e in fixtures.entities]),
        ("source slug", [s.slug for s in fixtures.sources]),
        ("claim id", [c.id for c in fixtures.claims]),
    ):
        problems += [f"duplicate {kind} {value!r}" for value in _duplicates(values)]

    owners: dict[str, str] = {}
    for entity in fixtures.entities:
        spellings = names.spellings(entity.slug, entity.name, entity.aliases)
        for folded, (spelled, _alias) in spellings.items():
            other = owners.setdefault(folded, entity.slug)
            if other != entity.slug:
                problems.append(
                    f"entity {entity.slug!r}: name or alias {spelled!r} already belongs to "
                    f"{other!r} (aliases are unique, ignoring case)"
                )

    texts: dict[str, str] = {}
    for source in fixtures.sources:
        if source.publisher and source.publisher not in entity_slugs:
            problems.append(f"source {source.slug!r}: unknown publisher {source.publisher!r}")
        if source.text:
            path = (directory / source.text).resolve()
            try:
                texts[source.slug] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(f"source {source.slug!r}: cannot read its text {path}: {exc}")

    for claim in fixtures.claims:
        label = f"claim {claim.id!r}"
        if claim.claimant not in entity_slugs:
            problems.append(f"{label}: unknown claimant {claim.claimant!r}")
        for link in claim.entities:
            if link.slug not in entity_slugs:
                problems.append(f"{label}: unknown entity {link.slug!r}")
        for position, hop in enumerate(claim.attribution):
            if hop.source and hop.source not in source_slugs:
                problems.append(f"{label}: hop {position} names unknown source {hop.source!r}")
            if hop.entity and hop.entity not in entity_slugs:
                problems.append(f"{label}: hop {position} names unknown entity {hop.entity!r}")
        if claim.claimant not in {hop.entity for hop in claim.attribution}:
            problems.append(f"{label}: claimant {claim.claimant!r} appears in no attribution hop")
        quote = claim.quote
        if quote.source not in texts:
            problems.append(f"{label}: quoted source {quote.source!r} has no held text")
        else:
            _check_span(label, texts[quote.source], quote.text, quote.start, quote.end, problems)

    for item in fixtures.not_claims:
        label = f"not-claim at {item.start}-{item.end}"
        if item.source not in texts:
            problems.append(f"{label}: source {item.source!r} has no held text")
        else:
            _check_span(label, texts[item.source], item.text, item.start, item.end, problems)

    if problems:
        raise FixtureError(problems)
    return VerifiedFixtures(fixtures=fixtures, texts=texts)


def read_and_verify(directory: Path) -> VerifiedFixtures:
    return verify(read_fixtures(directory), directory)


# --- writing -------------------------------------------------------------------------

T = TypeVar("T", bound=SQLModel)


def _upsert(
    session: Session,
    existing: dict[str, T],
    key: str,
    model: type[T],
    values: dict[str, Any],
    report: LoadReport,
) -> T:
    row = existing.get(key)
    table = str(model.__tablename__)
    if row is None:
        row = model(**values)
        session.add(row)
        existing[key] = row
        report.count(table, "created")
    elif sync_fields(row, values):
        report.count(table, "updated")
    else:
        report.count(table, "unchanged")
    return row


def _entity_values(entity: EntityFixture) -> dict[str, Any]:
    return {
        "slug": entity.slug,
        "name": entity.name,
        "kind": entity.kind.value,
        "description": entity.description,
    }


def source_values(
    source: SourceFixture, publisher_id: int | None, text: str | None
) -> dict[str, Any]:
    return {
        "slug": source.slug,
        "name": source.name,
        "title": source.title,
        "kind": source.kind.value,
        "date": source.date,
        "date_inferred": source.date_inferred,
        "date_note": source.date_note,
        "url": source.url,
        "publisher_id": publisher_id,
        "text_sha256": text_digest(text),
    }


def _sync_names(session: Session, entity: Entity, fixture: EntityFixture) -> bool:
    wanted = names.spellings(fixture.slug, fixture.name, fixture.aliases)
    have = {
        row.folded: row
        for row in session.execute(
            select(EntityName).where(col(EntityName.entity_id) == entity.id)
        ).scalars()
    }
    changed = False
    for folded, row in have.items():
        if folded not in wanted:
            session.delete(row)
            changed = True
    session.flush()
    for folded, (spelled, is_alias) in wanted.items():
        assert entity.id is not None
        name = EntityName(entity_id=entity.id, text=spelled, folded=folded, is_alias=is_alias)
        if folded in have:
            changed |= sync_fields(have[folded], name.model_dump(exclude={"id"}))
        else:
            session.add(name)
            changed = True
    return changed


def load(store: Store, verified: VerifiedFixtures) -> LoadReport:
    """Write a verified fixture set in one transaction; identical input changes nothing."""
    ensure_current(store)
    try:
        return _write(store, verified)
    except (IntegrityError, ProblemError) as exc:
        problem = f"the store rejected the fixtures, nothing was written: {exc}"
        raise FixtureError([problem]) from None


def _write(store: Store, verified: VerifiedFixtures) -> LoadReport:
    report = LoadReport()
    fixtures = verified.fixtures
    with store.write_session() as session, session.begin():
        work = UnitOfWork(session, LOADER, "claims load")
        # Only the rows the fixtures name (they reference nothing else): a load costs the
        # same on a store of a million claims as on an empty one.
        slugs = [e.slug for e in fixtures.entities]
        entities = {
            row.slug: row for row in session.exec(select(Entity).where(col(Entity.slug).in_(slugs)))
        }
        # Entities whose name or kind changed: every claim they figure in needs a new
        # document, not only the fixtures' own claims.
        renamed = {
            row.id
            for entity_fixture in fixtures.entities
            if (row := entities.get(entity_fixture.slug)) is not None
            and (row.name, row.kind) != (entity_fixture.name, entity_fixture.kind.value)
        }
        for entity_fixture in fixtures.entities:
            entity = _upsert(
                session,
                entities,
                entity_fixture.slug,
                Entity,
                _entity_values(entity_fixture),
                report,
            )
            session.flush()
            if _sync_names(session, entity, entity_fixture) and report.unchanged.get("entity"):
                report.unchanged["entity"] -= 1
                report.count("entity", "updated")
        entity_ids = {slug: row.id for slug, row in entities.items() if row.id is not None}

        source_slugs = [s.slug for s in fixtures.sources]
        sources = {
            row.slug: row
            for row in session.exec(select(Source).where(col(Source.slug).in_(source_slugs)))
        }
        for source_fixture in fixtures.sources:
            text = verified.texts.get(source_fixture.slug)
            publisher = entity_ids[source_fixture.publisher] if source_fixture.publisher else None
            source = _upsert(
                session,
                sources,
                source_fixture.slug,
                Source,
                source_values(source_fixture, publisher, text),
                report,
            )
            session.flush()
            if text is not None:
                assert source.id is not None
                held = session.get(SourceText, source.id)
                if held is None:
                    session.add(SourceText(source_id=source.id, text=text))
                elif held.text != text:
                    held.text = text
        source_ids = {slug: row.id for slug, row in sources.items() if row.id is not None}

        claim_ids = [c.id for c in fixtures.claims]
        claims = {
            row.public_id: row
            for row in session.exec(select(Claim).where(col(Claim.public_id).in_(claim_ids)))
        }
        ordered = sorted(fixtures.claims, key=lambda c: (c.quote.source, c.quote.start, c.id))
        for claim_fixture in ordered:
            values = claim_values(
                claim_fixture,
                source_ids[claim_fixture.quote.source],
                entity_ids[claim_fixture.claimant],
            )
            before = report.unchanged.get("claim", 0)
            existing = claims.get(claim_fixture.id)
            old = {name: getattr(existing, name) for name in values} if existing else {}
            claim = _upsert(session, claims, claim_fixture.id, Claim, values, report)
            session.flush()
            links_changed = sync_claim_links(session, claim, claim_fixture, entity_ids, source_ids)
            if links_changed and report.unchanged.get("claim", 0) > before:
                report.unchanged["claim"] -= 1
                report.count("claim", "updated")
            _record_load(work, claim, old, values, links_changed, existing is None)
        session.flush()
        connection = session.connection()
        touched = {row.id for row in claims.values() if row.id is not None}
        for entity_id in renamed:
            if entity_id is not None:
                touched.update(documents.claims_of(connection, entity_id))
        documents.refresh(connection, touched)
    return report


def _record_load(
    work: UnitOfWork,
    claim: Claim,
    old: dict[str, Any],
    new: dict[str, Any],
    links_changed: bool,
    created: bool,
) -> None:
    """A load is a change like any other: it bumps the version and leaves a revision."""
    if not created and old == new and not links_changed:
        return
    if not created:
        claim.version += 1
    before = None if created else dict(old)
    after = dict(new)
    if links_changed and not created:
        assert before is not None
        before["entities and attribution"] = "as before"
        after["entities and attribution"] = "as in the fixtures"
    work.record("claim", claim.public_id, "create" if created else "update", before, after)


__all__ = [
    "FixtureError",
    "LoadReport",
    "VerifiedFixtures",
    "load",
    "read_and_verify",
    "read_fixtures",
    "verify",
]
