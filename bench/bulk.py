"""How long `claims bulk-load` takes over a big NDJSON file, and how much memory it uses.

The file holds synthetic claims in the format of `POST /claims:batch` (generate.py's, so
the same shape as the benchmark's stores). Their entities and sources are put in the store
first; then the command runs as a user would run it, in its own process, and this script
times it and samples the resident memory of that process and its workers every 0.1 s.

    python bench/bulk.py --claims 1m                 # SQLite, in bench/data/
    python bench/bulk.py --claims 1m --postgresql    # a throwaway PostgreSQL server
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from generate import make_claims, make_shape

from api.ingest.bulk import bulk_load
from api.store.db import Store

ROOT = Path(__file__).resolve().parent.parent


def claims_count(text: str) -> int:
    text = text.lower().replace("_", "")
    for suffix, factor in (("k", 1_000), ("m", 1_000_000)):
        if text.endswith(suffix):
            return int(float(text[:-1]) * factor)
    return int(text)


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, from /proc."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            with open(f"/proc/{current}/task/{current}/children") as children:
                pending += [int(child) for child in children.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / 1024


def prepare(url: str, n_claims: int, ndjson: Path, seed: int) -> float:
    """The store's entities and sources, and the file of claims; seconds spent writing it."""
    rng = random.Random(seed)
    shape, vocabulary = make_shape(n_claims, rng)
    store = Store(url)
    try:
        bulk_load(
            store, entities=shape.entities, sources=shape.sources, texts=shape.texts, claims=[]
        )
    finally:
        store.dispose()
    started = time.perf_counter()
    with ndjson.open("w", encoding="utf-8") as out:
        for claim in make_claims(n_claims, shape, vocabulary, rng):
            out.write(json.dumps({k: v for k, v in claim.items() if v is not None}))
            out.write("\n")
    return time.perf_counter() - started


def timed_load(url: str, ndjson: Path) -> tuple[float, float, str]:
    """Run `claims bulk-load`: (seconds, peak MB of its process tree, its last line)."""
    command = [sys.executable, "-m", "api.cli", "bulk-load", str(ndjson), "--database-url", url]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_mb(process.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    text = output.decode(errors="replace").strip()
    if process.returncode != 0:
        raise SystemExit(f"bulk-load failed ({process.returncode}):\n{text}")
    return seconds, peak, text.splitlines()[-1] if text else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", default="1m", help="claims in the file (1000, 100k, 1m)")
    parser.add_argument("--postgresql", action="store_true", help="load a throwaway server")
    parser.add_argument("--data-dir", type=Path, default=Path(__file__).parent / "data")
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args()
    n_claims = claims_count(args.claims)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    print(f"command: {' '.join(sys.argv)}")
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(dir=args.data_dir) as work:
        ndjson = Path(work) / "claims.ndjson"
        if args.postgresql:
            sys.path.insert(0, str(ROOT / "tests"))
            from pg_server import ThrowawayPostgres

            with ThrowawayPostgres() as server:
                url = server.create_database("bulk")
                run(url, "postgresql", n_claims, ndjson, args.seed)
        else:
            url = f"sqlite:///{Path(work) / 'bulk.db'}"
            run(url, "sqlite", n_claims, ndjson, args.seed)


def run(url: str, engine: str, n_claims: int, ndjson: Path, seed: int) -> None:
    writing = prepare(url, n_claims, ndjson, seed)
    size_mb = ndjson.stat().st_size / 1e6
    print(f"file: {n_claims:,} claims, {size_mb:.0f} MB of NDJSON (written in {writing:.0f} s)")
    seconds, peak, line = timed_load(url, ndjson)
    print(f"engine: {engine}")
    print(f"claims bulk-load: {seconds:.1f} s, {n_claims / seconds:,.0f} claims/s")
    print(f"peak resident memory of the loader and its workers together: {peak:.0f} MB")
    print(f"its last line: {line}")


if __name__ == "__main__":
    main()
