"""The bulk path: fast appends that still verify quotes and leave a store that serves."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import Store, create_app
from api.ingest.bulk import bulk_load
from api.ingest.fixtures import FixtureError
from api.writes.keys import create_key
from models.base import EntityKind, Scope, SourceKind
from models.fixture import EntityFixture, SourceFixture

TEXT = "Volunteers trained with anti-tank missiles. Commanders studied the front."


def claims(n: int) -> list[dict[str, Any]]:
    sentences = ["Volunteers trained with anti-tank missiles.", "Commanders studied the front."]
    made = []
    for i in range(n):
        quote = sentences[i % 2]
        start = TEXT.index(quote)
        made.append(
            {
                "id": f"bulk-{i}",
                "statement": f"Statement number {i} about training.",
                "quote": {
                    "source": "report",
                    "text": quote,
                    "start": start,
                    "end": start + len(quote),
                },
                "claimant": "agency",
                "entities": [{"slug": "unit", "role": "about"}],
                "attribution": [
                    {"source": "report", "verb": "reported"},
                    {"entity": "agency", "verb": "said"},
                ],
                "claimed_on": f"2021-{1 + i % 12:02d}",
                "status": "reported",
                "speech": "indirect",
            }
        )
    return made


def load(store: Store, items: list[dict[str, Any]], workers: int | None = None) -> Any:
    return bulk_load(
        store,
        entities=[
            EntityFixture(slug="agency", name="Agency", kind=EntityKind.organization),
            EntityFixture(
                slug="unit", name="Unit", kind=EntityKind.military_unit, aliases=["The Unit"]
            ),
        ],
        sources=[SourceFixture(slug="report", name="Report", kind=SourceKind.news_report)],
        texts={"report": TEXT},
        claims=items,
        batch_size=7,
        workers=workers,
    )


def test_bulk_loaded_claims_are_served_searched_and_sorted(empty_store: Store) -> None:
    report = load(empty_store, claims(30))
    assert (report.entities, report.sources, report.claims) == (2, 1, 30)
    client = TestClient(create_app(store=empty_store))
    assert client.get("/claims?entity=the unit&count=exact&limit=5").json()["count"] == 30
    assert len(client.get("/claims?q=missiles&limit=100").json()["items"]) == 15
    newest = client.get("/claims?sort=-claimed_on&limit=1").json()["items"][0]
    assert newest["claimed_on"] == "2021-12"
    with empty_store.write_session() as session:
        key = create_key(session, "after-bulk", Scope.write)
        session.commit()
    later = {**claims(1)[0], "id": "written-after-bulk"}
    created = client.post("/claims", json=later, headers={"Authorization": f"Bearer {key}"})
    assert created.status_code == 201, created.text


def test_a_bad_quote_stops_the_bulk_load(empty_store: Store) -> None:
    items = claims(3)
    items[2]["quote"]["text"] = "Volunteers trained with rifles."
    with pytest.raises(FixtureError, match="claim 'bulk-2': quote is not at"):
        load(empty_store, items)


def test_a_bad_claim_prepared_by_a_worker_process_stops_the_load_by_name(
    empty_store: Store,
) -> None:
    items = claims(30)
    items[23]["quote"]["text"] = "Volunteers trained with rifles."
    with pytest.raises(FixtureError, match="claim 'bulk-23': quote is not at") as raised:
        load(empty_store, items, workers=1)
    assert len(raised.value.problems) == 1


@pytest.mark.parametrize("workers", [0, 1, 2])
def test_worker_processes_change_nothing_but_the_speed(empty_store: Store, workers: int) -> None:
    report = load(empty_store, claims(30), workers=workers)
    assert report.claims == 30
    client = TestClient(create_app(store=empty_store))
    page = client.get("/claims?limit=100").json()["items"]
    assert [c["id"] for c in page] == [f"bulk-{n}" for n in range(30)]
    assert page[29]["statement"] == "Statement number 29 about training."
