"""The container files, checked without a Docker engine (none runs here): the image's
dependency layer, its entrypoint, and the compose file's refusal of a default password.

What this cannot check, and was not checked: that `docker build` succeeds, that the
entrypoint drops to `claims` inside the image, and that compose starts both services.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def instructions() -> list[tuple[str, str]]:
    """(instruction, arguments) for each line of the Dockerfile, continuations joined."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE)
    lines = [line.strip() for line in joined.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def index_of(instruction: str, argument_start: str) -> int:
    for position, (name, arguments) in enumerate(instructions()):
        if name == instruction and arguments.startswith(argument_start):
            return position
    raise AssertionError(f"no {instruction} {argument_start}")


def test_dependencies_install_before_the_code_is_copied() -> None:
    """An edit to api/ or models/ must not invalidate the layer that installs dependencies."""
    install = index_of("RUN", "python -c")
    assert index_of("COPY", "pyproject.toml") < install
    assert install < index_of("COPY", "api")
    assert install < index_of("COPY", "models")
    assert index_of("COPY", "api") < index_of("RUN", "pip install --no-deps .")


def test_the_dependency_layer_lists_what_pyproject_asks_for(tmp_path: Path) -> None:
    """Run the image's own requirements step against the real pyproject.toml."""
    run = instructions()[index_of("RUN", "python -c")][1]
    step = run.split(">", 1)[0].strip()
    (tmp_path / "pyproject.toml").write_bytes((ROOT / "pyproject.toml").read_bytes())
    argv = shlex.split(step)
    printed = subprocess.run(
        [sys.executable, *argv[1:]], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert printed == project["dependencies"] + project["optional-dependencies"]["postgres"]


def test_no_volume_line_leaves_anonymous_volumes_behind() -> None:
    assert "VOLUME" not in [name for name, _ in instructions()]


def entrypoint_script() -> list[str]:
    import json

    return list(json.loads(instructions()[index_of("ENTRYPOINT", "[")][1]))


def run_entrypoint(tmp_path: Path, uid: int, *command: str) -> str:
    """Run the image's entrypoint script with `id`, `chown` and `setpriv` replaced by
    stand-ins that print what they were asked, as if running as `uid`."""
    shell, flag, script, name = entrypoint_script()
    assert (shell, flag, name) == ("/bin/sh", "-c", "entrypoint")
    stand_ins = tmp_path / "bin"
    stand_ins.mkdir(exist_ok=True)
    for tool, body in {
        "id": f"echo {uid}",
        "chown": 'echo "chown $*"',
        "setpriv": 'echo "setpriv $*"',
    }.items():
        (stand_ins / tool).write_text(f"#!/bin/sh\n{body}\n")
        (stand_ins / tool).chmod(0o755)
    environment = {**os.environ, "PATH": f"{stand_ins}:{os.environ['PATH']}"}
    return subprocess.run(
        ["sh", "-c", script, name, *command],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    ).stdout


def test_as_root_the_entrypoint_makes_the_data_folder_writable_then_drops_root(
    tmp_path: Path,
) -> None:
    assert run_entrypoint(tmp_path, 0, "claims", "serve", "--host", "0.0.0.0").splitlines() == [
        "chown claims:claims /app/data",
        "setpriv --reuid=claims --regid=claims --init-groups -- claims serve --host 0.0.0.0",
    ]


def test_as_another_user_the_entrypoint_runs_the_command_unchanged(tmp_path: Path) -> None:
    """As `docker run --user UID:GID` does: no chown, no privilege change."""
    assert run_entrypoint(tmp_path, 1000, "echo", "ran", "with  spaces") == "ran with  spaces\n"


def test_compose_refuses_to_start_without_a_password() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    password = compose["services"]["db"]["environment"]["POSTGRES_PASSWORD"]
    url = compose["services"]["api"]["environment"]["CLAIMS_DATABASE_URL"]
    required = re.compile(r"\$\{POSTGRES_PASSWORD:\?[^}]+\}")
    assert required.fullmatch(password)
    assert required.search(url)
    assert "change-me" not in (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert compose["services"]["api"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert "/app/data" not in str(compose["services"]["api"].get("volumes", []))
