"""The one resolver of entity and source names, for every route, verb and parameter.

An entity answers to its slug, its name and each alias, in any case and quote style
(`normalize_name` folds them; `entity_name` holds every folded spelling), and to each of
its `same_as` identifiers: a Wikidata id (`Q7747`) or the URI itself. A merged entity's
slug stands for the entity it was merged into (`Named.merged_from` says so, and a path
lookup refuses it with `entity_merged`, which GETs answer as a redirect). A source
answers to its slug, name or title in any case; a name that is none of those but names
a publisher means that publisher's sources. Suggestions for a name that matches nothing
come from the same spellings, and never repeat the name that failed.

To change how names resolve, change this module: nothing else looks names up.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from api.errors import entity_merged, invalid_body, not_found, unknown_reference
from api.store.db import Reader
from models.base import normalize_name
from models.entity import WIKIDATA_ID, wikidata_id

MAX_SUGGESTIONS = 3
_CANDIDATES = 2000  # spellings read to pick suggestions from, at most
_IN_CHUNK = 500  # names looked up per statement, well under any driver's parameter limit
_MAX_HOPS = 20  # merges followed at most (a merge into a merged entity is refused anyway)


@dataclass(frozen=True, order=True)
class Named:
    """A resolved entity or source: its row id and its canonical slug; for a name that
    spelled a merged entity, that entity's slug in `merged_from`."""

    id: int
    slug: str
    merged_from: str | None = field(default=None, compare=False)


def spellings(slug: str, name: str, aliases: list[str]) -> dict[str, tuple[str, bool]]:
    """Every spelling an entity answers to, by folded form: (as written, is an alias).

    The slug and the name come first, so an alias that folds like the name is the name.
    """
    found: dict[str, tuple[str, bool]] = {}
    for spelled, is_alias in [(slug, False), (name, False), *((a, True) for a in aliases)]:
        found.setdefault(normalize_name(spelled), (spelled, is_alias))
    return found


# --- entities ----------------------------------------------------------------------------


def find_entity(reader: Reader, name: str) -> Named | None:
    """The entity `name` spells (a merged one's as the entity it was merged into)."""
    found = entity_itself(reader, name)
    if found is None:
        return None
    return _kept(reader, found)


def entity_itself(reader: Reader, name: str) -> Named | None:
    """The entity `name` spells, merged or not: by name, alias or slug, else by a
    `same_as` identifier (a Wikidata id such as Q7747, or the URI)."""
    row = reader.first(
        reader.sql(
            "SELECT e.id, e.slug FROM entity_name n JOIN entity e ON e.id = n.entity_id "
            "WHERE n.folded = :folded",
            folded=normalize_name(name),
        )
    )
    if row is None:
        row = _by_identifier(reader, name.strip())
    return Named(int(row[0]), str(row[1])) if row else None


def _by_identifier(reader: Reader, name: str) -> tuple[Any, ...] | None:
    qid = name if WIKIDATA_ID.fullmatch(name) else wikidata_id(name)
    if qid is not None:
        return reader.first(
            reader.sql(
                "SELECT e.id, e.slug FROM entity_identifier i JOIN entity e ON e.id = i.entity_id "
                "WHERE i.wikidata = :qid ORDER BY i.id",
                qid=qid,
            )
        )
    if not name.startswith(("http://", "https://")):
        return None
    return reader.first(
        reader.sql(
            "SELECT e.id, e.slug FROM entity_identifier i JOIN entity e ON e.id = i.entity_id "
            "WHERE i.uri = :uri",
            uri=name,
        )
    )


def _kept(reader: Reader, found: Named) -> Named:
    """The entity `found` stands for now: itself, or the one it was merged into."""
    current, merged_from = found, None
    for _ in range(_MAX_HOPS):
        row = reader.first(
            reader.sql(
                "SELECT k.id, k.slug FROM entity e JOIN entity k ON k.id = e.merged_into_id "
                "WHERE e.id = :id",
                id=current.id,
            )
        )
        if row is None:
            break
        merged_from = merged_from or found.slug
        current = Named(int(row[0]), str(row[1]))
    return Named(current.id, current.slug, merged_from) if merged_from else current


def suggest_entities(reader: Reader, name: str) -> list[str]:
    """Slugs of entities whose spellings look like `name`, best first."""
    folded = normalize_name(name)
    rows = _probe(
        reader,
        "SELECT n.folded, e.slug FROM entity_name n JOIN entity e ON e.id = n.entity_id "
        "WHERE {match} LIMIT :limit",
        ["n.folded"],
        folded,
    )
    return _closest(folded, rows)


def entity_or_404(reader: Reader, name: str) -> Named:
    """The entity a path names; a merged one is refused, naming the one kept
    (`entity_merged`: a GET is redirected there, a write refused)."""
    found = find_entity(reader, name)
    if found is None:
        raise not_found("entity", name, suggest_entities(reader, name))
    if found.merged_from is not None:
        raise entity_merged(found.merged_from, found.slug)
    return found


def merged_entity_or_404(reader: Reader, name: str) -> Named:
    """The entity a path names, merged or not (what a restore undoes)."""
    found = entity_itself(reader, name)
    if found is None:
        raise not_found("entity", name, suggest_entities(reader, name))
    return found


