"""How the entity page and ranked search grow with the store, on both engines, in one table.

For each size, the SQLite store of run.py (generated and cached if missing) and, for the
sizes asked, a throwaway PostgreSQL server filled by the same seeded generator (same ids,
so the same queries apply; claims only, as these two queries need no relations). Each
store is served by our API on core 0; the PostgreSQL server runs on core 1 with the load
generator (two cores allow no better), and its settings are printed. Every figure is the
median over rounds; the FastAPI ceiling is measured in each round for the ratios.

    python bench/growth.py --sizes 1000,100k,1m --postgresql-sizes 1000,100k
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx
import run
from generate import generate
from pg import serve

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from pg_server import ThrowawayPostgres  # noqa: E402

QUERIES = ("entity page", "relevance")
PG_SETTINGS = ("shared_buffers", "work_mem", "effective_cache_size", "max_connections")
PG_SETTINGS += ("fsync", "synchronous_commit", "jit", "random_page_cost")


@dataclass
class Figures:
    """One query on one engine at one size: medians over rounds."""

    idle_ms: float = float("nan")
    p50_ms: list[float] = field(default_factory=list)
    p99_ms: list[float] = field(default_factory=list)
    rps: list[float] = field(default_factory=list)
    vs_ceiling: list[float] = field(default_factory=list)


def paths(probe: run.Probe, every: bool) -> dict[str, str]:
    """The two queries of the growth curve; with `every`, also the other first pages
    issue 11 sets PostgreSQL targets for."""
    page = f"limit={run.LIMIT}"
    chosen = {
        "entity page": f"/claims?entity={run.POPULAR}&{page}",
        "relevance": f"/claims?q={probe.term}&sort=relevance&{page}",
    }
    if every:
        chosen |= {
            "rare entity": f"/claims?entity={probe.rare_entity}&{page}",
            "deep cursor": f"/claims?entity={run.POPULAR}&{page}&cursor={quote(probe.deep_cursor)}",
            "newest first": f"/claims?entity={run.POPULAR}&sort=-claimed_on&{page}",
            "one claim by id": f"/claims/{probe.mid_claim}",
        }
    return chosen


def idle_ms(url: str, times: int = 21) -> float:
    """Median latency of one request at a time, over a kept-alive connection."""
    with httpx.Client(timeout=60) as client:
        client.get(url).raise_for_status()
        spent = []
        for _ in range(times):
            started = time.perf_counter()
            client.get(url).raise_for_status()
            spent.append(time.perf_counter() - started)
    return statistics.median(spent) * 1000


def measure(
    api: str, ceiling: str, targets: dict[str, str], args: argparse.Namespace
) -> dict[str, Figures]:
    """Idle latency, then rounds of load on each query and on the ceiling."""
    load = run.Load(cpu=args.load_cpu, connections=args.connections, threads=1)
    found = {name: Figures(idle_ms=idle_ms(api + path)) for name, path in targets.items()}
    for _ in range(args.rounds):
        run.wrk(ceiling, 1, load, load.connections)
        reference = run.wrk(ceiling, args.duration, load, load.connections).rps
        for name, path in targets.items():
            run.wrk(api + path, 1, load, load.connections)
            sample = run.wrk(api + path, args.duration, load, load.connections)
            found[name].p50_ms.append(sample.p50_ms)
            found[name].p99_ms.append(sample.p99_ms)
            found[name].rps.append(sample.rps)
            found[name].vs_ceiling.append(sample.rps / reference)
    return found


@contextlib.contextmanager
def ceiling_server(store: Path, cpu: int) -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="claims-growth-") as logs:
        server = run.start_server(run.CEILING, store, cpu, Path(logs))
        try:
            run.wait_ready(server, "/claims")
            yield server.url("/claims")
        finally:
            run.stop(server.process)


def pin_server(pg: ThrowawayPostgres, cpu: int) -> None:
    """Move the PostgreSQL server (postmaster and every process it has started) to `cpu`;
    backends forked later inherit the postmaster's affinity."""
    postmaster = (pg.directory / "data" / "postmaster.pid").read_text().split()[0]
    children = subprocess.run(
        ["pgrep", "-P", postmaster], capture_output=True, text=True, check=False
    ).stdout.split()
    for pid in [postmaster, *children]:
        subprocess.run(["taskset", "-a", "-p", "-c", str(cpu), pid], capture_output=True)


def pg_settings(url: str) -> str:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as db:
        shown = [f"{name}={db.execute(f'SHOW {name}').fetchone()[0]}" for name in PG_SETTINGS]  # type: ignore[index]
        version = db.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
    return f"PostgreSQL {version}: " + ", ".join(shown)


def sqlite_figures(
    size: int, store: Path, targets: dict[str, str], args: argparse.Namespace
) -> dict[str, Figures]:
    with tempfile.TemporaryDirectory(prefix="claims-growth-") as logs:
        api = run.start_server("api", store, args.server_cpu, Path(logs))
        try:
            run.wait_ready(api, "/health")
            with ceiling_server(store, args.server_cpu) as ceiling:
                return measure(api.url(""), ceiling, targets, args)
        finally:
            run.stop(api.process)


