"""Check the hand-read extraction references against their texts and count what they hold.

    CLAIMS_POLNEAR=/path/to/PolNeAR .venv/bin/python bench/extraction/check_reference.py
    .venv/bin/python bench/extraction/check_reference.py bench/extraction/polnear.yaml

For each reference file (default: every *.yaml beside this script) it reads each document's
text from the corpus the file names, and fails when a SHA-256 differs, a span falls outside
its text, starts or ends on a space, or runs backwards, attributions are out of text order or
overlap, a field has a value outside its vocabulary, or a dispute points at no attribution.
Then it prints counts per outlet, split and speech. It never runs the extractor.

Corpora: `polnear.yaml` reads a PolNeAR checkout or bare git directory named by
CLAIMS_POLNEAR; `lee_background.yaml` reads an installed gensim (skipped if there is none).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent

SPEECH = {"direct", "indirect", "mixed"}
KINDS = {
    "person",
    "organization",
    "publication",
    "government_body",
    "work",
    "anonymous",
    "group",
}
SPLITS = {"dev", "test"}
DISPUTES = {"contradicts", "undermines"}


class CorpusMissingError(Exception):
    """The texts a reference file needs are not on this machine."""


def polnear_reader(env: str) -> Any:
    root = os.environ.get(env)
    if not root:
        raise CorpusMissingError(f"set {env} to a PolNeAR checkout or bare git directory")
    base = Path(root)
    if (base / "data").is_dir():
        return lambda path: (base / path).read_bytes().decode("utf-8")
    if (base / "HEAD").is_file() and (base / "objects").is_dir():

        def from_git(path: str) -> str:
            shown = subprocess.run(
                ["git", f"--git-dir={base}", "show", f"HEAD:{path}"],
                capture_output=True,
                check=True,
            )
            return shown.stdout.decode("utf-8")

        return from_git
    raise CorpusMissingError(f"{env}={root} is neither a PolNeAR checkout nor a git directory")


def lee_reader() -> Any:
    try:
        import gensim  # type: ignore[import-not-found]
    except ImportError as exc:
        raise CorpusMissingError("gensim is not installed (pip install -e '.[bench]')") from exc
    path = Path(gensim.__file__).parent / "test" / "test_data" / "lee_background.cor"
    # Only the lines a document names are ever looked at.
    lines = path.read_bytes().decode("utf-8").split("\n")
    return lambda line: lines[int(line)]


def check_document(doc: dict[str, Any], text: str, name: str) -> list[str]:
    problems: list[str] = []
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if digest != doc["sha256"]:
        problems.append(f"{name}: sha256 {digest} differs from the recorded one")
        return problems
    if doc.get("split") not in SPLITS:
        problems.append(f"{name}: split {doc.get('split')!r}")
    attributions = doc.get("attributions") or []
    previous_end = 0
    for index, att in enumerate(attributions):
        where = f"{name} #{index}"
        start, end = att["start"], att["end"]
        if not (0 <= start < end <= len(text)):
            problems.append(f"{where}: span {start}-{end} outside the text ({len(text)})")
            continue
        span = text[start:end]
        if span[0].isspace() or span[-1].isspace():
            problems.append(f"{where}: span starts or ends on a space")
        if start < previous_end:
            problems.append(f"{where}: overlaps or precedes the attribution before it")
        previous_end = end
        if att.get("speech") not in SPEECH:
            problems.append(f"{where}: speech {att.get('speech')!r}")
        if not att.get("speaker"):
            problems.append(f"{where}: no speaker")
        if "speaker_kind" in att and att["speaker_kind"] not in KINDS:
            problems.append(f"{where}: speaker_kind {att['speaker_kind']!r}")
        if att.get("carried") and att.get("cue") is not None:
            problems.append(f"{where}: carried but has a cue")
        if "carried" in att and not att.get("carried") and not att.get("cue"):
            problems.append(f"{where}: no cue and not carried")
        begins = att.get("begins")
        if begins and " ".join(span.split()[: len(begins.split())]) != begins:
            problems.append(f"{where}: begins {begins!r} but the span begins {span[:30]!r}")
    for dispute in doc.get("disputes") or []:
        ends = (dispute.get("from"), dispute.get("to"))
        if not all(isinstance(i, int) and 0 <= i < len(attributions) for i in ends):
            problems.append(f"{name}: dispute {dispute} points outside the attributions")
        elif ends[0] == ends[1]:
            problems.append(f"{name}: dispute {dispute} points at itself")
        if dispute.get("type") not in DISPUTES:
            problems.append(f"{name}: dispute type {dispute.get('type')!r}")
    return problems


def check_file(path: Path, counts: Counter[tuple[str, ...]], totals: Counter[str]) -> list[str]:
    reference = yaml.safe_load(path.read_text(encoding="utf-8"))
    source = reference.get("source", {})
    if source.get("package") == "gensim":
        read = lee_reader()
        key = "line"
    else:
        read = polnear_reader(source.get("env", "CLAIMS_POLNEAR"))
        key = "path"
    problems: list[str] = []
    for doc in reference["documents"]:
        name = f"{path.name}:{doc[key]}"
        text = read(doc[key])
        problems += check_document(doc, text, name)
        outlet = doc.get("outlet", "abc")
        split = doc["split"]
        totals[f"docs {outlet} {split}"] += 1
        for att in doc.get("attributions") or []:
            counts[(outlet, split, att["speech"])] += 1
            if att.get("carried"):
                totals["carried"] += 1
            if att.get("claimed_on"):
                totals["dated"] += 1
            totals[f"kind {att.get('speaker_kind', '?')}"] += 1
        totals["disputes"] += len(doc.get("disputes") or [])
    return problems


def _row(label: str, split: str, docs: int, row: list[int]) -> str:
    cells = f"{docs:>5}{sum(row):>6}{row[0]:>8}{row[1]:>9}{row[2]:>7}"
    return f"{label:<14}{split:<6}{cells}"


def print_counts(counts: Counter[tuple[str, ...]], totals: Counter[str]) -> None:
    speeches = ("direct", "indirect", "mixed")
    outlets = {outlet for outlet, _, _ in counts}
    outlets |= {key.split()[1] for key in totals if key.startswith("docs ")}
    print(
        f"{'outlet':<14}{'split':<6}{'docs':>5}{'refs':>6}{'direct':>8}{'indirect':>9}{'mixed':>7}"
    )
    grand: Counter[tuple[str, str]] = Counter()
    for outlet in sorted(outlets):
        for split in ("dev", "test"):
            row = [counts[(outlet, split, speech)] for speech in speeches]
            docs = totals[f"docs {outlet} {split}"]
            print(_row(outlet, split, docs, row))
            grand[(split, "docs")] += docs
            for speech, n in zip(speeches, row, strict=True):
                grand[(split, speech)] += n
    for split in ("dev", "test"):
        print(_row("all", split, grand[(split, "docs")], [grand[(split, s)] for s in speeches]))
    refs = sum(n for (_, what), n in grand.items() if what != "docs")
    docs = grand[("dev", "docs")] + grand[("test", "docs")]
    print(f"all: {refs} attributions in {docs} documents")
    kinds = ", ".join(f"{k[5:]} {n}" for k, n in sorted(totals.items()) if k.startswith("kind "))
    print(f"speaker kinds: {kinds}")
    print(f"carried {totals['carried']}, dated {totals['dated']}, disputes {totals['disputes']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    files = args.files or sorted(HERE.glob("*.yaml"))
    counts: Counter[tuple[str, ...]] = Counter()
    totals: Counter[str] = Counter()
    problems: list[str] = []
    for path in files:
        try:
            problems += check_file(path, counts, totals)
        except CorpusMissingError as exc:
            print(f"{path.name}: skipped, {exc}")
            continue
        print(f"{path.name}: read")
    print_counts(counts, totals)
    for problem in problems:
        print("PROBLEM", problem)
    print("ok" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
