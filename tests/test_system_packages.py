"""`.ci/system-packages`, which `make test` runs first: it installs the system packages the
tests need when they are missing, and only looks when they are there.

The install path runs against stand-ins for apt-get, apt-cache, sudo and id that record
how they were called (and "install" a package by creating what the tests look for), on a
PATH of their own, so no test here changes the machine.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from pg_server import find_pg_bin_dir

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".ci" / "system-packages"
# Real tools the script uses, linked into the stand-ins' PATH.
TOOLS = ("bash", "env", "dirname", "readlink", "grep", "dpkg-query", "curl")
# And what the stand-ins use.
STAND_IN_TOOLS = ("basename", "mkdir", "chmod")


def executable(path: Path, body: str) -> None:
    path.write_text(body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def stand_ins(tmp_path: Path, *, uid: int = 0, sudo: bool = True) -> tuple[Path, Path]:
    """A bin folder of stand-ins and real tools, and the log the stand-ins write."""
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir()
    for tool in TOOLS + STAND_IN_TOOLS:
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    record = f'echo "$(basename "$0") DEBIAN_FRONTEND=${{DEBIAN_FRONTEND:-}} $*" >> {log}\n'
    # "Installing" a package creates what the tests look for: chromium on PATH, or a
    # PostgreSQL server where Debian puts one.
    executable(
        bin_dir / "apt-get",
        "#!/bin/sh\n" + record + 'if [ "$1" = install ]; then for p in "$@"; do case $p in\n'
        f"  chromium) printf '#!/bin/sh\\n' > {bin_dir}/chromium;"
        f" chmod +x {bin_dir}/chromium ;;\n"
        "  postgresql*) mkdir -p /usr/lib/postgresql/15/bin; for b in initdb pg_ctl postgres;"
        " do printf '#!/bin/sh\\n' > /usr/lib/postgresql/15/bin/$b;"
        " chmod +x /usr/lib/postgresql/15/bin/$b; done ;;\n"
        "esac; done; fi\n",
    )
    # apt can install everything but postgresql-15 (as on a Debian newer than bookworm).
    executable(
        bin_dir / "apt-cache",
        '#!/bin/sh\necho "$2:"\nif [ "$2" = postgresql-15 ]; then echo "  Candidate: (none)";'
        ' else echo "  Candidate: 1.0-1"; fi\n',
    )
    executable(bin_dir / "id", f"#!/bin/sh\necho {uid}\n")
    if sudo:
        executable(bin_dir / "sudo", "#!/bin/sh\n" + record + 'exec "$@"\n')
    return bin_dir, log


def run(bin_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT)],
        env={"PATH": str(bin_dir), "CLAIMS_PG_BIN": str(find_pg_bin_dir()), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def calls(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def test_with_everything_there_it_only_looks(tmp_path: Path) -> None:
    """This machine has what the tests need (`make test` ran the script before them):
    the script only looks, and leaves apt-get and sudo alone."""
    bin_dir, log = stand_ins(tmp_path, uid=1000)
    ours = {k: v for k, v in os.environ.items() if k not in {"CLAIMS_CHROMIUM", "CLAIMS_PG_BIN"}}
    done = subprocess.run(
        [str(SCRIPT)],
        env={**ours, "PATH": f"{bin_dir}:{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "==> system packages for the tests: all present\n"
    assert done.stderr == ""
    assert calls(log) == []


def test_a_missing_browser_is_installed_noninteractively(tmp_path: Path) -> None:
    bin_dir, log = stand_ins(tmp_path)
    done = run(bin_dir, CLAIMS_CHROMIUM=str(tmp_path / "no-chromium"))
    assert done.returncode == 0, done.stderr
    assert calls(log) == [
        "apt-get DEBIAN_FRONTEND=noninteractive update",
        "apt-get DEBIAN_FRONTEND=noninteractive install -y --no-install-recommends chromium",
    ]
    assert done.stdout.splitlines()[0] == "==> system packages for the tests: installing chromium"
    assert done.stdout.splitlines()[-1] == "==> system packages for the tests: installed chromium"
    # And the next run finds it.
    again = run(bin_dir, CLAIMS_CHROMIUM=str(tmp_path / "no-chromium"))
    assert again.stdout == "==> system packages for the tests: all present\n"
    assert len(calls(log)) == 2


def test_not_root_it_goes_through_sudo(tmp_path: Path) -> None:
    bin_dir, log = stand_ins(tmp_path, uid=1000)
    done = run(bin_dir, CLAIMS_CHROMIUM=str(tmp_path / "no-chromium"))
    assert done.returncode == 0, done.stderr
    assert calls(log) == [
        "sudo DEBIAN_FRONTEND= env DEBIAN_FRONTEND=noninteractive apt-get update",
        "apt-get DEBIAN_FRONTEND=noninteractive update",
        "sudo DEBIAN_FRONTEND= env DEBIAN_FRONTEND=noninteractive apt-get install -y"
        " --no-install-recommends chromium",
        "apt-get DEBIAN_FRONTEND=noninteractive install -y --no-install-recommends chromium",
    ]


def test_not_root_without_sudo_it_says_what_to_install(tmp_path: Path) -> None:
    bin_dir, log = stand_ins(tmp_path, uid=1000, sudo=False)
    done = run(bin_dir, CLAIMS_CHROMIUM=str(tmp_path / "no-chromium"))
    assert done.returncode == 1
    assert "not root and no sudo: as root, run apt-get install chromium" in done.stderr
    assert calls(log) == []


def test_an_install_that_leaves_it_missing_fails(tmp_path: Path) -> None:
    bin_dir, log = stand_ins(tmp_path)
    (bin_dir / "apt-get").unlink()
    executable(bin_dir / "apt-get", f'#!/bin/sh\necho "apt-get $*" >> {log}\n')
    done = run(bin_dir, CLAIMS_CHROMIUM=str(tmp_path / "no-chromium"))
    assert done.returncode == 1
    assert "installed chromium, but the tests still would not find it" in done.stderr


def test_a_wrong_pg_bin_is_named_not_papered_over(tmp_path: Path) -> None:
    bin_dir, log = stand_ins(tmp_path)
    done = run(bin_dir, CLAIMS_PG_BIN=str(tmp_path))
    assert done.returncode == 1
    assert f"CLAIMS_PG_BIN={tmp_path} does not hold initdb, pg_ctl and postgres" in done.stderr
    assert calls(log) == []


def _can_hide_postgres() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    if not Path("/usr/lib/postgresql").is_dir():  # the folder the test hides
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, timeout=10, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(
    not _can_hide_postgres(),
    reason="needs root, a private mount namespace (unshare -m) and /usr/lib/postgresql",
)
def test_a_missing_postgres_server_is_installed_from_what_apt_has(tmp_path: Path) -> None:
    """With no server anywhere the tests look (Debian's folder hidden under an empty
    tmpfs in a mount namespace of its own), the first package apt can install of
    `postgresql-15|postgresql` goes in, and its binaries are then found."""
    bin_dir, log = stand_ins(tmp_path)
    browser = tmp_path / "chromium"
    browser.touch()
    done = subprocess.run(
        [
            str(shutil.which("unshare")),
            "-m",
            "/bin/sh",
            "-c",
            f'{shutil.which("mount")} -t tmpfs none /usr/lib/postgresql && exec "$0"',
            str(SCRIPT),
        ],
        env={"PATH": str(bin_dir), "CLAIMS_CHROMIUM": str(browser)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert calls(log) == [
        "apt-get DEBIAN_FRONTEND=noninteractive update",
        "apt-get DEBIAN_FRONTEND=noninteractive install -y --no-install-recommends postgresql",
    ]
    assert (Path(find_pg_bin_dir()) / "pg_ctl").stat().st_size > 100, "the real one is untouched"
