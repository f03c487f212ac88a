"""Benchmark our API against two references measured in the same run.

For each store size: build the synthetic store if it is not cached, start three servers
(our API, the FastAPI ceiling, Datasette) pinned to one core, then for each round load
every target in turn with wrk pinned to another core, and print requests/s, p50 and p99
latency (medians over rounds) with our figures as ratios of the references'.

    .venv/bin/python bench/run.py --sizes 1000,1000000 --rounds 5 --duration 5

See bench/README.md for what is measured and why.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from api.http.paging import encode_cursor

HERE = Path(__file__).resolve().parent
HOST = "127.0.0.1"  # never anything else
LIMIT = 20
POPULAR = "entity-0"
CEILING = "ceiling"
DATASETTE = "datasette"
INSTALL_WRK = (
    "wrk is not installed; on Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y wrk"
)


# --- the store ------------------------------------------------------------------------


def parse_size(text: str) -> int:
    """`1000`, `100k` or `1m` claims."""
    match = re.fullmatch(r"\s*(\d+)\s*([kKmM]?)\s*", text)
    if match is None:
        raise argparse.ArgumentTypeError(f"not a size: {text!r}")
    return int(match[1]) * {"": 1, "k": 1000, "m": 1_000_000}[match[2].lower()]


def schema_behind(path: Path) -> str | None:
    """Why our API would refuse to serve this store (its schema is older), or None."""
    from api.store.db import Store
    from api.store.migrate import current, head

    store = Store(f"sqlite:///{path}")
    try:
        found, wanted = current(store), head()
    finally:
        store.dispose()
    if found == wanted:
        return None
    return f"its schema is at revision {found or 'none'}, the code needs {wanted}"


def ensure_store(claims: int, data_dir: Path, given: dict[int, Path]) -> Path:
    """The store of `claims` claims: the one given, the cached one, or a new one."""
    if claims in given:
        path = given[claims]
        if not path.is_file():
            raise SystemExit(f"--store {claims}={path}: no such file")
        if reason := schema_behind(path):
            raise SystemExit(
                f"--store {claims}={path}: {reason}; run `claims migrate --database-url "
                f"sqlite:///{path.resolve()}`, or drop --store to generate a store"
            )
        return path
    path = data_dir / f"claims-{claims}.db"
    if path.is_file():
        reason = schema_behind(path)
        if reason is None:
            return path
        print(f"{path}: {reason}; generating it again", flush=True)
        for old in data_dir.glob(f"{path.name}*"):
            old.unlink()
    data_dir.mkdir(parents=True, exist_ok=True)
    partial = data_dir / f"claims-{claims}.partial.db"
    for stale in data_dir.glob(f"{partial.name}*"):
        stale.unlink()
    print(f"generating {claims} claims into {path} (1M takes about 2 minutes)...", flush=True)
    subprocess.run(
        [
            sys.executable,
            str(HERE / "generate.py"),
            "--claims",
            str(claims),
            "--database-url",
            f"sqlite:///{partial.resolve()}",
        ],
        check=True,
    )
    partial.rename(path)  # only a finished store is ever cached
    return path


def store_bytes(path: Path) -> int:
    """The store on disk, with its write-ahead log if one is left."""
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


@dataclass(frozen=True)
class Probe:
    """Facts about a store that the queries need: which entity is rare, which word is
    mid-frequency, where a deep cursor points."""

    claims: int
    rare_entity: str
    deep_cursor: str
    term: str
    term_claims: int
    mid_claim: str
    linked_claim: str  # a claim with relations, from the middle of the relation table
    disputed_rare: str  # the rarest entity that is in a dispute


def probe(path: Path) -> Probe:
    """Pick the benchmark's parameters by SQL on the store (read-only)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (claims,) = db.execute("SELECT count(*) FROM claim").fetchone()
        # The rarest entity (highest number) that still has a claim.
        (rare,) = db.execute(
            """SELECT e.slug FROM entity e
               WHERE e.slug LIKE 'entity-%'
                 AND EXISTS (SELECT 1 FROM claim_entity ce WHERE ce.entity_id = e.id)
               ORDER BY CAST(substr(e.slug, 8) AS INTEGER) DESC LIMIT 1"""
        ).fetchone()
        # A cursor at the 90th percentile of the popular entity's walk.
        ids = [
            row[0]
            for row in db.execute(
                """SELECT DISTINCT ce.claim_id FROM claim_entity ce
                   JOIN entity e ON e.id = ce.entity_id
                   WHERE e.slug = ? ORDER BY ce.claim_id""",
                (POPULAR,),
            )
        ]
        if not ids:
            raise SystemExit(f"{path}: {POPULAR} has no claims; is this a generated store?")
        deep = encode_cursor([ids[int(len(ids) * 0.9)]])
        # A word on about 1% of claims (0.5-2%), whose stem matches as itself.
        from api.store import search

        db.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.claim_fts_v "
            "USING fts5vocab(main, claim_fts, 'row')"
        )
        candidates = db.execute(
            """SELECT term, doc FROM temp.claim_fts_v WHERE doc BETWEEN ? AND ?
               ORDER BY abs(doc - ?), term LIMIT 50""",
            (claims * 0.005, claims * 0.02, claims * 0.01),
        ).fetchall()
        for term, doc in candidates:
            (found,) = db.execute(
                "SELECT count(*) FROM claim_fts WHERE claim_fts MATCH ?", (f'"{term}"',)
            ).fetchone()
            # A stem that is its own stem: `q=term` looks for this very term
            # (api.store.search stems the words of `q` as it stemmed the claims').
            as_written = search.terms(term) == [term]
            if found == doc and term.isalpha() and as_written:
                break
        else:
            raise SystemExit(f"{path}: no word matches 0.5-2% of claims")
        (mid,) = db.execute(
            "SELECT public_id FROM claim ORDER BY id LIMIT 1 OFFSET ?", (claims // 2,)
        ).fetchone()
        linked = db.execute(
            """SELECT c.public_id FROM relation r JOIN claim c ON c.id = r.from_claim_id
               ORDER BY r.id LIMIT 1 OFFSET (SELECT count(*) / 2 FROM relation)"""
        ).fetchone()
        if linked is None:
            raise SystemExit(f"{path}: no relations; is this a generated store?")
        # The rarest entity (highest number) with a dispute: at 1M the rarest of all has
        # a claim or two, and seldom a relation.
        (disputed,) = db.execute(
            """SELECT e.slug FROM relation_entity re
               JOIN relation r ON r.id = re.relation_id
               JOIN entity e ON e.id = re.entity_id
               WHERE r.type IN ('contradicts', 'undermines', 'qualifies')
                 AND r.retracted_at IS NULL AND e.slug LIKE 'entity-%'
               ORDER BY CAST(substr(e.slug, 8) AS INTEGER) DESC LIMIT 1"""
        ).fetchone()
    finally:
        db.close()
    return Probe(claims, rare, deep, term, doc, mid, linked[0], disputed)


# --- targets --------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    name: str
    server: str  # "api", CEILING or DATASETTE
    path: str


def targets(p: Probe) -> list[Target]:
    """Our sixteen queries, then the two references."""
    page = f"limit={LIMIT}"
    return [
        Target("popular entity", "api", f"/claims?entity={POPULAR}&{page}"),
        Target("rare entity", "api", f"/claims?entity={p.rare_entity}&{page}"),
        Target(
            "deep cursor (popular)",
            "api",
            f"/claims?entity={POPULAR}&{page}&cursor={quote(p.deep_cursor)}",
        ),
        Target(f"full text q={p.term}", "api", f"/claims?q={p.term}&{page}"),
        Target(
            f"full text q={p.term}, by relevance",
            "api",
            f"/claims?q={p.term}&sort=relevance&{page}",
        ),
        Target(
            "popular entity, newest first",
            "api",
            f"/claims?entity={POPULAR}&sort=-claimed_on&{page}",
        ),
        Target(
            "rare entity, newest first",
            "api",
            f"/claims?entity={p.rare_entity}&sort=-claimed_on&{page}",
        ),
        Target("one claim by id", "api", f"/claims/{p.mid_claim}"),
        Target(
            "facets status+claimant (rare)",
            "api",
            f"/claims?entity={p.rare_entity}&facet=status&facet=claimant&{page}",
        ),
        Target("unfiltered first page", "api", f"/claims?{page}"),
        Target("a claim's relations", "api", f"/claims/{p.linked_claim}/relations?{page}"),
        Target("disputes (popular)", "api", f"/entities/{POPULAR}/disputes?{page}"),
        Target("disputes (rare)", "api", f"/entities/{p.disputed_rare}/disputes?{page}"),
        Target("timeline (popular)", "api", f"/entities/{POPULAR}/timeline?{page}"),
        Target(
            "popular entity, by event date",
            "api",
            f"/claims?entity={POPULAR}&sort=event_date&{page}",
        ),
        Target(
            "figures 1000-2000 people (popular)",
            "api",
            f"/claims?entity={POPULAR}&quantity_unit=people&quantity_min=1000"
            f"&quantity_max=2000&{page}",
        ),
        Target("REF ceiling: FastAPI constant page", CEILING, "/claims"),
        Target(
            "REF Datasette canned query",
            DATASETTE,
            f"/claims/entity_claims.json?entity={POPULAR}&_shape=array",
        ),
    ]


# --- servers --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    kind: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"

    def rss_mb(self) -> float:
        """Resident set size of the server process, from /proc."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        return int(match[1]) / 1024 if match else float("nan")


def start_server(kind: str, store: Path, cpu: int, logs: Path) -> Server:
    """One server process, in its own process group, pinned to `cpu`."""
    port = free_port()
    log = logs / f"{kind}.log"
    command = ["taskset", "-c", str(cpu), sys.executable, str(HERE / "serve.py"), kind]
    command += ["--db", str(store), "--port", str(port), "--entity", POPULAR]
    command += ["--limit", str(LIMIT)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return Server(kind, port, process, log)


def wait_ready(server: Server, path: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"{server.kind} server died:\n{server.log.read_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(server.url(path), timeout=5).status_code == 200:
                return
        time.sleep(0.2)
    raise SystemExit(f"{server.kind} server not ready after {timeout:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate a process group we started, then kill it if it lingers."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def servers(store: Path, cpu: int) -> Iterator[dict[str, Server]]:
    """Our API and both references on `store`, all stopped on the way out."""
    started: dict[str, Server] = {}
    with tempfile.TemporaryDirectory(prefix="claims-bench-") as logs:
        try:
            for kind in ("api", CEILING, DATASETTE):
                started[kind] = start_server(kind, store, cpu, Path(logs))
            wait_ready(started["api"], "/health")
            wait_ready(started[CEILING], "/claims")
            wait_ready(started[DATASETTE], "/-/versions.json")
            yield started
        finally:
            for server in started.values():
                stop(server.process)


def check_answers(running: dict[str, Server], plan: Sequence[Target]) -> dict[str, float]:
    """Every target answers 200 with something, and all three first pages agree.

    Returns each target's latency alone: the median of three requests over a kept-alive
    connection, the first request having warmed it.
    """
    bodies: dict[str, Any] = {}
    alone: dict[str, float] = {}
    with httpx.Client(timeout=120) as client:
        for target in plan:
            url = running[target.server].url(target.path)
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(
                    f"{target.name}: HTTP {response.status_code}: {response.text[:500]}"
                )
            body = response.json()
            items = body if isinstance(body, list) else body.get("items", [body])
            if not items:
                raise SystemExit(f"{target.name}: empty answer from {target.path}")
            bodies[target.server if target.server != "api" else target.name] = items
            times = []
            for _ in range(3):
                started = time.perf_counter()
                client.get(url).raise_for_status()
                times.append(time.perf_counter() - started)
            alone[target.name] = statistics.median(times)
    ours = [item["id"] for item in bodies[plan[0].name]]
    for reference in (CEILING, DATASETTE):
        theirs = [item["id"] for item in bodies[reference]]
        if theirs != ours:
            raise SystemExit(f"{reference} does not serve the same claims as our API")
    return alone


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far, all threads, from /proc."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_idle(server: Server, timeout: float = 600) -> None:
    """Wait until the server has drained requests wrk left in flight.

    A slow target leaves up to one request per connection running after wrk stops;
    measuring the next target before they finish would charge it for them.
    """
    deadline = time.monotonic() + timeout
    used = cpu_seconds(server.process.pid)
    quiet = 0
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = cpu_seconds(server.process.pid)
        # Under 8% of a core for two windows in a row: even a request starved by other
        # processes on the core would show more than that.
        quiet = quiet + 1 if now - used < 0.02 else 0
        if quiet == 2:
            return
        used = now
    print(f"warning: {server.kind} server still busy after {timeout:.0f} s", file=sys.stderr)


# --- load -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    rps: float
    p50_ms: float  # NaN when no request completed
    p99_ms: float
    errors: int  # non-2xx answers plus socket errors (timeouts included); should be 0


_UNITS_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if match is None:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match[1]) * _UNITS_MS[match[2]]


def parse_wrk(output: str) -> Sample:
    """Requests/s, the 50% and 99% latency lines, and any errors, from `wrk --latency`."""
    done = re.search(r"^\s+(\d+) requests in", output, re.MULTILINE)
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    if done is None or rps is None or p50 is None or p99 is None:
        raise ValueError(f"unexpected wrk output:\n{output}")
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", output))
    for line in re.findall(r"Socket errors:(.*)", output):
        errors += sum(int(n) for n in re.findall(r"\d+", line))
    if int(done[1]) == 0:  # wrk prints zero latencies when nothing completed
        return Sample(0.0, math.nan, math.nan, errors)
    return Sample(float(rps[1]), _ms(p50[1]), _ms(p99[1]), errors)


@dataclass(frozen=True)
class Load:
    cpu: int
    connections: int
    threads: int


def wrk(url: str, seconds: int, load: Load, connections: int) -> Sample:
    command = ["taskset", "-c", str(load.cpu), "wrk", "--latency"]
    command += [f"-t{min(load.threads, connections)}", f"-c{connections}", f"-d{seconds}s"]
    command += ["--timeout", "30s", url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if result.returncode != 0:
        raise SystemExit(f"wrk failed on {url}:\n{result.stdout}{result.stderr}")
    return parse_wrk(result.stdout)


# --- a run ----------------------------------------------------------------------------


def median(values: Iterable[float]) -> float:
    """Median of the values that are numbers; NaN if none is."""
    known = [v for v in values if not math.isnan(v)]
    return float(statistics.median(known)) if known else math.nan


@dataclass
class Row:
    target: Target
    alone_ms: float = math.nan  # one request with the server otherwise idle
    connections: int = 0  # the load's connections, fewer for very slow targets
    samples: list[Sample] = field(default_factory=list)
    vs_ceiling: list[float] = field(default_factory=list)
    vs_datasette: list[float] = field(default_factory=list)

    def median(self, attribute: str) -> float:
        return median(getattr(s, attribute) for s in self.samples)


@dataclass
class SizeResult:
    claims: int
    store: Path
    store_mb: float
    probe: Probe
    rows: list[Row]
    rss_mb: dict[str, float]


def bench_size(claims: int, store: Path, args: argparse.Namespace, load: Load) -> SizeResult:
    found = probe(store)
    if found.claims != claims:
        print(f"note: {store} holds {found.claims} claims, not {claims}", file=sys.stderr)
    plan = targets(found)
    rows = [Row(target) for target in plan]
    with servers(store, args.server_cpu) as running:
        alone = check_answers(running, plan)
        for row in rows:
            row.alone_ms = alone[row.target.name] * 1000
            # A target so slow that each connection would finish under two requests in
            # the time given gets one connection: its throughput is the same on one core,
            # and its latencies stay measurable.
            slow = alone[row.target.name] * load.connections > args.duration / 2
            row.connections = 1 if slow else load.connections
        for round_ in range(args.rounds):
            # Rotate the order each round so no target always follows the same one.
            shift = round_ % len(rows)
            for row in rows[shift:] + rows[:shift]:
                server = running[row.target.server]
                url = server.url(row.target.path)
                if args.warmup > 0:
                    wrk(url, args.warmup, load, row.connections)
                    wait_idle(server)
                row.samples.append(wrk(url, args.duration, load, row.connections))
                wait_idle(server)
            by_server = {
                row.target.server: row.samples[-1].rps
                for row in rows
                if row.target.server in (CEILING, DATASETTE)
            }
            for row in rows:
                row.vs_ceiling.append(row.samples[-1].rps / by_server[CEILING])
                row.vs_datasette.append(row.samples[-1].rps / by_server[DATASETTE])
            print(f"  {claims} claims: round {round_ + 1}/{args.rounds} done", flush=True)
        rss = {kind: server.rss_mb() for kind, server in running.items()}
    return SizeResult(claims, store, store_bytes(store) / 2**20, found, rows, rss)


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
    info = {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "wrk": wrk_version.split(" Copyright")[0].removeprefix("wrk ").strip(),
    }
    for package in ("fastapi", "pydantic", "uvicorn", "sqlalchemy", "datasette"):
        with contextlib.suppress(PackageNotFoundError):
            info[package] = version(package)
    return info


def command_line() -> str:
    python = Path(sys.executable)
    with contextlib.suppress(ValueError):
        python = python.relative_to(Path.cwd())
    return shlex.join([str(python), *sys.argv])


def _figure(value: float, digits: int) -> str:
    return "-" if math.isnan(value) else f"{value:.{digits}f}"


def table(result: SizeResult) -> str:
    """The size's figures as a Markdown table (medians over rounds)."""
    lines = [
        "| query | req/s | p50 ms | p99 ms | vs ceiling | vs Datasette | idle ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in result.rows:
        flags = [f"{row.connections} conn"] if row.connections == 1 else []
        if errors := sum(s.errors for s in row.samples):
            flags.append(f"{errors} errors")
        name = row.target.name + (f" ({', '.join(flags)})" if flags else "")
        rps = row.median("rps")
        cells = [
            name,
            _figure(rps, 0 if rps >= 100 else 1),
            _figure(row.median("p50_ms"), 2),
            _figure(row.median("p99_ms"), 2),
            _figure(median(row.vs_ceiling), 3 if median(row.vs_ceiling) < 0.01 else 2) + "x",
            _figure(median(row.vs_datasette), 3 if median(row.vs_datasette) < 0.01 else 2) + "x",
            _figure(row.alone_ms, 1),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(result: SizeResult) -> str:
    p = result.probe
    ceiling = next(row for row in result.rows if row.target.server == CEILING)
    lines = [
        f"## {result.claims:,} claims",
        "",
        f"store: {result.store} ({result.store_mb:.0f} MB on disk); "
        f"RSS after the load: API {result.rss_mb['api']:.0f} MB, "
        f"ceiling {result.rss_mb[CEILING]:.0f} MB, Datasette {result.rss_mb[DATASETTE]:.0f} MB",
        f"rare entity: {p.rare_entity}; rarest disputed: {p.disputed_rare}; "
        f"q={p.term} matches {p.term_claims} claims "
        f"({100 * p.term_claims / p.claims:.2f}%)",
        "",
        table(result),
        "",
        "noise gauge, ceiling req/s by round: "
        + " ".join(f"{s.rps:.0f}" for s in ceiling.samples)
        + " (a quiet machine keeps these close)",
        "vs ceiling/Datasette: req/s over the reference's req/s in the same round (>1: faster)",
        "idle ms: one request alone on the idle server (p50 under load is about connections x"
        " service time)",
        "(1 conn): too slow for the load's connections to finish two requests each; loaded"
        " with one connection instead",
        "paths:",
        *(f"  {row.target.name}: {row.target.path}" for row in result.rows),
    ]
    return "\n".join(lines)


def as_json(results: Sequence[SizeResult], info: dict[str, str], args: Any) -> dict[str, Any]:
    return {
        "command": command_line(),
        "machine": info,
        "settings": {k: v for k, v in vars(args).items() if k not in {"json", "store", "data_dir"}},
        "sizes": [
            {
                "claims": r.claims,
                "store": str(r.store),
                "store_mb": round(r.store_mb, 1),
                "rss_mb": {k: round(v, 1) for k, v in r.rss_mb.items()},
                "probe": asdict(r.probe),
                "targets": [
                    {
                        "name": row.target.name,
                        "server": row.target.server,
                        "path": row.target.path,
                        "connections": row.connections,
                        "idle_ms": row.alone_ms,
                        "rps": row.median("rps"),
                        "p50_ms": row.median("p50_ms"),
                        "p99_ms": row.median("p99_ms"),
                        "vs_ceiling": statistics.median(row.vs_ceiling),
                        "vs_datasette": statistics.median(row.vs_datasette),
                        "rounds": [asdict(s) for s in row.samples],
                    }
                    for row in r.rows
                ],
            }
            for r in results
        ],
    }


def _finite(value: Any) -> Any:
    """`value` with NaN (no figure) as null, so the JSON stays standard."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=lambda s: [parse_size(part) for part in s.split(",")],
        default=[1000, 1_000_000],
        help="store sizes in claims, comma-separated (1000,100k,1m); default 1000,1000000",
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds per size (default 5)")
    parser.add_argument(
        "--duration", type=int, default=5, help="seconds of load per target and round"
    )
    parser.add_argument(
        "--warmup", type=int, default=1, help="unmeasured seconds of load before each"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--server-cpu", type=int, default=0, help="core the servers run on")
    parser.add_argument("--load-cpu", type=int, default=1, help="core wrk runs on")
    parser.add_argument(
        "--data-dir", type=Path, default=HERE / "data", help="cache of generated stores"
    )
    parser.add_argument(
        "--store",
        action="append",
        default=[],
        metavar="SIZE=PATH",
        help="use this existing store for SIZE instead of the cache (repeatable)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args()
    if args.rounds < 1 or args.duration < 1 or args.warmup < 0:
        raise SystemExit("need --rounds >= 1, --duration >= 1 and --warmup >= 0")
    if shutil.which("wrk") is None:
        raise SystemExit(INSTALL_WRK)
    if shutil.which("taskset") is None:
        raise SystemExit("taskset is not installed (util-linux)")
    cpus = os.sched_getaffinity(0)
    if args.server_cpu not in cpus or args.load_cpu not in cpus or args.server_cpu == args.load_cpu:
        raise SystemExit(f"need two distinct usable cores; this process may use {sorted(cpus)}")
    given: dict[int, Path] = {}
    for spec in args.store:
        size, _, path = spec.partition("=")
        given[parse_size(size)] = Path(path)

    # A SIGTERM ends the run through the same `finally` blocks as Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    info = machine()
    load = Load(args.load_cpu, args.connections, args.threads)
    # Each target and round also waits about a second for the server to be idle.
    per_size = 9 * args.rounds * (args.duration + args.warmup + 1.5)
    print(f"command: {command_line()}")
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    print(
        f"load: wrk -t{args.threads} -c{args.connections} on core {args.load_cpu}, "
        f"{args.warmup:g} s warm-up + {args.duration:g} s per target and round, "
        f"{args.rounds} rounds; servers on core {args.server_cpu}; "
        f"about {per_size / 60:.1f} min per size"
    )
    started = time.monotonic()
    results = []
    for claims in args.sizes:
        store = ensure_store(claims, args.data_dir, given)
        result = bench_size(claims, store, args, load)
        results.append(result)
        print()
        print(report(result), flush=True)
        print()
    if args.json:
        figures = _finite(as_json(results, info, args))
        args.json.write_text(json.dumps(figures, indent=2, allow_nan=False) + "\n")
        print(f"figures written to {args.json}")
    print(f"took {(time.monotonic() - started) / 60:.1f} min")


if __name__ == "__main__":
    main()
