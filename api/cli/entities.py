"""`claims entities list | show | merge | restore`: fixing who is who from a terminal.

A merge here is the same use case as `POST /entities/{slug}/merge` (and is recorded the
same way, by `cli`), made at the entities' current versions: whoever runs it holds the
store's files or its URL, and reads what they merge just before.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from api.cli.common import DatabaseUrl, current_store
from models.base import EntityKind

entities = typer.Typer(
    help="List, show and merge entities (and undo a merge).", no_args_is_help=True
)


@entities.command("list")
def list_entities(
    kind: Annotated[
        EntityKind | None, typer.Option(help="Only entities of this kind.", show_default=False)
    ] = None,
    q: Annotated[
        str | None,
        typer.Option(help="Words a name, an alias or the description holds.", show_default=False),
    ] = None,
    limit: Annotated[int, typer.Option(help="How many at most.", min=1)] = 100,
    database_url: DatabaseUrl = None,
) -> None:
    """Entities by slug: slug, kind, name and aliases, one a line (tab-separated)."""
    from api.queries import catalog

    with current_store(database_url, "list entities") as store, store.session() as session:
        after: str | None = None
        shown = 0
        while shown < limit:
            page = catalog.list_entities(
                session, kind=kind, words=q, limit=min(200, limit - shown), after=after
            )
            for entity in page.items:
                aliases = ", ".join(entity.aliases)
                typer.echo(f"{entity.slug}\t{entity.kind.value}\t{entity.name}\t{aliases}")
            shown += len(page.items)
            if page.next_after is None:
                break
            after = str(page.next_after[0])


@entities.command("show")
def show_entity(
    name: Annotated[str, typer.Argument(help="Slug, name, alias or Wikidata id.")],
    database_url: DatabaseUrl = None,
) -> None:
    """The entity as JSON; a merged one's slug shows the entity it was merged into."""
    from api.queries import catalog, names

    with current_store(database_url, "show an entity") as store:
        with store.reader() as reader:
            found = names.find_entity(reader, name)
            hints = names.suggest_entities(reader, name) if found is None else []
        if found is None:
            hint = f" (did you mean: {', '.join(hints)}?)" if hints else ""
            typer.echo(f"no entity {name!r}{hint}", err=True)
            raise typer.Exit(1)
        if found.merged_from is not None:
            typer.echo(f"{found.merged_from} was merged into {found.slug}", err=True)
        with store.session() as session:
            public = catalog.entity_public(session, catalog.entity_row(session, found.id))
    typer.echo(json.dumps(public.model_dump(mode="json"), indent=2, ensure_ascii=False))


@entities.command("merge")
def merge_entity(
    slug: Annotated[str, typer.Argument(help="The entity to merge (its slug redirects then).")],
    into: Annotated[str, typer.Option("--into", help="The entity to keep.")],
    reason: Annotated[
        str | None, typer.Option(help="Why; kept in both histories.", show_default=False)
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Merge one entity into another: claims, relations, names and aliases move."""
    _write(database_url, "merge", slug, into, reason)


@entities.command("restore")
def restore_entity(
    slug: Annotated[str, typer.Argument(help="A merged entity's slug.")],
    reason: Annotated[
        str | None, typer.Option(help="Why; kept in both histories.", show_default=False)
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Undo the merge of an entity."""
    _write(database_url, "restore", slug, None, reason)


def _write(
    database_url: str | None, doing: str, slug: str, into: str | None, reason: str | None
) -> None:
    from api.errors import ProblemError
    from api.queries import names
    from api.writes import entities as use_cases
    from api.writes.unit import unit_of_work
    from models.base import Principal, Scope

    with current_store(database_url, f"{doing} an entity") as store:
        try:
            with unit_of_work(store, Principal("cli", Scope.admin), reason) as work:
                if into is not None:
                    entity = names.entity_or_404(work.reader, slug)
                    kept, _ = use_cases.merge(work, entity, into, "*", field="--into")
                    line = f"merged {slug} into {kept.slug}"
                else:
                    entity = names.merged_entity_or_404(work.reader, slug)
                    restored, _ = use_cases.restore(work, entity, "*")
                    line = f"restored {restored.slug}"
                work.commit()
        except ProblemError as exc:
            typer.echo(f"cannot {doing}: {exc.problem.detail}", err=True)
            raise typer.Exit(1) from None
    typer.echo(line)
