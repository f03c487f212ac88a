"""A reader's session with /claims: filters that combine, pages that walk, clear errors."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from helpers import FIXTURE_CLAIMS, ids, walk

from api.ingest.fixtures import VerifiedFixtures

LEGION = "freedom-of-russia-legion"


def fixture_ids(verified: VerifiedFixtures, keep: Any) -> set[str]:
    return {claim.id for claim in verified.claims if keep(claim)}


def test_entity_legion_answers_every_claim_about_or_by_the_legion(
    client: TestClient, verified: VerifiedFixtures
) -> None:
    claims = walk(client, "/claims?entity=legion")
    expected = fixture_ids(
        verified,
        lambda c: c.claimant == LEGION or any(e.slug == LEGION for e in c.entities),
    )
    assert {c["id"] for c in claims} == expected
    assert len(expected) >= 20
    for claim in claims:
        assert claim["quote"]["text"]
        assert claim["quote"]["source"] == "legion-article-2022"
        assert claim["attribution"][0]["source"] == "legion-article-2022"
        assert LEGION in {e["slug"] for e in claim["entities"]}


def test_a_claim_carries_the_documented_fields(client: TestClient) -> None:
    claim = client.get("/claims/legion-300-applications-a-day").json()
    assert set(claim) >= {
        "id",
        "statement",
        "quote",
        "claimant",
        "entities",
        "attribution",
        "claimed_on",
        "event_date",
        "status",
        "speech",
        "quantity",
    }
    assert claim["quote"] == {
        "text": "there are more than 300 applications to join the legion every day.",
        "source": "legion-article-2022",
        "start": 2641,
        "end": 2707,
    }
    assert claim["claimant"] == {
        "slug": "legion-representatives",
        "name": "Legion representatives",
        "kind": "group",
    }
    assert [(h["source"], h["entity"], h["verb"]) for h in claim["attribution"]] == [
        ("legion-article-2022", "legion-article-2022", "reported"),
        ("interfax-legion-report", "interfax-ukraine", "reported"),
        ("legion-press-conference-2022-03-04", "legion-representatives", "said"),
    ]
    assert claim["quantity"] == {
        "value": 300.0,
        "low": 300.0,
        "high": None,
        "unit": "applications per day",
        "qualifier": "more than",
        "text": "more than 300",
    }
    assert claim["speech"] == "direct"


def test_entity_matches_slug_name_or_alias_in_any_case(client: TestClient) -> None:
    expected = ids(client.get(f"/claims?entity={LEGION}&limit=200"))
    for spelling in ["LEGION", "Freedom of Russia Legion", "russian legion"]:
        assert ids(client.get("/claims", params={"entity": spelling, "limit": 200})) == expected


def test_role_narrows_the_entity(client: TestClient, verified: VerifiedFixtures) -> None:
    by_legion = ids(client.get("/claims?entity=legion&role=claimant"))
    assert set(by_legion) == fixture_ids(verified, lambda c: c.claimant == LEGION)
    about = ids(client.get("/claims?entity=legion&role=about&limit=200"))
    assert set(about) == fixture_ids(
        verified, lambda c: any(e.slug == LEGION and e.role == "about" for e in c.entities)
    )
    assert ids(client.get("/claims?entity=nlaw&role=about")) == []
    assert ids(client.get("/claims?entity=nlaw&role=mentioned")) == [
        "legion-volunteers-trained-on-nlaw"
    ]


def test_claimant_filter(client: TestClient) -> None:
    assert ids(client.get("/claims?claimant=Arestovych")) == [
        "arestovych-legion-few-hundred-members"
    ]
    volobuyev = ids(client.get("/claims?claimant=igor-volobuyev"))
    assert volobuyev == [
        "russians-with-ukrainian-roots-left-russia",
        "volobuyev-wanted-to-defend-ukraine",
        "volobuyev-could-not-be-part-of-crime",
    ]


def test_source_matches_any_hop_of_the_chain(
    client: TestClient, verified: VerifiedFixtures
) -> None:
    for source in [
        "interfax-legion-report",
        "legion-press-conference-2022-03-04",
        "moscow-times-switching-sides",
        "photo-legion-volunteer",
    ]:
        expected = fixture_ids(
            verified, lambda c, s=source: any(h.source == s for h in c.attribution)
        )
        assert set(ids(client.get(f"/claims?source={source}&limit=200"))) == expected
        assert expected
    # A publisher's name stands for all its sources.
    assert ids(client.get("/claims?source=Moscow Times&limit=200")) == ids(
        client.get("/claims?source=moscow-times-switching-sides&limit=200")
    )


def test_status_and_words(client: TestClient) -> None:
    # Disputed: the claims a contradicts relation sets against another claimant's.
    assert ids(client.get("/claims?status=disputed")) == [
        "arestovych-legion-few-hundred-members",
        "legion-two-fully-manned-battalions",
        "legion-two-battalions-over-1000-fighters",
    ]
    assert ids(client.get("/claims?q=BATTALIONS")) == [
        "legion-two-fully-manned-battalions",
        "legion-two-battalions-over-1000-fighters",
    ]
    # Every word must appear, in the statement or in the quote.
    assert ids(client.get("/claims?q=phones confiscated")) == [
        "sakhibgareev-unit-phones-confiscated"
    ]
    assert ids(client.get("/claims?q=phones%20battalions")) == []
    # Words are stemmed: "battalion" finds "battalions", "trained" finds "training".
    assert ids(client.get("/claims?q=battalion")) == ids(client.get("/claims?q=battalions"))
    assert "legion-first-volunteers-began-training" in ids(client.get("/claims?q=trained"))


def test_since_and_until_respect_date_precision(client: TestClient) -> None:
    june = ids(client.get("/claims?since=2022-06&until=2022-06"))
    assert june == [
        "sakhibgareev-sent-to-border",
        "sakhibgareev-unit-phones-confiscated",
        "sakhibgareev-unit-told-wear-vests",
        "sakhibgareev-learned-of-invasion-online",
        "sakhibgareev-went-into-hiding",
        "sakhibgareev-none-wanted-war",
        "arestovych-legion-few-hundred-members",
    ]
    march_4 = ids(client.get("/claims?since=2022-03-04&until=2022-03-04"))
    assert "legion-300-applications-a-day" in march_4
    assert ids(client.get("/claims?since=2022-07")) == ["legion-two-fully-manned-battalions"]
    # Claims known only to the year fall inside a year window, not a month window.
    assert len(ids(client.get("/claims?since=2022&until=2022&limit=200"))) == FIXTURE_CLAIMS
    assert ids(client.get("/claims?until=2021")) == []


def test_filters_combine(client: TestClient) -> None:
    assert ids(
        client.get("/claims?entity=legion&source=moscow-times-switching-sides&status=speculative")
    ) == [
        "legion-ukrainian-pr-project",
        "legion-video-soldier-maybe-coerced",
    ]
    assert ids(
        client.get("/claims?entity=legion&claimant=legion-representatives&q=belarusian")
    ) == ["legion-includes-belarusians"]


@pytest.mark.parametrize("limit", [1, 4, 7, 50])
def test_pages_walk_the_whole_list_once(client: TestClient, limit: int) -> None:
    everything = [c["id"] for c in client.get("/claims?limit=200").json()["items"]]
    walked = [c["id"] for c in walk(client, f"/claims?limit={limit}")]
    assert walked == everything
    assert len(everything) == FIXTURE_CLAIMS


def test_next_links_keep_the_filters(client: TestClient) -> None:
    first = client.get("/claims?entity=legion&limit=3").json()
    assert "entity=legion" in first["next"]
    assert "limit=3" in first["next"]


def test_next_links_keep_every_parameter_as_sent_and_replace_the_cursor(
    client: TestClient,
) -> None:
    sent = {"entity": "Freedom of Russia Legion", "facet": ["status", "claimant"], "limit": "2"}
    first = client.get("/claims", params=sent)
    link = first.json()["next"]
    assert first.headers["link"] == f'<{link}>; rel="next"'
    query = parse_qs(urlsplit(link).query)
    assert query.pop("cursor")
    assert query == {
        "entity": ["Freedom of Russia Legion"],
        "facet": ["status", "claimant"],
        "limit": ["2"],
    }
    second = client.get(link)
    assert second.status_code == 200, second.text
    third = parse_qs(urlsplit(second.json()["next"]).query)
    assert len(third.pop("cursor")) == 1
    assert third == query


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=ten", "limit"),
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=eyJ2IjoxLCJhZnRlciI6IngifQ", "cursor"),
        ("status=rumoured", "status"),
        ("role=author&entity=legion", "role"),
        ("role=about", "role"),
        ("since=June", "since"),
        ("until=2022-13", "until"),
        ("since=2022-02-30", "since"),
        ("entitiy=legion", "entitiy"),
        ("q=%25%25", "q"),
    ],
)
def test_bad_parameters_are_422_problems_naming_the_field(
    client: TestClient, query: str, field: str
) -> None:
    response = client.get(f"/claims?{query}")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert problem["field"] == field
    assert field in problem["detail"]


@pytest.mark.parametrize(
    ("param", "value", "suggestion"),
    [
        ("entity", "legoin", "freedom-of-russia-legion"),
        ("claimant", "Arestovich", "oleksiy-arestovych"),
        ("source", "interfax-report", "interfax-legion-report"),
    ],
)
def test_names_that_match_nothing_are_404_with_suggestions(
    client: TestClient, param: str, value: str, suggestion: str
) -> None:
    response = client.get("/claims", params={param: value})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["field"] == param
    assert suggestion in problem["suggestions"]
    assert f"Did you mean: {suggestion}" in problem["detail"] or suggestion in problem["detail"]


def test_unknown_claim_is_404(client: TestClient) -> None:
    response = client.get("/claims/no-such-claim")
    assert response.status_code == 404
    assert response.json()["title"] == "Claim not found"
