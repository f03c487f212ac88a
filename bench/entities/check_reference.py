"""Check the entity-mention reference against the PolNeAR texts and print what it holds.

    .venv/bin/python bench/entities/check_reference.py
    CLAIMS_POLNEAR=/path/to/PolNeAR .venv/bin/python bench/entities/check_reference.py

Every text is read (its sha256 checked) and every mention's span compared with its `text`;
kinds, forms and entity ids are checked for consistency (GUIDE.md says what they mean). Exits
1 and lists the faults when there are any; otherwise prints the counts.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from polnear import Corpus, CorpusError  # noqa: E402

REFERENCE = HERE / "reference.yaml"
KINDS = {
    "person",
    "organization",
    "government_body",
    "publication",
    "place",
    "group",
    "work",
    "anonymous",
}
NAME_FORMS = {"full", "surname", "first_name", "acronym", "alias", "nickname"}
# Descriptions, not names: they may contain name mentions (a role's "FBI", an aide's "Trump").
OUTER_FORMS = {"title_role", "description"}
SPLITS = ("dev", "test")


def check_document(doc: dict[str, Any], text: str, kinds: dict[str, str]) -> list[str]:
    faults = []
    stem = Path(doc["path"]).stem
    names: list[tuple[int, int]] = []
    outers: list[tuple[int, int]] = []
    last = -1
    for m in doc["mentions"]:
        where = f"{stem} {m['start']}-{m['end']}"
        if not 0 <= m["start"] < m["end"] <= len(text):
            faults.append(f"{where}: span outside the text ({len(text)} characters)")
            continue
        if text[m["start"] : m["end"]] != m["text"]:
            faults.append(f"{where}: text reads {text[m['start'] : m['end']]!r}, not {m['text']!r}")
        if m["start"] < last:
            faults.append(f"{where}: mentions out of text order")
        last = m["start"]
        if m["kind"] not in KINDS or m["form"] not in NAME_FORMS | OUTER_FORMS:
            faults.append(f"{where}: unknown kind {m['kind']!r} or form {m['form']!r}")
        anonymous = m["entity"].startswith("anon:")
        if anonymous != (m["kind"] == "anonymous") or anonymous != (m["form"] == "description"):
            faults.append(f"{where}: anonymous sources are kind anonymous, form description")
        if anonymous and not m["entity"].startswith(f"anon:{stem}:"):
            faults.append(f"{where}: {m['entity']} is not scoped to its article")
        if not anonymous and kinds.get(m["entity"]) != m["kind"]:
            faults.append(f"{where}: {m['entity']} is not a listed {m['kind']}")
        span = (m["start"], m["end"])
        if m["form"] in OUTER_FORMS:
            for a, b in outers:
                if a < span[1] and span[0] < b and not (a <= span[0] and span[1] <= b):
                    faults.append(f"{where}: crosses the description at {a}-{b}")
            outers.append(span)
        else:
            for a, b in names:
                if a < span[1] and span[0] < b:
                    faults.append(f"{where}: overlaps the name at {a}-{b}")
            names.append(span)
    return faults


def main() -> int:
    reference = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    kinds: dict[str, str] = {}
    faults = []
    for entity in reference["entities"]:
        if entity["id"] in kinds:
            faults.append(f"entity {entity['id']} listed twice")
        kinds[entity["id"]] = entity["kind"]
    try:
        corpus = Corpus.find()
    except CorpusError as error:
        print(error, file=sys.stderr)
        return 2

    by_split: dict[str, Counter[str]] = defaultdict(Counter)
    docs_of: dict[str, set[str]] = defaultdict(set)
    splits_of: dict[str, set[str]] = defaultdict(set)
    outlets: dict[str, Counter[str]] = defaultdict(Counter)
    paths = set()
    for doc in reference["documents"]:
        split = doc["split"]
        if split not in SPLITS:
            faults.append(f"{doc['path']}: split {split!r}")
            continue
        if doc["path"] in paths:
            faults.append(f"{doc['path']}: listed twice")
        paths.add(doc["path"])
        try:
            text = corpus.read(doc["path"], doc["sha256"])
        except CorpusError as error:
            faults.append(str(error))
            continue
        faults += check_document(doc, text, kinds)
        outlets[split][doc["outlet"]] += 1
        for m in doc["mentions"]:
            by_split[split]["mentions"] += 1
            by_split[split][f"kind {m['kind']}"] += 1
            by_split[split][f"form {m['form']}"] += 1
            docs_of[m["entity"]].add(doc["path"])
            splits_of[m["entity"]].add(split)
    unused = set(kinds) - set(docs_of)
    if unused:
        faults.append(f"entities listed but never mentioned: {sorted(unused)}")
    if faults:
        print("\n".join(faults), file=sys.stderr)
        print(f"{len(faults)} faults", file=sys.stderr)
        return 1

    print(f"reference: {REFERENCE.relative_to(HERE.parent.parent)}, texts from {corpus.location}")
    print(f"documents: {len(paths)} (all sha256 match), every span reads as recorded")
    for split in SPLITS:
        listed = ", ".join(f"{o} {n}" for o, n in sorted(outlets[split].items()))
        print(f"  {split}: {sum(outlets[split].values())} documents ({listed})")
    rows = sorted({key for counts in by_split.values() for key in counts})
    print(f"\n{'':24}{'dev':>7}{'test':>7}{'all':>7}")
    for key in ["mentions"] + [r for r in rows if r != "mentions"]:
        dev, test = by_split["dev"][key], by_split["test"][key]
        print(f"{key:24}{dev:>7}{test:>7}{dev + test:>7}")
    named = [e for e in docs_of if not e.startswith("anon:")]
    anonymous = len(docs_of) - len(named)
    print(f"\nnamed entities: {len(named)} ({sum(e.startswith('Q') for e in named)} with a QID)")
    print(f"  in two or more articles: {sum(len(docs_of[e]) > 1 for e in named)}")
    print(f"  in both dev and test:    {sum(len(splits_of[e]) > 1 for e in named)}")
    print(f"anonymous sources: {anonymous} (one article each)")
    widest = sorted(named, key=lambda e: -len(docs_of[e]))[:10]
    print("most widely mentioned: " + ", ".join(f"{e} ({len(docs_of[e])})" for e in widest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
