"""When did it happen, and how many? Dates that say how they are known, timelines in the
order things happened, and figures that can be queried as ranges."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from helpers import ids, walk

from api.ingest.fixtures import FixtureError, read_and_verify
from models.base import date_keys


def test_dates_say_how_they_are_known(client: TestClient) -> None:
    photo = client.get("/claims/photo-caption-legion-volunteer").json()
    # The caption dates the photograph in its own words; the year of the caption itself
    # comes from the article's context.
    assert (photo["event_date"], photo["event_date_inferred"]) == ("2022-06-23", False)
    assert (photo["claimed_on"], photo["claimed_on_inferred"]) == ("2022", True)
    training = client.get("/claims/legion-first-volunteers-began-training").json()
    assert training["event_date_inferred"] is False  # "in late March 2022"
    nlaw = client.get("/claims/legion-volunteers-trained-on-nlaw").json()
    assert nlaw["event_date_inferred"] is True


def test_event_windows_and_orders(client: TestClient) -> None:
    february = ids(
        client.get("/claims", params={"event_since": "2022-02", "event_until": "2022-02"})
    )
    assert "sakhibgareev-sent-to-border" in february
    assert "sakhibgareev-learned-of-invasion-online" in february
    assert "legion-formed-from-surrendered-soldiers" not in february
    oldest = [c["event_date"] for c in walk(client, "/claims?sort=event_date&limit=5")]
    assert oldest == sorted(oldest, key=lambda day: date_keys(day)[1])
    newest = [c["event_date"] for c in walk(client, "/claims?sort=-event_date&limit=5")]
    assert newest == sorted(newest, key=lambda day: date_keys(day)[0], reverse=True)
    assert newest[0] == "2022-06-23"
    assert oldest.index("2022-02-24") < oldest.index("2022-02")
    assert newest.index("2022-02-24") < newest.index("2022-02")
    refused = client.get("/claims", params={"event_since": "2022-03", "event_until": "2022-02"})
    assert refused.status_code == 422
    assert refused.json()["field"] == "event_until"


def test_a_timeline_places_each_claim_by_when_it_happened(client: TestClient) -> None:
    entries = walk(client, "/entities/legion/timeline?limit=4")
    listed = {c["id"] for c in walk(client, "/claims?entity=legion&limit=200")}
    assert {e["claim"]["id"] for e in entries} == listed
    assert len(entries) == len(listed)
    for entry in entries:
        claim = entry["claim"]
        if claim["event_date"]:
            assert (entry["date"], entry["kind"]) == (claim["event_date"], "event")
            assert entry["inferred"] == claim["event_date_inferred"]
        else:
            assert (entry["date"], entry["kind"]) == (claim["claimed_on"], "claimed")
        assert entry["precision"] == {4: "year", 7: "month", 10: "day"}[len(entry["date"])]
    dates = [e["date"] for e in entries]
    assert dates == sorted(dates, key=lambda day: date_keys(day)[1])
    # A claim dated only 2022 is never placed before 2022-03-04 as if it were January 1.
    first_year_only = dates.index("2022")
    assert first_year_only > max(i for i, day in enumerate(dates) if day.startswith("2022-"))


def test_quantities_are_ranges(client: TestClient) -> None:
    few = client.get("/claims/arestovych-legion-few-hundred-members").json()["quantity"]
    assert (few["low"], few["high"], few["unit"]) == (200.0, 500.0, "people")
    over = client.get("/claims/legion-two-battalions-over-1000-fighters").json()["quantity"]
    assert (over["low"], over["high"], over["unit"]) == (1000.0, None, "people")
    battalions = client.get("/claims/legion-two-fully-manned-battalions").json()["quantity"]
    assert (battalions["value"], battalions["low"], battalions["high"]) == (2.0, 2.0, 2.0)
    assert battalions["unit"] == "battalions"


FEW_HUNDRED = "arestovych-legion-few-hundred-members"  # 200 to 500 people
OVER_100 = "legion-formed-from-surrendered-soldiers"  # 100 people or more
OVER_1000 = "legion-two-battalions-over-1000-fighters"  # 1,000 people or more


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"quantity_unit": "people", "quantity_min": 1000}, {OVER_100, OVER_1000}),
        (
            {"quantity_unit": "people", "quantity_min": 300, "quantity_max": 400},
            {FEW_HUNDRED, OVER_100},
        ),
        ({"quantity_unit": "battalions"}, {"legion-two-fully-manned-battalions"}),
        ({"quantity_unit": "BATTALIONS", "quantity_max": 1}, set()),
        ({"quantity_min": 250, "quantity_max": 260}, {FEW_HUNDRED, OVER_100}),
        ({"quantity_max": 50}, {"legion-two-fully-manned-battalions"}),
    ],
)
def test_a_claim_matches_when_its_range_meets_the_range_asked(
    client: TestClient, query: dict[str, object], expected: set[str]
) -> None:
    assert set(ids(client.get("/claims", params={**query, "limit": 200}))) == expected


def test_numbers_are_found_however_they_are_written(client: TestClient) -> None:
    assert ids(client.get("/claims?q=1000")) == ["legion-two-battalions-over-1000-fighters"]
    assert ids(client.get("/claims", params={"q": "1,000"})) == ids(client.get("/claims?q=1000"))
    assert ids(client.get("/claims?q=300")) == ["legion-300-applications-a-day"]
    refused = client.get("/claims", params={"quantity_min": 5, "quantity_max": 1})
    assert refused.status_code == 422
    assert refused.json()["field"] == "quantity_max"


@pytest.mark.parametrize(
    ("relation", "problem"),
    [
        (
            "  from: legion-video-soldier-with-cuts\n  to: legion-video-soldier-with-cuts\n",
            "itself",
        ),
        (
            "  from: no-such-claim\n  to: legion-video-soldier-with-cuts\n",
            "unknown claim 'no-such-claim'",
        ),
        (
            "  from: legion-stated-goals\n  to: legion-video-soldier-with-cuts\n  type: refutes\n",
            "type",
        ),
    ],
)
def test_relations_are_checked_like_quotes(
    fixtures_copy: Path, relation: str, problem: str
) -> None:
    extra = "\n- id: added-relation\n  note: Added to be refused.\n" + relation
    if "type:" not in relation:
        extra += "  type: contradicts\n"
    with (fixtures_copy / "relations.yaml").open("a", encoding="utf-8") as file:
        file.write(extra)
    with pytest.raises(FixtureError) as refused:
        read_and_verify(fixtures_copy)
    assert problem in str(refused.value)
