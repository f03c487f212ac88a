"""Relevance order for words of several terms: the top of the full BM25 ranking, found
without scoring every match.

A claim's score for a query is the sum, over the query's distinct terms (those of the
words and phrases to find, `SearchQuery.scoring_terms`), of the term's idf times the
claim's BM25 weight for it (`api.store.search.weight`: the weight the ranked postings
hold, 0 where the claim lacks the term). Ties go to the older claim (lower id).

Each term's postings are read best first (`claim_term (term, rank, claim_id)`), a few at
a time and in turn (Fagin's threshold algorithm): each claim they turn up is checked
against the filters (`claim_list.candidates`, which reads its indexed text) and the words
themselves (`SearchQuery.matches`, on that text), and scored from the text; the ranking
stops as soon as the page's worst claim scores above what any claim not yet seen could
(the sum of each term's idf times the weight where its walk stands). A query whose
matches are few (its rarest term of each alternative on few claims) is scored outright
instead, through the full-text index. Either way the answer is the exact top of the
ranking; one-term queries never come here (`claim_list.page` walks that term's postings,
which is the ranking itself).
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from api.queries import claim_list
from api.queries.claim_list import ClaimFilters
from api.store import query_syntax, search
from api.store.query_syntax import SearchQuery
from api.store.reader import Reader, Sql
from models.base import ClaimSort

# Up to this many matches (bounded by each alternative's rarest term), a query is
# scored outright: reading them through the full-text index costs less than the walk.
FEW_MATCHES = 2000
# Postings read per term in the walk's first step; each later step reads four times as
# many (up to MAX_STEP), so a walk that must go deep gets there in a few statements.
FIRST_STEP = 64
MAX_STEP = 4096

Key = tuple[float, int]  # (-score, claim id): lower comes first
RELEVANCE = ClaimSort.relevance


@dataclass
class _Walk:
    """Where one term's walk down its postings stands."""

    term: str
    idf: float
    last: tuple[float, int] | None = None  # (rank, claim id) of the last posting read
    done: bool = False

    @property
    def ceiling(self) -> float:
        """The most a claim not yet read here can score for this term."""
        if self.done:
            return 0.0
        return self.idf * (search.MAX_WEIGHT if self.last is None else -self.last[0])


def best(
    reader: Reader,
    filters: ClaimFilters,
    *,
    limit: int,
    after: Sequence[Any] | None = None,
) -> list[Key]:
    """The keys (-score, claim id) of the `limit` best claims the filters and words match,
    past the key `after` (a cursor), best first."""
    query = query_syntax.parsed(filters.words)
    assert query is not None, "relevance order needs words"
    held = _held(reader, query)
    claims = _claims(reader)
    weights = {term: search.idf(max(claims, n), n) for term, n in held.items()}
    start: Key | None = (float(after[0]), int(after[1])) if after is not None else None
    at_most = sum(
        min(held[term] for part in alternative.required for term in part.terms)
        for alternative in query.alternatives
    )
    if at_most > FEW_MATCHES and _narrows(query):
        # Words that must all be there may share far fewer claims than the rarest holds:
        # counted through the full-text index, up to the bound.
        found = claim_list.matches(filters, dialect=reader.dialect)
        capped = f"SELECT count(*) FROM ({found.text} LIMIT {FEW_MATCHES + 1}) few"
        row = reader.first(Sql(capped, found.params))
        at_most = int(row[0]) if row else 0
    if at_most <= FEW_MATCHES:
        rows = reader.rows(claim_list.matches(filters, dialect=reader.dialect))
        keys = [(-score(text, weights), int(claim)) for claim, text in rows]
        return sorted(key for key in keys if start is None or key > start)[:limit]
    return _threshold(reader, filters, weights, limit, start)


