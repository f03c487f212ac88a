"""Relevance order on a large store: how close it is to the full BM25 ranking, how long a
page takes, and what keeping the ranked index current adds to a write.

For 20 words on 0.5-2% of a store's claims (picked by how many claims hold them), this
prints, on SQLite or PostgreSQL:

- **agreement**: how many of the top 20 of the full BM25 ranking the API's first page
  (`sort=relevance`) holds, and whether it is the same list in the same order. The full
  ranking is worked out here from every match's indexed text, scoring every match:
  textbook BM25 (k1 1.2, b 0.75, the store's own average claim length), and the variant
  the index documents (the same, lengths against a fixed 40 terms; docs/performance.md).
  On SQLite also against FTS5's own `bm25()` over every match.
- **idle p50**: the median time of a lone `GET /claims?q=WORD&sort=relevance&limit=20`
  through the app in this process (no HTTP server, no network), per word, then the
  median over words.
- **write cost**: the median time of `POST /claims` through the app with the ranked
  index's triggers in place, and with them dropped (the store's write path before the
  index), alternating in blocks on a copy of the store (SQLite) or a throwaway server
  (PostgreSQL).

    python bench/ranking.py --store bench/data/claims-100000.db
    python bench/ranking.py --postgresql --claims 100k
"""

from __future__ import annotations

import argparse
import math
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from api import Store, create_app
from api.store import search
from api.writes.keys import create_key
from models.base import Scope

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

PAGE = 20


def words(store: Store, count: int) -> tuple[int, list[tuple[str, int]]]:
    """(claims, up to `count` words on 0.5-2% of them, spread over that range)."""
    with store.engine.connect() as connection:
        claims = int(connection.exec_driver_sql("SELECT count(*) FROM claim").scalar() or 0)
        found = connection.exec_driver_sql(
            "SELECT term, count(*) FROM claim_term GROUP BY term "
            f"HAVING count(*) BETWEEN {int(claims * 0.005)} AND {int(claims * 0.02)} "
            "ORDER BY count(*), term"
        ).all()
    # Words of letters that are their own stems, so `q=term` looks for that very term.
    kept = [
        (str(term), int(n))
        for term, n in found
        if str(term)[:1].isalpha() and str(term).isascii() and search.terms(term) == [term]
    ]
    step = max(1, len(kept) // count)
    return claims, kept[::step][:count]


def average_terms(store: Store) -> float:
    with store.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT search_text FROM claim").all()
    return statistics.fmean(len(str(row[0]).split()) for row in rows)


def full_ranking(store: Store, word: str, average: float) -> list[int]:
    """Every claim holding `word`, scored by BM25 with claims' lengths against `average`
    terms, best first, ties to the older claim (one term: idf orders nothing)."""
    with store.engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT claim.id, claim.search_text FROM claim_term "
            "JOIN claim ON claim.id = claim_term.claim_id WHERE claim_term.term = "
            + ("?" if store.engine.dialect.name == "sqlite" else "%s")
            + " AND claim.retracted_at IS NULL",
            (word,),
        ).all()

    def score(text: str) -> float:
        found = text.split()
        tf = Counter(found)[word]
        return tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * len(found) / average))

    return [claim for _, claim in sorted((-score(str(text)), int(claim)) for claim, text in rows)]


def fts5_ranking(store: Store, word: str) -> list[int]:
    """SQLite's own full ranking: FTS5's bm25() over every match."""
    with store.engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT rowid FROM claim_fts WHERE claim_fts MATCH ? ORDER BY rank, rowid LIMIT ?",
            (f'"{word}"', PAGE),
        ).all()
    return [int(row[0]) for row in rows]


def api_page(client: TestClient, ids: dict[str, int], word: str) -> tuple[list[int], float]:
    """The API's first page in relevance order (claim row ids), and the median of 7 timings
    of the request (ms), after one unmeasured."""
    url = f"/claims?q={word}&sort=relevance&limit={PAGE}"
    spent = []
    answer = client.get(url)
    for _ in range(7):
        started = time.perf_counter()
        answer = client.get(url)
        spent.append(time.perf_counter() - started)
        assert answer.status_code == 200, answer.text
    return [ids[c["id"]] for c in answer.json()["items"]], statistics.median(spent) * 1000


