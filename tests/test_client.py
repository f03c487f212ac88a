"""The typed client against the real app in-process: same answers sync and async."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import Settings, Store, create_app
from api.client import (
    AsyncClaimsClient,
    ClaimsAPIError,
    ClaimsClient,
    InvalidRequestError,
    NotFoundError,
    next_cursor,
)
from models import ClaimPublic, EntityPublic, SourcePublic
from models.base import ClaimStatus, EntityKind
from models.page import ClaimPage

LEGION = "freedom-of-russia-legion"
ARTICLE = "legion-article-2022"


@pytest.fixture
def app(store: Store) -> FastAPI:
    return create_app(Settings(database_url="sqlite://"), store=store)


@pytest.fixture
def claims(app: FastAPI) -> Iterator[ClaimsClient]:
    with TestClient(app) as http, ClaimsClient(http=http) as client:
        yield client


def test_iter_claims_follows_next_links_in_order(claims: ClaimsClient) -> None:
    one_page = claims.list_claims(entity="legion", limit=200)
    assert isinstance(one_page, ClaimPage)
    assert one_page.next is None
    walked = list(claims.iter_claims(entity="legion", limit=5))
    assert all(isinstance(claim, ClaimPublic) for claim in walked)
    assert [c.id for c in walked] == [c.id for c in one_page.items]
    assert len(walked) > 5  # really more than one page


def test_list_claims_is_one_page_and_resumes_from_its_cursor(claims: ClaimsClient) -> None:
    first = claims.list_claims(entity="legion", limit=5)
    assert len(first.items) == 5
    cursor = next_cursor(first)
    assert cursor is not None
    second = claims.list_claims(entity="legion", limit=5, cursor=cursor)
    everything = [c.id for c in claims.iter_claims(entity="legion")]
    assert [c.id for c in first.items + second.items] == everything[:10]


def test_filters_are_passed_through(claims: ClaimsClient) -> None:
    by_claimant = claims.list_claims(claimant="arestovych")
    assert [c.id for c in by_claimant.items] == ["arestovych-legion-few-hundred-members"]
    speculative = list(claims.iter_claims(entity="legion", status=ClaimStatus.speculative))
    assert speculative
    assert {c.status for c in speculative} == {ClaimStatus.speculative}
    # Filters left as None are not sent, so they narrow nothing.
    assert claims.list_claims(entity=None, q=None, limit=200).items == (
        claims.list_claims(limit=200).items
    )


def test_get_claim_quote_matches_the_held_text(claims: ClaimsClient) -> None:
    claim = claims.get_claim("legion-300-applications-a-day")
    assert isinstance(claim, ClaimPublic)
    quote = claim.quote
    assert quote.text == "there are more than 300 applications to join the legion every day."
    assert claims.source_text(quote.source, quote.start, quote.end) == quote.text
    assert claims.source_text(ARTICLE).startswith(claims.source_text(ARTICLE, end=40))


def test_entities(claims: ClaimsClient) -> None:
    legion = claims.get_entity("Legion")
    assert isinstance(legion, EntityPublic)
    assert legion.slug == LEGION
    people = [e.slug for e in claims.iter_entities(kind=EntityKind.person, limit=2)]
    assert people == [e.slug for e in claims.list_entities(kind="person").items]
    assert "oleksiy-arestovych" in people
    by_role = claims.iter_entity_claims("Sakhibgareev", role="claimant")
    assert [c.id for c in by_role] == ["sakhibgareev-none-wanted-war"]
    assert len(claims.list_entity_claims("albert-sakhibgareev").items) == 5


def test_sources(claims: ClaimsClient) -> None:
    every = list(claims.iter_sources(limit=3))
    assert len(every) == 11
    assert all(isinstance(s, SourcePublic) for s in every)
    assert [s.slug for s in every] == [s.slug for s in claims.list_sources().items]
    by_wsj = claims.list_sources(publisher="Wall Street Journal")
    assert [s.slug for s in by_wsj.items] == ["wsj-sakhibgareev-report"]
    source = claims.get_source("moscow-times-switching-sides")
    assert source.publisher is not None
    assert source.publisher.slug == "moscow-times"
    through_time = claims.iter_source_claims("time-legion-report")
    assert [c.id for c in through_time] == ["legion-stated-goals"]
    assert claims.list_source_claims("time-legion-report").items[0].id == "legion-stated-goals"


def test_health(claims: ClaimsClient, store: Store) -> None:
    health = claims.health()
    assert (health.status, health.database) == ("ok", store.dialect)


def test_unknown_entity_is_not_found_with_suggestions(claims: ClaimsClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        claims.list_claims(entity="legoin")
    error = caught.value
    assert error.status == 404
    assert error.problem.field == "entity"
    assert error.problem.suggestions is not None
    assert LEGION in error.problem.suggestions
    assert error.problem.type == "urn:sourced-claims:problem:unknown-reference"
    with pytest.raises(NotFoundError):
        claims.get_claim("no-such-claim")
    with pytest.raises(NotFoundError):
        list(claims.iter_entity_claims("nobody"))


def test_a_refused_parameter_is_an_invalid_request_naming_it(claims: ClaimsClient) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        claims.list_claims(limit=500)
    assert caught.value.status == 422
    assert caught.value.field == "limit"
    assert "limit" in {e.field for e in caught.value.errors}
    with pytest.raises(InvalidRequestError) as bad_span:
        claims.source_text(ARTICLE, start=10, end=5)
    assert bad_span.value.field == "end"


def test_a_body_that_is_not_a_problem_still_raises() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text="<html>Bad gateway</html>", request=request)

    transport = httpx.MockTransport(answer)
    with (
        ClaimsClient("http://claims.test", transport=transport) as client,
        pytest.raises(ClaimsAPIError) as caught,
    ):
        client.health()
    error = caught.value
    assert type(error) is ClaimsAPIError
    assert (error.status, error.problem.type) == (502, "about:blank")
    assert error.detail == "<html>Bad gateway</html>"


def test_requests_carry_base_url_api_key_and_only_set_parameters() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"items": [], "next": None})

    transport = httpx.MockTransport(answer)
    with ClaimsClient(
        "http://claims.test/api/", api_key="s3cret", headers={"X-Trace": "1"}, transport=transport
    ) as client:
        assert client.list_entities(kind="person", q=None).items == []
    (request,) = seen
    assert str(request.url) == "http://claims.test/api/entities?kind=person"
    assert request.headers["authorization"] == "Bearer s3cret"
    assert request.headers["x-trace"] == "1"


def test_constructor_refuses_options_it_could_not_apply() -> None:
    with pytest.raises(ValueError, match="base_url"):
        ClaimsClient()
    with httpx.Client() as http, pytest.raises(ValueError, match="transport and timeout"):
        ClaimsClient(http=http, timeout=1.0)


def test_async_client_answers_like_the_sync_one(app: FastAPI, claims: ClaimsClient) -> None:
    async def scenario() -> dict[str, object]:
        transport = httpx.ASGITransport(app=app)
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as http,
            AsyncClaimsClient(http=http) as client,
        ):
            walked = [c.id async for c in client.iter_claims(entity="legion", limit=5)]
            page = await client.list_claims(claimant="arestovych")
            claim = await client.get_claim("legion-300-applications-a-day")
            quote = claim.quote
            span = await client.source_text(quote.source, quote.start, quote.end)
            entity = await client.get_entity("Legion")
            people = [e.slug async for e in client.iter_entities(kind="person", limit=2)]
            sources = [s.slug async for s in client.iter_sources(limit=3)]
            source = await client.get_source(ARTICLE)
            by_entity = [c.id async for c in client.iter_entity_claims("albert-sakhibgareev")]
            by_source = [c.id async for c in client.iter_source_claims("time-legion-report")]
            health = await client.health()
            with pytest.raises(NotFoundError) as not_found:
                await client.list_claims(entity="legoin")
            with pytest.raises(InvalidRequestError) as invalid:
                await client.list_claims(limit=500)
            return {
                "walked": walked,
                "page": [c.id for c in page.items],
                "claim": claim,
                "span_is_quote": span == quote.text,
                "entity": entity,
                "people": people,
                "sources": sources,
                "source": source,
                "by_entity": by_entity,
                "by_source": by_source,
                "health": health,
                "not_found": (not_found.value.field, not_found.value.suggestions),
                "invalid": invalid.value.field,
            }

    got = asyncio.run(scenario())
    claim = claims.get_claim("legion-300-applications-a-day")
    with pytest.raises(NotFoundError) as not_found:
        claims.list_claims(entity="legoin")
    assert got == {
        "walked": [c.id for c in claims.list_claims(entity="legion", limit=200).items],
        "page": ["arestovych-legion-few-hundred-members"],
        "claim": claim,
        "span_is_quote": True,
        "entity": claims.get_entity(LEGION),
        "people": [e.slug for e in claims.iter_entities(kind="person")],
        "sources": [s.slug for s in claims.iter_sources()],
        "source": claims.get_source(ARTICLE),
        "by_entity": [c.id for c in claims.iter_entity_claims("albert-sakhibgareev")],
        "by_source": ["legion-stated-goals"],
        "health": claims.health(),
        "not_found": (not_found.value.field, not_found.value.suggestions),
        "invalid": "limit",
    }


def test_clients_close_only_the_http_client_they_made(app: FastAPI) -> None:
    with TestClient(app) as http:
        with ClaimsClient(http=http) as given:
            given.health()
        assert not http.is_closed
    with ClaimsClient(
        "http://testserver", transport=httpx.MockTransport(lambda _: httpx.Response(204))
    ) as own:
        pass
    assert own.http.is_closed

    async def scenario() -> tuple[str, bool]:
        transport = httpx.ASGITransport(app=app)
        async with AsyncClaimsClient("http://testserver", transport=transport) as client:
            health = await client.health()
        return health.status, client.http.is_closed

    assert asyncio.run(scenario()) == ("ok", True)
