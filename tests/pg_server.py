"""A throwaway PostgreSQL server for tests, started on loopback and removed afterwards.

The suite must run against a real PostgreSQL as well as SQLite, without needing a server
that someone set up by hand. `ThrowawayPostgres` runs initdb into a temporary directory,
starts the server on a free 127.0.0.1 port, and on exit stops it and deletes every file.
Durability is switched off (fsync, full_page_writes, ...) because the data is thrown away.

initdb and pg_ctl refuse to run as root; when the tests run as root (CI containers) the
binaries are run as the `postgres` OS user instead. Missing binaries are an error, not a
reason to skip: a PostgreSQL run that silently tests nothing is worse than a red build.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Self

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL

__all__ = [
    "BIN_ENV_VAR",
    "PgServerError",
    "ThrowawayPostgres",
    "ThrowawayStandby",
    "find_pg_bin_dir",
]

BIN_ENV_VAR = "CLAIMS_PG_BIN"
"""Directory holding initdb, pg_ctl and postgres; overrides every other place we look."""

_REQUIRED = ("initdb", "pg_ctl", "postgres")
_DEBIAN_ROOT = Path("/usr/lib/postgresql")
_SUPERUSER = "postgres"
_HOST = "127.0.0.1"
_START_ATTEMPTS = 3  # a free port can be taken by someone else before the server binds it

# Settings for speed only: nothing in this cluster has to survive a crash.
_SERVER_SETTINGS: Mapping[str, str] = {
    "listen_addresses": _HOST,
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}


class PgServerError(RuntimeError):
    """The throwaway server could not be found, started or stopped."""


def _has_binaries(directory: Path) -> bool:
    return all(os.access(directory / name, os.X_OK) for name in _REQUIRED)


def _version_key(directory: Path) -> tuple[int, ...]:
    """Sort key for /usr/lib/postgresql/<version>: '15' > '9.6'; odd names sort last."""
    parts = directory.name.split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else (-1,)


def find_pg_bin_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The directory with initdb, pg_ctl and postgres, or a PgServerError saying where we looked.

    Order: `override`, then $CLAIMS_PG_BIN, then PATH, then /usr/lib/postgresql/*/bin
    (newest version first). An explicit override that lacks the binaries is an error rather
    than a fallback, so a typo cannot quietly pick another server version.
    """
    explicit = override if override is not None else os.environ.get(BIN_ENV_VAR)
    if explicit:
        directory = Path(explicit)
        if not _has_binaries(directory):
            raise PgServerError(
                f"{directory} (from {'argument' if override is not None else BIN_ENV_VAR}) "
                f"does not contain executable {', '.join(_REQUIRED)}"
            )
        return directory

    candidates: list[Path] = []
    on_path = shutil.which("pg_ctl")
    if on_path:
        # A symlink on PATH (e.g. /usr/local/bin/pg_ctl) may point into the real bin dir.
        candidates += [Path(on_path).parent, Path(os.path.realpath(on_path)).parent]
    if _DEBIAN_ROOT.is_dir():
        versions = sorted(_DEBIAN_ROOT.iterdir(), key=_version_key, reverse=True)
        candidates += [v / "bin" for v in versions]
    for directory in candidates:
        if _has_binaries(directory):
            return directory
    raise PgServerError(
        f"PostgreSQL server binaries ({', '.join(_REQUIRED)}) not found: looked on PATH and in "
        f"{_DEBIAN_ROOT}/*/bin. Install the PostgreSQL server (`make test` does, with "
        f".ci/system-packages) or set {BIN_ENV_VAR} to the directory that holds them."
    )