def agreement(store: Store, client: TestClient, chosen: list[tuple[str, int]]) -> None:
    average = average_terms(store)
    sqlite = store.engine.dialect.name == "sqlite"
    print(f"\naverage claim length: {average:.1f} terms (the index weighs lengths against 40)")
    print(
        "\n| word | claims | top-20 shared, textbook BM25 | same order | top-20 shared, "
        "documented variant | same order |"
        + (" top-20 shared, FTS5 bm25() |" if sqlite else "")
        + " idle ms |"
    )
    print("|---|---:|---:|---:|---:|---:|" + ("---:|" if sqlite else "") + "---:|")
    shared_text, shared_doc, shared_fts, same_text, same_doc, idle = [], [], [], [], [], []
    for word, n in chosen:
        textbook = full_ranking(store, word, average)[:PAGE]
        documented = full_ranking(store, word, search.AVERAGE_TERMS)[:PAGE]
        ids = _ids(store)
        page, ms = api_page(client, ids, word)
        shared_text.append(len(set(page) & set(textbook)) / len(textbook))
        shared_doc.append(len(set(page) & set(documented)) / len(documented))
        same_text.append(page == textbook)
        same_doc.append(page == documented)
        idle.append(ms)
        line = (
            f"| {word} | {n:,} | {shared_text[-1]:.0%} | {'yes' if page == textbook else 'no'} "
            f"| {shared_doc[-1]:.0%} | {'yes' if page == documented else 'no'} |"
        )
        if sqlite:
            fts = fts5_ranking(store, word)
            shared_fts.append(len(set(page) & set(fts)) / len(fts))
            line += f" {shared_fts[-1]:.0%} |"
        print(line + f" {ms:.2f} |")
    summary = (
        f"| **all {len(chosen)}** | | **{statistics.mean(shared_text):.1%}** | "
        f"{sum(same_text)}/{len(chosen)} | **{statistics.mean(shared_doc):.1%}** | "
        f"{sum(same_doc)}/{len(chosen)} |"
    )
    if sqlite:
        summary += f" **{statistics.mean(shared_fts):.1%}** |"
    print(summary + f" **p50 {statistics.median(idle):.2f}** |")


def full_ranking_of(
    store: Store, terms: list[str], every: bool, average: float, claims: int
) -> list[int]:
    """The claims holding every one of `terms` (or any, without `every`), scored by BM25
    (Lucene's idf over `claims`, lengths against `average`), best first, older first on
    ties: the whole ranking, scoring every match."""
    mark = "?" if store.engine.dialect.name == "sqlite" else "%s"
    with store.engine.connect() as connection:
        holders = [
            {
                int(row[0])
                for row in connection.exec_driver_sql(
                    f"SELECT claim_id FROM claim_term WHERE term = {mark}", (term,)
                ).all()
            }
            for term in terms
        ]
        matches = set.intersection(*holders) if every else set.union(*holders)
        texts: dict[int, str] = {}
        ordered = sorted(matches)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            listed = ",".join(str(claim) for claim in chunk)
            rows = connection.exec_driver_sql(
                f"SELECT id, search_text FROM claim WHERE id IN ({listed}) AND retracted_at IS NULL"
            ).all()
            texts.update({int(row[0]): str(row[1]) for row in rows})
    idf = {
        term: math.log(1 + (claims - len(held) + 0.5) / (len(held) + 0.5))
        for term, held in zip(terms, holders, strict=True)
    }

    def score(text: str) -> float:
        found = text.split()
        counts = Counter(found)
        norm = 1.2 * (0.25 + 0.75 * len(found) / average)
        return sum(
            idf[term] * (counts[term] * 2.2 / (counts[term] + norm))
            for term in sorted(idf)
            if counts[term]
        )

    return [claim for _, claim in sorted((-score(text), claim) for claim, text in texts.items())]


def several(store: Store, client: TestClient, chosen: list[tuple[str, int]]) -> None:
    """Queries of two terms, both (`a b`) and either (`a OR b`): the ranking of several
    terms (scored outright when the matches are few, else the threshold walk)."""
    average = average_terms(store)
    with store.engine.connect() as connection:
        claims = int(connection.exec_driver_sql("SELECT max(id) FROM claim").scalar() or 0)
    half = len(chosen) // 2
    pairs = [(chosen[i][0], chosen[i + half][0]) for i in range(half)]
    print("\n| query | matches | top-20 shared, full ranking | same order | idle ms |")
    print("|---|---:|---:|---:|---:|")
    shared, same, idle = [], [], []
    for a, b in pairs:
        for every in (True, False):
            q = f"{a} {b}" if every else f"{a} OR {b}"
            full = full_ranking_of(store, [a, b], every, average, claims)
            if not full:
                print(f"| `{q}` | 0 | | | |")
                continue
            top = full[:PAGE]
            page, ms = api_page(client, _ids(store), q.replace(" ", "%20"))
            shared.append(len(set(page) & set(top)) / len(top))
            same.append(page == top)
            idle.append(ms)
            print(
                f"| `{q}` | {len(full):,} | {shared[-1]:.0%} | {'yes' if page == top else 'no'} "
                f"| {ms:.2f} |"
            )
    print(
        f"| **all {len(shared)} with matches** | | **{statistics.mean(shared):.1%}** | "
        f"{sum(same)}/{len(same)} | **p50 {statistics.median(idle):.2f}** |"
    )


_id_cache: dict[str, dict[str, int]] = {}


