"""The rooms' walls are checked: an import that crosses one fails `lint-imports`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the packages and their contracts, to break on purpose."""
    copy = tmp_path_factory.mktemp("tree")
    for package in ("api", "models"):
        shutil.copytree(
            ROOT / package, copy / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", copy)
    return copy


def test_the_tree_as_it_is_keeps_every_contract(tree: Path) -> None:
    result = lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("api/queries/names.py", "import api.writes.claims", "Each room imports only"),
        ("api/store/db.py", "from api.queries import names", "Each room imports only"),
        ("models/base.py", "import api.errors", "Each room imports only"),
        ("api/client/__init__.py", "import sqlalchemy", "The typed client"),
        ("api/client/__init__.py", "from api.store.db import Store", "The typed client"),
        ("models/claim.py", "import models.tables", "Wire schemas are plain pydantic"),
        ("api/app.py", "import api.routes.claims", "Only the router assembles"),
        ("api/routes/relations.py", "from api.store.reader import Reader", "Routes never"),
        ("api/http/deps.py", "import api.store.reader", "Routes never import the reader"),
    ],
)
def test_an_import_across_a_wall_fails(tree: Path, module: str, line: str, contract: str) -> None:
    broken = tree / module
    broken.write_text((ROOT / module).read_text() + f"\n{line}  # crosses a wall on purpose\n")
    try:
        result = lint(tree)
    finally:
        shutil.copy(ROOT / module, broken)
    assert result.returncode != 0, result.stdout
    assert f"{contract}" in result.stdout
    assert "BROKEN" in result.stdout
