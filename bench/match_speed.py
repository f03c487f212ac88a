"""Claim matching's speed at a million claims.

- idle: `GET /claims/{id}/similar` and `POST /claims:match` one request at a time over a
  kept-alive connection, each probe a different claim of the store (its quote as the
  text), p50 and p95 over the probes (target: p50 <= 20 ms on both engines);
- load (SQLite): wrk with 16 connections cycling through the same probes, against the
  FastAPI ceiling (`bench/run.py`'s bare app on the same store) measured just before
  (target: >= 0.3x the ceiling's requests/s);
- ingest: `claims ingest` of held texts into a copy of the store, with the matcher and
  without it (target: matching adds at most 30%).

The store is `bench/run.py`'s synthetic one (generated and cached in bench/data). The API
runs on core 0 and wrk on core 1, as in run.py. The re-ranker is off (`--lexical`, the
default here) unless `--semantic`: its cost is the model's, not the store's.

    .venv/bin/python bench/match_speed.py [--claims 1m] [--postgresql] [--semantic]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import run  # noqa: E402

PROBES = 60


def probes(path: Path, n: int = PROBES) -> list[tuple[str, str]]:
    """`n` claims spread over the store: (id, quote)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (top,) = db.execute("SELECT max(id) FROM claim").fetchone()
        rng = random.Random(22)
        found = []
        for row_id in sorted(rng.sample(range(1, top + 1), n)):
            row = db.execute(
                "SELECT public_id, quote_text FROM claim WHERE id >= ? ORDER BY id LIMIT 1",
                (row_id,),
            ).fetchone()
            found.append((row[0], row[1]))
        return found
    finally:
        db.close()


def idle(base: str, chosen: list[tuple[str, str]]) -> dict[str, list[float]]:
    spent: dict[str, list[float]] = {"similar": [], "claims:match": []}
    with httpx.Client(timeout=60) as client:
        client.get(f"{base}/claims/{chosen[0][0]}/similar").raise_for_status()
        for claim_id, quote in chosen:
            started = time.perf_counter()
            client.get(f"{base}/claims/{claim_id}/similar").raise_for_status()
            spent["similar"].append(time.perf_counter() - started)
            started = time.perf_counter()
            client.post(f"{base}/claims:match", json={"text": quote}).raise_for_status()
            spent["claims:match"].append(time.perf_counter() - started)
    return spent


def shown(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"p50 {1000 * statistics.median(values):6.1f} ms  p95 {1000 * p95:6.1f} ms"


def wrk_script(folder: Path, chosen: list[tuple[str, str]], post: bool) -> Path:
    """A wrk Lua script cycling through the probes (GET similar, or POST match)."""
    if post:
        bodies = ", ".join(json.dumps(json.dumps({"text": q})) for _, q in chosen)
        text = (
            f"local bodies = {{{bodies}}}\nlocal n = 0\n"
            'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
            "request = function()\n  n = n % #bodies + 1\n"
            '  return wrk.format(nil, "/claims:match", nil, bodies[n])\nend\n'
        )
    else:
        paths = ", ".join(json.dumps(f"/claims/{c}/similar") for c, _ in chosen)
        text = (
            f"local paths = {{{paths}}}\nlocal n = 0\n"
            "request = function()\n  n = n % #paths + 1\n"
            "  return wrk.format(nil, paths[n])\nend\n"
        )
    script = folder / ("match.lua" if post else "similar.lua")
    script.write_text(text)
    return script


def wrk(url: str, script: Path | None, seconds: int, connections: int, cpu: int) -> run.Sample:
    command = ["taskset", "-c", str(cpu), "wrk", "--latency", "-t1", f"-c{connections}"]
    command += [f"-d{seconds}s", "--timeout", "30s"]
    if script is not None:
        command += ["-s", str(script)]
    result = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"wrk failed on {url}:\n{result.stdout}{result.stderr}")
    return run.parse_wrk(result.stdout)


# Serves bench/serve.py with the semantic re-ranker hidden (as without the extra), unless
# --semantic: its cost is the model's, not the store's.
LEXICAL = (
    "import runpy, sys\n"
    "from api.queries import semantic\n"
    "semantic.embedder = lambda: None\n"
    "sys.argv = sys.argv[1:]\n"
    "runpy.run_path(sys.argv[0], run_name='__main__')\n"
)


@contextlib.contextmanager
def served(
    kind: str, store: Path, cpu: int, ready: str, *, url: str | None = None, lexical: bool = True
) -> Iterator[str]:
    """A server (`api` or run.py's `ceiling`) on `cpu`, until the block ends."""
    with tempfile.TemporaryDirectory(prefix="claims-match-") as logs:
        port = run.free_port()
        log = Path(logs) / f"{kind}.log"
        command = ["taskset", "-c", str(cpu), sys.executable]
        if lexical and kind == "api":
            command += ["-c", LEXICAL]
        command += [str(HERE / "serve.py"), kind, "--port", str(port)]
        if url is not None:
            command += ["--database-url", url]
        else:
            command += ["--db", str(store)]
        if kind == run.CEILING:
            command += ["--entity", run.POPULAR, "--limit", str(run.LIMIT)]
        with log.open("wb") as out:
            process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        server = run.Server(kind, port, process, log)
        try:
            run.wait_ready(server, ready)
            yield server.url("")
        finally:
            run.stop(server.process)


