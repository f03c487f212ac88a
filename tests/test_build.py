"""What `make run`, `make test` and `docker build` build from: pyproject.toml's build
requirements and the metadata they write."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.licenses import canonicalize_license_expression
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_license_is_an_spdx_expression() -> None:
    """A TOML table (`{ text = "MIT" }`) makes setuptools print a deprecation warning on
    every install and stops building after 2027-02-18 (PEP 639)."""
    license_ = PYPROJECT["project"]["license"]
    assert isinstance(license_, str)
    assert canonicalize_license_expression(license_) == license_ == "MIT"


def test_the_build_backend_is_bounded_both_ways() -> None:
    """At least the setuptools that reads an SPDX license; below the next major, which
    may drop what this file uses, so a release cannot break the build of this one."""
    (requirement,) = (Requirement(r) for r in PYPROJECT["build-system"]["requires"])
    assert requirement.name == "setuptools"
    allowed = requirement.specifier
    assert not allowed.contains("76.1.0"), "setuptools before 77 refuses a license string"
    assert allowed.contains("77.0.3")
    lowest = min(Version(s.version) for s in allowed if s.operator == ">=")
    ceilings = [Version(s.version) for s in allowed if s.operator == "<"]
    assert ceilings, "no upper bound"
    assert min(ceilings).major > lowest.major, "the bound leaves no version to build with"
    assert min(ceilings).minor == min(ceilings).micro == 0, "bound below a major release"
