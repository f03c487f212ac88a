"""The typed client against the real app in-process: same answers sync and async."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from helpers import FIXTURE_CLAIMS

from api import Settings, Store, create_app
from api.client import (
    AsyncClaimsClient,
    AuthError,
    ClaimsAPIError,
    ClaimsClient,
    ConflictError,
    GoneError,
    InvalidRequestError,
    NotFoundError,
    PreconditionFailedError,
    Retraction,
    Tagged,
    next_cursor,
)
from api.writes.keys import create_key
from models import (
    ClaimCreate,
    ClaimPublic,
    ClaimSort,
    ClaimUpdate,
    EntityPublic,
    EntityUpdate,
    Facet,
    RevisionPublic,
    SourcePublic,
)
from models.base import ClaimStatus, EntityKind, Scope, StatedStatus
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
    assert len(claims.list_entity_claims("albert-sakhibgareev").items) == 6


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


# --- writes ---------------------------------------------------------------------------

QUOTE = "No one knows just how big it is and on what fronts it has fought."
NEW_ID = "legion-size-unknown-restated"


def new_claim(**changes: Any) -> dict[str, Any]:
    claim: dict[str, Any] = {
        "id": NEW_ID,
        "statement": "The size of the Freedom of Russia Legion is unknown.",
        "quote": {"source": ARTICLE, "text": QUOTE},
        "claimant": "moscow-times",
        "entities": [{"slug": LEGION, "role": "about"}],
        "attribution": [
            {"source": ARTICLE, "verb": "reported"},
            {
                "source": "moscow-times-switching-sides",
                "entity": "moscow-times",
                "verb": "reported",
            },
        ],
        "claimed_on": "2022",
        "status": "reported",
        "speech": "indirect",
    }
    claim.update(changes)
    return claim


def make_key(store: Store, name: str = "client-test", scope: Scope = Scope.admin) -> str:
    with store.write_session() as s:
        key = create_key(s, name, scope)
        s.commit()
    return key


@pytest.fixture
def editor(app: FastAPI, store: Store) -> Iterator[ClaimsClient]:
    """A client with an admin key named client-test."""
    with TestClient(app) as http, ClaimsClient(http=http, api_key=make_key(store)) as client:
        yield client


def test_a_claim_is_created_edited_under_its_etag_retracted_and_has_history(
    editor: ClaimsClient,
) -> None:
    created = editor.create_claim(ClaimCreate.model_validate(new_claim()), reason="restating")
    assert isinstance(created, ClaimPublic)
    start = editor.source_text(ARTICLE).index(QUOTE)
    assert (created.quote.start, created.quote.end) == (start, start + len(QUOTE))
    assert editor.get_claim(NEW_ID) == created

    tagged = editor.get_claim_with_etag(NEW_ID)
    assert isinstance(tagged, Tagged)
    claim, etag = tagged
    assert claim == created
    assert etag.startswith('"')
    updated = editor.update_claim(
        NEW_ID, ClaimUpdate(status=StatedStatus.speculative), if_match=etag, reason="contested"
    )
    assert updated.status is ClaimStatus.speculative
    assert updated.statement == created.statement  # a merge patch leaves the rest alone

    with pytest.raises(PreconditionFailedError) as stale:
        editor.update_claim(NEW_ID, {"status": "reported"}, if_match=etag)
    assert (stale.value.status, stale.value.field) == (412, "If-Match")
    with pytest.raises(PreconditionFailedError):
        editor.retract_claim(NEW_ID, if_match=etag)
    assert editor.get_claim(NEW_ID).status is ClaimStatus.speculative

    fresh = editor.get_claim_with_etag(NEW_ID)
    assert fresh.value == updated
    assert fresh.etag != etag
    retraction = editor.retract_claim(NEW_ID, if_match=fresh.etag, reason="duplicate")
    assert isinstance(retraction, Retraction)
    assert (retraction.claim, retraction.by, retraction.reason) == (
        NEW_ID,
        "client-test",
        "duplicate",
    )

    with pytest.raises(GoneError) as gone:
        editor.get_claim(NEW_ID)
    assert gone.value.status == 410
    assert gone.value.retraction == retraction
    with pytest.raises(GoneError):
        editor.get_claim_with_etag(NEW_ID)
    with pytest.raises(GoneError):
        editor.retract_claim(NEW_ID, if_match="*")
    assert NEW_ID not in {c.id for c in editor.iter_claims(entity="legion")}
    assert NEW_ID in {c.id for c in editor.iter_claims(entity="legion", include="retracted")}

    history = editor.claim_history(NEW_ID)
    assert all(isinstance(revision, RevisionPublic) for revision in history)
    assert [(r.number, r.action, r.actor, r.reason) for r in history] == [
        (1, "create", "client-test", "restating"),
        (2, "update", "client-test", "contested"),
        (3, "retract", "client-test", "duplicate"),
    ]
    assert history[1].changes["status"] == {"from": "reported", "to": "speculative"}


def test_writes_need_a_key_with_the_scope(app: FastAPI, store: Store) -> None:
    reader_key = make_key(store, "reader", Scope.read)
    writer_key = make_key(store, "writer", Scope.write)
    with TestClient(app) as http:
        anonymous = ClaimsClient(http=http)
        with pytest.raises(AuthError) as no_key:
            anonymous.create_claim(new_claim())
        assert no_key.value.status == 401
        with pytest.raises(AuthError) as unknown_key:
            ClaimsClient(http=http, api_key="sc_nope").create_claim(new_claim())
        assert unknown_key.value.status == 401
        with pytest.raises(AuthError) as too_small:
            ClaimsClient(http=http, api_key=reader_key).create_claim(new_claim())
        assert too_small.value.status == 403
        writer = ClaimsClient(http=http, api_key=writer_key)
        writer.create_entity({"slug": "nobody", "name": "Nobody", "kind": "person"})
        with pytest.raises(AuthError) as not_admin:
            writer.delete_entity("nobody", if_match="*")
        assert not_admin.value.status == 403
        # Reads stay public, and nothing was written by the refused requests.
        with pytest.raises(NotFoundError):
            anonymous.get_claim(NEW_ID)
        assert anonymous.get_entity("nobody").name == "Nobody"


def test_refused_writes_raise_the_error_for_their_status(editor: ClaimsClient) -> None:
    with pytest.raises(ConflictError) as taken:
        editor.create_claim(new_claim(id="legion-stated-goals"))
    assert taken.value.status == 409
    with pytest.raises(InvalidRequestError) as misquoted:
        editor.create_claim(new_claim(quote={"source": ARTICLE, "text": "No one knows how big."}))
    assert misquoted.value.field == "body.quote.text"
    with pytest.raises(NotFoundError):
        editor.update_claim("no-such-claim", {"status": "reported"}, if_match='"1-x"')
    with pytest.raises(NotFoundError):
        editor.claim_history("no-such-claim")


def test_entities_and_sources_are_created_edited_and_deleted(editor: ClaimsClient) -> None:
    entity = editor.create_entity(
        {"slug": "kyiv-independent", "name": "Kyiv Independent", "kind": "publication"},
        reason="new publisher",
    )
    assert isinstance(entity, EntityPublic)
    read, etag = editor.get_entity_with_etag("kyiv-independent")
    assert read == entity
    renamed = editor.update_entity(
        "kyiv-independent",
        EntityUpdate(name="The Kyiv Independent", aliases=["Kyiv Independent"]),
        if_match=etag,
    )
    assert (renamed.name, renamed.aliases) == ("The Kyiv Independent", ["Kyiv Independent"])
    with pytest.raises(PreconditionFailedError):
        editor.update_entity("kyiv-independent", {"description": "x"}, if_match=etag)
    assert editor.get_entity("Kyiv Independent").slug == "kyiv-independent"

    source = editor.create_source(
        {
            "slug": "ki-report",
            "name": "Kyiv Independent report",
            "kind": "news_report",
            "publisher": "kyiv-independent",
        }
    )
    assert isinstance(source, SourcePublic)
    assert source.text_held is False
    tagged = editor.get_source_with_etag("ki-report")
    assert tagged.value == source
    dated = editor.update_source(
        "ki-report", {"date": "2023-05"}, if_match=tagged.etag, reason="dated"
    )
    assert dated.date == "2023-05"
    with pytest.raises(PreconditionFailedError):
        editor.update_source("ki-report", {"date": "2023"}, if_match=tagged.etag)

    with pytest.raises(ConflictError):
        editor.delete_entity("kyiv-independent", if_match="*")  # it publishes ki-report
    assert [(r.action, r.actor) for r in editor.entity_history("kyiv-independent")] == [
        ("create", "client-test"),
        ("update", "client-test"),
    ]
    assert [(r.action, r.reason) for r in editor.source_history("ki-report")] == [
        ("create", None),
        ("update", "dated"),
    ]
    with pytest.raises(PreconditionFailedError):
        editor.delete_source("ki-report", if_match=tagged.etag)
    current = editor.get_source_with_etag("ki-report").etag
    editor.delete_source("ki-report", if_match=current, reason="gone")
    editor.delete_entity("kyiv-independent", if_match="*")
    with pytest.raises(NotFoundError):
        editor.get_source("ki-report")
    with pytest.raises(NotFoundError):
        editor.get_entity("kyiv-independent")


def test_a_source_with_a_held_text_is_deleted(editor: ClaimsClient) -> None:
    text = "The Legion fought near Bakhmut."
    made = editor.create_source(
        {"slug": "ki-report", "name": "KI report", "kind": "news_report", "text": text}
    )
    assert made.text_held is True
    assert editor.source_text("ki-report") == text
    editor.delete_source("ki-report", if_match="*")
    with pytest.raises(NotFoundError):
        editor.source_text("ki-report")


def test_sort_facet_count_and_include_are_passed_through(claims: ClaimsClient) -> None:
    page = claims.list_claims(
        entity="legion",
        sort="-claimed_on",
        facet=[Facet.status, "claimant"],
        count="exact",
        limit=200,
    )
    everything = list(claims.iter_claims(entity="legion"))
    assert page.count == len(everything)
    assert page.facets is not None
    assert set(page.facets) == {"status", "claimant"}
    assert sum(f.count for f in page.facets["status"]) == len(everything)
    assert {c.id for c in page.items} == {c.id for c in everything}
    dated = [c.claimed_on for c in page.items if c.claimed_on is not None]
    assert dated == sorted(dated, reverse=True)
    walked = [c.id for c in claims.iter_claims(entity="legion", sort=ClaimSort.claimed_on_desc)]
    assert walked == [c.id for c in page.items]
    ranked = claims.list_claims(q="battalions", sort="relevance")
    assert ranked.items
    assert ranked.count is None  # not asked for
    assert ranked.facets is None
    nested = claims.list_entity_claims(LEGION, facet=["source"], count="exact")
    assert nested.count == len(everything)
    with pytest.raises(InvalidRequestError) as no_words:
        claims.list_claims(sort="relevance")
    assert no_words.value.field == "sort"


def test_writes_send_merge_patch_if_match_reason_and_repeated_facets() -> None:
    seen: list[httpx.Request] = []
    retraction = {"claim": "c", "at": "2024-01-02T03:04:05Z", "by": "me", "reason": None}

    stale = {"type": "about:blank", "title": "Precondition Failed", "status": 412, "detail": ""}

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "PATCH":
            return httpx.Response(412, json=stale)
        if request.method == "DELETE" and request.url.path.startswith("/claims/"):
            return httpx.Response(200, json=retraction)
        if request.method == "DELETE":
            return httpx.Response(204)
        return httpx.Response(200, json={"items": [], "next": None})

    transport = httpx.MockTransport(answer)
    with ClaimsClient("http://claims.test", api_key="k", transport=transport) as client:
        with pytest.raises(PreconditionFailedError):
            client.update_claim("a/b", {"quantity": None}, if_match='"2-ab"', reason="why")
        client.retract_claim("c", if_match="*")
        client.delete_source("s", if_match='"1-cd"')
        client.list_claims(facet=["status", "claimant"], sort=ClaimSort.claimed_on)
    patch, retract, delete, listing = seen
    assert patch.method == "PATCH"
    assert str(patch.url) == "http://claims.test/claims/a%2Fb?reason=why"
    assert patch.headers["content-type"] == "application/merge-patch+json"
    assert patch.headers["if-match"] == '"2-ab"'
    assert patch.headers["authorization"] == "Bearer k"
    assert json.loads(patch.content) == {"quantity": None}  # an explicit null is kept
    assert retract.headers["if-match"] == "*"
    assert str(retract.url) == "http://claims.test/claims/c"
    assert delete.headers["if-match"] == '"1-cd"'
    assert listing.url.params.get_list("facet") == ["status", "claimant"]
    assert listing.url.params["sort"] == "claimed_on"


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (401, AuthError),
        (403, AuthError),
        (404, NotFoundError),
        (409, ConflictError),
        (410, GoneError),
        (412, PreconditionFailedError),
        (422, InvalidRequestError),
        (428, ClaimsAPIError),
        (500, ClaimsAPIError),
    ],
)
def test_each_status_raises_its_error(status: int, kind: type[ClaimsAPIError]) -> None:
    problem = {"type": "about:blank", "title": "No", "status": status, "detail": "no"}
    transport = httpx.MockTransport(
        lambda request: httpx.Response(
            status,
            json=problem,
            headers={"content-type": "application/problem+json"},
            request=request,
        )
    )
    with (
        ClaimsClient("http://claims.test", transport=transport) as client,
        pytest.raises(ClaimsAPIError) as caught,
    ):
        client.get_claim("x")
    assert type(caught.value) is kind
    assert caught.value.status == status
    if isinstance(caught.value, GoneError):
        assert caught.value.retraction is None  # a 410 without a record still raises


def test_async_client_writes_like_the_sync_one(app: FastAPI, store: Store) -> None:
    key = make_key(store)

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=app)
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as http,
            AsyncClaimsClient(http=http, api_key=key) as editor,
            AsyncClaimsClient(http=http) as anonymous,
        ):
            with pytest.raises(AuthError) as no_key:
                await anonymous.create_claim(new_claim())
            assert no_key.value.status == 401

            created = await editor.create_claim(new_claim(), reason="restating")
            claim, etag = await editor.get_claim_with_etag(NEW_ID)
            assert claim == created
            updated = await editor.update_claim(
                NEW_ID, {"status": "speculative"}, if_match=etag, reason="contested"
            )
            assert updated.status is ClaimStatus.speculative
            with pytest.raises(PreconditionFailedError):
                await editor.update_claim(NEW_ID, {"status": "reported"}, if_match=etag)
            fresh = await editor.get_claim_with_etag(NEW_ID)
            retraction = await editor.retract_claim(NEW_ID, if_match=fresh.etag, reason="duplicate")
            assert retraction.by == "client-test"
            with pytest.raises(GoneError) as gone:
                await editor.get_claim(NEW_ID)
            assert gone.value.retraction == retraction
            history = await editor.claim_history(NEW_ID)
            assert [(r.action, r.actor, r.reason) for r in history] == [
                ("create", "client-test", "restating"),
                ("update", "client-test", "contested"),
                ("retract", "client-test", "duplicate"),
            ]

            entity = await editor.create_entity(
                {"slug": "kyiv-independent", "name": "Kyiv Independent", "kind": "publication"}
            )
            tagged = await editor.get_entity_with_etag(entity.slug)
            renamed = await editor.update_entity(
                entity.slug, {"name": "The Kyiv Independent"}, if_match=tagged.etag
            )
            assert renamed.name == "The Kyiv Independent"
            source = await editor.create_source(
                {
                    "slug": "ki-report",
                    "name": "Kyiv Independent report",
                    "kind": "news_report",
                    "publisher": entity.slug,
                }
            )
            source_tag = (await editor.get_source_with_etag(source.slug)).etag
            dated = await editor.update_source(
                source.slug, {"date": "2023-05"}, if_match=source_tag
            )
            assert dated.date == "2023-05"
            with pytest.raises(ConflictError):
                await editor.delete_entity(entity.slug, if_match="*")
            actions = [r.action for r in await editor.source_history(source.slug)]
            assert actions == ["create", "update"]
            actions = [r.action for r in await editor.entity_history(entity.slug)]
            assert actions == ["create", "update"]
            await editor.delete_source(source.slug, if_match="*")
            await editor.delete_entity(entity.slug, if_match="*")
            with pytest.raises(NotFoundError):
                await editor.get_entity(entity.slug)

            page = await editor.list_claims(
                include="retracted", count="exact", facet=["status"], sort="claimed_on"
            )
            assert page.count == FIXTURE_CLAIMS + 1
            assert page.facets is not None
            assert NEW_ID in [c.id async for c in editor.iter_claims(include="retracted")]

    asyncio.run(scenario())
