"""Entities and sources, and the held text every quote can be checked against."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api import Store
from api.ingest.fixtures import VerifiedFixtures

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_7eec1dc745a9adda.txt"


def test_entities_list_every_entity_in_slug_order(
    client: TestClient, verified: VerifiedFixtures
) -> None:
    slugs = []
    url: str | None = "/entities?limit=10"
    while url:
        body = client.get(url).json()
        slugs += [e["slug"] for e in body["items"]]
        url = body["next"]
    assert slugs == sorted(e.slug for e in verified.fixtures.entities)


def test_entities_filter_by_kind_and_words(client: TestClient) -> None:
    people = client.get("/entities?kind=person").json()["items"]
    assert [p["slug"] for p in people] == [
        "albert-sakhibgareev",
        "igor-volobuyev",
        "oleksiy-arestovych",
        "vladimir-putin",
    ]
    legions = client.get("/entities?q=legion").json()["items"]
    assert {e["slug"] for e in legions} >= {
        "freedom-of-russia-legion",
        "international-legion",
        "legion-representatives",
    }
    assert client.get("/entities?kind=wizard").status_code == 422


def test_an_entity_by_slug_or_alias(client: TestClient) -> None:
    by_slug = client.get("/entities/freedom-of-russia-legion")
    assert by_slug.status_code == 200
    entity = by_slug.json()
    assert entity["aliases"] == ["Legion", "Freedom of Russia", "Russian Legion"]
    assert entity["kind"] == "military_unit"
    by_alias = client.get("/entities/Legion")
    assert by_alias.json() == entity
    assert by_alias.headers["link"] == '</entities/freedom-of-russia-legion>; rel="canonical"'


def test_unknown_entity_suggests_close_slugs(client: TestClient) -> None:
    response = client.get("/entities/volobuyv")
    assert response.status_code == 404
    assert response.json()["suggestions"] == ["igor-volobuyev"]


def test_an_entitys_claims(client: TestClient) -> None:
    body = client.get("/entities/Sakhibgareev/claims?role=claimant").json()
    assert [c["id"] for c in body["items"]] == ["sakhibgareev-none-wanted-war"]
    everything = client.get("/entities/albert-sakhibgareev/claims").json()["items"]
    assert len(everything) == 6
    assert client.get("/entities/nobody/claims").status_code == 404


def test_sources_with_publishers_and_date_precision(client: TestClient) -> None:
    sources = {s["slug"]: s for s in client.get("/sources").json()["items"]}
    assert len(sources) == 11
    article = sources["legion-article-2022"]
    assert article["text_held"] is True
    assert article["date"] == "2022"
    assert article["date_precision"] == "year"
    assert article["date_inferred"] is True
    mt = sources["moscow-times-switching-sides"]
    assert mt["publisher"] == {
        "slug": "moscow-times",
        "name": "The Moscow Times",
        "kind": "publication",
    }
    assert (
        mt["title"]
        == "Switching Sides: The Elusive \u2018Russian Legion\u2019 Fighting with Ukraine"
    )
    assert mt["text_held"] is False
    conference = sources["legion-press-conference-2022-03-04"]
    assert (conference["date"], conference["date_precision"]) == ("2022-03-04", "day")
    assert sources["guardian-volobuyev-interview"]["date"] is None


def test_sources_filter_by_kind_and_publisher(client: TestClient) -> None:
    reports = client.get("/sources?kind=media_reports").json()["items"]
    assert {s["slug"] for s in reports} == {
        "media-reports-cited-by-embassy",
        "ukrainian-media-reports",
    }
    by_wsj = client.get("/sources?publisher=Wall Street Journal").json()["items"]
    assert [s["slug"] for s in by_wsj] == ["wsj-sakhibgareev-report"]
    missing = client.get("/sources?publisher=wall-street-jornal")
    assert missing.status_code == 404
    assert missing.json()["field"] == "publisher"


def test_a_sources_claims(client: TestClient) -> None:
    body = client.get("/sources/time-legion-report/claims").json()
    assert [c["id"] for c in body["items"]] == ["legion-stated-goals"]
    assert client.get("/sources/nope/claims").status_code == 404


def test_the_held_text_is_the_seed_byte_for_byte(client: TestClient) -> None:
    response = client.get("/sources/legion-article-2022/text")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.content == SEED.read_bytes()


def test_every_quote_can_be_checked_against_the_text(client: TestClient) -> None:
    claims = client.get("/claims?limit=200").json()["items"]
    for claim in claims:
        quote = claim["quote"]
        span = client.get(
            f"/sources/{quote['source']}/text",
            params={"start": quote["start"], "end": quote["end"]},
        )
        assert span.text == quote["text"], claim["id"]


def test_text_not_held_and_bad_spans(client: TestClient) -> None:
    response = client.get("/sources/time-legion-report/text")
    assert response.status_code == 404
    assert response.json()["title"] == "Text not held"
    assert client.get("/sources/legion-article-2022/text?start=10&end=5").status_code == 422
    assert client.get("/sources/legion-article-2022/text?start=-1").status_code == 422


def test_health(client: TestClient, store: Store) -> None:
    assert client.get("/health").json() == {"status": "ok", "database": store.dialect}
