"""Entity resolution, measured: how well the store tells who is who across articles.

    .venv/bin/python bench/entities.py                  # the dev split (tune on this)
    .venv/bin/python bench/entities.py --split test     # the test split (report once)
    .venv/bin/python bench/entities.py --split dev --more 78   # and the 100-article run

The reference is bench/entities/reference.yaml (44 PolNeAR articles, every mention of a
person, body, place, publication, work or unnamed source labelled with its entity; see
its GUIDE.md). The texts are read from PolNeAR (bench/polnear.py).

Two ways of feeding the store, each on a fresh SQLite store, articles in date order:

1. Gold mentions ("resolver"): every mention of the reference, at its span, is resolved
   by the store's resolver (`api.writes.links.apply`, the code the service runs), the
   kind being what the trained recogniser reads at that span (unknown where it reads
   none). Every confident resolution is applied (a held entity, a new entity, an unnamed
   source of the article); nothing sent to review is accepted. A mention sent to review
   belongs to its chain of the article (the mentions the text's rules made one, which a
   reviewer decides together); a stricter line counts each as a cluster of its own.

2. End to end ("ingest"): each article is ingested as `claims ingest` does (extraction,
   the claim proposals, the `entity_link` proposals), then every claim proposal whose
   names are all resolved or confidently new is accepted with `create_entities`, as a
   reviewer accepting everything confident would; those waiting on a link stay pending.
   The names the accepted claims carry are aligned with the reference: a mention inside
   a quote by its offsets, a claimant or hop by the reference mention with the same words
   nearest before its cue.

B-cubed precision and recall (Bagga and Baldwin, 1998) compare the store's clusters with
the reference's, per outlet and overall. Entities created are counted against the
reference's count, with those the reference would have merged into another created one.
Each run then ingests the same articles a second time (the same sources resolved again,
and every source extracted again and accepted) and counts the entities created by it:
there must be none.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from polnear import Corpus  # noqa: E402

from api.ingest.extraction.recogniser import find_names  # noqa: E402
from api.queries.mentions import Mention  # noqa: E402
from api.store.db import Store  # noqa: E402
from api.store.migrate import ensure_current  # noqa: E402
from api.writes import links, sources  # noqa: E402
from api.writes.unit import unit_of_work  # noqa: E402
from models.base import EntityKind, Principal, Scope, slugify  # noqa: E402
from models.source import SourceCreate  # noqa: E402

REFERENCE = HERE / "entities" / "reference.yaml"
BENCH = Principal("bench", Scope.admin)
TARGET_F1, TARGET_P, TARGET_DUPLICATES, TARGET_REVIEW = 0.92, 0.95, 0.10, 0.25


@dataclass
class Article:
    path: str
    outlet: str
    date: str
    split: str
    text: str
    mentions: list[dict[str, Any]]

    @property
    def slug(self) -> str:
        return slugify(Path(self.path).stem)[:120]


@dataclass
class Scored:
    """Per mention: its gold entity, the store's cluster, the outlet, whether reviewed."""

    gold: list[str] = field(default_factory=list)
    store: list[str] = field(default_factory=list)
    strict: list[str] = field(default_factory=list)
    outlet: list[str] = field(default_factory=list)
    reviewed: list[bool] = field(default_factory=list)


def read_articles(split: str) -> list[Article]:
    reference = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    corpus = Corpus.find()
    chosen = [doc for doc in reference["documents"] if split in ("all", doc["split"])]
    articles = [
        Article(
            d["path"],
            d["outlet"],
            str(d["date"]),
            d["split"],
            corpus.read(d["path"], d["sha256"]),
            d["mentions"],
        )
        for d in chosen
    ]
    return sorted(articles, key=lambda a: (a.date, a.path))


