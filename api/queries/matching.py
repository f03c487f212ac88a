"""Has this been said before? The held claims that match a claim or a text, best first.

Two passes, as fact-checkers' claim matching has them: retrieval by the store's own
full-text index (`retrieve`, the one place that asks it: FTS5 on SQLite, a tsvector on
PostgreSQL), which brings the `DEPTH` claims sharing the most words with the probe; then
scoring of those few by the text rules of `api.queries.likeness` (exact words, the same
sentence with small edits, shared content), with the stored quantities compared where
both claims have one, and, where the `[match]` extra is installed and enabled, a
sentence-embedding re-ranker (`api.queries.semantic`). Each match says the relation its
differences suggest. Three statements a request: retrieval, the candidates' rows, and
the stored JSON of the matches answered.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from api.errors import invalid_parameter, not_found
from api.queries import likeness, names, semantic
from api.queries.likeness import Likeness, Suggestion, Words
from api.store import search
from api.store.db import Reader, Store
from models.base import date_bounds
from models.candidate import CandidatePublic, ProposalState
from models.matching import Matches, MatchQuery, SimilarParams, Thresholds

# How many claims retrieval hands to scoring: enough that a restatement sharing only a
# few words still arrives, few enough that scoring stays a millisecond or two.
DEPTH = 40
# At most this many words of a long probe go to the index (the longest first: they are
# the rarer ones, as a rule).
MAX_WORDS = 24
_STOP = search.STOP_WORDS | likeness.NEGATIONS


@dataclass(frozen=True)
class Filters:
    """What a match request narrows the held claims to."""

    entity_id: int | None = None
    claimant_id: int | None = None
    since: date | None = None
    include_retracted: bool = False
    exclude_id: int | None = None


@dataclass(frozen=True)
class Probe:
    """What is looked for: its texts (a claim's quote and statement, or a client's text),
    and a claim's claimant and quantity when the probe is a claim."""

    texts: tuple[str, ...]
    claimant_id: int | None = None
    quantity: tuple[str | None, float | None, float | None] | None = None  # unit, low, high
    source_id: int | None = None  # the source its quote is from


@dataclass(frozen=True)
class Held:
    """A retrieved claim, as scoring reads it."""

    id: int
    public_id: str
    claimant_id: int
    texts: tuple[str, ...]
    quantity: tuple[str | None, float | None, float | None] | None
    source_id: int


@dataclass(frozen=True)
class Found:
    """A scored match: the held claim, its score and method, and the relation it
    suggests with the rule that suggests it."""

    claim_id: int
    public_id: str
    claimant_id: int
    source_id: int
    score: float
    method: str
    suggested_type: str | None
    rule: str | None


def retrieve(reader: Reader, words: Sequence[str], filters: Filters, k: int = DEPTH) -> list[int]:
    """The `k` claims that share the most of `words`, by the full-text index's ranking,
    among those `filters` allow (the one retrieval call: ranking changes go here)."""
    if not words:
        return []
    conditions, params, reads_row = _conditions(reader.dialect, filters)
    params |= {"fts": search.any_word(reader.dialect, list(words)), "k": k}
    statement = search.nearest(reader.dialect, conditions, reads_row)
    rows = reader.rows(reader.sql(statement, **params))
    return [int(row[0]) for row in rows]


# Retracted claims are few: their ids come from a partial index, and no match's claim row
# is read just to see that it stands (as `api.queries.claim_list` does).
_STANDING = "{{id}} NOT IN (SELECT id FROM claim WHERE retracted_at IS NOT NULL)"


def _conditions(dialect: str, filters: Filters) -> tuple[str, dict[str, object], bool]:
    """The filters as SQL on the claim whose id is `{id}` (and on `claim` where the
    third value says the claim's row is read)."""
    where: list[str] = []
    params: dict[str, object] = {}
    reads_row = False
    if not filters.include_retracted:
        where.append(_STANDING)
    if filters.exclude_id is not None:
        where.append("{{id}} <> :exclude_id")
        params["exclude_id"] = filters.exclude_id
    if filters.entity_id is not None:
        where.append("{{id}} IN (SELECT claim_id FROM claim_entity WHERE entity_id = :entity_id)")
        params["entity_id"] = filters.entity_id
    if filters.claimant_id is not None:
        where.append("claim.claimant_id = :claimant_id")
        params["claimant_id"] = filters.claimant_id
        reads_row = True
    if filters.since is not None:
        where.append("claim.claimed_from >= :since")
        params["since"] = filters.since.isoformat() if dialect == "sqlite" else filters.since
        reads_row = True
    text = "".join(f" AND {condition}" for condition in where)
    return text.replace("{{id}}", "{id}"), params, reads_row