def _free_port() -> int:
    """A port the kernel just handed out on loopback; the server may still lose a race for it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((_HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _conf_value(value: str) -> str:
    """A postgresql.conf string literal."""
    return "'" + value.replace("'", "''") + "'"


class ThrowawayPostgres:
    """A private PostgreSQL cluster that lives exactly as long as the `with` block.

        with ThrowawayPostgres() as pg:
            engine = sqlalchemy.create_engine(pg.url)

    Clients connect over TCP to 127.0.0.1 as the superuser `postgres` without a password
    (trust auth: only local processes can reach it, and it is gone after the block).
    """

    def __init__(
        self,
        dbname: str = "claims_test",
        *,
        bin_dir: str | os.PathLike[str] | None = None,
        base_dir: str | os.PathLike[str] | None = None,
        run_as: str = "postgres",
        timeout: float = 60.0,
    ) -> None:
        """Configure, but do not start, a server.

        `base_dir` is where the temporary directory goes (default: the system temp dir).
        When running as root it must be traversable by `run_as`, which rules out pytest's
        tmp_path (/tmp/pytest-of-root is mode 0700).
        """
        self.dbname = dbname
        self._bin_override = bin_dir
        self._base_dir = base_dir
        self._run_as = run_as
        self._timeout = timeout
        self._bin_dir: Path | None = None
        self._root: Path | None = None
        self._port: int | None = None
        self._log_path: Path | None = None
        self._user: pwd.struct_passwd | None = None

    # -- public surface ---------------------------------------------------------------------

    @property
    def port(self) -> int:
        """TCP port the server listens on (127.0.0.1 only)."""
        if self._port is None:
            raise PgServerError("server is not running")
        return self._port

    @property
    def host(self) -> str:
        """Always loopback: the server trusts every client, so nothing else may reach it."""
        return _HOST

    @property
    def directory(self) -> Path:
        """The temporary directory holding the data dir, the socket and the server log."""
        if self._root is None:
            raise PgServerError("server is not running")
        return self._root

    @property
    def log_path(self) -> Path:
        """The server log, worth reading when a test fails inside PostgreSQL."""
        if self._log_path is None:
            raise PgServerError("server is not running")
        return self._log_path

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the database created at start-up."""
        return self.url_for(self.dbname)

    def url_for(self, dbname: str) -> str:
        """SQLAlchemy URL (psycopg 3 driver) for any database on this server."""
        return URL.create(
            "postgresql+psycopg", username=_SUPERUSER, host=_HOST, port=self.port, database=dbname
        ).render_as_string(hide_password=False)

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create database `name` and return its URL.

        With `template`, PostgreSQL copies that database file by file, which is much faster
        than re-running schema creation and fixture loading for every test. The template
        must have no open connections at that moment (dispose engines on it first).
        """
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        self._admin_execute(statement)
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        """Drop database `name`, disconnecting anyone still on it (PostgreSQL 13+)."""
        self._admin_execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )

    def start(self) -> None:
        """initdb, start on a free port, wait until it accepts connections, create the db.

        Anything that fails half-way is undone before the error propagates, so no server or
        directory is left behind.
        """
        if self._root is not None:
            raise PgServerError("server already started")
        self._bin_dir = find_pg_bin_dir(self._bin_override)
        self._user = self._lookup_user()
        self._root = Path(tempfile.mkdtemp(prefix="claims-pg-", dir=self._base_dir))
        try:
            if self._user is not None:
                os.chown(self._root, self._user.pw_uid, self._user.pw_gid)
            self._initdb()
            self._start_server()
            self._admin_execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.dbname)))
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop the server at once (no checkpoint: the data is discarded) and delete its files."""
        root = self._root
        if root is None:
            return
        try:
            if (root / "data" / "postmaster.pid").exists():
                try:
                    self._run("pg_ctl", "stop", "-D", str(root / "data"), "-m", "immediate", "-w")
                except PgServerError:
                    self._kill_postmaster(root / "data" / "postmaster.pid")
        finally:
            self._root = self._port = self._log_path = None
            shutil.rmtree(root)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- internals --------------------------------------------------------------------------

    def _lookup_user(self) -> pwd.struct_passwd | None:
        """The OS user to run the binaries as: someone other than root, or None for ourselves."""
        if os.geteuid() != 0:
            return None
        try:
            return pwd.getpwnam(self._run_as)
        except KeyError:
            raise PgServerError(
                f"running as root, and initdb/pg_ctl refuse to run as root, but there is no "
                f"{self._run_as!r} OS user to run them as"
            ) from None

    def _run(self, program: str, *args: str) -> str:
        """Run a PostgreSQL binary (as the postgres user when we are root); output on success."""
        assert self._bin_dir is not None
        assert self._root is not None
        user = self._user
        # Drop PG* variables (PGDATA, PGPORT, PGHOST, ...) so the caller's environment cannot
        # steer the binaries towards some other cluster.
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        command = [str(self._bin_dir / program), *args]
        try:
            result = subprocess.run(
                command,
                cwd=self._root,  # a cwd the postgres user can enter; root's may be private
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=self._timeout,
                check=False,
                user=user.pw_uid if user else None,
                group=user.pw_gid if user else None,
                extra_groups=[] if user else None,  # shed root's supplementary groups too
            )
        except subprocess.TimeoutExpired as exc:
            raise PgServerError(f"{program} timed out after {self._timeout}s: {command}") from exc
        if result.returncode != 0:
            raise PgServerError(
                f"{program} exited with {result.returncode}: {command}\n{result.stdout}"
            )
        return result.stdout

    def _initdb(self) -> None:
        assert self._root is not None
        data = str(self._root / "data")
        try:
            # --no-sync: nothing here must survive a crash, and fsyncing the new cluster
            # is most of initdb's run time on slow disks.
            self._run(
                "initdb", "-D", data, "-A", "trust", "-U", _SUPERUSER, "-E", "UTF8", "--locale=C",
                "--no-sync",
            )  # fmt: skip
        except PgServerError as exc:
            if self._user is None or "Permission denied" not in str(exc):
                raise
            raise PgServerError(
                f"{exc}\nHint: every parent directory of {self._root} must be searchable by "
                f"the OS user {self._run_as!r}; pass base_dir= somewhere it can reach."
            ) from exc
        settings = {**_SERVER_SETTINGS, "unix_socket_directories": str(self._root)}
        # Appending keeps the file's owner (postgres) even when we write it as root.
        with (self._root / "data" / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# throwaway test server\n")
            conf.writelines(f"{key} = {_conf_value(value)}\n" for key, value in settings.items())

    def _start_server(self) -> None:
        assert self._root is not None
        error: PgServerError | None = None
        for _ in range(_START_ATTEMPTS):
            port = _free_port()
            log = self._root / f"server-{port}.log"
            try:
                # -w returns only once the server accepts connections; -l detaches the
                # server's output from our pipe, which would otherwise stay open forever.
                self._run(
                    "pg_ctl",
                    "start",
                    "-D",
                    str(self._root / "data"),
                    "-l",
                    str(log),
                    "-o",
                    f"-p {port}",
                    "-w",
                    "-t",
                    str(int(self._timeout)),
                )
            except PgServerError as exc:
                server_log = log.read_text(errors="replace") if log.exists() else ""
                error = PgServerError(f"{exc}\n--- {log} ---\n{server_log}")
                if "Address already in use" in server_log:
                    continue  # lost the race for the port: try another
                raise error from exc
            self._port, self._log_path = port, log
            return
        assert error is not None
        raise error

    def _admin_execute(self, statement: sql.Composed) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE need that)."""
        with psycopg.connect(
            host=_HOST, port=self.port, user=_SUPERUSER, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(statement)

    def _kill_postmaster(self, pid_file: Path) -> None:
        """Last resort when pg_ctl cannot stop the server: SIGKILL the postmaster, then wait."""
        with contextlib.suppress(OSError, ValueError, IndexError):
            first_line = pid_file.read_text().splitlines()[0]
            if not re.fullmatch(r"\d+", first_line):
                return
            pid = int(first_line)
            os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + self._timeout
            while time.monotonic() < deadline:
                os.kill(pid, 0)  # raises ProcessLookupError once it is gone
                time.sleep(0.05)


def _with_basebackup(directory: Path) -> Path:
    """`directory`, or the one its pg_ctl links to, whichever holds pg_basebackup too (a
    PATH of symlinks may offer only the server binaries)."""
    for candidate in (directory, Path(os.path.realpath(directory / "pg_ctl")).parent):
        if os.access(candidate / "pg_basebackup", os.X_OK):
            return candidate
    raise PgServerError(f"no pg_basebackup beside the server binaries in {directory}")


class ThrowawayStandby(ThrowawayPostgres):
    """A hot standby of a running `ThrowawayPostgres`, streaming from it over loopback.

        with ThrowawayPostgres() as primary, ThrowawayStandby(primary) as standby:
            standby.wait_streaming()

    Made the way a production replica is: `pg_basebackup -R` (which writes
    `standby.signal` and the `primary_conninfo`) from the primary's replication
    connection, then started on a port of its own. The primary's defaults already allow
    it (wal_level=replica, max_wal_senders=10, and initdb's pg_hba trusts replication
    connections from 127.0.0.1). Reads only; stopped and deleted like the primary.
    """

    def __init__(self, primary: ThrowawayPostgres, *, timeout: float = 60.0) -> None:
        super().__init__(primary.dbname, base_dir=primary._base_dir, timeout=timeout)
        self.primary = primary

    def start(self) -> None:
        if self._root is not None:
            raise PgServerError("server already started")
        self._bin_dir = _with_basebackup(find_pg_bin_dir(self._bin_override))
        self._user = self._lookup_user()
        self._root = Path(tempfile.mkdtemp(prefix="claims-pg-standby-", dir=self._base_dir))
        try:
            if self._user is not None:
                os.chown(self._root, self._user.pw_uid, self._user.pw_gid)
            self._run(
                "pg_basebackup", "-D", str(self._root / "data"), "-h", self.primary.host,
                "-p", str(self.primary.port), "-U", _SUPERUSER, "-R", "-X", "stream",
                "-c", "fast", "--no-sync",
            )  # fmt: skip
            settings = {"unix_socket_directories": str(self._root), "hot_standby": "on"}
            with (self._root / "data" / "postgresql.conf").open("a", encoding="utf-8") as conf:
                conf.write("\n# throwaway standby\n")
                conf.writelines(
                    f"{key} = {_conf_value(value)}\n" for key, value in settings.items()
                )
            self._start_server()
        except BaseException:
            self.stop()
            raise

    def execute(self, statement: str) -> object:
        """Run one statement on the standby's `postgres` database; its first value."""
        with psycopg.connect(
            host=_HOST, port=self.port, user=_SUPERUSER, dbname="postgres", autocommit=True
        ) as conn:
            row = conn.execute(statement).fetchone()
            return None if row is None else row[0]

    def wait_streaming(self) -> None:
        """Until the standby streams from the primary and has replayed all it has sent."""
        with psycopg.connect(
            host=_HOST, port=self.primary.port, user=_SUPERUSER, dbname="postgres",
            autocommit=True,
        ) as conn:  # fmt: skip
            row = conn.execute("SELECT pg_current_wal_insert_lsn()::text").fetchone()
        assert row is not None
        target = row[0]
        deadline = time.monotonic() + self._timeout
        while time.monotonic() < deadline:
            caught_up = self.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')"
                f" AND pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"
            )
            if caught_up:
                return
            time.sleep(0.05)
        raise PgServerError(
            f"the standby did not stream up to {target} within {self._timeout:.0f} s; "
            f"its log:\n{self.log_path.read_text(errors='replace')}"
        )
