"""`claims serve | load | check | migrate | reindex | keys | ingest | entities`: a thin shell
over the loaders, the use cases and the app factory. Each command imports what it needs
when it runs."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from api.cli.bulk_load import bulk_load
from api.cli.common import DatabaseUrl, FixturesDir, current_store, open_store, settings_for
from api.cli.entities import entities
from api.cli.ingest import ingest
from api.cli.progress import progress
from api.settings import Settings

# Seconds `serve` lets open requests finish once asked to stop: a long-poll or an event
# stream of /changes would otherwise hold the shutdown for as long as its client listens.
SHUTDOWN_GRACE = 3

cli = typer.Typer(
    help="sourced-claims: serve, load and check the claims store; ingest articles.",
    no_args_is_help=True,
    add_completion=False,
)


def _verified(settings: Settings):  # type: ignore[no-untyped-def]
    from api.ingest.fixtures import FixtureError, read_and_verify

    try:
        return read_and_verify(settings.fixtures_dir)
    except FixtureError as exc:
        typer.echo(f"fixtures in {settings.fixtures_dir} are not valid:", err=True)
        for problem in exc.problems:
            typer.echo(f"  - {problem}", err=True)
        raise typer.Exit(1) from None


@cli.command()
def check(fixtures: FixturesDir = None) -> None:
    """Validate the fixtures against the held texts, without touching a database."""
    settings = settings_for(None, fixtures)
    verified = _verified(settings)
    f = verified.fixtures
    typer.echo(
        f"ok: {len(f.claims)} claims, {len(f.entities)} entities, {len(f.sources)} sources, "
        f"{len(f.not_claims)} sentences marked not a claim; every quote is at its offsets"
    )


@cli.command()
def load(
    database_url: DatabaseUrl = None,
    fixtures: FixturesDir = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Also overwrite resources changed through the API since (each overwrite "
            "is a revision).",
        ),
    ] = False,
) -> None:
    """Create the store if needed and sync it with the fixtures, in one transaction.

    Every change is recorded as a revision by `fixtures`; a resource last changed through
    the API is kept as it is unless --force.
    """
    from api.ingest.fixtures import item_count
    from api.ingest.fixtures import load as load_fixtures

    settings = settings_for(database_url, fixtures)
    verified = _verified(settings)
    store = open_store(settings)
    try:
        with progress(item_count(verified), "syncing") as tracker:
            report = load_fixtures(store, verified, force=force, on_item=tracker.advance)
    finally:
        store.dispose()
    typer.echo(f"loaded into {store.url.render_as_string(hide_password=True)}: {report.summary()}")


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    database_url: DatabaseUrl = None,
    fixtures: FixturesDir = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Worker processes; several need a shared store "
            "such as PostgreSQL (each worker is stateless).",
        ),
    ] = 1,
) -> None:
    """Serve the API; on first run, create the store and fill it from the fixtures."""
    import uvicorn

    from api.app import create_app
    from api.ingest.fixtures import load as load_fixtures
    from api.queries.catalog import store_is_empty
    from api.store.migrate import SchemaBehindError, ensure_current

    settings = settings_for(database_url, fixtures)
    store = open_store(settings)
    try:
        ensure_current(store)
    except SchemaBehindError as exc:
        typer.echo(f"cannot serve: {exc}", err=True)
        raise typer.Exit(1) from None
    with store.session() as session:
        empty = store_is_empty(session)
    if empty:
        typer.echo(f"new store: filling it from {settings.fixtures_dir} (quotes checked)...")
        report = load_fixtures(store, _verified(settings))
        typer.echo(f"new store filled from {settings.fixtures_dir}: {report.summary()}")
    if workers == 1:
        uvicorn.run(
            create_app(settings, store=store),
            host=host,
            port=port,
            log_level=log_level,
            timeout_graceful_shutdown=SHUTDOWN_GRACE,
        )
        return
    store.dispose()
    # Each worker process builds its own app (and engine) from the environment.
    os.environ["CLAIMS_DATABASE_URL"] = store.url.render_as_string(hide_password=False)
    os.environ["CLAIMS_FIXTURES_DIR"] = str(settings.fixtures_dir)
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level=log_level,
        timeout_graceful_shutdown=SHUTDOWN_GRACE,
    )


@cli.command()
def migrate(database_url: DatabaseUrl = None) -> None:
    """Upgrade the store's schema to the one this code needs (creates a new store)."""
    from api.store.migrate import upgrade

    settings = settings_for(database_url)
    store = open_store(settings)
    try:
        before, after = upgrade(store)
    finally:
        store.dispose()
    if before == after:
        typer.echo(f"schema already at revision {after}")
    else:
        typer.echo(f"schema upgraded from revision {before or 'none'} to {after}")


@cli.command()
def reindex(database_url: DatabaseUrl = None) -> None:
    """Rebuild the ranked search index (`sort=relevance`) from every claim's text: after
    it was lost or damaged, or to check it (the answers are the same either way)."""
    from api.store import search

    with current_store(database_url, "reindex") as store, store.engine.begin() as connection:
        written = search.rebuild(connection)
    typer.echo(f"ranked search index rebuilt: {written:,} postings")


keys = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)
cli.add_typer(keys, name="keys")


@keys.command("create")
def create_key(
    name: Annotated[str, typer.Option(help="Who the key is for; recorded in revisions.")],
    scope: Annotated[str, typer.Option(help="read, write or admin.")] = "write",
    database_url: DatabaseUrl = None,
) -> None:
    """Create a key and print it: it is shown this once, and stored only hashed."""
    from sqlalchemy.exc import IntegrityError

    from api.store.migrate import ensure_current
    from api.writes.keys import create_key as make_key
    from models.base import Scope

    if scope not in {s.value for s in Scope}:
        typer.echo(f"--scope must be read, write or admin, not {scope!r}", err=True)
        raise typer.Exit(2)
    settings = settings_for(database_url)
    store = open_store(settings)
    try:
        ensure_current(store)
        with store.write_session() as session:
            key = make_key(session, name, Scope(scope))
            session.commit()
    except IntegrityError:
        typer.echo(f"a key named {name!r} exists already", err=True)
        raise typer.Exit(1) from None
    finally:
        store.dispose()
    typer.echo(key)


@keys.command("revoke")
def revoke(name: str, database_url: DatabaseUrl = None) -> None:
    """Revoke a key by name; requests with it get 401 from then on."""
    from api.writes.keys import revoke_key

    settings = settings_for(database_url)
    store = open_store(settings)
    try:
        with store.write_session() as session:
            done = revoke_key(session, name)
            session.commit()
    finally:
        store.dispose()
    if not done:
        typer.echo(f"no live key named {name!r}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {name}")


@keys.command("list")
def list_keys(database_url: DatabaseUrl = None) -> None:
    """Names, scopes and states of the keys (never the keys themselves)."""
    from api.queries.keys import list_keys as all_keys

    settings = settings_for(database_url)
    store = open_store(settings)
    try:
        with store.session() as session:
            for key in all_keys(session):
                state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "live"
                typer.echo(f"{key.name}\t{key.scope}\t{state}")
    finally:
        store.dispose()


cli.command()(ingest)
cli.command("bulk-load")(bulk_load)
cli.add_typer(entities, name="entities")


def main() -> None:
    cli()