def top_claims(reader: Reader, q: str, k: int) -> list[tuple[int, float]]:
    """The `k` live claims that best match the words `q`, as `GET /claims?q=...&
    sort=relevance` orders them: (claim row id, score), best first. Raises
    `query_syntax.QueryError` when `q` has nothing to search for."""
    query = query_syntax.parse(q)
    filters = ClaimFilters(words=q)
    if not claim_list.ranks_alone(filters):
        return [(claim, -key) for key, claim in best(reader, filters, limit=k)]
    statement, _ = claim_list.page(filters, dialect=reader.dialect, limit=k, sort=RELEVANCE)
    (term,) = query.scoring_terms()
    idf = search.idf(_claims(reader), _held(reader, query)[term])
    return [(int(row[1]), -float(row[0]) * idf) for row in reader.rows(statement)[:k]]


def score(text: str, weights: dict[str, float]) -> float:
    """A claim's score from its indexed text (`search.indexed_text`), given each query
    term's idf: the sum of idf times BM25 weight, in the terms' sorted order."""
    found = text.split()
    counts = Counter(term for term in found if term in weights)
    length = len(found)
    return sum(
        idf * search.weight(counts[term], length)
        for term, idf in sorted(weights.items())
        if counts[term]
    )


def _narrows(query: SearchQuery) -> bool:
    """Whether an alternative asks for more than one word, a phrase or an exclusion (its
    matches may be far fewer than its rarest term's claims)."""
    return any(
        len(alternative.required) > 1
        or alternative.excluded
        or any(len(part.terms) > 1 for part in alternative.required)
        for alternative in query.alternatives
    )


def _claims(reader: Reader) -> int:
    found = reader.first(Sql(search.CLAIMS_TOTAL, {}))
    return int(found[0]) if found else 0


def _held(reader: Reader, query: SearchQuery) -> dict[str, int]:
    """How many claims hold each scoring term, now."""
    held = {}
    for term in query.scoring_terms():
        row = reader.first(reader.sql(search.TERM_CLAIMS, term=term))
        held[term] = int(row[0]) if row else 0
    return held


def _threshold(
    reader: Reader,
    filters: ClaimFilters,
    weights: dict[str, float],
    limit: int,
    start: Key | None,
) -> list[Key]:
    query = query_syntax.parsed(filters.words)
    assert query is not None
    walks = [_Walk(term, idf) for term, idf in sorted(weights.items())]
    kept: list[tuple[float, int]] = []  # min-heap of (score, -id): the worst kept first
    seen: set[int] = set()
    step = max(FIRST_STEP, limit)
    dialect = reader.dialect
    while True:
        fresh: list[int] = []
        for walk in walks:
            if walk.done:
                continue
            if walk.last is None:
                statement = reader.sql(search.POSTINGS_FIRST, term=walk.term, n=step)
            else:
                rank, claim = walk.last
                statement = reader.sql(
                    search.POSTINGS_AFTER, term=walk.term, rank=rank, claim=claim, n=step
                )
            rows = reader.rows(statement)
            if rows:
                walk.last = (float(rows[-1][0]), int(rows[-1][1]))
            walk.done = len(rows) < step
            for _, claim in rows:
                if claim not in seen:
                    seen.add(claim)
                    fresh.append(int(claim))
        if fresh:
            found = reader.rows(claim_list.candidates(filters, fresh, dialect=dialect))
            for claim, text in found:
                if not query.matches(text):
                    continue
                value = score(text, weights)
                if start is not None and (-value, int(claim)) <= start:
                    continue
                item = (value, -int(claim))
                if len(kept) < limit:
                    heapq.heappush(kept, item)
                elif item > kept[0]:
                    heapq.heapreplace(kept, item)
        ceiling = sum(walk.ceiling for walk in walks)
        if all(walk.done for walk in walks):
            break
        if len(kept) >= limit and kept[0][0] > ceiling:
            break
        step = min(step * 4, MAX_STEP)
    return sorted((-value, -negated) for value, negated in kept)
