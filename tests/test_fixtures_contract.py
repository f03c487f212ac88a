"""The fixtures as a contract: faithful to the article, complete, and self-consistent."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from api.ingest.fixtures import VerifiedFixtures
from models.base import normalize_name

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_7eec1dc745a9adda.txt"
SHARED_SEED = ROOT.parent / "shared" / "seeds" / SEED.name
SEED_SHA256 = "faeb28fceb1008d78658a7b6b90a74015c9cc06be1044ebbf0a679a3ab866749"
ARTICLE = "legion-article-2022"


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of the text: split at line breaks and at . ! ? (plus a closing quote)."""
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        for sentence in re.finditer(r"\S.*?(?:[.!?][\u201d\u2019\"]?(?=\s|$)|$)", line.group()):
            spans.append((line.start() + sentence.start(), line.start() + sentence.end()))
    return spans


def test_seed_is_the_article_byte_for_byte() -> None:
    data = SEED.read_bytes()
    assert hashlib.sha256(data).hexdigest() == SEED_SHA256
    if SHARED_SEED.exists():
        assert data == SHARED_SEED.read_bytes()


def test_every_quote_is_verbatim_at_its_offsets(verified: VerifiedFixtures) -> None:
    text = verified.texts[ARTICLE]
    for claim in verified.claims:
        assert text[claim.quote.start : claim.quote.end] == claim.quote.text, claim.id


def test_the_article_yields_a_full_set_of_claims(verified: VerifiedFixtures) -> None:
    assert 35 <= len(verified.claims) <= 45
    statuses = {claim.status.value for claim in verified.claims}
    assert statuses == {"asserted", "reported", "speculative"}  # disputed: from relations
    assert {relation.type.value for relation in verified.fixtures.relations} == {
        "contradicts",
        "undermines",
        "qualifies",
        "supports",
        "restates",
        "derived_from",
    }
    speech = {claim.speech.value for claim in verified.claims}
    assert speech == {"direct", "indirect", "own"}


def test_every_sentence_is_a_claim_or_says_why_not(verified: VerifiedFixtures) -> None:
    text = verified.texts[ARTICLE]
    covered = [(c.quote.start, c.quote.end) for c in verified.claims if c.quote.source == ARTICLE]
    excused = {(n.start, n.end): n.reason for n in verified.fixtures.not_claims}
    uncovered = [
        text[start:end]
        for start, end in sentences(text)
        if not any(a < end and start < b for a, b in covered)
        and not any(a <= start and end <= b for a, b in excused)
    ]
    assert uncovered == []
    assert all(reason.strip() for reason in excused.values())


def test_no_claim_quotes_the_page_furniture(verified: VerifiedFixtures) -> None:
    text = verified.texts[ARTICLE]
    furniture_start = text.index("Previous article")
    assert all(claim.quote.end <= furniture_start for claim in verified.claims)
    names = [e.name for e in verified.fixtures.entities]
    assert not any("Dershowitz" in n or "Litzman" in n or n == "David" for n in names)


def test_every_entity_and_source_is_used(verified: VerifiedFixtures) -> None:
    f = verified.fixtures
    used_entities = {s.publisher for s in f.sources} | {
        slug
        for c in f.claims
        for slug in [c.claimant, *(e.slug for e in c.entities), *(h.entity for h in c.attribution)]
    }
    used_sources = {h.source for c in f.claims for h in c.attribution}
    assert {e.slug for e in f.entities} <= used_entities
    assert {s.slug for s in f.sources} <= used_sources


def test_legion_is_the_freedom_of_russia_legion(verified: VerifiedFixtures) -> None:
    owners = {
        normalize_name(alias): e.slug for e in verified.fixtures.entities for alias in e.aliases
    }
    assert owners["legion"] == "freedom-of-russia-legion"
    assert owners["international legion"] == "international-legion"


@pytest.mark.parametrize(
    ("claim_id", "words"),
    [
        ("sakhibgareev-unit-phones-confiscated", "phones confiscated"),
        ("legion-volunteers-trained-on-nlaw", "NLAW"),
        ("legion-300-applications-a-day", "300 applications"),
        ("legion-includes-belarusians", "Belarusian brothers"),
        ("photo-caption-legion-volunteer", "June 23, 2022"),
    ],
)
def test_minor_claims_are_there(verified: VerifiedFixtures, claim_id: str, words: str) -> None:
    claims = {claim.id: claim for claim in verified.claims}
    assert words in claims[claim_id].quote.text


def test_inferred_dates_say_why(verified: VerifiedFixtures) -> None:
    for source in verified.fixtures.sources:
        if source.date_inferred:
            assert source.date, source.slug
            assert source.date_note, source.slug
