"""Which held entity each chain of a text's mentions is: the store's half of entity
resolution (`api.queries.mentions` is the text's half).

For each chain it finds candidate entities by the keys of `entity_key` (never by reading
every name), scores each, and decides:

- `held`: a spelling of the chain is the entity's name or an alias (or the same name but
  for case, accents and punctuation), no other entity fits as well, and the kinds agree
  (or the recogniser could not tell); or a reviewer linked the chain's spellings in this
  source to it (an accepted `entity_link`); or the chain is a role only one entity held
  on the text's date (`roles`);
- `anonymous`: an unnamed source, the source's own entity for that description (held,
  or to be created);
- `new`: nothing held fits at all and the kind is known;
- `review`: anything else. The candidates (best first, with their scores) and the
  option of a new entity go to a person as an `entity_link` proposal.

Scores: name or alias 1.0; same name 0.97; a role held on the date 0.95; same first and
last name 0.92; same words in another order 0.92; acronym and expansion 0.88; an initial
for the first name 0.86; fuzzy (rapidfuzz's token sort ratio of 85 or more) 0.81 to 0.95;
surname alone 0.8; a role held at another time 0.7; a word of a longer name 0.62 to 0.7;
first name alone 0.65. A candidate whose kind differs from the recogniser's keeps
60% of its score ("an airport is a place, never a person"; for the very same name, a
person and a body agree, as the recogniser confuses them). docs/entities.md explains
the thresholds and how they were measured.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from rapidfuzz import fuzz

from api.queries.mentions import DETERMINERS, GENERIC, Chain, Form, Mention, chains
from api.store.db import Reader
from api.store.entity_keys import (
    STOPWORDS,
    acronym_letters,
    fold,
    initials,
    keys_of,
    name_key,
)
from models.base import EntityKind, normalize_name
from models.entity import EntityRole

CONFIDENT = 0.97  # a fit this good (and alone) is applied without review
FLOOR = 0.6  # fits below this are not offered as candidates
FUZZY = 0.85  # the least rapidfuzz token sort ratio offered
KIND_PENALTY = 0.6
WEAK = 0.45  # a candidate of another kind scoring less decides nothing
MAX_CANDIDATES = 5
COMMON_KEY = 200  # a word shared by more entities than this finds none (too common)
_IN_CHUNK = 400

# Kinds the recogniser cannot tell apart: an organisation, a government body, a
# publication and a military unit all come out of it as ORG.
_COARSE = {
    EntityKind.person: "person",
    EntityKind.place: "place",
    EntityKind.organization: "body",
    EntityKind.government_body: "body",
    EntityKind.publication: "body",
    EntityKind.military_unit: "body",
    EntityKind.group: "body",
    EntityKind.work: "work",
    EntityKind.weapon: "weapon",
    EntityKind.anonymous: "anonymous",
}


class Outcome(StrEnum):
    held = "held"
    new = "new"
    review = "review"
    anonymous = "anonymous"


@dataclass(frozen=True)
class Held:
    """A held entity as the resolver sees it."""

    id: int
    slug: str
    name: str
    kind: EntityKind


@dataclass(frozen=True)
class Fit:
    """A candidate entity for a chain, how well it fits and why."""

    entity: Held
    score: float
    basis: str


@dataclass
class Resolved:
    """What one chain was resolved to."""

    chain: Chain
    outcome: Outcome
    entity: Held | None = None  # held; anonymous: the source's own, when it exists
    fits: list[Fit] = field(default_factory=list)  # best first
    link: int | None = None  # the pending entity_link proposal deciding it


def kinds_agree(
    one: EntityKind | None, other: EntityKind | None, *, same_name: bool = False
) -> bool:
    """Whether two kinds can be one entity's: unknown agrees with anything. For the very
    same name, a person and a body agree too: the recogniser often reads an unfamiliar
    person's name as an organisation's and the reverse, while a place ("an airport is a
    place, never a person"), a work or a weapon it keeps apart."""
    if one is None or other is None or _COARSE[one] == _COARSE[other]:
        return True
    return same_name and {_COARSE[one], _COARSE[other]} == {"person", "body"}


def resolve(
    reader: Reader, found: Sequence[Chain], *, source_id: int | None, on: str | None
) -> list[Resolved]:
    """Resolve the chains of one text (the source's, dated `on`) against the store."""
    return resolve_many(reader, [(chain, source_id, on) for chain in found])


def resolve_many(
    reader: Reader, jobs: Sequence[tuple[Chain, int | None, str | None]]
) -> list[Resolved]:
    """Resolve chains of several texts at once, each with its source and date: the
    store is asked once for all of them, so a page of proposals costs a few statements."""
    results = [Resolved(chain, Outcome.review) for chain, _, _ in jobs]
    sources = [source for _, source, _ in jobs]
    named = [r for r in results if r.chain.form in (Form.name, Form.acronym)]
    for result in results:
        if result.chain.form is Form.description:
            result.outcome = Outcome.anonymous
    owned = sorted({s for s in sources if s is not None})
    own = _anonymous(reader, owned)
    decided = _decided_links(reader, owned)
    candidates = _candidates(reader, [r.chain for r in named])
    for result in named:
        result.fits = _fits(result.chain, candidates)
    _roles(
        reader,
        [(r, on) for r, (_, _, on) in zip(results, jobs, strict=True) if r.chain.form is Form.role],
    )
    for result, source in zip(results, sources, strict=True):
        if result.outcome is Outcome.anonymous:
            if source is not None:
                result.entity = own.get((source, fold(result.chain.full)))
            continue
        link = _link_of(result.chain, decided.get(source, {})) if source is not None else None
        if link is not None:
            state, proposal_id, entity = link
            if state == "accepted" and entity is not None:
                result.outcome, result.entity = Outcome.held, entity
                continue
            if state == "pending":
                result.link = proposal_id
        _decide(result)
    return results


def _decide(result: Resolved) -> None:
    fits = result.fits
    best = fits[0] if fits else None
    if best is not None and best.score >= CONFIDENT and "kind differs" not in best.basis:
        rivals = [fit for fit in fits[1:] if fit.score >= CONFIDENT]
        if not rivals:
            result.outcome, result.entity = Outcome.held, best.entity
            return
    if best is not None and best.basis == "role" and best.score >= 0.95:
        rivals = [fit for fit in fits[1:] if fit.basis == "role" and fit.score >= 0.95]
        if not rivals:
            result.outcome, result.entity = Outcome.held, best.entity
            return
    # A candidate only of another kind and far from the name (the Washington Post for
    # "Washington", a place) does not make a new name uncertain.
    telling = [fit for fit in fits if "kind differs" not in fit.basis or fit.score >= WEAK]
    if not telling and result.chain.kind is not None and result.chain.form is not Form.role:
        result.outcome = Outcome.new
        return
    result.outcome = Outcome.review


# --- candidates ------------------------------------------------------------------------


@dataclass
class _Facts:
    held: Held
    spellings: list[tuple[str, bool]] = field(default_factory=list)  # (as written, is alias)


def _chain_keys(chain: Chain) -> set[str]:
    """The keys a chain's candidates are found by: those of its names (a full name's
    words too, "Hilary Clinton" -> `t:clinton`, for fuzzy matches)."""
    return keys_of(_own_names(chain))


def _own_names(chain: Chain) -> list[str]:
    """The spellings a chain is matched by: a person written in full is not matched by
    the bare surname the text also calls them ("Clinton" would fit Bill Clinton too)."""
    names = chain.names
    if chain.kind in (EntityKind.person, None) and len(name_key(chain.full).split()) > 1:
        full = [
            spelled
            for spelled in names
            if len(name_key(spelled).split()) > 1 or acronym_letters(spelled) is not None
        ]
        return full or names
    return names


def _candidates(reader: Reader, found: Sequence[Chain]) -> dict[int, _Facts]:
    """Every entity sharing a key with a chain, with its spellings: by key, where the key
    is not so common that it tells nothing; and by exact folded spelling."""
    keys = sorted({key for chain in found for key in _chain_keys(chain)})
    common = _common_keys(reader, keys)
    usable = [key for key in keys if key not in common]
    ids: set[int] = set()
    for chunk in _chunks(usable):
        marks = ", ".join(f":k{n}" for n in range(len(chunk)))
        rows = reader.rows(
            reader.sql(
                f"SELECT DISTINCT entity_id FROM entity_key WHERE key IN ({marks})",
                **{f"k{n}": key for n, key in enumerate(chunk)},
            )
        )
        ids.update(int(row[0]) for row in rows)
    folded = sorted({normalize_name(s) for chain in found for s in chain.spellings})
    for chunk in _chunks(folded):
        marks = ", ".join(f":f{n}" for n in range(len(chunk)))
        rows = reader.rows(
            reader.sql(
                "SELECT n.entity_id FROM entity_name n JOIN entity e ON e.id = n.entity_id "
                f"WHERE n.folded IN ({marks}) AND e.source_id IS NULL",
                **{f"f{n}": form for n, form in enumerate(chunk)},
            )
        )
        ids.update(int(row[0]) for row in rows)
    return _facts(reader, sorted(ids))


def _common_keys(reader: Reader, keys: Sequence[str]) -> set[str]:
    """Word keys shared by more than COMMON_KEY entities ("t:john" in a big store)."""
    words = [key for key in keys if key.startswith("t:")]
    common: set[str] = set()
    for chunk in _chunks(words):
        marks = ", ".join(f":k{n}" for n in range(len(chunk)))
        rows = reader.rows(
            reader.sql(
                f"SELECT key FROM entity_key WHERE key IN ({marks}) "
                f"GROUP BY key HAVING COUNT(*) > {COMMON_KEY}",
                **{f"k{n}": key for n, key in enumerate(chunk)},
            )
        )
        common.update(str(row[0]) for row in rows)
    return common


def _facts(reader: Reader, ids: Sequence[int]) -> dict[int, _Facts]:
    facts: dict[int, _Facts] = {}
    for chunk in _chunks(ids):
        marks = ", ".join(f":i{n}" for n in range(len(chunk)))
        params = {f"i{n}": entity_id for n, entity_id in enumerate(chunk)}
        for row in reader.rows(
            reader.sql(
                f"SELECT id, slug, name, kind FROM entity WHERE id IN ({marks}) "
                "AND merged_into_id IS NULL AND source_id IS NULL",
                **params,
            )
        ):
            held = Held(int(row[0]), str(row[1]), str(row[2]), _kind(row[3]))
            facts[held.id] = _Facts(held)
        for row in reader.rows(
            reader.sql(
                f"SELECT entity_id, text, is_alias FROM entity_name WHERE entity_id IN ({marks}) "
                "ORDER BY id",
                **params,
            )
        ):
            if int(row[0]) in facts:
                facts[int(row[0])].spellings.append((str(row[1]), bool(row[2])))
    for fact in facts.values():
        # The slug is a spelling for paths, not a name a text writes; the name is one,
        # even where it folds like the slug ("FBI", "fbi") and shares its row.
        own = [(s, a) for s, a in fact.spellings if s != fact.held.slug and s != fact.held.name]
        fact.spellings = [(fact.held.name, False), *own]
    return facts


def _kind(value: Any) -> EntityKind:
    try:
        return EntityKind(str(value))
    except ValueError:
        return EntityKind.organization


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for at in range(0, len(items), _IN_CHUNK):
        yield items[at : at + _IN_CHUNK]


# --- scoring ---------------------------------------------------------------------------


def _fits(chain: Chain, candidates: dict[int, _Facts]) -> list[Fit]:
    fits = []
    for facts in candidates.values():
        fit = score(chain, facts.held, facts.spellings)
        if fit is not None:
            fits.append(fit)
    fits.sort(key=lambda fit: (-fit.score, fit.entity.slug))
    return fits[:MAX_CANDIDATES]


def score(chain: Chain, entity: Held, spellings: Sequence[tuple[str, bool]]) -> Fit | None:
    """How well `entity` (written as `spellings`) fits the chain, or None below FLOOR."""
    best, basis = 0.0, ""

    def offer(value: float, why: str) -> None:
        nonlocal best, basis
        if value > best:
            best, basis = value, why

    mine = _own_names(chain)
    person = chain.kind is EntityKind.person or (
        chain.kind is None and entity.kind is EntityKind.person
    )
    for spelled in mine:
        folded = normalize_name(spelled)
        key = name_key(spelled)
        words = key.split()
        letters = acronym_letters(spelled)
        for theirs, is_alias in spellings:
            their_key = name_key(theirs)
            their_words = their_key.split()
            if normalize_name(theirs) == folded:
                offer(1.0, "alias" if is_alias else "name")
            elif their_key == key and key:
                offer(0.97, "same name")
            their_letters = acronym_letters(theirs)
            if letters and letters in initials(theirs):
                offer(0.88, "acronym")
            if their_letters and their_letters in initials(spelled):
                offer(0.88, "acronym")
            if len(words) > 1 and len(their_words) > 1:
                if person and entity.kind is EntityKind.person:
                    if words[0] == their_words[0] and words[-1] == their_words[-1]:
                        if len(words) == 2 or len(their_words) == 2:
                            # The same name but for a middle name or initial one of them
                            # leaves out: "James B. Comey", "Hillary Rodham Clinton".
                            offer(0.97, "same name")
                        else:
                            offer(0.92, "same first and last name")
                    elif words[-1] == their_words[-1] and _initial_of(words[0], their_words[0]):
                        offer(0.86, "initial and surname")
                elif _content(words) == _content(their_words) and _content(words):
                    offer(0.92, "same words")
                ratio = fuzz.token_sort_ratio(key, their_key) / 100
                if ratio >= FUZZY:
                    offer(round(ratio * 0.95, 3), "fuzzy")
            elif len(words) == 1 and len(their_words) > 1 and not letters:
                # A person the recogniser once read as a body ("Carly Fiorina") is still
                # offered for a surname, at the lower score of a kind that differs.
                if person and _COARSE[entity.kind] in ("person", "body"):
                    if their_words[-1] == words[0]:
                        offer(0.8, "surname")
                    elif their_words[0] == words[0]:
                        offer(0.65, "first name")
                elif not person and words[0] in their_words:
                    rest = [w for w in their_words if w != words[0] and w not in STOPWORDS]
                    offer(0.7 if all(w in GENERIC for w in rest) else 0.62, "part of the name")
            elif (
                len(words) > 1
                and len(their_words) == 1
                and not their_letters
                and entity.kind is EntityKind.person
                and person
                and words[-1] == their_words[0]
            ):
                offer(0.8, "surname")
    if best < FLOOR:
        return None
    if not kinds_agree(chain.kind, entity.kind, same_name=best >= CONFIDENT):
        best, basis = round(best * KIND_PENALTY, 3), basis + ", kind differs"
        if best < FLOOR * KIND_PENALTY:
            return None
    return Fit(entity, best, basis)


def _initial_of(one: str, other: str) -> bool:
    """Whether one first name is the other's initial ("V." and "Vladimir")."""
    return (len(one) == 1 or len(other) == 1) and one[0] == other[0] and one != other


def _content(words: Sequence[str]) -> frozenset[str]:
    return frozenset(w for w in words if w not in STOPWORDS and w not in GENERIC)


# --- roles ------------------------------------------------------------------------------


def _roles(reader: Reader, jobs: Sequence[tuple[Resolved, str | None]]) -> None:
    """Candidates for roles: who the store knows held the role ("fbi director"),
    on the text's date (0.95) or at another time (0.7)."""
    if not jobs:
        return
    titles = {id(r): role_title(r.chain.full) for r, _ in jobs}
    wanted = sorted({t for t in titles.values() if t})
    holders: dict[str, list[tuple[int, str | None, str | None]]] = defaultdict(list)
    for chunk in _chunks(wanted):
        marks = ", ".join(f":t{n}" for n in range(len(chunk)))
        for row in reader.rows(
            reader.sql(
                "SELECT folded, entity_id, since, until FROM entity_role "
                f"WHERE folded IN ({marks})",
                **{f"t{n}": title for n, title in enumerate(chunk)},
            )
        ):
            holders[str(row[0])].append((int(row[1]), row[2], row[3]))
    facts = _facts(reader, sorted({h[0] for rows in holders.values() for h in rows}))
    for result, on in jobs:
        fits: dict[int, Fit] = {}
        for entity_id, since, until in holders.get(titles[id(result)], []):
            if entity_id not in facts:
                continue
            role = EntityRole(title="role", since=since, until=until)
            held_then = on is not None and role.holds_on(on)
            undated = since is None and until is None
            value = 0.95 if held_then or undated else 0.7
            fit = Fit(facts[entity_id].held, value, "role")
            if entity_id not in fits or fits[entity_id].score < value:
                fits[entity_id] = fit
        result.fits = sorted(fits.values(), key=lambda f: (-f.score, f.entity.slug))


def role_title(text: str) -> str:
    """A role as the store indexes it: folded, without its determiner or possessive
    ("The FBI director" -> "fbi director", "the president of Russia" -> "president of
    russia")."""
    words = fold(text).split()
    while len(words) > 1 and words[0] in DETERMINERS:
        words = words[1:]
    return " ".join(words)


# --- unnamed sources and reviewers' decisions ------------------------------------------------


def _anonymous(reader: Reader, sources: Sequence[int]) -> dict[tuple[int, str], Held]:
    """The unnamed sources these sources hold, by (source, folded description)."""
    own: dict[tuple[int, str], Held] = {}
    for chunk in _chunks(sources):
        marks = ", ".join(f":s{n}" for n in range(len(chunk)))
        for row in reader.rows(
            reader.sql(
                "SELECT id, slug, name, kind, source_id FROM entity "
                f"WHERE source_id IN ({marks}) AND merged_into_id IS NULL",
                **{f"s{n}": source for n, source in enumerate(chunk)},
            )
        ):
            held = Held(int(row[0]), str(row[1]), str(row[2]), _kind(row[3]))
            own[(int(row[4]), fold(held.name))] = held
    return own


_Decided = dict[str, tuple[str, int, Held | None]]


def _decided_links(reader: Reader, sources: Sequence[int]) -> dict[int, _Decided]:
    """The sources' entity_link proposals, pending or accepted, by source and by each
    folded spelling of their mention: (state, proposal id, the entity an accepted one
    linked, or the one that entity was merged into)."""
    rows: list[tuple[Any, ...]] = []
    for chunk in _chunks(sources):
        marks = ", ".join(f":s{n}" for n in range(len(chunk)))
        rows += reader.rows(
            reader.sql(
                "SELECT source_id, id, state, payload, result FROM proposal "
                f"WHERE source_id IN ({marks}) AND kind = 'entity_link' "
                "AND state IN ('pending', 'accepted') ORDER BY id",
                **{f"s{n}": source for n, source in enumerate(chunk)},
            )
        )
    entities = _by_slug(reader, sorted({str(row[4]) for row in rows if row[4]}))
    found: dict[int, _Decided] = defaultdict(dict)
    for source, proposal_id, state, payload, result in rows:
        data = payload if isinstance(payload, dict) else _json(payload)
        entity = entities.get(str(result)) if result else None
        for spelled in data.get("mention", {}).get("spellings", []):
            found[int(source)][normalize_name(str(spelled))] = (
                str(state),
                int(proposal_id),
                entity,
            )
    return found


def _json(value: Any) -> dict[str, Any]:
    import json

    loaded = json.loads(value) if isinstance(value, str | bytes) else {}
    return loaded if isinstance(loaded, dict) else {}


def _by_slug(reader: Reader, slugs: Sequence[str]) -> dict[str, Held]:
    """Entities by slug, a merged one as the entity it was merged into."""
    found: dict[str, Held] = {}
    for chunk in _chunks(slugs):
        marks = ", ".join(f":s{n}" for n in range(len(chunk)))
        rows = reader.rows(
            reader.sql(
                "SELECT e.slug, coalesce(k.id, e.id), coalesce(k.slug, e.slug), "
                "coalesce(k.name, e.name), coalesce(k.kind, e.kind) FROM entity e "
                f"LEFT JOIN entity k ON k.id = e.merged_into_id WHERE e.slug IN ({marks})",
                **{f"s{n}": slug for n, slug in enumerate(chunk)},
            )
        )
        for row in rows:
            found[str(row[0])] = Held(int(row[1]), str(row[2]), str(row[3]), _kind(row[4]))
    return found


def _link_of(chain: Chain, decided: _Decided) -> tuple[str, int, Held | None] | None:
    for spelled in chain.names:
        found = decided.get(normalize_name(spelled))
        if found is not None:
            return found
    return None


# --- names as a stored proposal keeps them ------------------------------------------------


@dataclass(frozen=True)
class Written:
    """A name as a stored claim proposal keeps it: as written, its fullest form in the
    text, and the kind read."""

    name: str
    known_as: str | None
    kind: EntityKind | None


def chain_of(item: Written) -> Chain:
    """The chain a stored name stands for: the name with its fullest form."""
    mentions = [Mention(item.known_as, item.kind)] if item.known_as else []
    mentions.append(Mention(item.name, item.kind))
    chained, _ = chains(None, mentions)
    chain = chained[0]
    for extra in chained[1:]:  # the name is a short form the rules did not join
        chain.spellings += [s for s in extra.spellings if s not in chain.spellings]
    if item.kind is EntityKind.anonymous and chain.form is not Form.description:
        chain.form, chain.kind = Form.description, EntityKind.anonymous
    return chain


def resolve_written(
    reader: Reader, texts: Sequence[tuple[int | None, str | None, Iterable[Written]]]
) -> dict[tuple[int | None, Written], Resolved]:
    """Resolve the names stored proposals keep, the way their texts' chains were
    resolved when read: each (source, date, names) at once."""
    jobs: list[tuple[Chain, int | None, str | None]] = []
    keys: list[tuple[int | None, Written]] = []
    for source, on, written in texts:
        for item in dict.fromkeys(written):
            if (source, item) in keys:
                continue
            keys.append((source, item))
            jobs.append((chain_of(item), source, on))
    return dict(zip(keys, resolve_many(reader, jobs), strict=True))
