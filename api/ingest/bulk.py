"""Bulk loading: millions of claims into an empty or growing store, fast and in bounded memory.

Unlike `api.ingest.fixtures` (a careful sync of the small hand-made fixtures), this path only
appends: new entities, sources and claims, streamed in batches, each batch one
transaction. Quotes are still checked against the held texts, and each claim gets its
creation revision, as `POST /claims` would write it. Rows go in through executemany, and
the search index is rebuilt once at the end instead of row by row.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain, islice
from typing import Any, NamedTuple, TypeVar

from pydantic import ValidationError
from sqlalchemy import Connection, func, insert, select
from sqlmodel import SQLModel

from api.ingest.fixtures import FixtureError, source_values
from api.queries import names
from api.queries.resolution import role_title
from api.store import documents, entity_keys, search
from api.store.db import Store
from api.store.migrate import ensure_current
from api.writes import quotes
from api.writes.unit import feed_positions, revision_changes
from models.base import Role, date_bounds, date_keys
from models.entity import wikidata_id
from models.fixture import ClaimFixture, EntityFixture, QuoteFixture, SourceFixture
from models.tables import (
    Claim,
    Entity,
    EntityIdentifier,
    EntityKey,
    EntityName,
    EntityRoleRow,
    Revision,
    Source,
    SourceText,
)
from models.tables.types import utc_now

T = TypeVar("T")


class ClaimLine(NamedTuple):
    """A claim as a line of an NDJSON file, still unparsed: whoever prepares its batch
    parses it, so with workers the writing process neither parses nor pickles the claim."""

    number: int  # in the file, for the message when it is not a JSON object
    text: bytes


Item = ClaimFixture | Mapping[str, Any] | ClaimLine
_Problem = tuple[str | None, str]  # what is wrong with a claim, and its id if it has one


@dataclass(frozen=True)
class BulkReport:
    entities: int
    sources: int
    claims: int
    seconds: float
    skipped: int = 0  # claims already in the store, left as they were


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _next_id(connection: Connection, table: Any) -> int:
    return int(connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1


def bulk_load(
    store: Store,
    *,
    entities: Iterable[EntityFixture],
    sources: Iterable[SourceFixture],
    texts: Mapping[str, str],
    claims: Iterable[Item],
    batch_size: int = 5_000,
    workers: int | None = None,
    skip_existing: bool = False,
    actor: str = "bulk-load",
) -> BulkReport:
    """Append entities, sources (with `texts` by source slug) and claims to the store.

    Claims may come as mappings in the `POST /claims` shape, or as lines of NDJSON in
    that shape (a quote without offsets is found in its text); each is validated.
    `workers` processes (default: the spare cores, see `default_workers`) parse, check
    and render batches while this process writes; 0 does everything here. With
    `skip_existing`, claims whose id is already in the store are passed over, so a load
    that stopped can be run again. Revisions name `actor`.
    """
    started = time.perf_counter()
    ensure_current(store)
    loaded_at = utc_now()  # every row of the load is updated at its start
    with store.engine.begin() as connection:
        shown = _insert_entities(connection, entities, loaded_at)
        entity_ids = {slug: entity.id for slug, entity in shown.items()}
        source_ids = _insert_sources(connection, sources, texts, entity_ids, loaded_at)
    with store.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # A large page cache (128 MB) keeps the hot index pages in memory as rows stream in.
            connection.exec_driver_sql("PRAGMA cache_size = -131072")
            # Helper threads for the sorts that build the indexes at the end.
            connection.exec_driver_sql(f"PRAGMA threads = {min(os.cpu_count() or 1, 4)}")
        claim_table = SQLModel.metadata.tables["claim"]
        fresh = connection.execute(select(claim_table.c.id).limit(1)).first() is None
        search.suspend(connection)
        if fresh:
            _drop_secondary_indexes(connection)
        connection.commit()
        with _unchecked_keys(connection), _finished(connection):
            context = _Context(
                connection.dialect.name == "sqlite",
                texts,
                shown,
                source_ids,
                actor,
                loaded_at,
                _stored_time(connection, loaded_at),
            )
            # Into a fresh store nothing is there to skip, and the lookups are spared.
            writer = _Writer(connection, skip_existing and not fresh)
            claim_count = _stream_claims(
                writer,
                claims,
                batch_size,
                context,
                default_workers() if workers is None else workers,
            )
    return BulkReport(
        len(entity_ids),
        len(source_ids),
        claim_count - writer.skipped,
        time.perf_counter() - started,
        writer.skipped,
    )


@contextmanager
def _finished(connection: Connection) -> Iterator[None]:
    """After the claims, even when they stopped: the indexes, search and sequences."""
    try:
        yield
    finally:
        with connection.begin():
            # Always, not only into a fresh store: a load killed midway left them out.
            _create_secondary_indexes(connection)
            search.resume(connection)
            _advance_sequences(connection)


@contextmanager
def _unchecked_keys(connection: Connection) -> Iterator[None]:
    """No foreign key checks on this SQLite connection while the claims go in, restored
    after: every id their rows hold is the claim's own new one or comes from the loader's
    slug-to-id maps of the entities and sources in the store, so the keys hold by
    construction, and checking them costs index lookups on every row. The pragma does
    nothing inside a transaction, so it goes to the driver's connection between them."""
    if connection.dialect.name != "sqlite":
        yield
        return
    driver: Any = connection.connection.driver_connection  # sqlite3.Connection
    assert not driver.in_transaction  # else the pragma would do nothing
    (was,) = driver.execute("PRAGMA foreign_keys").fetchone()
    driver.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        driver.execute(f"PRAGMA foreign_keys={'ON' if was else 'OFF'}")