def probe_words(texts: Sequence[str], shares: dict[str, float] | None = None) -> list[str]:
    """The words of a probe the index is asked for: no stop words, no repeats, the
    longest `MAX_WORDS`. In a large store (`shares` known: how common each word is), the
    common words are left out too, the rarest first, `BIG_STORE_WORDS` at most: a word on
    a tenth of a million claims costs the index a tenth of a million rows to rank."""
    seen: dict[str, str] = {}
    for text in texts:
        for word in search.terms(search.plain_numbers(text)):
            folded = word.casefold()
            if folded not in _STOP and len(folded) > 1 and folded not in seen:
                seen[folded] = word
    if shares is None:
        ranked = sorted(seen, key=len, reverse=True)[:MAX_WORDS]
    else:
        by_rarity = sorted(seen, key=lambda w: (shares.get(w, 0.0), -len(w)))
        rare = [w for w in by_rarity if shares.get(w, 0.0) < COMMON_SHARE]
        ranked = (rare if len(rare) >= MIN_WORDS else by_rarity[:MIN_WORDS])[:BIG_STORE_WORDS]
    return [seen[word] for word in ranked]


# A store above BIG_STORE claims asks the index for at most BIG_STORE_WORDS of a probe's
# words, leaving out those on COMMON_SHARE of the claims or more (as a sample of SAMPLE
# claims shows them; taken again after SAMPLE_SECONDS), keeping MIN_WORDS at least.
BIG_STORE = 50_000
BIG_STORE_WORDS = 6
COMMON_SHARE = 0.005
MIN_WORDS = 3
SAMPLE = 2000
SAMPLE_SECONDS = 600.0
_samples: dict[tuple[int, str], tuple[float, dict[str, float]]] = {}
_samples_lock = threading.Lock()


def word_shares(reader: Reader) -> dict[str, float] | None:
    """How common each word is among the claims (the share of a random sample holding
    it), or None for a store small enough that every word may be asked for. Cached per
    connection for `SAMPLE_SECONDS`."""
    key = (id(reader.connection), reader.dialect)
    now = time.monotonic()
    with _samples_lock:
        held = _samples.get(key)
    if held is not None and now - held[0] < SAMPLE_SECONDS:
        return held[1] or None
    row = reader.first(reader.sql("SELECT max(id) FROM claim"))
    top = int(row[0]) if row and row[0] is not None else 0
    shares: dict[str, float] = {}
    if top > BIG_STORE:
        ids = random.Random(top).sample(range(1, top + 1), SAMPLE)
        marks = ", ".join(str(i) for i in ids)
        texts = reader.rows(reader.sql(f"SELECT search_text FROM claim WHERE id IN ({marks})"))
        counts: Counter[str] = Counter()
        for (text,) in texts:
            counts.update({word.casefold() for word in search.terms(text)})
        shares = {word: count / max(1, len(texts)) for word, count in counts.items()}
    with _samples_lock:
        _samples[key] = (now, shares)
    return shares or None


_HELD = (
    "SELECT id, public_id, claimant_id, quote_text, statement, quantity_unit, "
    "quantity_low, quantity_high, quote_source_id FROM claim WHERE id IN ({ids})"
)


def _held(reader: Reader, ids: Sequence[int]) -> list[Held]:
    if not ids:
        return []
    marks = ", ".join(str(int(i)) for i in ids)  # row ids from the index: integers
    rows = reader.rows(reader.sql(_HELD.format(ids=marks)))
    order = {claim_id: n for n, claim_id in enumerate(ids)}
    held = [
        Held(
            id=int(row[0]),
            public_id=row[1],
            claimant_id=int(row[2]),
            texts=(row[3], row[4]),
            quantity=(row[5], row[6], row[7]) if row[5] is not None else None,
            source_id=int(row[8]),
        )
        for row in rows
    ]
    return sorted(held, key=lambda h: order[h.id])


def _best(
    probe: Probe, held: Held, weight: Callable[[str], float] | None
) -> tuple[Likeness, Words, Words]:
    """The most alike pair of texts of the two (quote or statement on either side)."""
    best: tuple[Likeness, Words, Words] | None = None
    for mine in probe.texts:
        a = likeness.read(mine)
        for theirs in held.texts:
            b = likeness.read(theirs)
            found = likeness.compare(a, b, weight)
            if best is None or found.score > best[0].score:
                best = (found, a, b)
    assert best is not None
    return best


