"""Check the claim-matching reference against the PolNeAR texts and print what it holds.

    .venv/bin/python bench/matching/check_reference.py
    CLAIMS_POLNEAR=/path/to/PolNeAR .venv/bin/python bench/matching/check_reference.py

Every text is read (its sha256 checked); every claim's span must lie in its text and read as
its `begins`; pairs, restatement groups, splits and distractors are checked against each
other (GUIDE.md says what they mean). Exits 1 and lists the faults when there are any;
otherwise prints the counts.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from polnear import Corpus, CorpusError  # noqa: E402

REFERENCE = HERE / "reference.yaml"
SPLITS = ("dev", "test")
SPEECH = {"direct", "indirect", "mixed", "assertion"}
TYPES = ("restates", "contradicts", "undermines", "supports", "qualifies")
FORMS = ("identical", "near_duplicate", "paraphrase", "quote_vs_paraphrase", "caveat")


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def check_spans(claims: list[dict[str, Any]], texts: dict[str, str]) -> list[str]:
    faults = []
    for c in claims:
        text = texts.get(c["doc"])
        if text is None:
            continue  # the document fault is reported already
        if not 0 <= c["start"] < c["end"] <= len(text):
            faults.append(f"{c['id']}: span outside {c['doc']} ({len(text)} characters)")
        elif not words(text[c["start"] : c["end"]]).startswith(words(c["begins"])):
            faults.append(f"{c['id']}: span does not begin with {c['begins']!r}")
        if c["speech"] not in SPEECH or not c["speaker"].strip():
            faults.append(f"{c['id']}: speaker {c['speaker']!r}, speech {c['speech']!r}")
    return faults


def check_links(ref: dict[str, Any], split_of: dict[str, str]) -> list[str]:
    faults = []
    claims = {c["id"]: c for c in ref["claims"]}
    distractors = {c["id"]: c for c in ref["distractors"]}
    if len(claims) + len(distractors) != len(ref["claims"]) + len(ref["distractors"]) or set(
        claims
    ) & set(distractors):
        faults.append("claim ids are not unique")
    group_of: dict[str, frozenset[str]] = {}
    for story in ref["stories"]:
        for group in story["restatements"]:
            members = frozenset(group)
            for x in group:
                if x not in claims:
                    faults.append(f"{story['id']}: group member {x} is not a claim")
                elif group_of.setdefault(x, members) != members:
                    faults.append(f"{x} is in two different restatement groups")
            stories_of_group = {claims[m]["story"] for m in group if m in claims}
            if story["id"] not in stories_of_group:
                faults.append(f"{story['id']}: lists a group with none of its claims")
            if len({split_of.get(s) for s in stories_of_group}) > 1:
                faults.append(f"{story['id']}: group {group} spans dev and test")
    for x, members in group_of.items():
        for story in {claims[m]["story"] for m in members}:
            listed = {
                frozenset(g) for s in ref["stories"] if s["id"] == story for g in s["restatements"]
            }
            if members not in listed:
                faults.append(f"{story}: does not list the group of {x}")
    restated = set()
    for p in ref["pairs"]:
        a, b = claims.get(p["a"]), claims.get(p["b"])
        name = f"pair {p['a']} {p['b']}"
        if a is None or b is None:
            faults.append(f"{name}: both sides must be claims (not distractors)")
            continue
        if a["doc"] == b["doc"]:
            faults.append(f"{name}: both claims are in one article")
        if split_of[a["story"]] != split_of[b["story"]]:
            faults.append(f"{name}: crosses the dev/test split")
        if p["type"] not in TYPES:
            faults.append(f"{name}: type {p['type']!r}")
        if p["type"] == "restates":
            restated.add(frozenset((p["a"], p["b"])))
            if p.get("form") not in FORMS:
                faults.append(f"{name}: restates needs a form, not {p.get('form')!r}")
            if group_of.get(p["a"]) is None or group_of.get(p["a"]) != group_of.get(p["b"]):
                faults.append(f"{name}: restates pair outside one restatement group")
        elif "form" in p:
            faults.append(f"{name}: form on a {p['type']} pair")
    for members in set(group_of.values()):
        for x, y in combinations(sorted(members), 2):
            if claims[x]["doc"] != claims[y]["doc"] and frozenset((x, y)) not in restated:
                faults.append(f"group pair {x} {y} (different articles) is not listed as restates")
    in_pairs = {p["a"] for p in ref["pairs"]} | {p["b"] for p in ref["pairs"]}
    for x in claims:
        if x not in in_pairs and x not in group_of:
            faults.append(f"{x}: a claim in no pair and no group belongs with the distractors")
    return faults


def main() -> int:
    ref = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    try:
        corpus = Corpus.find()
    except CorpusError as error:
        print(error, file=sys.stderr)
        return 2
    faults: list[str] = []
    split_of = {s["id"]: s["split"] for s in ref["stories"]}
    faults += [f"story {s}: split {v!r}" for s, v in split_of.items() if v not in SPLITS]
    texts: dict[str, str] = {}
    story_of_doc: dict[str, str] = {}
    for doc in ref["documents"]:
        story_of_doc[doc["path"]] = doc["story"]
        if doc["story"] not in split_of:
            faults.append(f"{doc['path']}: unknown story {doc['story']}")
        try:
            texts[doc["path"]] = corpus.read(doc["path"], doc["sha256"])
        except CorpusError as error:
            faults.append(str(error))
    everything = ref["claims"] + ref["distractors"]
    for c in everything:
        if story_of_doc.get(c["doc"]) != c["story"]:
            faults.append(f"{c['id']}: {c['doc']} is not a document of story {c['story']}")
    faults += check_spans(everything, texts)
    faults += check_links(ref, split_of)
    if faults:
        print("\n".join(faults), file=sys.stderr)
        print(f"{len(faults)} faults", file=sys.stderr)
        return 1

    def per_split(items: list[dict[str, Any]], story: Any) -> str:
        counts = Counter(split_of[story(i)] for i in items)
        return f"{len(items):4}  (dev {counts['dev']}, test {counts['test']})"

    claims = {c["id"]: c for c in ref["claims"]}
    pairs = ref["pairs"]
    print(f"reference: {REFERENCE.relative_to(HERE.parent.parent)}, texts from {corpus.location}")
    print(f"documents: {len(texts)} (all sha256 match), every span reads as recorded")
    stories = ref["stories"]
    print(f"stories:     {per_split(stories, lambda s: s['id'])}")
    print(f"claims:      {per_split(ref['claims'], lambda c: c['story'])}")
    print(f"distractors: {per_split(ref['distractors'], lambda c: c['story'])}")
    print(f"pairs:       {per_split(pairs, lambda p: claims[p['a']]['story'])}")
    by_type: dict[str, Counter[str]] = defaultdict(Counter)
    for p in pairs:
        split = split_of[claims[p["a"]]["story"]]
        by_type[p["type"]][split] += 1
        if p["type"] == "restates":
            by_type[f"  {p['form']}"][split] += 1
    print(f"\n{'':24}{'dev':>6}{'test':>6}{'all':>6}")
    for key in [k for t in TYPES for k in [t] + [f"  {f}" for f in FORMS if t == "restates"]]:
        dev, test = by_type[key]["dev"], by_type[key]["test"]
        print(f"{key:24}{dev:>6}{test:>6}{dev + test:>6}")
    restates = [p for p in pairs if p["type"] == "restates"]
    share = sum(p["form"] == "paraphrase" for p in restates) / len(restates)
    print(f"\nparaphrase share of restates pairs: {share:.0%}")
    groups = {frozenset(g) for s in stories for g in s["restatements"]}
    sizes = Counter(len(g) for g in groups)
    print(f"restatement groups: {len(groups)} (sizes {dict(sorted(sizes.items()))})")
    speakers = Counter(c["speech"] for c in ref["claims"] + ref["distractors"])
    print("speech of claims and distractors: " + ", ".join(f"{k} {v}" for k, v in speakers.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
