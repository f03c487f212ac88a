"""The throwaway PostgreSQL helper really starts a server, serves SQL, and leaves nothing behind.

These run against a real server on purpose: a helper that only works in mocks would
first fail in the middle of the PostgreSQL run of the whole suite.
"""

from __future__ import annotations

import os
import pwd
import socket
from collections.abc import Iterator
from pathlib import Path

import pg_server
import pytest
import sqlalchemy as sa
from pg_server import PgServerError, ThrowawayPostgres, find_pg_bin_dir

ITEMS = sa.Table(
    "items",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("label", sa.Text, nullable=False),
)


@pytest.fixture(scope="module")
def pg() -> Iterator[ThrowawayPostgres]:
    with ThrowawayPostgres() as server:
        yield server


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _labels(url: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.scalars(sa.select(ITEMS.c.label).order_by(ITEMS.c.id)))
    finally:
        engine.dispose()


def test_url_points_at_loopback_with_psycopg(pg: ThrowawayPostgres) -> None:
    assert pg.url == f"postgresql+psycopg://postgres@127.0.0.1:{pg.port}/claims_test"
    assert _port_open(pg.port)


def test_create_table_insert_and_read_back(pg: ThrowawayPostgres) -> None:
    engine = sa.create_engine(pg.url)
    try:
        with engine.begin() as conn:
            ITEMS.create(conn)
            conn.execute(sa.insert(ITEMS), [{"label": "first"}, {"label": "Straße, ünïcode"}])
        with engine.connect() as conn:
            version = conn.scalar(sa.text("SHOW server_version_num"))
            encoding = conn.scalar(sa.text("SHOW server_encoding"))
            fsync = conn.scalar(sa.text("SHOW fsync"))
            rows = conn.execute(sa.select(ITEMS).order_by(ITEMS.c.id)).all()
    finally:
        engine.dispose()
    assert int(version) >= 150000
    assert (encoding, fsync) == ("UTF8", "off")
    assert [tuple(r) for r in rows] == [(1, "first"), (2, "Straße, ünïcode")]


def test_create_database_clones_a_template(pg: ThrowawayPostgres) -> None:
    source_url = pg.create_database("clone_source")
    engine = sa.create_engine(source_url)
    try:
        with engine.begin() as conn:
            ITEMS.create(conn)
            conn.execute(sa.insert(ITEMS), [{"label": "from template"}])
    finally:
        engine.dispose()  # a template must have no open connections while it is copied

    copy_url = pg.create_database("clone_copy", template="clone_source")
    assert copy_url == pg.url_for("clone_copy")
    assert _labels(copy_url) == ["from template"]

    engine = sa.create_engine(copy_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.insert(ITEMS), [{"label": "only in copy"}])
    finally:
        engine.dispose()
    assert _labels(copy_url) == ["from template", "only in copy"]
    assert _labels(source_url) == ["from template"]

    pg.drop_database("clone_copy")
    with pytest.raises(sa.exc.OperationalError, match="clone_copy"):
        _labels(copy_url)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root has to hand the files to postgres")
def test_as_root_the_cluster_belongs_to_the_postgres_user(pg: ThrowawayPostgres) -> None:
    postgres = pwd.getpwnam("postgres")
    assert (pg.directory / "data").stat().st_uid == postgres.pw_uid
    assert pg.log_path.stat().st_uid == postgres.pw_uid


def test_exit_stops_the_server_and_removes_its_files() -> None:
    with ThrowawayPostgres("lifecycle") as server:
        port, directory = server.port, server.directory
        assert _port_open(port)
        assert (directory / "data" / "postmaster.pid").exists()
        engine = sa.create_engine(server.url)
        try:
            with engine.connect() as conn:
                assert conn.scalar(sa.text("SELECT current_database()")) == "lifecycle"
        finally:
            engine.dispose()
    assert not _port_open(port)
    assert not directory.exists()
    with pytest.raises(PgServerError, match="not running"):
        _ = server.url


def _fail_inside(server: ThrowawayPostgres, seen: list[tuple[int, Path]]) -> None:
    with server:
        seen.append((server.port, server.directory))
        raise ZeroDivisionError


def test_exit_cleans_up_even_when_the_body_raises() -> None:
    seen: list[tuple[int, Path]] = []
    with pytest.raises(ZeroDivisionError):
        _fail_inside(ThrowawayPostgres(), seen)
    [(port, directory)] = seen
    assert not _port_open(port)
    assert not directory.exists()


def test_missing_binaries_fail_loudly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    monkeypatch.setenv(pg_server.BIN_ENV_VAR, str(tmp_path))
    with pytest.raises(PgServerError, match="does not contain executable initdb"):
        ThrowawayPostgres().start()

    monkeypatch.delenv(pg_server.BIN_ENV_VAR)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(pg_server, "_DEBIAN_ROOT", tmp_path_factory.mktemp("no-postgres"))
    with pytest.raises(PgServerError, match=r"PostgreSQL server binaries .* not found"):
        find_pg_bin_dir()


def test_bin_dir_lookup_prefers_the_env_override(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    found = find_pg_bin_dir()
    assert (found / "pg_ctl").exists()
    monkeypatch.setenv(pg_server.BIN_ENV_VAR, str(found))
    assert find_pg_bin_dir() == found
