"""Read PolNeAR's article texts (github.com/networkdynamics/PolNeAR) without shipping them.

The references in bench/entities and bench/matching hold offsets into these texts, never the
texts themselves (see their ATTRIBUTION.md). CLAIMS_POLNEAR names either a checkout of the
repository or its bare git directory (`git clone --bare`); without it, a snapshot at
DEFAULT_LOCATION is used when one is there.

PolNeAR's own `test` compartment is reserved for another reference: this reader refuses it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

DEFAULT_LOCATION = Path("/work/.mirror/networkdynamics+PolNeAR/repo")
ALLOWED = ("data/train/text/", "data/dev/text/")


class CorpusError(Exception):
    """The corpus cannot be found, or a text is missing, reserved or changed."""


class Corpus:
    """PolNeAR texts by their path inside the repository, from a checkout or a bare git dir."""

    def __init__(self, location: Path) -> None:
        self.location = location
        if (location / "data").is_dir():
            self.bare = False
        elif (location / "HEAD").is_file() and (location / "objects").is_dir():
            self.bare = True
        else:
            raise CorpusError(f"{location} is neither a PolNeAR checkout nor its git directory")

    @classmethod
    def find(cls) -> Corpus:
        named = os.environ.get("CLAIMS_POLNEAR")
        if named:
            return cls(Path(named))
        if DEFAULT_LOCATION.exists():
            return cls(DEFAULT_LOCATION)
        raise CorpusError(
            "set CLAIMS_POLNEAR to a clone of https://github.com/networkdynamics/PolNeAR"
        )

    def texts(self, compartment: str = "train") -> list[str]:
        """Paths of the texts of one allowed compartment (`train` or `dev`), sorted."""
        folder = f"data/{compartment}/text/"
        if folder not in ALLOWED:
            raise CorpusError(f"{folder}: only PolNeAR's train and dev texts may be read")
        if self.bare:
            done = subprocess.run(
                ["git", f"--git-dir={self.location}", "ls-tree", "--name-only", f"HEAD:{folder}"],
                capture_output=True,
                check=True,
                text=True,
            )
            names = done.stdout.split()
        else:
            names = [p.name for p in (self.location / folder).iterdir()]
        return sorted(folder + name for name in names if name.endswith(".txt"))

    def read(self, path: str, sha256: str | None) -> str:
        """The text at `path`, after checking its bytes against the recorded digest (a
        text no reference records, read only for a count, has none: `None`)."""
        if not path.startswith(ALLOWED) or ".." in path:
            raise CorpusError(f"{path}: only PolNeAR's train and dev texts may be read")
        if self.bare:
            done = subprocess.run(
                ["git", f"--git-dir={self.location}", "show", f"HEAD:{path}"],
                capture_output=True,
                check=False,
            )
            if done.returncode:
                raise CorpusError(f"{path}: not in {self.location}")
            data = done.stdout
        else:
            file = self.location / path
            if not file.is_file():
                raise CorpusError(f"{path}: not in {self.location}")
            data = file.read_bytes()
        if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
            raise CorpusError(f"{path}: its sha256 is not the recorded one; offsets would be wrong")
        return data.decode("utf-8")