def _stored_time(connection: Connection, moment: datetime) -> Any:
    """A timestamp as the revision table's column type hands it to this driver, and on
    SQLite as the text the driver's default adapter makes of that datetime
    (`isoformat(" ")`): made once here instead of for each of a million rows."""
    column_type = Revision.__table__.c.at.type  # type: ignore[attr-defined]
    processor = column_type.bind_processor(connection.dialect)
    value = processor(moment) if processor else moment
    if connection.dialect.name == "sqlite" and isinstance(value, datetime):
        return value.isoformat(" ")
    return value


def _claim_id(item: ClaimFixture | Mapping[str, Any]) -> str | None:
    found = item.id if isinstance(item, ClaimFixture) else item.get("id")
    return found if isinstance(found, str) else None


class _Shown(NamedTuple):
    """What a claim's document shows of an entity, and its row id."""

    id: int
    name: str
    kind: str


def _insert_entities(
    connection: Connection, entities: Iterable[EntityFixture], loaded_at: datetime
) -> dict[str, _Shown]:
    table = Entity.__table__  # type: ignore[attr-defined]
    names_table = EntityName.__table__  # type: ignore[attr-defined]
    keys_table = EntityKey.__table__  # type: ignore[attr-defined]
    identifiers = EntityIdentifier.__table__  # type: ignore[attr-defined]
    roles = EntityRoleRow.__table__  # type: ignore[attr-defined]
    ids: dict[str, _Shown] = {
        row.slug: _Shown(row.id, row.name, row.kind)
        for row in connection.execute(select(table.c.slug, table.c.id, table.c.name, table.c.kind))
    }
    next_id = _next_id(connection, table)
    for batch in _batches(entities, 20_000):
        rows: list[dict[str, Any]] = []
        name_rows: list[dict[str, Any]] = []
        key_rows: list[dict[str, Any]] = []
        identifier_rows: list[dict[str, Any]] = []
        role_rows: list[dict[str, Any]] = []
        for entity in batch:
            ids[entity.slug] = _Shown(next_id, entity.name, entity.kind.value)
            rows.append(
                {
                    "id": next_id,
                    "slug": entity.slug,
                    "name": entity.name,
                    "kind": entity.kind.value,
                    "description": entity.description,
                    "updated_at": loaded_at,
                }
            )
            spellings = names.spellings(entity.slug, entity.name, entity.aliases)
            name_rows += [
                {"entity_id": next_id, "text": text, "folded": folded, "is_alias": is_alias}
                for folded, (text, is_alias) in spellings.items()
            ]
            key_rows += [
                {"key": key, "entity_id": next_id}
                for key in sorted(entity_keys.keys_of([entity.name, *entity.aliases]))
            ]
            identifier_rows += [
                {"entity_id": next_id, "uri": uri, "wikidata": wikidata_id(uri), "position": n}
                for n, uri in enumerate(entity.same_as)
            ]
            role_rows += [
                {
                    "entity_id": next_id,
                    "title": role.title,
                    "folded": role_title(role.title)[:200],
                    "since": role.since,
                    "until": role.until,
                    "position": n,
                }
                for n, role in enumerate(entity.roles)
            ]
            next_id += 1
        connection.execute(insert(table), rows)
        connection.execute(insert(names_table), name_rows)
        for extra, extra_rows in (
            (keys_table, key_rows),
            (identifiers, identifier_rows),
            (roles, role_rows),
        ):
            if extra_rows:
                connection.execute(insert(extra), extra_rows)
    return ids


