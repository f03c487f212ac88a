"""Claim matching against bench/matching/reference.yaml: has this been said before?

Loads every claim and distractor of the reference (all 22 stories, both splits: 759 claims
of 91 real articles, read from PolNeAR at run time) into a fresh store, one source per
article with its held text, one entity per speaker, each claim quoting its span. Then,
for the claims of the split asked for (`--split dev`, the default, or `test`):

- ranking: each claim of a restatement group asks `GET /claims/{id}/similar` and
  `POST /claims:match` (its own words; the claim itself is dropped from that answer) for
  5 matches; the other members of its group are the relevant ones. MAP@5, MRR and
  Recall@5 (targets: MAP@5 >= 0.85, Recall@5 >= 0.9);
- proposals: the relations the matcher would propose for each claim of the split
  (`api.queries.matching.to_propose` at the store's default `suggest`), as unordered
  pairs, against the reference's pairs: precision and recall by type (targets: restates
  precision >= 0.9; contradicts recall >= 0.5 at precision >= 0.7). Restatement is an
  equivalence, so any two members of a group count as a restates pair; a pair of two
  distractors is not scored (the reference leaves them unread);
- latency of both requests, through the HTTP app in process (p50, p95).

`--speed` adds the figures at a million claims (see `bench/match_speed.py`).

    .venv/bin/python bench/match.py [--split dev|test] [--engine sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from polnear import Corpus  # noqa: E402

from api import Settings, Store, create_app  # noqa: E402
from api.queries import matching, semantic  # noqa: E402
from api.store.migrate import ensure_current  # noqa: E402
from api.writes import claims, entities, sources  # noqa: E402
from api.writes.unit import UnitOfWork  # noqa: E402
from models.base import Principal, Scope, normalize_name  # noqa: E402
from models.claim import ClaimCreate  # noqa: E402
from models.entity import EntityCreate  # noqa: E402
from models.source import SourceCreate  # noqa: E402

REFERENCE = HERE / "matching" / "reference.yaml"
K = 5
SPEECH = {"direct": "direct", "indirect": "indirect", "mixed": "indirect", "assertion": "own"}


def slug(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", normalize_name(text).lower()).strip("-")[:100] or "x"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name)
    return name


def load_store(store: Store, ref: dict[str, Any], corpus: Corpus) -> dict[str, str]:
    """Every reference claim into `store`; the claim id each reference id became."""
    ensure_current(store)
    texts = {doc["path"]: corpus.read(doc["path"], doc["sha256"]) for doc in ref["documents"]}
    taken: set[str] = set()
    with store.write_session() as session:
        work = UnitOfWork(session, Principal("bench", Scope.admin))
        source_of: dict[str, str] = {}
        for path, text in texts.items():
            name = Path(path).stem
            day = re.search(r"_(\d{4}-\d{2}-\d{2})_", name)
            source_of[path] = slug(name, taken)
            sources.create(
                work,
                SourceCreate.model_validate(
                    {
                        "slug": source_of[path],
                        "name": name[:300],
                        "kind": "article",
                        "date": day.group(1) if day else None,
                        "text": text,
                    }
                ),
            )
        speaker_of: dict[str, str] = {}
        rows = ref["claims"] + ref["distractors"]
        for row in rows:
            folded = normalize_name(row["speaker"])
            if folded not in speaker_of:
                speaker_of[folded] = slug(row["speaker"], taken)
                entities.create(
                    work,
                    EntityCreate(slug=speaker_of[folded], name=row["speaker"][:200], kind="person"),
                )
        ids: dict[str, str] = {}
        for row in rows:
            text = texts[row["doc"]][row["start"] : row["end"]]
            day = re.search(r"_(\d{4}-\d{2}-\d{2})_", row["doc"])
            ids[row["id"]] = row["id"]
            source = source_of[row["doc"]]
            claims.create(
                work,
                ClaimCreate.model_validate(
                    {
                        "id": row["id"],
                        "statement": " ".join(text.split())[:1000],
                        "quote": {
                            "source": source,
                            "text": text,
                            "start": row["start"],
                            "end": row["end"],
                        },
                        "claimant": speaker_of[normalize_name(row["speaker"])],
                        "attribution": [{"source": source, "verb": "reported"}],
                        "claimed_on": day.group(1) if day else None,
                        "claimed_on_inferred": True,
                        "status": "reported",
                        "speech": SPEECH[row["speech"]],
                    }
                ),
            )
        work.commit()
    return ids


# --- scoring -----------------------------------------------------------------------------


def ranking(answers: dict[str, list[str]], groups: dict[str, set[str]]) -> dict[str, float]:
    """MAP@K, MRR and Recall@K of ranked answers against each query's relevant set."""
    aps, rrs, recalls = [], [], []
    for query, ranked in answers.items():
        relevant = groups[query]
        hits, precisions, rr = 0, [], 0.0
        for n, found in enumerate(ranked[:K], 1):
            if found in relevant:
                hits += 1
                precisions.append(hits / n)
                rr = rr or 1 / n
        aps.append(sum(precisions) / min(len(relevant), K))
        rrs.append(rr)
        recalls.append(hits / min(len(relevant), K))
    return {
        "MAP@5": statistics.fmean(aps),
        "MRR": statistics.fmean(rrs),
        "Recall@5": statistics.fmean(recalls),
        "queries": len(answers),
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", help="a PostgreSQL store to fill (emptied first)")
    parser.add_argument(
        "--lexical", action="store_true", help="leave the semantic re-ranker out, where installed"
    )
    args = parser.parse_args()

    ref = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    corpus = Corpus.find()
    split_of = {story["id"]: story["split"] for story in ref["stories"]}
    in_split = {
        c["id"] for c in ref["claims"] + ref["distractors"] if split_of[c["story"]] == args.split
    }
    distractors = {c["id"] for c in ref["distractors"]}
    groups: dict[str, set[str]] = {}
    for story in ref["stories"]:
        for group in story["restatements"]:
            for member in group:
                groups[member] = set(group) - {member}
    queries = sorted(c for c in groups if c in in_split)

    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/match.db"
        store = Store(url)
        started = time.perf_counter()
        load_store(store, ref, corpus)
        print(
            f"store: {len(ref['claims']) + len(ref['distractors'])} claims of "
            f"{len(ref['documents'])} articles loaded in {time.perf_counter() - started:.1f} s "
            f"({store.engine.dialect.name})"
        )
        from fastapi.testclient import TestClient

        if args.lexical:  # as if the extra were not installed
            semantic.embedder = lambda: None
            semantic.status = lambda: "lexical (--lexical)"
        client = TestClient(create_app(Settings(database_url=url), store=store))
        print(f"matching: {semantic.status()}")
        text_of = {}
        with store.reader() as reader:
            for row in reader.rows(reader.sql("SELECT public_id, quote_text FROM claim")):
                text_of[row[0]] = row[1]

        similar: dict[str, list[str]] = {}
        matched: dict[str, list[str]] = {}
        times: dict[str, list[float]] = defaultdict(list)
        for query in queries:
            t = time.perf_counter()
            answer = client.get(f"/claims/{query}/similar", params={"limit": K}).json()
            times["similar"].append(time.perf_counter() - t)
            similar[query] = [item["claim"]["id"] for item in answer["items"]]
            t = time.perf_counter()
            answer = client.post(
                "/claims:match", json={"text": text_of[query], "limit": K + 1}
            ).json()
            times["claims:match"].append(time.perf_counter() - t)
            matched[query] = [
                i["claim"]["id"] for i in answer["items"] if i["claim"]["id"] != query
            ][:K]

        print(f"\nranking ({args.split}: {len(queries)} claims that restate another)")
        figures = {}
        for name, answers in (("similar", similar), ("claims:match", matched)):
            figures[name] = ranking(answers, groups)
            f = figures[name]
            print(
                f"  {name:13} MAP@5 {f['MAP@5']:.3f}  MRR {f['MRR']:.3f}  "
                f"Recall@5 {f['Recall@5']:.3f}"
            )

        # Proposals: what the matcher would queue for each claim of the split.
        with store.reader() as reader:
            suggest = matching.thresholds(reader)[0].suggest
            proposed: dict[frozenset[str], tuple[str, float]] = {}
            for claim in sorted(in_split):
                probed = matching.claim_probe(reader, public_id=claim)
                assert probed is not None
                row_id, probe = probed
                # As the server makes them: lexically, at write time.
                for found in matching.to_propose(
                    reader, probe, suggest, exclude_id=row_id, rerank=False
                ):
                    pair = frozenset((claim, found.public_id))
                    if pair <= distractors:
                        continue
                    proposed.setdefault(pair, (found.suggested_type or "", found.score))
        gold: dict[frozenset[str], str] = {}
        for pair in ref["pairs"]:
            if (
                split_of[next(c["story"] for c in ref["claims"] if c["id"] == pair["a"])]
                == args.split
            ):
                gold[frozenset((pair["a"], pair["b"]))] = pair["type"]
        for member, others in groups.items():
            if member in in_split:
                for other in others:
                    gold.setdefault(frozenset((member, other)), "restates")
        print(f"\nproposals ({args.split}; suggest = {suggest}; lexical, as made at write time):")
        results = {}
        for kind in ("restates", "contradicts"):
            predicted = {p for p, (t, _) in proposed.items() if t == kind}
            wanted = {p for p, t in gold.items() if t == kind}
            lenient = {p for p, t in gold.items() if t in ("contradicts", "undermines")}
            hit = predicted & wanted
            precision = len(hit) / len(predicted) if predicted else 0.0
            recall = len(hit) / len(wanted) if wanted else 0.0
            results[kind] = (precision, recall)
            extra = ""
            if kind == "contradicts":
                share = len(predicted & lenient) / max(1, len(predicted))
                extra = f"  (counting undermines as right: precision {share:.2f})"
            print(
                f"  {kind:12} proposed {len(predicted):4}  right {len(hit):4}  of {len(wanted):4}  "
                f"precision {precision:.2f}  recall {recall:.2f}{extra}"
            )
        others = {t for t, _ in proposed.values()} - {"restates", "contradicts"}
        for kind in sorted(others):
            print(f"  {kind:12} proposed {sum(1 for t, _ in proposed.values() if t == kind)}")

        print("\nlatency (HTTP in process, this store):")
        for name, values in times.items():
            print(
                f"  {name:13} p50 {1000 * statistics.median(values):.1f} ms  "
                f"p95 {1000 * percentile(values, 0.95):.1f} ms"
            )

        print("\ntargets:")
        checks = [
            ("MAP@5 >= 0.85 on restatements (similar)", figures["similar"]["MAP@5"], 0.85),
            (
                "MAP@5 >= 0.85 on restatements (claims:match)",
                figures["claims:match"]["MAP@5"],
                0.85,
            ),
            ("Recall@5 >= 0.9 (similar)", figures["similar"]["Recall@5"], 0.9),
            ("Recall@5 >= 0.9 (claims:match)", figures["claims:match"]["Recall@5"], 0.9),
            ("proposed restates precision >= 0.9", results["restates"][0], 0.9),
            ("contradiction proposals recall >= 0.5", results["contradicts"][1], 0.5),
            ("contradiction proposals precision >= 0.7", results["contradicts"][0], 0.7),
        ]
        for label, value, target in checks:
            print(f"  {'met   ' if value >= target else 'MISSED'} {label}: {value:.3f}")
        store.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