# How much the sentence embeddings weigh against the lexical score, where they run.
SEMANTIC_WEIGHT = 0.3


def score(
    probe: Probe,
    held: Held,
    meaning: float | None = None,
    weight: Callable[[str], float] | None = None,
) -> Found:
    """One retrieved claim scored against the probe, with the relation it suggests;
    `meaning` is the two texts' embedding similarity, where the re-ranker runs, and
    `weight` how much each content word counts (`likeness.rarity`)."""
    found, a, b = _best(probe, held, weight)
    if meaning is not None and found.method == "lexical" and found.score < likeness.NEAR_DUPLICATE:
        # The re-ranker weighs in where the words leave doubt; the same words, or one
        # text inside the other, need no second opinion.
        blended = SEMANTIC_WEIGHT * max(0.0, meaning) + (1 - SEMANTIC_WEIGHT) * found.score
        if blended > found.score:
            found = Likeness(round(min(blended, 0.999), 4), "semantic", found.overlap)
    suggestion = likeness.relation(a, b, found, meaning)
    if (
        probe.quantity is not None
        and held.quantity is not None
        and probe.quantity[0] == held.quantity[0]
        and found.overlap >= likeness.FIGURE_FLOOR
        and likeness.quantities_differ(probe.quantity[1:], held.quantity[1:])
    ):
        suggestion = Suggestion("contradicts", "contradicts-quantity")
    return Found(
        claim_id=held.id,
        public_id=held.public_id,
        claimant_id=held.claimant_id,
        source_id=held.source_id,
        score=found.score,
        method=found.method,
        suggested_type=suggestion.type,
        rule=suggestion.rule,
    )


def find(
    reader: Reader,
    probe: Probe,
    filters: Filters,
    *,
    limit: int,
    min_score: float,
    rerank: bool = True,
) -> list[Found]:
    """The held claims that match the probe, best first: at most `limit`, each scoring
    `min_score` or more; `rerank` lets the semantic re-ranker weigh in where installed."""
    words = probe_words(probe.texts, word_shares(reader))
    held = _held(reader, retrieve(reader, words, filters))
    meanings: list[float | None] | None = None
    if rerank and held:
        meanings = semantic.similarities(probe.texts[0], [item.texts[0] for item in held])  # type: ignore[assignment]
    weight = likeness.rarity([likeness.read(text) for item in held for text in item.texts[:1]])
    scored = [
        score(probe, item, meanings[n] if meanings else None, weight) for n, item in enumerate(held)
    ]
    kept = [item for item in scored if item.score >= min_score and item.score > 0]
    kept.sort(key=lambda item: (-item.score, item.claim_id))
    return kept[:limit]


# --- the requests ------------------------------------------------------------------------


_PROBE = (
    "SELECT id, claimant_id, quote_text, statement, quantity_unit, quantity_low, "
    "quantity_high, quote_source_id FROM claim WHERE {key} = :key"
)


def claim_probe(
    reader: Reader, *, public_id: str | None = None, row_id: int | None = None
) -> tuple[int, Probe] | None:
    """A held claim as a probe (its quote, statement, claimant and quantity), by public
    id or row id; None if there is none."""
    key, value = ("public_id", public_id) if public_id is not None else ("id", row_id)
    row = reader.first(reader.sql(_PROBE.format(key=key), key=value))
    if row is None:
        return None
    return int(row[0]), Probe(
        texts=(row[2], row[3]),
        claimant_id=int(row[1]),
        quantity=(row[4], row[5], row[6]) if row[4] is not None else None,
        source_id=int(row[7]),
    )


def similar(store: Store, claim_id: str, params: SimilarParams, rerank: bool = True) -> bytes:
    """`GET /claims/{id}/similar`: the claims that match a held claim (never itself)."""
    with store.reader() as reader:
        probed = claim_probe(reader, public_id=claim_id)
        if probed is None:
            raise not_found("claim", claim_id)
        row_id, probe = probed
        filters = Filters(include_retracted=params.include_retracted, exclude_id=row_id)
        found = find(
            reader, probe, filters, limit=params.limit, min_score=params.min_score, rerank=rerank
        )
        return answer(reader, found)


