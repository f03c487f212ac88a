"""A real `claims serve` process on loopback, for tests that need one (crashes included).

`LiveServer` starts `python -m api.cli serve` on a free 127.0.0.1 port, waits for
`/health` with a deadline (failing with the server's output if it dies or never answers),
and always stops it: `stop()` asks politely and then kills, `kill()` is `kill -9` for
crash tests. The server's output goes to a log file, never a pipe, so a chatty server
cannot block on a full pipe under load, and nothing is left open for ResourceWarnings.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import httpx

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class ServerDiedError(AssertionError):
    """The server exited, or never answered /health, before the deadline."""


class LiveServer:
    """One `claims serve` process on `database_url`; a context manager that stops it."""

    def __init__(
        self,
        database_url: str,
        workdir: Path,
        *,
        name: str = "server",
        start_timeout: float = 30.0,
    ) -> None:
        self.database_url = database_url
        self.workdir = workdir
        self.log_path = workdir / f"{name}.log"
        self.start_timeout = start_timeout
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None, "the server was not started"
        return self.process.pid

    def output(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def start(self) -> Self:
        assert self.process is None, "already started"
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "api.cli",
                "serve",
                "--host",
                HOST,
                "--port",
                str(self.port),
                "--database-url",
                self.database_url,
                "--log-level",
                "warning",
            ],
            cwd=self.workdir,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_healthy(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.start_timeout
        with httpx.Client(base_url=self.base_url, timeout=2.0) as client:
            while True:
                try:
                    if client.get("/health").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if self.process.poll() is not None:
                    raise ServerDiedError(
                        f"server exited with {self.process.returncode} before answering "
                        f"/health; its output:\n{self.output()}"
                    )
                if time.monotonic() > deadline:
                    raise ServerDiedError(
                        f"server did not answer /health within {self.start_timeout:.0f} s; "
                        f"its output:\n{self.output()}"
                    )
                time.sleep(0.1)

    def kill(self) -> int:
        """`kill -9` the server, as a crash would; returns its exit status."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        status = self.process.wait(timeout=10)
        self._close_log()
        return status

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after a grace period); idempotent."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