def _ids(store: Store) -> dict[str, int]:
    key = str(store.url)
    if key not in _id_cache:
        with store.engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT public_id, id FROM claim").all()
        _id_cache[key] = {str(p): int(i) for p, i in rows}
    return _id_cache[key]


def writes(store: Store, client: TestClient, blocks: int, per_block: int) -> None:
    """Median POST /claims with the ranked index kept current, and without its triggers."""
    with store.write_session() as session:
        key = create_key(session, "bench", Scope.write)
        session.commit()
    headers = {"Authorization": f"Bearer {key}"}
    template = client.get("/claims?limit=1").json()["items"][0]
    vocabulary = [w for w, _ in words(store, 200)[1]] or ["claim"]
    body = {
        "quote": {k: template["quote"][k] for k in ("source", "text", "start", "end")},
        "claimant": template["claimant"]["slug"],
        "entities": [
            {"slug": e["slug"], "role": e["role"]}
            for e in template["entities"]
            if e["role"] != "claimant"
        ],
        "attribution": [
            {k: v for k, v in hop.items() if v is not None} for hop in template["attribution"]
        ],
        "status": template["stated_status"],
        "speech": template["speech"],
    }
    dialect = store.engine.dialect.name
    spent: dict[str, list[float]] = {"index kept": [], "without the index": []}
    made = 0
    for block in range(blocks):
        for mode in (
            ("index kept", "without the index")
            if block % 2
            else (
                "without the index",
                "index kept",
            )
        ):
            with store.engine.begin() as connection:
                statements = (
                    search.ranked_ddl(dialect)
                    if mode == "index kept"
                    else search.ranked_drop(dialect)
                )
                for statement in statements:
                    connection.exec_driver_sql(statement)
            for _ in range(per_block):
                made += 1
                picked = [vocabulary[(made * 7 + k) % len(vocabulary)] for k in range(6)]
                claim = dict(
                    body,
                    id=f"bench-write-{made}",
                    statement=f"Claim {made}: {' '.join(picked)} and more about {picked[0]}.",
                )
                started = time.perf_counter()
                answer = client.post("/claims", json=claim, headers=headers)
                spent[mode].append(time.perf_counter() - started)
                assert answer.status_code == 201, answer.text
    with store.engine.begin() as connection:
        search.rebuild(connection)  # leave the index whole (the writes without it missed it)
    kept = statistics.median(spent["index kept"]) * 1000
    before = statistics.median(spent["without the index"]) * 1000
    p90 = {m: statistics.quantiles(s, n=10)[-1] * 1000 for m, s in spent.items()}
    print(f"\n{made} claims created, {blocks} alternating blocks of {per_block} per mode")
    print("\n| POST /claims | p50 ms | p90 ms |")
    print("|---|---:|---:|")
    print(f"| without the ranked index (before) | {before:.2f} | {p90['without the index']:.2f} |")
    print(f"| ranked index kept current | {kept:.2f} | {p90['index kept']:.2f} |")
    print(
        f"| **ratio** | **{kept / before:.2f}x** | "
        f"{p90['index kept'] / p90['without the index']:.2f}x |"
    )


def measure(store: Store, args: argparse.Namespace) -> None:
    app = create_app(store=store)
    with TestClient(app) as client:
        claims, chosen = words(store, args.words)
        print(f"{claims:,} claims on {store.engine.dialect.name}; {len(chosen)} words on 0.5-2%")
        agreement(store, client, chosen)
        several(store, client, chosen)
        if args.write_blocks:
            writes(store, client, args.write_blocks, args.per_block)


@contextmanager
def sqlite_copy(path: Path) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(dir=path.parent) as scratch:
        copy = Path(scratch) / path.name
        shutil.copyfile(path, copy)
        yield copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=HERE / "data" / "claims-100000.db")
    parser.add_argument("--postgresql", action="store_true", help="a throwaway server")
    parser.add_argument("--claims", default="100k", help="with --postgresql: its size")
    parser.add_argument("--words", type=int, default=20)
    parser.add_argument("--write-blocks", type=int, default=10, help="0: no write cost")
    parser.add_argument("--per-block", type=int, default=20)
    args = parser.parse_args()
    print(f"command: {' '.join(sys.argv)}")
    if args.postgresql:
        import run
        from generate import generate
        from pg_server import ThrowawayPostgres

        size = run.parse_size(args.claims)
        with ThrowawayPostgres(dbname=f"ranking_{size}") as pg:
            generate(size, pg.url)
            store = Store(pg.url)
            try:
                measure(store, args)
            finally:
                store.dispose()
        return
    if not args.write_blocks:  # reads only: the store itself
        store = Store(f"sqlite:///{args.store}")
        try:
            measure(store, args)
        finally:
            store.dispose()
        return
    with sqlite_copy(args.store) as copy:  # the writes change it
        store = Store(f"sqlite:///{copy}")
        try:
            measure(store, args)
        finally:
            store.dispose()


if __name__ == "__main__":
    main()
