"""Score the claim extractor (api.ingest.extraction) against hand-read references.

    .venv/bin/python bench/extract.py                  # table of figures
    .venv/bin/python bench/extract.py --json out.json  # the same figures as JSON
    .venv/bin/python bench/extract.py --misses dev     # also list misses and false alarms
    .venv/bin/python bench/extract.py --names rules    # capitalisation instead of the model

References: the seed article's fixture claims credited to someone other than the article
(development data), and hand-read stories of the Lee Background Corpus read from an installed
gensim, split into dev and held-out test (bench/extraction/lee_background.yaml). Speed is
measured in this one process, so on one core; pin it (taskset -c 0) for steady figures.
See docs/extraction.md for the scoring rules.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.ingest.extraction.extractor import read  # noqa: E402
from api.ingest.extraction.results import Candidate  # noqa: E402

LEE_ANNOTATIONS = ROOT / "bench" / "extraction" / "lee_background.yaml"
SEED_TEXT = ROOT / "seeds" / "000_7eec1dc745a9adda.txt"
SEED_SLUG = "legion-article-2022"
SPEED_ARTICLE_WORDS = 800
_TITLES = re.compile(r"^(?:(?:mr|mrs|ms|dr|the)\.?\s+)+")


@dataclass(frozen=True)
class Reference:
    """One hand-read attribution: content span, speaker (and other names accepted for it)."""

    start: int
    end: int
    speaker: str
    accepted: frozenset[str]
    speech: str


@dataclass
class Document:
    name: str
    corpus: str
    split: str
    text: str
    source_date: str | None
    references: list[Reference]


@dataclass
class Tally:
    """Counts behind one row of the table."""

    documents: int = 0
    empty_documents: int = 0
    references: dict[str, int] = field(
        default_factory=lambda: {"all": 0, "direct": 0, "indirect": 0}
    )
    found: dict[str, int] = field(default_factory=lambda: {"all": 0, "direct": 0, "indirect": 0})
    candidates: dict[str, int] = field(
        default_factory=lambda: {"all": 0, "direct": 0, "indirect": 0}
    )
    correct: dict[str, int] = field(default_factory=lambda: {"all": 0, "direct": 0, "indirect": 0})
    speaker_checked: int = 0
    speaker_right: int = 0


def fold(name: str | None) -> str:
    """Names compared without case, spacing, curly quotes, a leading "the" or a title, or a
    trailing possessive."""
    if name is None:
        return ""
    folded = name.replace("\u2019", "'").casefold()
    folded = " ".join(folded.split())
    folded = _TITLES.sub("", folded)
    return re.sub(r"'s?$", "", folded).strip()


def speech_group(speech: str) -> str:
    return "direct" if speech == "direct" else "indirect"


def overlaps(candidate: Candidate, reference: Reference) -> int:
    """Characters shared, if at least half of the shorter span; else 0."""
    shared = min(candidate.end, reference.end) - max(candidate.start, reference.start)
    shorter = min(candidate.end - candidate.start, reference.end - reference.start)
    return shared if shared > 0 and 2 * shared >= shorter else 0


def gensim_data_file(relative: str) -> Path:
    spec = importlib.util.find_spec("gensim")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit('gensim is not installed: pip install -e ".[bench]"')
    return Path(next(iter(spec.submodule_search_locations))) / relative


def lee_documents() -> list[Document]:
    annotations = yaml.safe_load(LEE_ANNOTATIONS.read_text(encoding="utf-8"))
    path = gensim_data_file(annotations["source"]["path"])
    lines = path.read_text(encoding="utf-8").split("\n")
    documents = []
    for entry in annotations["documents"]:
        text = lines[entry["line"]]
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if digest != entry["sha256"]:
            raise SystemExit(
                f"{path} line {entry['line']} changed: its annotations no longer apply"
            )
        references = [
            Reference(
                item["start"],
                item["end"],
                item["speaker"],
                frozenset(
                    {fold(item["speaker"]), *(fold(alias) for alias in item.get("aliases", []))}
                ),
                item["speech"],
            )
            for item in entry["attributions"]
        ]
        documents.append(
            Document(
                f"lee:{entry['line']}", "lee_background", entry["split"], text, None, references
            )
        )
    return documents


def seed_document() -> Document:
    fixtures = ROOT / "fixtures"
    claims = yaml.safe_load((fixtures / "claims.yaml").read_text(encoding="utf-8"))
    entities = {
        entity["slug"]: entity
        for entity in yaml.safe_load((fixtures / "entities.yaml").read_text(encoding="utf-8"))
    }
    references = []
    for claim in claims:
        if claim["claimant"] == SEED_SLUG or claim["speech"] == "own":
            continue
        entity = entities[claim["claimant"]]
        accepted = frozenset(fold(name) for name in [entity["name"], *entity.get("aliases", [])])
        quote = claim["quote"]
        references.append(
            Reference(quote["start"], quote["end"], entity["name"], accepted, claim["speech"])
        )
    text = SEED_TEXT.read_text(encoding="utf-8")
    return Document("seed", "seed_fixtures", "dev", text, "2022", references)


def score(
    document: Document, candidates: tuple[Candidate, ...], tally: Tally, misses: list[str]
) -> None:
    tally.documents += 1
    if not candidates:
        tally.empty_documents += 1
    for candidate in candidates:
        group = speech_group(candidate.speech)
        hit = any(overlaps(candidate, reference) for reference in document.references)
        for key in ("all", group):
            tally.candidates[key] += 1
            tally.correct[key] += hit
        if not hit:
            misses.append(
                f"  false alarm {document.name} [{candidate.speech}] {candidate.claimant!r} "
                f"{candidate.cue!r}: {candidate.text[:90]!r}"
            )
    for reference in document.references:
        group = speech_group(reference.speech)
        best = max(candidates, key=lambda candidate: overlaps(candidate, reference), default=None)
        found = best is not None and overlaps(best, reference) > 0
        for key in ("all", group):
            tally.references[key] += 1
            tally.found[key] += found
        snippet = document.text[reference.start : reference.end][:90]
        if not found or best is None:
            misses.append(
                f"  missed {document.name} [{reference.speech}] {reference.speaker!r}: {snippet!r}"
            )
            continue
        tally.speaker_checked += 1
        if fold(best.claimant) in reference.accepted:
            tally.speaker_right += 1
        else:
            misses.append(
                f"  wrong speaker {document.name} [{reference.speech}] {best.claimant!r} for "
                f"{reference.speaker!r}: {snippet!r}"
            )


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def f1(precision: float | None, recall: float | None) -> float | None:
    if precision is None or recall is None or precision + recall == 0:
        return None
    return 2 * precision * recall / (precision + recall)


def figures(tally: Tally) -> dict[str, Any]:
    row: dict[str, Any] = {
        "documents": tally.documents,
        "empty_documents": tally.empty_documents,
        "references": tally.references["all"],
        "candidates": tally.candidates["all"],
    }
    for key in ("all", "direct", "indirect"):
        precision = ratio(tally.correct[key], tally.candidates[key])
        recall = ratio(tally.found[key], tally.references[key])
        row[key] = {
            "precision": precision,
            "recall": recall,
            "f1": f1(precision, recall),
            "references": tally.references[key],
            "candidates": tally.candidates[key],
        }
    row["speaker_accuracy"] = ratio(tally.speaker_right, tally.speaker_checked)
    row["speaker_checked"] = tally.speaker_checked
    return row


def speed(texts: list[str], trained: bool, rounds: int) -> dict[str, float]:
    """Documents and words per second over `texts`, best of `rounds`, in this process."""
    read("Warm-up: the minister said the pipeline was loaded.", trained=trained)
    words = sum(len(text.split()) for text in texts)
    best = float("inf")
    for _ in range(rounds):
        began = time.perf_counter()
        for text in texts:
            read(text, trained=trained)
        best = min(best, time.perf_counter() - began)
    return {
        "documents": len(texts),
        "words": words,
        "seconds": best,
        "documents_per_second": len(texts) / best,
        "words_per_second": words / best,
        "articles_of_800_words_per_second": words / best / SPEED_ARTICLE_WORDS,
    }


def long_text_times(texts: list[str], trained: bool) -> dict[str, float]:
    """Seconds for 100 kB and 1 MB of the Lee stories run together: time should grow about
    tenfold, not a hundredfold."""
    corpus = "\n\n".join(texts)
    times = {}
    for size in (100_000, 1_000_000):
        text = (corpus * (size // len(corpus) + 1))[:size]
        began = time.perf_counter()
        read(text, trained=trained)
        times[f"seconds_for_{size}_characters"] = time.perf_counter() - began
    times["ratio"] = (
        times["seconds_for_1000000_characters"] / times["seconds_for_100000_characters"]
    )
    return times


def show(value: float | None) -> str:
    return "  -  " if value is None else f"{value:5.2f}"


def print_table(
    rows: dict[str, dict[str, Any]], speed_figures: dict[str, float], long: dict[str, float]
) -> None:
    header = (
        f"{'reference/split':26} {'docs':>4} {'empty':>5} {'refs':>4} {'cands':>5}  "
        f"{'P':>5} {'R':>5} {'F1':>5}  {'dirP':>5} {'dirR':>5} {'dirF1':>5}  "
        f"{'indP':>5} {'indR':>5} {'indF1':>5}  {'speaker':>7}"
    )
    print(header)
    print("-" * len(header))
    for name, row in rows.items():
        every, direct, indirect = row["all"], row["direct"], row["indirect"]
        print(
            f"{name:26} {row['documents']:4d} {row['empty_documents']:5d} {row['references']:4d} "
            f"{row['candidates']:5d}  {show(every['precision'])} {show(every['recall'])} "
            f"{show(every['f1'])}  {show(direct['precision'])} {show(direct['recall'])} "
            f"{show(direct['f1'])}  {show(indirect['precision'])} {show(indirect['recall'])} "
            f"{show(indirect['f1'])}  {show(row['speaker_accuracy']):>7} "
            f"({row['speaker_checked']})"
        )
    print()
    print(
        f"speed, one process: {speed_figures['documents_per_second']:.1f} documents/s, "
        f"{speed_figures['words_per_second']:.0f} words/s = "
        f"{speed_figures['articles_of_800_words_per_second']:.1f} articles of 800 words/s "
        f"({speed_figures['documents']} Lee documents, {speed_figures['words']} words, "
        "best of rounds)"
    )
    if long:
        print(
            f"long texts: {long['seconds_for_100000_characters']:.1f} s for 100 kB, "
            f"{long['seconds_for_1000000_characters']:.1f} s for 1 MB "
            f"(x{long['ratio']:.1f} for ten times the text)"
        )


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--names", choices=["trained", "rules"], default="trained")
    parser.add_argument(
        "--misses",
        choices=["none", "dev", "all"],
        default="none",
        help="list misses, wrong speakers and false alarms (dev only unless 'all')",
    )
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds over the corpus")
    parser.add_argument(
        "--skip-long", action="store_true", help="skip timing 100 kB and 1 MB texts (~40 s)"
    )
    arguments = parser.parse_args(list(argv) if argv is not None else None)
    trained = arguments.names == "trained"

    documents = [seed_document(), *lee_documents()]
    tallies: dict[str, Tally] = {}
    misses: dict[str, list[str]] = {}
    for document in documents:
        extraction = read(document.text, source_date=document.source_date, trained=trained)
        for key in (f"{document.corpus}/{document.split}", f"all/{document.split}"):
            tallies.setdefault(key, Tally())
        found: list[str] = []
        score(
            document, extraction.candidates, tallies[f"{document.corpus}/{document.split}"], found
        )
        score(document, extraction.candidates, tallies[f"all/{document.split}"], [])
        misses.setdefault(document.split, []).extend(found)
    order = [
        "seed_fixtures/dev",
        "lee_background/dev",
        "lee_background/test",
        "all/dev",
        "all/test",
    ]
    rows = {key: figures(tallies[key]) for key in order if key in tallies}

    lee_texts = gensim_data_file("test/test_data/lee_background.cor").read_text(encoding="utf-8")
    speed_texts = [line for line in lee_texts.split("\n") if line.strip()]
    speed_figures = speed(speed_texts, trained, arguments.rounds)
    long = {} if arguments.skip_long else long_text_times(speed_texts, trained)
    print(f"names read by: {arguments.names}")
    print_table(rows, speed_figures, long)
    if arguments.misses != "none":
        for split in ("dev", "test"):
            if split == "test" and arguments.misses != "all":
                continue
            print(f"\n{split}: misses, wrong speakers, false alarms")
            print("\n".join(misses.get(split, [])))
    if arguments.json:
        arguments.json.write_text(
            json.dumps(
                {"names": arguments.names, "rows": rows, "speed": speed_figures, "long": long},
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
