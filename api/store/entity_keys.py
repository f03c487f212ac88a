"""The keys the entity resolver finds candidates by (`entity_key`), and the text folds
they are made of.

A mention is compared with held entities without reading every name in the store: each
spelling of an entity (its name and aliases) is indexed by

- `n:` its name key: case, accents and punctuation folded ("Enrique Peña Nieto" and
  "enrique pena nieto", "U.S." and "US" share one);
- `t:` each of its words (not "of", "the"...), so "Howard" finds "John Howard";
- `a:` its initials ("Federal Bureau of Investigation" -> `a:fbi`) and, for a spelling
  that is an acronym, its letters ("F.B.I." -> `a:fbi`), so either finds the other.

`rewrite` derives an entity's keys from its `entity_name` rows, so whatever writes names
(the entity writes, the fixture loader, merges) keeps the keys with them in one call; the
bulk loader computes them inline with `keys_of`. Unnamed sources (`anonymous`, scoped to
their source) and merged entities have no keys: the resolver never offers them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, bindparam, delete, insert, select, text

from models.tables import EntityKey, EntityName

# Words a name may end in that its acronym leaves out: "JFK" for "John F. Kennedy
# International Airport", "ABC" for "ABC Inc.".
TRAILING = frozenset(
    {"international", "airport", "inc", "llc", "ltd", "corp", "co", "plc", "group", "company"}
)
# Words that carry no identity of their own in a name; left out of initials and words.
STOPWORDS = frozenset(
    {"of", "the", "and", "for", "in", "on", "at", "to", "a", "an", "&", "de", "la", "le", "du"}
)
_ACRONYM = re.compile(r"(?:[A-Z]\.){2,7}|[A-Z][a-z]?(?:[A-Z][a-z]?){1,6}|[A-Z]{2,7}s")
_keys = EntityKey.__table__  # type: ignore[attr-defined]
_names = EntityName.__table__  # type: ignore[attr-defined]


def fold(text: str) -> str:
    """`text` with case and accents folded, apostrophes and dots dropped and every other
    run of punctuation made one space: "F.B.I." -> "fbi", "O'Brien" -> "obrien",
    "Newark-Liberty" -> "newark liberty"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = re.sub(r"['\u2019\u2018.]", "", plain)
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def words(text: str) -> list[str]:
    return fold(text).split()


def name_key(text: str) -> str:
    """The form two spellings of the same name share."""
    return fold(text)


def is_acronym(text: str) -> bool:
    """Initials or an abbreviation in capitals: "FBI", "F.B.I.", "U.S.", "NYPD", "DoJ"."""
    return bool(_ACRONYM.fullmatch(text.strip()))


def acronym_letters(text: str) -> str | None:
    """The letters of an acronym spelling ("F.B.I." -> "fbi"), None for other names."""
    stripped = text.strip()
    if not is_acronym(stripped):
        return None
    letters = fold(stripped).replace(" ", "")
    if stripped.endswith("s") and stripped[:-1].isupper() and len(stripped) > 2:
        letters = letters[:-1]  # "NGOs"
    return letters or None


def initials(text: str) -> set[str]:
    """The acronyms a multi-word name may be written as: its words' first letters without
    and with the little words ("Department of Justice" -> "dj", "doj")."""
    found = words(text)
    if len(found) < 2:
        return set()
    without = "".join(word[0] for word in found if word not in STOPWORDS)
    with_all = "".join(word[0] for word in found)
    # "United States of America" is also "US": the words before its first "of".
    cut = found[: found.index("of")] if "of" in found[1:] else []
    leading = "".join(word[0] for word in cut if word not in STOPWORDS)
    core = list(found)
    while len(core) > 2 and core[-1] in TRAILING:
        core.pop()
    trimmed = "".join(word[0] for word in core if word not in STOPWORDS)
    return {form for form in (without, with_all, leading, trimmed) if len(form) >= 2}


def keys_of(spellings: Iterable[str]) -> set[str]:
    """Every key the spellings of one entity are found by."""
    found: set[str] = set()
    for spelled in spellings:
        key = name_key(spelled)
        if not key:
            continue
        found.add("n:" + key)
        found.update("t:" + word for word in key.split() if len(word) > 1 and word not in STOPWORDS)
        found.update("a:" + form for form in initials(spelled))
        letters = acronym_letters(spelled)
        if letters:
            found.add("a:" + letters)
    return {key for key in found if len(key) <= 300}


def rewrite(connection: Connection, entity_ids: Sequence[int]) -> None:
    """Make the keys of these entities what their names and aliases are now (none for
    an unnamed source or a merged entity, whose remaining spelling is only its slug)."""
    ids = sorted(set(entity_ids))
    if not ids:
        return
    connection.execute(delete(_keys).where(_keys.c.entity_id.in_(ids)))
    spelled: dict[int, list[str]] = {entity_id: [] for entity_id in ids}
    rows = connection.execute(
        select(_names.c.entity_id, _names.c.text, _names.c.is_alias)
        .where(_names.c.entity_id.in_(ids))
        .order_by(_names.c.id)
    )
    kept = set(_keyed(connection, ids))
    for entity_id, spelling, _is_alias in rows:
        if entity_id in kept:
            spelled[entity_id].append(spelling)
    new = [
        {"key": key, "entity_id": entity_id}
        for entity_id, spellings in spelled.items()
        for key in sorted(keys_of(spellings))
    ]
    if new:
        connection.execute(insert(_keys), new)


_KEYED = text(
    "SELECT id FROM entity WHERE id IN :ids AND source_id IS NULL AND merged_into_id IS NULL"
).bindparams(bindparam("ids", expanding=True))


def _keyed(connection: Connection, ids: Sequence[int]) -> list[int]:
    """Which of these entities are offered to the resolver at all."""
    return [int(row[0]) for row in connection.execute(_KEYED, {"ids": list(ids)})]


def fill_missing(connection: Connection) -> int:
    """Key every entity that has names but no keys (a store migrated from before keys);
    how many were keyed."""
    missing = [
        int(row[0])
        for row in connection.execute(
            text(
                "SELECT e.id FROM entity e WHERE e.source_id IS NULL AND e.merged_into_id IS NULL "
                "AND NOT EXISTS (SELECT 1 FROM entity_key k WHERE k.entity_id = e.id)"
            )
        )
    ]
    for at in range(0, len(missing), 500):
        rewrite(connection, missing[at : at + 500])
    return len(missing)
