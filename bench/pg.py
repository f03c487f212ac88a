"""The same API queries as run.py, served from PostgreSQL instead of SQLite.

A throwaway PostgreSQL server (the tests' own harness) gets a synthetic store from
generate.py; as generation is seeded, it holds the same rows and ids as the cached SQLite
store of that size, so run.py's probe and query plan apply unchanged. Datasette only
reads SQLite, and the ceiling does not touch a database, so this run has no references:
compare its rows with the SQLite run's.

    python bench/pg.py --sizes 1000,100k --rounds 3 --duration 4
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import run
from generate import generate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from pg_server import ThrowawayPostgres  # noqa: E402


def serve(
    url: str, cpu: int | str, log: Path, workers: int = 1
) -> tuple[subprocess.Popen[bytes], int]:
    """`claims serve` on `url`, pinned to `cpu` (a core, or a list such as "0,1")."""
    port = run.free_port()
    command = [
        "taskset",
        "-c",
        str(cpu),
        sys.executable,
        "-m",
        "api.cli",
        "serve",
        "--port",
        str(port),
        "--database-url",
        url,
        "--log-level",
        "warning",
        "--workers",
        str(workers),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return process, port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100k")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=4)
    parser.add_argument("--data-dir", type=Path, default=Path(__file__).parent / "data")
    args = parser.parse_args()
    load = run.Load(cpu=1, connections=16, threads=1)
    print(f"command: {' '.join(sys.argv)}")
    for size in [run.parse_size(s) for s in args.sizes.split(",")]:
        sqlite_store = run.ensure_store(size, args.data_dir, {})
        plan = [t for t in run.targets(run.probe(sqlite_store)) if t.server == "api"]
        with ThrowawayPostgres(dbname=f"bench_{size}") as pg:
            started = time.perf_counter()
            generate(size, pg.url)
            loaded = time.perf_counter() - started
            log = args.data_dir / f"pg-api-{size}.log"
            process, port = serve(pg.url, 0, log)
            try:
                server = run.Server("api", port, process, log)
                run.wait_ready(server, "/health")
                samples: dict[str, list[run.Sample]] = {t.name: [] for t in plan}
                for _ in range(args.rounds):
                    for target in plan:
                        run.wrk(server.url(target.path), 1, load, load.connections)
                        samples[target.name].append(
                            run.wrk(server.url(target.path), args.duration, load, load.connections)
                        )
                rss = server.rss_mb()
            finally:
                run.stop(process)
        print(f"\n## PostgreSQL, {size:,} claims (bulk load {loaded:.0f} s; API RSS {rss:.0f} MB)")
        print("\n| query | req/s | p50 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|")
        for name, got in samples.items():
            print(
                f"| {name} | {run.median(s.rps for s in got):.0f} | "
                f"{run.median(s.p50_ms for s in got):.2f} | "
                f"{run.median(s.p99_ms for s in got):.2f} | {sum(s.errors for s in got)} |"
            )


if __name__ == "__main__":
    main()
