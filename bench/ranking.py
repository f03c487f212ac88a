"""What the rank window costs in ranking quality, and what it saves in time.

`sort=relevance` ranks only the most recently added matches (`CLAIMS_RANK_WINDOW`). For
words on 0.5-2% of the claims of a store, this compares the first page (20) of the
windowed ranking with the first page of the full ranking: how many of the full ranking's
top 20 the windowed page also holds, and how long each statement takes on the engine
(the same SQL the API sends, on a SQLite store).

    python bench/ranking.py --store bench/data/claims-1000000.db --windows 1000,5000,0
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time
from pathlib import Path

from api.queries import claim_list
from api.queries.claim_list import ClaimFilters
from api.store import search
from models.base import ClaimSort

PAGE = 20


def words(db: sqlite3.Connection, count: int) -> list[tuple[str, int]]:
    """Up to `count` words on 0.5-2% of claims, spread over that range."""
    (claims,) = db.execute("SELECT count(*) FROM claim").fetchone()
    db.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, claim_fts, 'row')"
    )
    found = db.execute(
        "SELECT term, doc FROM temp.vocab WHERE doc BETWEEN ? AND ? AND term GLOB '[a-z]*' "
        "ORDER BY doc",
        (claims * 0.005, claims * 0.02),
    ).fetchall()
    # Terms that are their own stems, so `q=term` looks for that very term.
    found = [(term, doc) for term, doc in found if search.terms(term) == [term]]
    step = max(1, len(found) // count)
    return [(str(term), int(doc)) for term, doc in found[::step][:count]]


def first_page(db: sqlite3.Connection, word: str, window: int) -> tuple[list[int], float]:
    """The first page's claim ids in relevance order, and the best of three timings (ms)
    of the statements the API sends for it (the window's floor, then the page)."""
    filters = ClaimFilters(words=word)
    best = float("inf")
    rows: list[tuple[object, ...]] = []
    for _ in range(3):
        started = time.perf_counter()
        bound = claim_list.rank_floor(filters, dialect="sqlite", rank_window=window)
        floor = None
        if bound is not None:
            found = db.execute(bound.text, bound.params).fetchone()
            floor = int(found[0]) if found else None
        sql, n_keys = claim_list.page(
            filters, dialect="sqlite", limit=PAGE, sort=ClaimSort.relevance, rank_floor=floor
        )
        rows = db.execute(sql.text, sql.params).fetchall()
        best = min(best, time.perf_counter() - started)
    return [int(row[n_keys - 1]) for row in rows[:PAGE]], best * 1000  # type: ignore[call-overload]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=Path("bench/data/claims-1000000.db"))
    parser.add_argument("--windows", default="1000,5000,0", help="0: rank every match")
    parser.add_argument("--words", type=int, default=20)
    args = parser.parse_args()
    windows = [int(w) for w in args.windows.split(",")]
    db = sqlite3.connect(f"file:{args.store}?mode=ro", uri=True)
    chosen = words(db, args.words)
    print(f"store: {args.store}; {len(chosen)} words on 0.5-2% of claims")
    print(f"matches per word: {min(d for _, d in chosen):,} to {max(d for _, d in chosen):,}")
    print("\n| window | top-20 shared with the full ranking | statement, median ms |")
    print("|---:|---:|---:|")
    exact = {word: first_page(db, word, 0)[0] for word, _ in chosen}
    for window in windows:
        shared, spent = [], []
        for word, _ in chosen:
            page, ms = first_page(db, word, window)
            shared.append(len(set(page) & set(exact[word])) / len(exact[word]))
            spent.append(ms)
        label = f"{window:,}" if window else "every match"
        print(f"| {label} | {statistics.mean(shared):.0%} | {statistics.median(spent):.2f} |")


if __name__ == "__main__":
    main()