def pg_figures(
    size: int, store: Path, targets: dict[str, str], args: argparse.Namespace
) -> tuple[dict[int, dict[str, Figures]], str]:
    """Figures by API worker count, all on one loaded server."""
    found: dict[int, dict[str, Figures]] = {}
    with ThrowawayPostgres(dbname=f"growth_{size}") as pg:
        pin_server(pg, args.load_cpu)
        started = time.perf_counter()
        generate(size, pg.url, relations=False)
        print(f"  PostgreSQL {size:,}: loaded in {time.perf_counter() - started:.0f} s", flush=True)
        settings = pg_settings(pg.url)
        for workers in args.api_workers:
            log = args.data_dir / f"growth-pg-{size}-{workers}.log"
            # Two workers get both cores (with wrk and the database server): one core
            # each would only make them take turns.
            cpus = str(args.server_cpu) if workers == 1 else "0-1"
            process, port = serve(pg.url, cpus, log, workers)
            try:
                run.wait_ready(run.Server("api", port, process, log), "/health")
                with ceiling_server(store, args.server_cpu) as ceiling:
                    api = f"http://{run.HOST}:{port}"
                    found[workers] = measure(api, ceiling, targets, args)
            finally:
                run.stop(process)
    return found, settings


def cell(values: list[float] | float, digits: int = 1) -> str:
    value = run.median(values) if isinstance(values, list) else values
    return run._figure(value, digits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100k,1m")
    parser.add_argument("--postgresql-sizes", default="1000,100k", help="'' for none")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--server-cpu", type=int, default=0)
    parser.add_argument(
        "--api-workers", default="1", help="API processes serving PostgreSQL: 1, or 1,2"
    )
    parser.add_argument(
        "--every-query", action="store_true", help="also the other first pages of issue 11"
    )
    parser.add_argument("--load-cpu", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, default=Path(__file__).parent / "data")
    args = parser.parse_args()
    args.api_workers = [int(n) for n in args.api_workers.split(",")]
    sizes = [run.parse_size(s) for s in args.sizes.split(",")]
    pg_sizes = {run.parse_size(s) for s in args.postgresql_sizes.split(",") if s}
    print(f"command: {run.command_line()}")
    print("machine: " + ", ".join(f"{k} {v}" for k, v in run.machine().items()), flush=True)
    results: dict[tuple[str, str], dict[int, Figures]] = {}
    settings = ""
    for size in sizes:
        store = run.ensure_store(size, args.data_dir, {})
        targets = paths(run.probe(store), args.every_query)
        for name, figures in sqlite_figures(size, store, targets, args).items():
            results.setdefault((name, "SQLite"), {})[size] = figures
        print(f"  SQLite {size:,}: done", flush=True)
        if size in pg_sizes:
            by_workers, settings = pg_figures(size, store, targets, args)
            for workers, found in by_workers.items():
                engine = "PostgreSQL" if workers == 1 else f"PostgreSQL, {workers} API workers"
                for name, figures in found.items():
                    results.setdefault((name, engine), {})[size] = figures
            print(f"  PostgreSQL {size:,}: done", flush=True)
    if settings:
        print(f"\ndatabase server: {settings} (core {args.load_cpu}, with wrk)")
    heads = " | ".join(f"{size:,}" for size in sizes)
    print(
        f"\np50 under load ({args.connections} connections), ms; idle (one request at a time), ms"
    )
    print(f"\n| query | engine | {heads} | idle: {heads} |")
    print("|---|---|" + "---:|" * (2 * len(sizes)))
    for (name, engine), by_size in results.items():
        loaded = " | ".join(cell(by_size[s].p50_ms) if s in by_size else "-" for s in sizes)
        idle = " | ".join(cell(by_size[s].idle_ms) if s in by_size else "-" for s in sizes)
        print(f"| {name} | {engine} | {loaded} | {idle} |")
    print(f"\np99 under load ({args.connections} connections), ms")
    print(f"\n| query | engine | {heads} |")
    print("|---|---|" + "---:|" * len(sizes))
    for (name, engine), by_size in results.items():
        tail = " | ".join(cell(by_size[s].p99_ms) if s in by_size else "-" for s in sizes)
        print(f"| {name} | {engine} | {tail} |")
    print(
        "\nreq/s under load; as a share of the FastAPI ceiling in the same round; and, on "
        "PostgreSQL, of SQLite's req/s for the same query and size (measured minutes apart)"
    )
    print(f"\n| query | engine | {heads} |")
    print("|---|---|" + "---:|" * len(sizes))
    for (name, engine), by_size in results.items():
        sqlite = results.get((name, "SQLite"), {})
        shown = []
        for s in sizes:
            if s not in by_size:
                shown.append("-")
                continue
            text = f"{cell(by_size[s].rps, 0)} ({cell(by_size[s].vs_ceiling, 2)}x"
            if engine != "SQLite" and s in sqlite:
                ratio = run.median(by_size[s].rps) / run.median(sqlite[s].rps)
                text += f"; {ratio:.2f}x SQLite"
            shown.append(text + ")")
        print(f"| {name} | {engine} | {' | '.join(shown)} |")


if __name__ == "__main__":
    main()