# How many relations the matcher proposes for one claim at most (its best matches).
PROPOSE_LIMIT = 5


def to_propose(
    reader: Reader,
    probe: Probe,
    suggest: float,
    exclude_id: int | None = None,
    rerank: bool = True,
) -> list[Found]:
    """The matches the matcher acts on for a new claim (or a claim proposal), best
    first: among its `PROPOSE_LIMIT` best matches, those that restate it scoring
    `suggest` or more, and those a contradiction rule fires on (each rule has its own
    floor, `api.queries.likeness`)."""
    filters = Filters(exclude_id=exclude_id)
    found = find(reader, probe, filters, limit=PROPOSE_LIMIT, min_score=0, rerank=rerank)
    chosen = []
    for item in found:
        if item.suggested_type == "contradicts":
            chosen.append(item)
        elif item.suggested_type in ("restates", None) and item.score >= suggest:
            # Below the restatement rule's own floor, a store that set `suggest` lower
            # still wants these proposed (as restatements, for a person to judge).
            rule = item.rule or f"restates-{item.method}"
            chosen.append(replace(item, suggested_type="restates", rule=rule))
    return chosen


def match(store: Store, query: MatchQuery, rerank: bool = True) -> bytes:
    """`POST /claims:match`: the claims that match a text."""
    with store.reader() as reader:
        filters = Filters(include_retracted=query.include_retracted)
        if query.entity is not None:
            entity = names.entity_parameter(reader, "entity", query.entity)
            filters = replace(filters, entity_id=entity.id)
        if query.claimant is not None:
            claimant = names.entity_parameter(reader, "claimant", query.claimant)
            filters = replace(filters, claimant_id=claimant.id)
        if query.since is not None:
            try:
                filters = replace(filters, since=date_bounds(query.since)[0])
            except ValueError as exc:
                raise invalid_parameter("since", str(exc)) from None
        found = find(
            reader,
            Probe(texts=(query.text,)),
            filters,
            limit=query.limit,
            min_score=query.min_score,
            rerank=rerank,
        )
        return answer(reader, found)


def answer(reader: Reader, found: Sequence[Found]) -> bytes:
    """`{"items": [...]}` with each match's stored claim JSON, as `Matches` has it."""
    bodies = documents_of(reader, [item.claim_id for item in found])
    items = [
        '{"claim":'
        + bodies[item.claim_id]
        + f',"score":{json.dumps(item.score)},"method":{json.dumps(item.method)},'
        + f'"suggested_type":{json.dumps(item.suggested_type)}}}'
        for item in found
        if item.claim_id in bodies
    ]
    return ('{"items":[' + ",".join(items) + "]}").encode()


def documents_of(reader: Reader, ids: Sequence[int]) -> dict[int, str]:
    """The stored JSON of these claims, by row id."""
    if not ids:
        return {}
    marks = ", ".join(str(int(i)) for i in ids)
    rows = reader.rows(
        reader.sql(f"SELECT claim_id, body FROM claim_document WHERE claim_id IN ({marks})")
    )
    return {int(row[0]): row[1] for row in rows}


# --- thresholds ------------------------------------------------------------------------------


def thresholds(reader: Reader) -> tuple[Thresholds, int]:
    """The store's thresholds (the defaults until someone sets them) and their version."""
    row = reader.first(
        reader.sql("SELECT suggest, link, link_across_claimants, version FROM match_setting")
    )
    if row is None:
        return Thresholds(), 0
    return (
        Thresholds(suggest=row[0], link=row[1], link_across_claimants=bool(row[2])),
        int(row[3]),
    )


# --- the review queue -----------------------------------------------------------------------


def with_matches(
    reader: Reader, candidates: Sequence[CandidatePublic], rerank: bool = True
) -> list[CandidatePublic]:
    """The candidates, each pending one with the held claims its words match at or
    above the `suggest` threshold (`matches`); one match request per pending candidate."""
    if not any(c.state is ProposalState.pending for c in candidates):
        return list(candidates)
    limits, _ = thresholds(reader)
    shown = []
    for candidate in candidates:
        if candidate.state is ProposalState.pending:
            found = find(
                reader,
                Probe(texts=(candidate.quote.text,)),
                Filters(),
                limit=PROPOSE_LIMIT,
                min_score=limits.suggest,
                rerank=rerank,
            )
            items = Matches.model_validate_json(answer(reader, found)).items
            candidate = candidate.model_copy(update={"matches": items})
        shown.append(candidate)
    return shown
