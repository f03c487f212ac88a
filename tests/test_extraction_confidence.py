"""Confidence (api.ingest.extraction.confidence): a raw score from the evidence, mapped by the
calibration fitted on the development part of the reference (bench/extract.py
--calibrate) to the share of candidates like it that were right. Snippets are quoted from
the seed article and PolNeAR's train compartment (github.com/networkdynamics/PolNeAR).
"""

from __future__ import annotations

from pathlib import Path

from api.ingest.extraction import extract
from api.ingest.extraction.calibration import CALIBRATION
from api.ingest.extraction.confidence import calibrated

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_7eec1dc745a9adda.txt"


def test_the_calibration_is_a_non_decreasing_map_into_zero_one() -> None:
    assert CALIBRATION, "bench/extract.py --calibrate has not been run"
    bounds = [bound for bound, _ in CALIBRATION]
    shares = [share for _, share in CALIBRATION]
    assert bounds == sorted(bounds)
    assert shares == sorted(shares)
    assert all(0.0 < share < 1.0 for share in shares)  # smoothed: never a certainty
    scores = [step / 100 for step in range(101)]
    mapped = [calibrated(score) for score in scores]
    assert mapped == sorted(mapped)


def test_evidence_orders_the_candidates_of_one_text() -> None:
    paragraph = next(
        line
        for line in SEED.read_text(encoding="utf-8").split("\n")
        if line.startswith("The Wall Street Journal reported in June")
    )
    candidates = extract(paragraph, source_date="2022-07-20").candidates
    named = next(c for c in candidates if c.text.startswith("about Albert Sakhibgareev"))
    carried = next(c for c in candidates if c.text.startswith("The soldiers in his unit"))
    quoted = next(c for c in candidates if c.text == "None of us wanted this war")
    assert carried.confidence < named.confidence
    assert carried.confidence < quoted.confidence


def test_a_quote_credited_by_name_is_in_the_top_tier() -> None:
    # PolNeAR train, breitbart_2016-03-20
    text = (
        "\u201cI think the best alternative to Donald Trump to stop him from getting to 1,237 "
        "is Ted Cruz, and I\u2019m going to help Ted in every way I can,\u201d Graham told CNN."
    )
    [candidate] = extract(text).candidates
    assert candidate.confidence == round(max(share for _, share in CALIBRATION), 2)