def ingest_overhead(store: Path, texts: list[Path]) -> tuple[float, float]:
    """Seconds to ingest `texts` into copies of `store`, without and with the matcher."""
    spent = []
    for matched in (False, True):
        with tempfile.TemporaryDirectory(prefix="claims-ingest-") as folder:
            copy = Path(folder) / "claims.db"
            shutil.copy(store, copy)
            env = {**os.environ, "CLAIMS_DATABASE_URL": f"sqlite:///{copy}"}
            if not matched:
                env["CLAIMS_BENCH_NO_MATCHER"] = "1"
            code = (
                "import os, sys, time\n"
                "from api.ingest import matching\n"
                "from api.queries import semantic\n"
                "semantic.embedder = lambda: None\n"
                "if os.environ.get('CLAIMS_BENCH_NO_MATCHER'):\n"
                "    matching.after_extract = lambda *a, **k: None\n"
                "from api.cli import main\n"
                "started = time.perf_counter()\n"
                f"sys.argv = ['claims', 'ingest', *{[str(t) for t in texts]!r}]\n"
                "try:\n    main()\nexcept SystemExit:\n    pass\n"
                "print('SECONDS', time.perf_counter() - started)\n"
            )
            done = subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
            )
            line = [x for x in done.stdout.splitlines() if x.startswith("SECONDS")]
            if not line:
                raise SystemExit(f"ingest failed:\n{done.stdout}\n{done.stderr}")
            spent.append(float(line[-1].split()[1]))
    return spent[0], spent[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=run.parse_size, default=1_000_000)
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--postgresql", action="store_true", help="also the idle figures on PostgreSQL"
    )
    parser.add_argument("--semantic", action="store_true", help="leave the re-ranker on")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument(
        "--ingest-large", action="store_true", help="also ingest into a copy of the large store"
    )
    args = parser.parse_args()
    lexical = not args.semantic

    store = run.ensure_store(args.claims, args.data_dir, {})
    chosen = probes(store)
    print(f"store: {store} ({args.claims:,} claims, SQLite); {len(chosen)} probes")
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")

    with served("api", store, 0, "/health", lexical=lexical) as base:
        print("\nidle, SQLite (one request at a time, each a different probe):")
        for name, values in idle(base, chosen).items():
            print(f"  {name:13} {shown(values)}")
        if not args.skip_load:
            with tempfile.TemporaryDirectory() as folder:
                scripts = {
                    "similar": wrk_script(Path(folder), chosen, post=False),
                    "claims:match": wrk_script(Path(folder), chosen, post=True),
                }
                with served(run.CEILING, store, 0, "/claims") as ceiling:
                    wrk(ceiling + "/claims", None, 2, args.connections, 1)
                    top = wrk(ceiling + "/claims", None, args.duration, args.connections, 1)
                print(f"\nunder {args.connections} connections (wrk on core 1):")
                print(f"  FastAPI ceiling   {top.rps:8.0f} req/s")
                for name, script in scripts.items():
                    wrk(base, script, 2, args.connections, 1)
                    got = wrk(base, script, args.duration, args.connections, 1)
                    print(
                        f"  {name:13}     {got.rps:8.0f} req/s  p50 {got.p50_ms:.1f} ms  "
                        f"p99 {got.p99_ms:.1f} ms  {got.rps / top.rps:.2f}x the ceiling"
                    )

    if args.postgresql:
        sys.path.insert(0, str(HERE.parent / "tests"))
        from generate import generate
        from pg_server import ThrowawayPostgres

        with ThrowawayPostgres() as pg:
            url = pg.create_database("claims_match")
            started = time.perf_counter()
            generate(args.claims, url, relations=False)
            print(f"\nPostgreSQL store filled in {time.perf_counter() - started:.0f} s")
            pg_probes = probes_pg(url)
            with served("api", store, 0, "/health", url=url, lexical=lexical) as base:
                print("idle, PostgreSQL:")
                for name, values in idle(base, pg_probes).items():
                    print(f"  {name:13} {shown(values)}")

    if not args.skip_ingest:
        # Into the shipped store (the fixtures), then into a copy of the large one if asked:
        # copying gigabytes twice costs more than the figure is worth on a shared machine.
        texts = sorted((HERE.parent / "docs" / "examples").glob("*.txt"))
        texts += sorted((HERE.parent / "seeds").glob("*.txt"))
        with tempfile.TemporaryDirectory(prefix="claims-shipped-") as folder:
            shipped = Path(folder) / "claims.db"
            subprocess.run(
                [sys.executable, "-m", "api.cli", "load", "--database-url", f"sqlite:///{shipped}"],
                check=True,
                capture_output=True,
                cwd=HERE.parent,
            )
            stores = [("the shipped store", shipped)]
            if args.ingest_large:
                stores.append(("a copy of the large store", store))
            for name, target in stores:
                without, with_matcher = ingest_overhead(target, texts)
                print(
                    f"\nclaims ingest of {len(texts)} texts into {name}: {without:.2f} s "
                    f"without the matcher, {with_matcher:.2f} s with it "
                    f"(+{100 * (with_matcher / without - 1):.0f}%)"
                )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


def probes_pg(url: str, n: int = PROBES) -> list[tuple[str, str]]:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as db:
        (top,) = db.execute("SELECT max(id) FROM claim").fetchone()  # type: ignore[misc]
        rng = random.Random(22)
        found = []
        for row_id in sorted(rng.sample(range(1, top + 1), n)):
            row = db.execute(
                "SELECT public_id, quote_text FROM claim WHERE id >= %s ORDER BY id LIMIT 1",
                (row_id,),
            ).fetchone()
            assert row is not None
            found.append((row[0], row[1]))
    return found


if __name__ == "__main__":
    raise SystemExit(main())
