"""The review queue through the typed client: the same session, sync and async."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from candidate_texts import FERRY_STRIKE, FUEL_PRICES, HARBOUR_FIRE, SAID_ON_TUESDAY
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import Settings, Store, create_app
from api.client import (
    AcceptCandidate,
    AsyncClaimsClient,
    CandidatePage,
    CandidatePublic,
    CandidateState,
    ClaimPublic,
    ClaimsClient,
    ConflictError,
    Extracted,
    InvalidRequestError,
    NotFoundError,
    PreconditionFailedError,
    Tagged,
)
from api.writes.keys import create_key
from models.base import Scope


@pytest.fixture
def app(store: Store) -> FastAPI:
    return create_app(Settings(database_url="sqlite://"), store=store)


def make_key(store: Store, name: str = "bob") -> str:
    with store.write_session() as session:
        key = create_key(session, name, Scope.write)
        session.commit()
    return key


@pytest.fixture
def reviewer(app: FastAPI, store: Store) -> Iterator[ClaimsClient]:
    """A client with a write key named bob, and the harbour-fire story held."""
    with TestClient(app) as http, ClaimsClient(http=http, api_key=make_key(store)) as client:
        client.create_source(
            {
                "slug": "harbour-fire",
                "name": "Harbour fire",
                "kind": "article",
                "text": HARBOUR_FIRE,
            }
        )
        yield client


def find(items: list[CandidatePublic], words: str) -> CandidatePublic:
    (found,) = [item for item in items if item.quote.text == words]
    return found


def test_a_reviewer_extracts_walks_accepts_and_rejects(reviewer: ClaimsClient) -> None:
    extracted = reviewer.extract_source("harbour-fire", reason="new story")
    assert isinstance(extracted, Extracted)
    page = reviewer.list_candidates(source="harbour-fire", state=CandidateState.pending, limit=2)
    assert isinstance(page, CandidatePage)
    assert len(page.items) == 2
    queued = list(reviewer.iter_candidates(source="harbour-fire", limit=2))
    assert len(queued) == extracted.candidates
    assert queued[:2] == page.items

    said = find(queued, SAID_ON_TUESDAY)
    tagged = reviewer.get_candidate_with_etag(said.id)
    assert isinstance(tagged, Tagged)
    assert tagged.value == reviewer.get_candidate(said.id) == said
    with pytest.raises(InvalidRequestError) as missing:
        reviewer.accept_candidate(said.id, if_match=tagged.etag)
    assert missing.value.field == "claimant.name"
    claim = reviewer.accept_candidate(
        said.id,
        AcceptCandidate(create_entities=True, id="okafor-warehouse"),
        if_match=tagged.etag,
        reason="checked against the video",
    )
    assert isinstance(claim, ClaimPublic)
    assert (claim.id, claim.claimant.slug) == ("okafor-warehouse", "maria-okafor")
    with pytest.raises(PreconditionFailedError):
        reviewer.accept_candidate(said.id, if_match=tagged.etag)
    with pytest.raises(ConflictError):
        reviewer.accept_candidate(said.id, if_match="*")
    history = reviewer.candidate_history(said.id)
    assert [(r.action, r.actor, r.reason) for r in history] == [
        ("create", "bob", "new story"),
        ("accept", "bob", "checked against the video"),
    ]
    assert [c.id for c in reviewer.iter_claims(source="harbour-fire")] == ["okafor-warehouse"]

    hedge = find(queued, FUEL_PRICES)
    rejected = reviewer.reject_candidate(hedge.id, "no one to credit", if_match="*")
    assert (rejected.state, rejected.reason) == (CandidateState.rejected, "no one to credit")
    assert [c.id for c in reviewer.iter_candidates(state="rejected")] == [hedge.id]
    with pytest.raises(NotFoundError):
        reviewer.get_candidate(10_000)
    with pytest.raises(NotFoundError):
        reviewer.extract_source("no-such-source")


def test_the_async_client_reviews_like_the_sync_one(app: FastAPI, store: Store) -> None:
    key = make_key(store, "carol")

    async def session() -> None:
        transport = httpx.ASGITransport(app=app)
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as http,
            AsyncClaimsClient(http=http, api_key=key) as reviewer,
        ):
            await reviewer.create_source(
                {"slug": "ferry", "name": "Ferry strike", "kind": "article", "text": FERRY_STRIKE}
            )
            assert (await reviewer.extract_source("ferry")).candidates == 1
            (candidate,) = [c async for c in reviewer.iter_candidates(source="ferry")]
            tagged = await reviewer.get_candidate_with_etag(candidate.id)
            claim = await reviewer.accept_candidate(
                candidate.id, {"create_entities": True}, if_match=tagged.etag
            )
            assert claim.claimant.name == "Tom Reyes"
            accepted = await reviewer.get_candidate(candidate.id)
            assert (accepted.state, accepted.claim) == (CandidateState.accepted, claim.id)
            with pytest.raises(ConflictError):
                await reviewer.reject_candidate(candidate.id, "too late", if_match="*")

    asyncio.run(session())