def _insert_sources(
    connection: Connection,
    sources: Iterable[SourceFixture],
    texts: Mapping[str, str],
    entity_ids: Mapping[str, int],
    loaded_at: datetime,
) -> dict[str, int]:
    table = Source.__table__  # type: ignore[attr-defined]
    ids: dict[str, int] = {
        row.slug: row.id for row in connection.execute(select(table.c.slug, table.c.id))
    }
    next_id = _next_id(connection, table)
    for batch in _batches(sources, 20_000):
        rows, held = [], []
        for source in batch:
            ids[source.slug] = next_id
            text = texts.get(source.slug)
            publisher = entity_ids[source.publisher] if source.publisher else None
            rows.append(
                {"id": next_id, **source_values(source, publisher, text), "updated_at": loaded_at}
            )
            if text is not None:
                held.append({"source_id": next_id, "text": text})
            next_id += 1
        connection.execute(insert(table), rows)
        if held:
            connection.execute(insert(SourceText.__table__), held)  # type: ignore[attr-defined]
    return ids


_CLAIM_COLUMNS = (
    "id",
    "public_id",
    "statement",
    "quote_source_id",
    "quote_start",
    "quote_end",
    "quote_text",
    "claimant_id",
    "claimed_on",
    "claimed_on_inferred",
    "claimed_from",
    "claimed_to",
    "claimed_key",
    "claimed_end_key",
    "event_date",
    "event_date_inferred",
    "event_from",
    "event_to",
    "event_key",
    "event_end_key",
    "status",
    "stated_status",
    "speech",
    "quantity_value",
    "quantity_low",
    "quantity_high",
    "quantity_unit",
    "quantity_qualifier",
    "quantity_text",
    "search_text",
    "updated_at",
)