def recognised_kinds(text: str) -> dict[tuple[int, int], EntityKind]:
    """What the trained recogniser reads at each span it finds."""
    found, _ = find_names(text)
    kinds = {}
    for name in found:
        try:
            kind = EntityKind(name.kind)
        except ValueError:
            continue
        if kind is not EntityKind.group:
            kinds[(name.start, name.end)] = kind
    return kinds


def kind_at(kinds: dict[tuple[int, int], EntityKind], start: int, end: int) -> EntityKind | None:
    """The recogniser's kind for a span: its own span, or one that holds it closely (a
    recogniser's "the FBI" for the reference's "FBI")."""
    if (start, end) in kinds:
        return kinds[(start, end)]
    for (s, e), kind in kinds.items():
        if s <= start and end <= e and (e - s) - (end - start) <= 4:
            return kind
    return None


def open_store(directory: Path) -> Store:
    store = Store(f"sqlite:///{directory / 'claims.db'}")
    ensure_current(store)
    return store


def hold(store: Store, article: Article, slug: str | None = None) -> int:
    data = SourceCreate(
        slug=slug or article.slug,
        name=Path(article.path).stem[:300],
        kind="article",
        date=article.date,
        text=article.text,
    )
    with unit_of_work(store, BENCH) as work:
        public, _ = sources.create(work, data)
        work.commit()
    from api.queries import names

    with store.reader() as reader:
        found = names.find_sources(reader, public.slug)
    return found[0].id


def entity_count(store: Store) -> tuple[int, int]:
    """Named entities and unnamed sources held."""
    with store.reader() as reader:
        rows = reader.rows(
            reader.sql(
                "SELECT kind = 'anonymous', COUNT(*) FROM entity WHERE merged_into_id IS NULL "
                "GROUP BY kind = 'anonymous'"
            )
        )
    counts = {bool(row[0]): int(row[1]) for row in rows}
    return counts.get(False, 0), counts.get(True, 0)


# --- 1. gold mentions through the resolver ------------------------------------------------


def resolve_gold(store: Store, articles: Sequence[Article], scored: Scored) -> dict[int, list[str]]:
    """Every article's gold mentions through the resolver; the gold ids of the mentions
    each created entity took (for counting duplicates)."""
    took: dict[int, list[str]] = defaultdict(list)
    for article in articles:
        source_id = hold(store, article)
        applied = _apply(store, article, source_id)
        _score_article(article, applied, scored, took)
    return took


def _apply(store: Store, article: Article, source_id: int) -> Any:
    kinds = recognised_kinds(article.text)
    mentions = [
        Mention(m["text"], kind_at(kinds, m["start"], m["end"]), m["start"], m["end"])
        for m in article.mentions
    ]
    with unit_of_work(store, BENCH) as work:
        result = links.apply(work, source_id, article.date, article.text, mentions)
        work.commit()
    return result


def _score_article(
    article: Article, result: Any, scored: Scored, took: dict[int, list[str]]
) -> None:
    found, chain_of, resolved, applied = result
    for n, mention in enumerate(article.mentions):
        chain = chain_of[n]
        entity = applied.entities[chain]
        scored.gold.append(mention["entity"])
        scored.outlet.append(article.outlet)
        reviewed = entity is None
        scored.reviewed.append(reviewed)
        if reviewed:
            scored.store.append(f"review:{article.slug}:{chain}")
            scored.strict.append(f"review:{article.slug}:{n}")
        else:
            scored.store.append(f"entity:{entity}")
            scored.strict.append(f"entity:{entity}")
            took[entity].append(mention["entity"])


# --- scoring ----------------------------------------------------------------------------------


