"""Fixtures -> store: verify everything first, then write in one transaction.

`verify` proves every quote against the held text (found at its offsets, or an error
naming the claim and the nearest match) and every cross-reference; `load` writes the
verified set as an idempotent sync keyed by public ids, so loading twice changes nothing
and a failed load leaves the store as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic_core
import yaml
from pydantic import BaseModel, ValidationError
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from api.errors import ProblemError
from api.queries import catalog, names
from api.queries.resolution import role_title
from api.store import documents, entity_keys, relation_entities
from api.store.db import Store
from api.store.migrate import ensure_current
from api.writes import clusters, entities, quotes, relations, standing
from api.writes.claims import claim_values, sync_claim_links
from api.writes.sources import text_digest
from api.writes.unit import UnitOfWork, sync_fields
from models.base import EntityKind, Principal, Scope
from models.claim import ClaimPublic
from models.entity import wikidata_id
from models.fixture import (
    ClaimFixture,
    EntityFixture,
    FixtureSet,
    SourceFixture,
)
from models.tables import (
    Claim,
    Entity,
    EntityIdentifier,
    EntityName,
    EntityRoleRow,
    Relation,
    Revision,
    Source,
    SourceText,
)
from models.tables.types import utc_now

# Who a load's revisions are by.
LOADER = Principal("fixtures", Scope.admin)

FIXTURE_FILES = {
    "entities": "entities.yaml",
    "sources": "sources.yaml",
    "claims": "claims.yaml",
    "relations": "relations.yaml",
    "not_claims": "not_claims.yaml",
}
OPTIONAL_FILES = {"relations", "not_claims"}


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
    """What a load did, per table: created, updated, unchanged, and kept (changed through
    the API since, so left as they are; `force` overwrites them)."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)

    def count(self, table: str, outcome: str) -> None:
        tally = getattr(self, outcome)
        tally[table] = tally.get(table, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        parts = []
        for table in ("entity", "source", "claim", "relation"):
            kept = self.kept.get(table, 0)
            parts.append(
                f"{table}: {self.created.get(table, 0)} created, "
                f"{self.updated.get(table, 0)} updated, {self.unchanged.get(table, 0)} unchanged"
                + (f", {kept} kept as edited through the API" if kept else "")
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
            if key not in OPTIONAL_FILES:
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
        ("relation id", [r.id for r in fixtures.relations]),
    ):
        problems += [f"duplicate {kind} {value!r}" for value in _duplicates(values)]

    owners: dict[str, str] = {}
    identified: dict[str, str] = {}
    for entity in fixtures.entities:
        if entity.kind is EntityKind.anonymous:
            problems.append(
                f"entity {entity.slug!r}: an unnamed source (anonymous) belongs to the source "
                "that describes it and is made from its claims, not from fixtures"
            )
        for uri in entity.same_as:
            other = identified.setdefault(uri, entity.slug)
            if other != entity.slug:
                problems.append(
                    f"entity {entity.slug!r}: same_as {uri!r} already identifies {other!r}"
                )
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

    # Relations are checked like quotes: both claims exist, and a source that draws the
    # link exists (types and self-links are checked as each record is read).
    claim_ids = {c.id for c in fixtures.claims}
    for relation in fixtures.relations:
        label = f"relation {relation.id!r}"
        for end in (relation.from_, relation.to):
            if end not in claim_ids:
                problems.append(f"{label}: unknown claim {end!r}")
        if relation.asserted_by and relation.asserted_by.source not in source_slugs:
            problems.append(f"{label}: unknown source {relation.asserted_by.source!r}")
    links = [(r.from_, r.to, r.type) for r in fixtures.relations]
    problems += [
        f"relations: {a!r} {kind.value} {b!r} is given more than once"
        for a, b, kind in set(links)
        if links.count((a, b, kind)) > 1
    ]

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


def _sync_identity(session: Session, entity: Entity, fixture: EntityFixture) -> None:
    """The entity's `same_as` and roles as the fixture gives them (rewritten only when
    they differ, so an identical load writes nothing)."""
    assert entity.id is not None
    held = session.execute(
        select(col(EntityIdentifier.uri))
        .where(col(EntityIdentifier.entity_id) == entity.id)
        .order_by(col(EntityIdentifier.position), col(EntityIdentifier.id))
    ).scalars()
    if list(held) != list(fixture.same_as):
        session.execute(
            delete(EntityIdentifier).where(col(EntityIdentifier.entity_id) == entity.id)
        )
        for position, uri in enumerate(fixture.same_as):
            session.add(
                EntityIdentifier(
                    entity_id=entity.id, uri=uri, wikidata=wikidata_id(uri), position=position
                )
            )
    roles = [
        (row.title, row.since, row.until)
        for row in session.execute(
            select(EntityRoleRow)
            .where(col(EntityRoleRow.entity_id) == entity.id)
            .order_by(col(EntityRoleRow.position), col(EntityRoleRow.id))
        ).scalars()
    ]
    if roles != [(r.title, r.since, r.until) for r in fixture.roles]:
        session.execute(delete(EntityRoleRow).where(col(EntityRoleRow.entity_id) == entity.id))
        for position, role in enumerate(fixture.roles):
            session.add(
                EntityRoleRow(
                    entity_id=entity.id,
                    title=role.title,
                    folded=role_title(role.title)[:200],
                    since=role.since,
                    until=role.until,
                    position=position,
                )
            )


def _sync_names(session: Session, entity: Entity, fixture: EntityFixture) -> bool:
    """The entity's spellings as the fixture gives them; True if any changed."""
    changed = False
    wanted = names.spellings(fixture.slug, fixture.name, fixture.aliases)
    have = {
        row.folded: row
        for row in session.execute(
            select(EntityName).where(col(EntityName.entity_id) == entity.id)
        ).scalars()
    }
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


def load(
    store: Store,
    verified: VerifiedFixtures,
    *,
    force: bool = False,
    on_item: Callable[[int], None] | None = None,
) -> LoadReport:
    """Write a verified fixture set in one transaction; identical input changes nothing.
    `on_item` hears of each entity, source, claim and relation as it is synced (of
    `item_count` in all), for a progress bar.

    The policy, so that history never tells something no longer true: every change a load
    makes is a revision (actor `fixtures`), and a resource whose last change was made
    through the API is kept as it is, unless `force`, which overwrites it (and says so
    in its revision).
    """
    ensure_current(store)
    try:
        return _Load(store, verified, force, on_item).run()
    except (IntegrityError, ProblemError) as exc:
        problem = f"the store rejected the fixtures, nothing was written: {exc}"
        raise FixtureError([problem]) from None


def item_count(verified: VerifiedFixtures) -> int:
    """How many resources a load of these fixtures syncs."""
    fixtures = verified.fixtures
    return (
        len(fixtures.entities)
        + len(fixtures.sources)
        + len(fixtures.claims)
        + len(fixtures.relations)
    )


class _Load:
    """One load: entities, then sources, then claims, each synced and recorded."""

    def __init__(
        self,
        store: Store,
        verified: VerifiedFixtures,
        force: bool,
        on_item: Callable[[int], None] | None = None,
    ) -> None:
        self.store = store
        self.on_item = on_item
        self.fixtures = verified.fixtures
        self.texts = verified.texts
        self.force = force
        self.report = LoadReport()

    def run(self) -> LoadReport:
        with self.store.write_session() as session, session.begin():
            self.work = UnitOfWork(
                session, LOADER, "claims load --force" if self.force else "claims load"
            )
            entity_ids = self._entities()
            source_ids = self._sources(entity_ids)
            self._claims(entity_ids, source_ids)
        return self.report

    @property
    def session(self) -> Session:
        return self.work.session

    def _kept(self, resource: str, keys: list[str]) -> set[str]:
        """Keys whose last change came through the API, which this load leaves alone. A
        document re-shown because an entity it shows changed (`reshow`) was not edited."""
        if self.force or not keys:
            return set()
        last = (
            select(func.max(col(Revision.id)))
            .where(
                col(Revision.resource) == resource,
                col(Revision.resource_key).in_(keys),
                col(Revision.action) != "reshow",
            )
            .group_by(col(Revision.resource_key))
        )
        rows = self.session.execute(
            select(col(Revision.resource_key), col(Revision.actor)).where(
                col(Revision.id).in_(last)
            )
        )
        return {key for key, actor in rows if actor != LOADER.name}

    def _outcome(
        self,
        resource: str,
        key: str,
        row: Entity | Source | Claim | Relation,
        before: dict[str, Any] | None,
        after: dict[str, Any],
    ) -> None:
        """Count the change, and record it as a revision at the row's next version (and
        its `updated_at`, which the claim's stored document shows too)."""
        if self.on_item is not None:
            self.on_item(1)
        if before == after:
            self.report.count(resource, "unchanged")
            return
        if before is not None:
            row.version += 1
            row.updated_at = utc_now()
            after = {**after, "updated_at": pydantic_core.to_jsonable_python(row.updated_at)}
            if resource == "claim":
                self.work.flush()
                assert row.id is not None
                documents.refresh(self.session.connection(), [row.id])
        self.report.count(resource, "created" if before is None else "updated")
        self.work.record(resource, key, "create" if before is None else "update", before, after)

    def _entities(self) -> dict[str, int]:
        slugs = [e.slug for e in self.fixtures.entities]
        rows = {
            row.slug: row
            for row in self.session.execute(
                select(Entity).where(col(Entity.slug).in_(slugs))
            ).scalars()
        }
        kept = self._kept("entity", slugs)
        for fixture in self.fixtures.entities:
            row = rows.get(fixture.slug)
            if row is not None and fixture.slug in kept:
                self.report.count("entity", "kept")
                continue
            before = _shown(catalog.entity_public(self.session, row)) if row else None
            was = entities.shown(row) if row else None
            if row is None:
                row = rows[fixture.slug] = Entity(**_entity_values(fixture))
                self.session.add(row)
            else:
                sync_fields(row, _entity_values(fixture))
            self.work.flush()
            if _sync_names(self.session, row, fixture):
                self.work.flush()
                assert row.id is not None
                entity_keys.rewrite(self.session.connection(), [row.id])
            _sync_identity(self.session, row, fixture)
            self.work.flush()
            after = _shown(catalog.entity_public(self.session, row))
            self._outcome("entity", fixture.slug, row, before, after)
            if was is not None:
                # The claims and sources that show it, whatever this load does to them.
                entities.reshow(self.work, row, was)
        return {slug: row.id for slug, row in rows.items() if row.id is not None}

    def _sources(self, entity_ids: dict[str, int]) -> dict[str, int]:
        slugs = [s.slug for s in self.fixtures.sources]
        rows = {
            row.slug: row
            for row in self.session.execute(
                select(Source).where(col(Source.slug).in_(slugs))
            ).scalars()
        }
        kept = self._kept("source", slugs)
        for fixture in self.fixtures.sources:
            row = rows.get(fixture.slug)
            if row is not None and fixture.slug in kept:
                self.report.count("source", "kept")
                continue
            text = self.texts.get(fixture.slug)
            publisher = entity_ids[fixture.publisher] if fixture.publisher else None
            values = source_values(fixture, publisher, text)
            before = None
            if row is None:
                row = rows[fixture.slug] = Source(**values)
                self.session.add(row)
            else:
                assert row.id is not None
                before = _shown(catalog.source_public(self.session, row.id))
                sync_fields(row, values)
            self.work.flush()
            assert row.id is not None
            if text is not None:
                held = self.session.get(SourceText, row.id)
                if held is None:
                    self.session.add(SourceText(source_id=row.id, text=text))
                elif held.text != text:
                    held.text = text
            after = _shown(catalog.source_public(self.session, row.id))
            self._outcome("source", fixture.slug, row, before, after)
        return {slug: row.id for slug, row in rows.items() if row.id is not None}

    def _claims(self, entity_ids: dict[str, int], source_ids: dict[str, int]) -> None:
        ids = [c.id for c in self.fixtures.claims]
        rows = {
            row.public_id: row
            for row in self.session.execute(
                select(Claim).where(col(Claim.public_id).in_(ids))
            ).scalars()
        }
        connection = self.session.connection()
        shown_before = documents.load(connection, [r.id for r in rows.values() if r.id])
        kept = self._kept("claim", ids)
        written: list[Claim] = []
        ordered = sorted(self.fixtures.claims, key=lambda c: (c.quote.source, c.quote.start, c.id))
        for fixture in ordered:
            row = rows.get(fixture.id)
            if row is not None and fixture.id in kept:
                self.report.count("claim", "kept")
                continue
            values = claim_values(
                fixture, source_ids[fixture.quote.source], entity_ids[fixture.claimant]
            )
            if row is None:
                row = rows[fixture.id] = Claim(**values)
                self.session.add(row)
            else:
                sync_fields(row, values)
            self.work.flush()
            sync_claim_links(self.session, row, fixture, entity_ids, source_ids)
            written.append(row)
        self.work.flush()
        claim_ids = {key: row.id for key, row in rows.items() if row.id is not None}
        linked = self._relations(claim_ids, source_ids)
        # How each claim stands follows from the relations just written: its own revision
        # below says so for a fixture claim, a revision of its own for any other.
        recorded = {row.id for row in written if row.id is not None}
        relation_entities.refresh(connection, recorded | linked)
        clusters.regroup(self.work, recorded | linked)
        standing.settle(
            self.work, standing.neighbours(self.session, recorded | linked), recorded=recorded
        )
        shown_after = documents.refresh(connection, recorded)
        for row in written:
            assert row.id is not None
            before = shown_before.get(row.id)
            self._outcome(
                "claim",
                row.public_id,
                row,
                _shown(ClaimPublic.model_validate(before)) if before else None,
                json.loads(shown_after[row.id]),
            )

    def _relations(self, claim_ids: dict[str, int], source_ids: dict[str, int]) -> set[int]:
        """Write the fixtures' relations; returns the claims the changed ones link."""
        ids = [r.id for r in self.fixtures.relations]
        rows = {
            row.public_id: row
            for row in self.session.execute(
                select(Relation).where(col(Relation.public_id).in_(ids))
            ).scalars()
        }
        kept = self._kept("relation", ids)
        linked: set[int] = set()
        for fixture in self.fixtures.relations:
            row = rows.get(fixture.id)
            if row is not None and fixture.id in kept:
                self.report.count("relation", "kept")
                continue
            values: dict[str, Any] = {
                "public_id": fixture.id,
                "type": fixture.type.value,
                "from_claim_id": claim_ids[fixture.from_],
                "to_claim_id": claim_ids[fixture.to],
                "note": fixture.note,
                "source_id": source_ids[fixture.asserted_by.source]
                if fixture.asserted_by
                else None,
                "analyst": None if fixture.asserted_by else LOADER.name,
            }
            before = None
            if row is None:
                row = rows[fixture.id] = Relation(**values)
                self.session.add(row)
            else:
                before = _shown(relations.shown(self.work, fixture.id))
                sync_fields(row, values)
            self.work.flush()
            after = _shown(relations.shown(self.work, fixture.id))
            if before != after:
                linked |= {claim_ids[fixture.from_], claim_ids[fixture.to]}
            self._outcome("relation", fixture.id, row, before, after)
        return linked


def _shown(public: BaseModel) -> dict[str, Any]:
    """A resource as a revision records it: the JSON readers get."""
    return public.model_dump(mode="json")


__all__ = [
    "FixtureError",
    "LoadReport",
    "VerifiedFixtures",
    "load",
    "read_and_verify",
    "read_fixtures",
    "verify",
]