def _insert_many(
    connection: Connection, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Rows straight to the driver (the ORM's per-row work costs more than the database):
    PostgreSQL's COPY, one stream per table and batch instead of a statement per row;
    executemany on SQLite, where an insert is a function call in this process anyway."""
    if not rows:
        return
    column_list = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            with cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        finally:
            cursor.close()
        return
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    markers = ", ".join([marker] * len(columns))
    connection.exec_driver_sql(f"INSERT INTO {table} ({column_list}) VALUES ({markers})", rows)


@dataclass
class _Rows:
    """One batch of claims as table rows, ready for the driver."""

    claims: list[tuple[Any, ...]] = field(default_factory=list)
    links: list[tuple[Any, ...]] = field(default_factory=list)
    hops: list[tuple[Any, ...]] = field(default_factory=list)
    docs: list[tuple[int, str]] = field(default_factory=list)
    revisions: list[tuple[Any, ...]] = field(default_factory=list)
    changes: list[tuple[Any, ...]] = field(default_factory=list)  # for the feed, unplaced
    # What is wrong with the batch's other claims, each with the claim's id if it has one:
    # the writer leaves out those already in the store before it stops the load.
    problems: list[_Problem] = field(default_factory=list)


@dataclass(frozen=True)
class _Context:
    """What preparing a batch needs besides the batch: sent once to each worker."""

    sqlite: bool
    texts: Mapping[str, str]
    entities: Mapping[str, _Shown]
    source_ids: Mapping[str, int]
    actor: str  # who the revisions name
    loaded_at: datetime  # when the load started: every row's `updated_at`
    at: Any  # the same, as the driver takes it


_adopted: _Context | None = None  # in a worker process: the context it was started with


def _adopt(context: _Context) -> None:
    global _adopted
    _adopted = context


def _prepare_adopted(batch: list[Item], next_id: int) -> _Rows:
    assert _adopted is not None
    return _prepare(batch, next_id, _adopted)


def default_workers() -> int:
    """Processes that check and render claims while this one writes: the spare cores."""
    return min(4, (os.cpu_count() or 1) - 1)


def _stream_claims(
    writer: _Writer,
    claims: Iterable[Item],
    batch_size: int,
    context: _Context,
    workers: int,
) -> int:
    """Check, render and write the claims batch by batch, each batch one transaction; a
    bad claim stops the load with the batches before it written.

    Checking and rendering is Python, writing mostly SQLite, so with a spare core worker
    processes prepare the next batches while this one writes. (Threads would not do:
    the driver binds every value holding the interpreter lock, and two threads lose more
    handing the lock over than they gain.) A load of one batch stays in this process.
    """
    connection = writer.connection
    next_id = _next_id(connection, Claim.__table__)  # type: ignore[attr-defined]
    connection.commit()
    batches = _batches(claims, batch_size)
    first = next(batches, None)
    if first is None:
        return 0
    if workers < 1 or len(first) < batch_size:
        count = 0
        for batch in chain([first], batches):
            writer.write(_prepare(batch, next_id + count, context))
            count += len(batch)
        return count
    count = len(first)
    # Spawned, not forked: a worker starts empty and gets only the context, instead of a
    # copy of this process (caller's data, page cache and all) that it would dirty.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        workers, mp_context=spawn, initializer=_adopt, initargs=(context,)
    ) as pool:
        pending: deque[Future[_Rows]] = deque()
        unprepared: list[Item] | None = first
        try:
            for batch in batches:
                pending.append(pool.submit(_prepare_adopted, batch, next_id + count))
                count += len(batch)
                if unprepared is not None:
                    # A spawned worker takes a second or two to start: meanwhile this
                    # process prepares and writes the first batch itself.
                    writer.write(_prepare(unprepared, next_id, context))
                    unprepared = None
                if len(pending) > workers:
                    writer.write(pending.popleft().result())
            if unprepared is not None:  # the only batch
                writer.write(_prepare(unprepared, next_id, context))
            while pending:
                writer.write(pending.popleft().result())
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise
    return count


class _Writer:
    """Writes prepared batches, each one transaction; with `skip`, first leaves out the
    claims whose id is already in the store (one indexed lookup per batch)."""

    def __init__(self, connection: Connection, skip: bool) -> None:
        self.connection = connection
        self.skip = skip
        self.skipped = 0

    def write(self, rows: _Rows) -> None:
        if self.skip:
            rows = self._unseen(rows)
        if rows.problems:
            raise FixtureError([problem for _id, problem in rows.problems][:20])
        # Its first statement writes: a SQLite transaction that read first could find its
        # snapshot stale when it came to write, and fail instead of waiting for the lock.
        with self.connection.begin():
            _insert_rows(self.connection, rows)

    def _unseen(self, rows: _Rows) -> _Rows:
        """The rows of the claims not in the store yet; `skipped` counts the others."""
        public_id = Claim.__table__.c.public_id  # type: ignore[attr-defined]
        wanted = [row[1] for row in rows.claims] + [i for i, _ in rows.problems if i]
        present: set[str] = set()
        with self.connection.begin():
            for start in range(0, len(wanted), 5_000):  # under every engine's parameter limit
                chunk = wanted[start : start + 5_000]
                present.update(
                    self.connection.execute(select(public_id).where(public_id.in_(chunk))).scalars()
                )
        if not present:
            return rows
        gone = {row[0] for row in rows.claims if row[1] in present}
        problems = [(i, problem) for i, problem in rows.problems if i not in present]
        self.skipped += len(gone) + len(rows.problems) - len(problems)
        return _Rows(
            [row for row in rows.claims if row[0] not in gone],
            [row for row in rows.links if row[0] not in gone],
            [row for row in rows.hops if row[0] not in gone],
            [row for row in rows.docs if row[0] not in gone],
            [row for row in rows.revisions if row[1] not in present],
            [row for row in rows.changes if row[1] not in present],
            problems,
        )


def _insert_rows(connection: Connection, rows: _Rows) -> None:
    _insert_many(connection, "claim", _CLAIM_COLUMNS, rows.claims)
    _insert_many(
        connection,
        "claim_entity",
        ("claim_id", "entity_id", "role", "claimed_key", "claimed_end_key", "when_end_key"),
        rows.links,
    )
    _insert_many(
        connection,
        "attribution_hop",
        ("claim_id", "position", "source_id", "entity_id", "verb"),
        rows.hops,
    )
    _insert_many(connection, "claim_document", ("claim_id", "body"), rows.docs)
    _insert_many(connection, "revision", _REVISION_COLUMNS, rows.revisions)
    # Last, once this transaction holds SQLite's write lock: the feed positions follow
    # the ones committed before, as `api.writes.unit.feed_positions` hands them out.
    first = feed_positions(connection, len(rows.changes))
    _insert_many(
        connection,
        "change",
        ("seq", *_CHANGE_COLUMNS),
        [(first + n, *change) for n, change in enumerate(rows.changes)],
    )


_REVISION_COLUMNS = ("resource", "resource_key", "action", "at", "actor", "reason", "changes")
_CHANGE_COLUMNS = ("resource", "resource_key", "kind", "revision", "version", "at", "document")


def _prepare(batch: list[Item], next_id: int, context: _Context) -> _Rows:
    """Check every claim of the batch (`problems` lists what is wrong; a line that is no
    JSON object raises FixtureError) and turn the batch into rows. Enum members go in as
    `str(...)`: the same text, without the cost of the `.value` descriptor a million
    times over."""
    sqlite, texts, entities, source_ids, actor, at = (
        context.sqlite,
        context.texts,
        context.entities,
        context.source_ids,
        context.actor,
        context.at,
    )
    rows = _Rows()
    problems = rows.problems
    for claim_id, item in enumerate(batch, start=next_id):
        claim = _validated(item, texts, claim_id - next_id)
        if not isinstance(claim, ClaimFixture):
            problems.append(claim)
            continue
        quote = claim.quote
        text = texts.get(quote.source)
        if text is None:
            why = "holds no text to quote" if quote.source in source_ids else "is unknown"
            problems.append((claim.id, f"claim {claim.id!r}: source {quote.source!r} {why}"))
            continue
        if not quotes.is_at(text, quote.text, quote.start, quote.end):
            problems.append((claim.id, f"claim {claim.id!r}: {_misquoted(text, quote)}"))
            continue
        roles = {(e.slug, str(e.role)) for e in claim.entities}
        roles.add((claim.claimant, _CLAIMANT))
        try:
            claimant = entities[claim.claimant]
            involved = [(entities[slug], slug, role) for slug, role in roles]
            chain = [
                (
                    claim_id,
                    position,
                    source_ids[hop.source] if hop.source else None,
                    entities[hop.entity].id if hop.entity else None,
                    str(hop.verb),
                )
                for position, hop in enumerate(claim.attribution)
            ]
        except KeyError as exc:
            problems.append((claim.id, f"claim {claim.id!r}: unknown slug {exc.args[0]!r}"))
            continue
        low, high = date_bounds(claim.claimed_on) if claim.claimed_on else (None, None)
        first, last = date_bounds(claim.event_date) if claim.event_date else (None, None)
        claimed_key, claimed_end_key = date_keys(claim.claimed_on)
        event_key, event_end_key = date_keys(claim.event_date)
        when_end_key = event_end_key if claim.event_date else claimed_end_key
        q = claim.quantity
        stated = str(claim.status)
        rows.claims.append(
            (
                claim_id,
                claim.id,
                claim.statement,
                source_ids[quote.source],
                quote.start,
                quote.end,
                quote.text,
                claimant.id,
                claim.claimed_on,
                claim.claimed_on_inferred,
                _day(low, sqlite),
                _day(high, sqlite),
                claimed_key,
                claimed_end_key,
                claim.event_date,
                claim.event_date_inferred,
                _day(first, sqlite),
                _day(last, sqlite),
                event_key,
                event_end_key,
                stated,  # a bulk load brings no relations: every claim stands as stated
                stated,
                str(claim.speech),
                q.value if q else None,
                q.low if q else None,
                q.high if q else None,
                q.unit if q else None,
                q.qualifier if q else None,
                q.text if q else None,
                search.indexed_text(claim.statement, quote.text),
                at,
            )
        )
        rows.links += [
            (claim_id, entity.id, role, claimed_key, claimed_end_key, when_end_key)
            for entity, _slug, role in involved
        ]
        rows.hops += chain
        shown = _shown(claim, claimant, involved, context.loaded_at)
        document = documents.render(shown)
        rows.docs.append((claim_id, document))
        rows.revisions.append(
            ("claim", claim.id, "create", at, actor, None, revision_changes(None, shown))
        )
        rows.changes.append(("claim", claim.id, "created", 1, 1, at, document))
    return rows


def _validated(item: Item, texts: Mapping[str, str], position: int) -> ClaimFixture | _Problem:
    """The item as a checked claim, or what is wrong with it and its id if it has one.

    A line goes straight from JSON to the model, and only if that fails (a quote without
    offsets, or bad input) through a dict, which finds the offsets or names the problem
    as for a mapping."""
    if isinstance(item, ClaimFixture):
        return item
    if isinstance(item, ClaimLine):
        try:
            return ClaimFixture.model_validate_json(item.text)
        except ValidationError:
            item = _json_object(item)
    try:
        return ClaimFixture.model_validate(_located(item, texts))
    except ValidationError as exc:
        named = _claim_id(item) or f"number {position} of the batch"
        return _claim_id(item), f"claim {named}: {exc}"
    except quotes.QuoteError as exc:
        return _claim_id(item), f"claim {_claim_id(item)!r}: {exc.part} {exc.message}"


def _json_object(line: ClaimLine) -> Mapping[str, Any]:
    """The line as a JSON object; one that is not stops the load, naming its number."""
    try:
        item = json.loads(line.text)
    except ValueError as exc:
        raise FixtureError([f"line {line.number}: not JSON ({exc})"]) from None
    if not isinstance(item, dict):
        raise FixtureError([f"line {line.number}: a claim is a JSON object"])
    return item


_CLAIMANT = str(Role.claimant)


def _misquoted(text: str, quote: QuoteFixture) -> str:
    """Why a quote is not at its offsets, with the nearest match: only for the rare
    failure, as finding it costs a search of the text."""
    try:
        quotes.place(text, quote.text, quote.start, quote.end)
    except quotes.QuoteError as exc:
        return f"quote {exc.message}"
    return f"quote is not at {quote.start}-{quote.end}"


def _located(item: Mapping[str, Any], texts: Mapping[str, str]) -> Mapping[str, Any]:
    """The claim with its quote's offsets, found in the held text when it gives none."""
    quote = item.get("quote")
    if not isinstance(quote, dict) or quote.get("start") is not None:
        return item
    text, words = texts.get(quote.get("source", "")), quote.get("text")
    if text is None or not isinstance(words, str) or quote.get("end") is not None:
        return item  # validation names what is wrong
    start, end = quotes.place(text, words)
    return {**item, "quote": {**quote, "start": start, "end": end}}


def _shown(
    claim: ClaimFixture,
    claimant: _Shown,
    involved: list[tuple[_Shown, str, str]],
    updated_at: datetime,
) -> dict[str, Any]:
    """The claim as readers get it, from the input itself rather than read back."""
    quote, q = claim.quote, claim.quantity
    return documents.claim_data(
        public_id=claim.id,
        statement=claim.statement,
        quote=(quote.text, quote.source, quote.start, quote.end),
        claimant=(claim.claimant, claimant.name, claimant.kind),
        entities=[(slug, shown.name, shown.kind, role) for shown, slug, role in involved],
        hops=[(hop.source, hop.entity, str(hop.verb)) for hop in claim.attribution],
        claimed_on=claim.claimed_on,
        claimed_on_inferred=claim.claimed_on_inferred,
        event_date=claim.event_date,
        event_date_inferred=claim.event_date_inferred,
        status=str(claim.status),
        stated_status=str(claim.status),
        speech=str(claim.speech),
        quantity=documents.Quantity(q.value, q.low, q.high, q.unit, q.qualifier, q.text)
        if q
        else None,
        updated_at=updated_at,
    )


def _day(value: date | None, as_text: bool) -> date | str | None:
    """Dates as the column stores them: ISO text on SQLite, date objects elsewhere."""
    if value is None:
        return None
    return value.isoformat() if as_text else value


_BULK_TABLES = ("claim", "claim_entity", "attribution_hop")


def _drop_secondary_indexes(connection: Connection) -> None:
    """Into an empty store, rows go in faster without indexes, built once at the end."""
    for name in _BULK_TABLES:
        for index in SQLModel.metadata.tables[name].indexes:
            index.drop(connection, checkfirst=True)


def _create_secondary_indexes(connection: Connection) -> None:
    for name in _BULK_TABLES:
        for index in SQLModel.metadata.tables[name].indexes:
            index.create(connection, checkfirst=True)


def _advance_sequences(connection: Connection) -> None:
    """Ids were given explicitly; move PostgreSQL's sequences past them for later inserts.

    Also refresh its statistics: with the counts of an empty store, its planner sorts all
    of an entity's claims to serve one page, instead of walking the index and stopping.
    """
    if connection.dialect.name != "postgresql":
        return
    connection.exec_driver_sql("ANALYZE")
    for table in ("entity", "entity_name", "source", "claim"):
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"GREATEST((SELECT MAX(id) FROM {table}), 1))"
        )