def bcubed(
    gold: Sequence[str], predicted: Sequence[str], chosen: Iterable[int]
) -> tuple[float, float]:
    """B-cubed precision and recall over the mentions `chosen`, with clusters taken over
    every mention (an outlet's mentions are scored against whole clusters)."""
    by_gold: dict[str, set[int]] = defaultdict(set)
    by_store: dict[str, set[int]] = defaultdict(set)
    for n, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        by_gold[g].add(n)
        by_store[p].add(n)
    precision = recall = 0.0
    count = 0
    for n in chosen:
        same = by_gold[gold[n]] & by_store[predicted[n]]
        precision += len(same) / len(by_store[predicted[n]])
        recall += len(same) / len(by_gold[gold[n]])
        count += 1
    return (precision / count, recall / count) if count else (0.0, 0.0)


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def duplicates(took: dict[int, list[str]]) -> tuple[int, int]:
    """Entities created, and how many of them the reference would have merged into
    another created one (each entity stands for the gold entity most of its mentions are)."""
    majority = Counter()
    for entity, golds in took.items():
        majority[Counter(golds).most_common(1)[0][0]] += 1
    return len(took), sum(count - 1 for count in majority.values())


def report(
    title: str, scored: Scored, took: dict[int, list[str]], reference_entities: int
) -> list[str]:
    print(f"\n== {title} ==")
    outlets = sorted(set(scored.outlet))
    print(f"{'outlet':<14}{'mentions':>9}{'P':>8}{'R':>8}{'F1':>8}{'review':>8}")
    for outlet in [*outlets, "all"]:
        chosen = [n for n, o in enumerate(scored.outlet) if outlet in ("all", o)]
        p, r = bcubed(scored.gold, scored.store, chosen)
        share = sum(scored.reviewed[n] for n in chosen) / len(chosen)
        print(f"{outlet:<14}{len(chosen):>9}{p:>8.3f}{r:>8.3f}{f1(p, r):>8.3f}{share:>8.1%}")
    everything = range(len(scored.gold))
    p, r = bcubed(scored.gold, scored.store, everything)
    sp, sr = bcubed(scored.gold, scored.strict, everything)
    print(f"strict (each reviewed mention alone): P {sp:.3f} R {sr:.3f} F1 {f1(sp, sr):.3f}")
    review_share = sum(scored.reviewed) / len(scored.reviewed)
    created, extra = duplicates(took)
    print(
        f"entities created {created} (the reference has {reference_entities} for these "
        f"mentions); {extra} the reference would have merged into another ({extra / max(created, 1):.1%})"
    )
    verdicts = [
        _target(f"B-cubed F1 >= {TARGET_F1}", f1(p, r) >= TARGET_F1, f"F1 {f1(p, r):.3f}"),
        _target(f"precision >= {TARGET_P}", p >= TARGET_P, f"P {p:.3f}"),
        _target(
            "at most 1 entity in 10 the reference would have merged",
            extra <= TARGET_DUPLICATES * created,
            f"{extra} of {created}",
        ),
        _target(
            "at most a quarter of mentions sent to review",
            review_share <= TARGET_REVIEW,
            f"{review_share:.1%}",
        ),
    ]
    return verdicts


def _target(what: str, met: bool, why: str) -> str:
    return f"{'met   ' if met else 'MISSED'} {what}: {why}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=["dev", "test", "all"], default="dev")
    args = parser.parse_args()
    articles = read_articles(args.split)
    gold_entities = {m["entity"] for a in articles for m in a.mentions}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as directory:
        store = open_store(Path(directory))
        scored = Scored()
        took = resolve_gold(store, articles, scored)
        verdicts = report(
            f"gold mentions through the resolver, {args.split}: {len(articles)} articles",
            scored,
            took,
            len(gold_entities),
        )
        before = entity_count(store)
        again = Scored()
        for article in articles:
            from api.queries import names

            with store.reader() as reader:
                source_id = names.find_sources(reader, article.slug)[0].id
            _score_article(article, _apply(store, article, source_id), again, defaultdict(list))
        after = entity_count(store)
        print(f"second pass over the same articles: entities {before} -> {after}")
        verdicts.append(
            _target("no new entity the second time", after == before, f"{before} -> {after}")
        )
        store.dispose()
    print()
    for line in verdicts:
        print(line)
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
