"""Time full exports (CSV and NDJSON) over HTTP, and watch the server's memory.

For each store: start our API on it (as `claims serve` builds it, one uvicorn worker),
export every claim with `GET /claims?format=csv` and `?format=ndjson`, reading the
stream as a client would, and sample the server's resident memory every few
milliseconds meanwhile. An export streams keyset batches of stored documents, so the
server's peak memory should stay near its idle size whatever the size of the store.

    python bench/export.py --sizes 1000,100k             # SQLite stores, cached in bench/data
    python bench/export.py --sizes 1000,100k --postgres  # generated into a throwaway PostgreSQL
    python bench/export.py --database-url postgresql://...  # a store you already have

Memory is read from /proc (VmRSS while sampling; VmHWM, the peak the kernel kept, at the
end), or from psutil when it is installed. Linux only.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from run import HERE, Server, ensure_store, free_port, parse_size, stop, wait_ready

FORMATS = ("csv", "ndjson")


def _status_kb(pid: int, field: str) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return float(match[1]) if match else float("nan")


def rss_mb(pid: int) -> float:
    """The process's resident memory now, in MB (psutil if it is there, else /proc)."""
    try:
        import psutil  # type: ignore[import-untyped]
    except ImportError:
        return _status_kb(pid, "VmRSS") / 1024
    return float(psutil.Process(pid).memory_info().rss) / 2**20


def peak_mb(pid: int) -> float:
    """The most resident memory the process has had since it started (VmHWM), in MB."""
    return _status_kb(pid, "VmHWM") / 1024


class Sampler:
    """Samples a process's RSS on a thread until stopped; keeps the largest."""

    def __init__(self, pid: int, every: float = 0.005) -> None:
        self.pid, self.every = pid, every
        self.largest = 0.0
        self.samples = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._done.is_set():
            with contextlib.suppress(OSError):
                self.largest = max(self.largest, rss_mb(self.pid))
                self.samples += 1
            time.sleep(self.every)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._done.set()
        self._thread.join()


@dataclass
class Export:
    format: str
    seconds: float
    first_byte: float
    megabytes: float
    claims: int
    rss_before: float
    rss_peak: float

    @property
    def claims_per_second(self) -> float:
        return self.claims / self.seconds if self.seconds else float("nan")


def _counted(chunks: Iterator[bytes], fmt: str, tally: list[int]) -> Iterator[str]:
    """The stream as text lines, adding each chunk's size to `tally[0]` on the way."""
    pending = b""
    for chunk in chunks:
        tally[0] += len(chunk)
        pending += chunk
        *whole, pending = pending.split(b"\n")
        for line in whole:
            yield line.decode()
    if pending:
        yield pending.decode()


def export(base: str, pid: int, fmt: str, gzip: bool) -> Export:
    """One full export, read to its end as a client would (CSV records counted with the
    csv module, since a quote may hold a line break); only its size kept."""
    headers = {"Accept-Encoding": "gzip" if gzip else "identity"}
    before = rss_mb(pid)
    tally = [0]
    records = 0
    started = time.perf_counter()
    first = float("nan")
    with (
        Sampler(pid) as sampler,
        httpx.stream(
            "GET", f"{base}/claims?format={fmt}", headers=headers, timeout=None
        ) as response,
    ):
        response.raise_for_status()

        def chunks() -> Iterator[bytes]:
            nonlocal first
            raw = response.iter_raw() if gzip else response.iter_bytes()
            for chunk in raw:
                if first != first:  # nan until the first chunk
                    first = time.perf_counter() - started
                yield chunk

        if gzip:
            for chunk in chunks():
                tally[0] += len(chunk)
        elif fmt == "csv":
            records = sum(1 for _ in csv.reader(_counted(chunks(), fmt, tally))) - 1
        else:
            records = sum(1 for line in _counted(chunks(), fmt, tally) if line)
    seconds = time.perf_counter() - started
    peak = max(sampler.largest, before)
    return Export(fmt, seconds, first, tally[0] / 2**20, records, before, peak)


@contextlib.contextmanager
def server(database_url: str, log: Path) -> Iterator[tuple[str, int]]:
    """Our API on `database_url`, as `run.py` starts it (its own process group)."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                *(sys.executable, str(HERE / "serve.py"), "api"),
                *("--database-url", database_url, "--port", str(port)),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        running = Server("api", port, process, log)
        wait_ready(running, "/health")
        yield running.url(""), process.pid
    finally:
        stop(process)


def measure(label: str, database_url: str, gzip: bool, logs: Path) -> list[Export]:
    with server(database_url, logs) as (base, pid):
        httpx.get(f"{base}/claims?limit=200", timeout=60).raise_for_status()  # warm up
        idle = rss_mb(pid)
        results = [export(base, pid, fmt, gzip) for fmt in FORMATS]
        hwm = peak_mb(pid)
    print(f"\n{label}: server idle RSS {idle:.1f} MB, peak (VmHWM) over the run {hwm:.1f} MB")
    print("| format | claims | MB sent | first byte | total | claims/s | RSS before | RSS peak |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        claims = "?" if gzip else f"{r.claims:,}"
        print(
            f"| {r.format}{' (gzip)' if gzip else ''} | {claims} | {r.megabytes:.1f} "
            f"| {r.first_byte * 1000:.0f} ms | {r.seconds:.2f} s "
            f"| {'?' if gzip else f'{r.claims_per_second:,.0f}'} "
            f"| {r.rss_before:.1f} MB | {r.rss_peak:.1f} MB |"
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--sizes", default="1000", help="generated stores: 1000, 100k, 1m")
    where.add_argument("--database-url", help="export this store instead (any URL)")
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    parser.add_argument("--gzip", action="store_true", help="ask for gzip (sizes compressed)")
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="generate each size into a throwaway PostgreSQL server instead (as pg.py does)",
    )
    args = parser.parse_args()
    logs = Path(args.data_dir) / "export-server.log"
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    if args.database_url:
        measure(args.database_url.split("@")[-1], args.database_url, args.gzip, logs)
        return
    for size in (parse_size(part) for part in args.sizes.split(",")):
        if args.postgres:
            sys.path.insert(0, str(HERE.parent / "tests"))
            from generate import generate
            from pg_server import ThrowawayPostgres

            with ThrowawayPostgres(dbname=f"export_{size}") as pg:
                generate(size, pg.url)
                measure(f"PostgreSQL, {size:,} claims", pg.url, args.gzip, logs)
            continue
        path = ensure_store(size, args.data_dir, {})
        measure(f"SQLite, {size:,} claims ({path})", f"sqlite:///{path.resolve()}", args.gzip, logs)


if __name__ == "__main__":
    main()
