"""Synthetic stores of N claims with a realistic shape, written through `api.bulk`.

Entities, sources and claimants are picked with Zipf-skewed popularity (the most popular
entity is on about 1% of claims), statements and quotes have article-like lengths, each
quote is a real span of a generated held article, chains have 1 to 3 hops, dates (when
claimed, and for a third of the claims when the thing happened) spread over 2018-2025
at mixed precision, and three claims in a hundred bear on another (contradicts, supports...)
through the relation use case, so disputes are settled as in the service.

    python bench/generate.py --claims 1000000 --database-url sqlite:///bench/data/1m.db
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
import resource
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from api.ingest.bulk import bulk_load
from api.store.db import Store
from api.writes import relations
from api.writes.unit import unit_of_work
from models.base import EntityKind, Principal, RelationType, Scope, SourceKind, Speech, StatedStatus
from models.fixture import EntityFixture, SourceFixture
from models.relation import RelationCreate

T = TypeVar("T")
VOCABULARY_SIZE = 6000
ENTITY_EXPONENT = 0.55  # tuned so the top entity is on about 1% of claims at 1M
SOURCE_EXPONENT = 0.8


class Zipf:
    """Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1) ** exponent."""

    def __init__(self, n: int, exponent: float, rng: random.Random) -> None:
        weights = [1.0 / (rank + 1) ** exponent for rank in range(n)]
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]
        self.rng = rng

    def draw(self) -> int:
        return bisect.bisect_left(self.cumulative, self.rng.random() * self.total)


def _words(rng: random.Random) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    seen: set[str] = set()
    while len(seen) < VOCABULARY_SIZE:
        seen.add("".join(rng.choice(letters) for _ in range(rng.randint(3, 10))))
    return sorted(seen)


@dataclass
class Shape:
    entities: list[EntityFixture]
    sources: list[SourceFixture]
    texts: dict[str, str]
    held: list[str]  # slugs of held sources, most popular first
    reports: list[str]  # slugs of cited, unheld sources


def make_shape(n_claims: int, rng: random.Random) -> tuple[Shape, list[str]]:
    vocabulary = _words(rng)
    word = Zipf(len(vocabulary), 1.0, rng)

    def sentence(n: int) -> str:
        return " ".join(vocabulary[word.draw()] for _ in range(n)).capitalize() + "."

    n_entities = max(60, n_claims // 20)
    kinds = list(EntityKind)
    entities = [
        EntityFixture.model_construct(
            slug=f"entity-{i}",
            name=f"Entity {i}",
            kind=kinds[i % len(kinds)],
            aliases=[f"E{i}"],
            description=sentence(10),
        )
        for i in range(n_entities)
    ]
    n_held = max(10, n_claims // 100)
    n_reports = max(10, n_claims // 200)
    texts, sources, held, reports = {}, [], [], []
    for i in range(n_held):
        slug = f"article-{i}"
        texts[slug] = "\n\n".join(
            " ".join(sentence(rng.randint(12, 30)) for _ in range(4)) for _ in range(6)
        )
        held.append(slug)
        sources.append(
            SourceFixture.model_construct(
                slug=slug,
                name=f"Article {i}",
                title=sentence(6),
                kind=SourceKind.article,
                publisher=f"entity-{i % 200}",
                date=f"{2018 + i % 8}-{1 + i % 12:02d}",
                date_inferred=False,
                date_note=None,
                url=None,
                text=None,
            )
        )
    for i in range(n_reports):
        slug = f"report-{i}"
        reports.append(slug)
        sources.append(
            SourceFixture.model_construct(
                slug=slug,
                name=f"Report {i}",
                title=None,
                kind=SourceKind.news_report,
                publisher=f"entity-{i % 500}",
                date=None,
                date_inferred=False,
                date_note=None,
                url=None,
                text=None,
            )
        )
    return Shape(entities, sources, texts, held, reports), vocabulary


def _partial_date(rng: random.Random) -> str | None:
    day = date(2018, 1, 1) + timedelta(days=rng.randrange(8 * 365))
    roll = rng.random()
    if roll < 0.05:
        return None
    if roll < 0.15:
        return f"{day.year}"
    if roll < 0.40:
        return f"{day.year}-{day.month:02d}"
    return day.isoformat()


def make_claims(
    n_claims: int, shape: Shape, vocabulary: Sequence[str], rng: random.Random
) -> Iterator[dict[str, Any]]:
    """Claims in the fixture format (what an NDJSON file would hold)."""
    entity = Zipf(len(shape.entities), ENTITY_EXPONENT, rng)
    held = Zipf(len(shape.held), SOURCE_EXPONENT, rng)
    report = Zipf(len(shape.reports), SOURCE_EXPONENT, rng)
    word = Zipf(len(vocabulary), 1.0, rng)
    statuses = [status.value for status in StatedStatus]
    speeches = [speech.value for speech in Speech]
    verbs = ["reported", "said", "told", "claimed", "suggested"]
    for n in range(n_claims):
        source = shape.held[held.draw()]
        text = shape.texts[source]
        start = text.find(" ", rng.randrange(len(text) - 300)) + 1
        end = text.find(" ", start + rng.randint(80, 200))
        claimant = f"entity-{entity.draw()}"
        others = {f"entity-{entity.draw()}" for _ in range(rng.randint(1, 3))} - {claimant}
        hops: list[dict[str, Any]] = [{"source": source, "verb": "reported"}]
        if rng.random() < 0.6:
            hops.append({"source": shape.reports[report.draw()], "verb": "reported"})
        hops.append({"entity": claimant, "verb": verbs[n % len(verbs)]})
        statement = " ".join(vocabulary[word.draw()] for _ in range(rng.randint(14, 26)))
        yield {
            "id": f"claim-{n}",
            "statement": statement.capitalize() + ".",
            "quote": {"source": source, "text": text[start:end], "start": start, "end": end},
            "claimant": claimant,
            "entities": [{"slug": slug, "role": "about"} for slug in sorted(others)],
            "attribution": hops,
            "claimed_on": _partial_date(rng),
            "event_date": _partial_date(rng) if n % 3 == 0 else None,
            "status": statuses[n % len(statuses)],
            "speech": speeches[n % len(speeches)],
            "quantity": _quantity(n, rng),
        }


def _quantity(n: int, rng: random.Random) -> dict[str, Any] | None:
    """A figure on one claim in seven: a plain number, or a range ("a few hundred")."""
    if n % 7:
        return None
    low = float(rng.randint(1, 5000))
    if n % 2:
        return {"value": low, "unit": "people", "text": "so many"}
    return {"low": low, "high": low * 2.5, "unit": "people", "qualifier": "about"}


RELATIONS_EVERY = 33  # one claim in this many bears on another: 3 per hundred
BENCH = Principal("bench", Scope.admin)


def add_relations(store: Store, n_claims: int, rng: random.Random, batch: int = 500) -> int:
    """Relations between nearby claims, written through `api.writes.relations` (one unit
    per `batch`), so each contradiction settles the claims' standing as the API would."""
    kinds = list(RelationType)
    made = 0
    pending = list(range(0, n_claims - 1, RELATIONS_EVERY))
    for start in range(0, len(pending), batch):
        with unit_of_work(store, BENCH, "benchmark relations") as work:
            for n in pending[start : start + batch]:
                other = min(n_claims - 1, n + rng.randint(1, RELATIONS_EVERY - 1))
                data = RelationCreate.model_validate(
                    {
                        "type": kinds[(n // RELATIONS_EVERY) % len(kinds)],
                        "from": f"claim-{n}",
                        "to": f"claim-{other}",
                        "note": "A generated link between two nearby claims.",
                    }
                )
                relations.create(work, data)
                made += 1
            work.commit()
    return made


class Timed(Iterator[T]):
    """An iterator that keeps count of the time spent making its items."""

    def __init__(self, items: Iterator[T]) -> None:
        self.items = items
        self.seconds = 0.0

    def __next__(self) -> T:
        started = time.perf_counter()
        try:
            return next(self.items)
        finally:
            self.seconds += time.perf_counter() - started


def generate(n_claims: int, database_url: str, seed: int = 2022, *, relations: bool = True) -> None:
    """The store of `n_claims`; without `relations`, the claims only (the slow part of a
    big store is linking through the use case, which only the relation queries need)."""
    rng = random.Random(seed)
    shape, vocabulary = make_shape(n_claims, rng)
    store = Store(database_url)
    # The claims are made as the loader asks for them; the time spent making them is
    # the generator's, not the loader's, so it is measured apart.
    claims = Timed(make_claims(n_claims, shape, vocabulary, rng))
    report = bulk_load(
        store,
        entities=shape.entities,
        sources=shape.sources,
        texts=shape.texts,
        claims=claims,
    )
    started = time.perf_counter()
    linked = add_relations(store, n_claims, rng) if relations else 0
    linking = time.perf_counter() - started
    store.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"loaded {report.claims} claims, {report.entities} entities, {report.sources} sources "
        f"in {report.seconds:.1f} s, of which {claims.seconds:.1f} s making the synthetic "
        f"claims and {report.seconds - claims.seconds:.1f} s in the bulk loader; "
        f"{linked} relations in {linking:.1f} s through the use case; "
        f"peak RSS {peak_mb:.0f} MB (generator and loader's writer in one process), "
        f"{worker_mb:.0f} MB (the loader's largest worker process)",
        file=sys.stderr,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args()
    generate(args.claims, args.database_url, args.seed)


if __name__ == "__main__":
    main()