def entity_parameter(reader: Reader, field: str, name: str) -> Named:
    """The entity a query parameter names; a 404 naming the parameter otherwise."""
    found = find_entity(reader, name)
    if found is None:
        raise unknown_reference(field, "entity", name, suggest_entities(reader, name))
    return found


def entity_in_body(reader: Reader, field: str, name: str) -> Named:
    """The entity a request body names; a 422 naming the field otherwise."""
    found = find_entity(reader, name)
    if found is None:
        raise invalid_body(field, f"no entity {name!r}", suggest_entities(reader, name))
    return found


# --- claims ------------------------------------------------------------------------------


def claim_id(reader: Reader, public_id: str) -> int | None:
    """A claim's row id, by its public id (claims have no other names)."""
    row = reader.first(reader.sql("SELECT id FROM claim WHERE public_id = :id", id=public_id))
    return None if row is None else int(row[0])


def claim_parameter(reader: Reader, field: str, public_id: str) -> int:
    """The claim a query parameter names; a 404 naming the parameter otherwise."""
    found = claim_id(reader, public_id)
    if found is None:
        raise unknown_reference(field, "claim", public_id, [])
    return found


def claim_or_404(reader: Reader, public_id: str) -> int:
    """The claim a path names; a 404 otherwise."""
    found = claim_id(reader, public_id)
    if found is None:
        raise not_found("claim", public_id)
    return found


# --- sources -----------------------------------------------------------------------------


def find_sources(reader: Reader, name: str) -> list[Named]:
    """The sources `name` means: a source's slug, name or title, else a publisher's."""
    lowered = name.strip().lower()
    rows = reader.rows(
        reader.sql(
            "SELECT id, slug FROM source WHERE slug = :name OR lower(name) = :name "
            "OR lower(title) = :name",
            name=lowered,
        )
    )
    if not rows:
        publisher = find_entity(reader, name)
        if publisher is None:
            return []
        rows = reader.rows(
            reader.sql("SELECT id, slug FROM source WHERE publisher_id = :id", id=publisher.id)
        )
    return sorted(Named(int(row[0]), str(row[1])) for row in rows)


def suggest_sources(reader: Reader, name: str) -> list[str]:
    """Slugs of sources whose slug, name or title, or whose publisher's name, looks like
    `name`, best first."""
    lowered = name.strip().lower()
    rows = _probe(
        reader,
        "SELECT lower(slug), slug FROM source WHERE {match} "
        "UNION ALL SELECT lower(name), slug FROM source WHERE {match_name} "
        "UNION ALL SELECT n.folded, s.slug FROM entity_name n "
        "JOIN source s ON s.publisher_id = n.entity_id WHERE {match_folded} LIMIT :limit",
        ["lower(slug)", "lower(name)", "n.folded"],
        lowered,
    )
    return _closest(lowered, rows)


def source_or_404(reader: Reader, name: str) -> Named:
    """The one source a path names; a name that means several sources (a publisher's)
    is answered with their slugs to choose from."""
    found = find_sources(reader, name)
    if len(found) == 1:
        return found[0]
    if found:
        slugs = [source.slug for source in found]
        raise not_found(
            "source", f"{name} (it names {len(found)} sources; use one's slug)", slugs[:10]
        )
    raise not_found("source", name, suggest_sources(reader, name))


def sources_parameter(reader: Reader, field: str, name: str) -> list[Named]:
    found = find_sources(reader, name)
    if not found:
        raise unknown_reference(field, "source", name, suggest_sources(reader, name))
    return found


def source_in_body(reader: Reader, field: str, name: str) -> Named:
    found = find_sources(reader, name)
    if len(found) != 1:
        hint = [s.slug for s in found] if found else suggest_sources(reader, name)
        what = "no source" if not found else f"{len(found)} sources for"
        raise invalid_body(field, f"{what} {name!r}", hint[:MAX_SUGGESTIONS])
    return found[0]


# --- suggestions -------------------------------------------------------------------------


def _probe(reader: Reader, template: str, columns: list[str], key: str) -> list[tuple[str, str]]:
    """(spelling, slug) rows sharing the first or last three characters of `key`."""
    probes = sorted({key[:3], key[-3:]} - {""})
    if not probes:
        return []
    params = {f"p{n}": f"%{_escape(probe)}%" for n, probe in enumerate(probes)}

    def match(column: str) -> str:
        return "(" + " OR ".join(f"{column} LIKE :{p} ESCAPE '\\'" for p in params) + ")"

    text = template.format(
        match=match(columns[0]),
        match_name=match(columns[1]) if len(columns) > 1 else "",
        match_folded=match(columns[-1]),
    )
    rows = reader.rows(reader.sql(text, limit=_CANDIDATES, **params))
    return [(str(row[0]), str(row[1])) for row in rows]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _closest(key: str, rows: list[tuple[str, str]]) -> list[str]:
    by_spelling: dict[str, str] = {}
    for spelling, slug in rows:
        by_spelling.setdefault(spelling, slug)
    close = difflib.get_close_matches(key, list(by_spelling), n=10, cutoff=0.5)
    slugs = dict.fromkeys(by_spelling[spelling] for spelling in close)
    # Never offer back the very name that failed.
    slugs.pop(key, None)
    return [slug for slug in slugs if normalize_name(slug) != normalize_name(key)][:MAX_SUGGESTIONS]
