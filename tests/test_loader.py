"""The loader proves every quote, syncs idempotently, and never half-writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import FIXTURE_CLAIMS, FIXTURE_RELATIONS
from sqlalchemy import text

from api import Store
from api.ingest.fixtures import FixtureError, VerifiedFixtures, item_count, load, read_and_verify

TABLES = [
    "entity",
    "entity_name",
    "source",
    "source_text",
    "claim",
    "claim_entity",
    "attribution_hop",
    "revision",
]


def snapshot(store: Store) -> dict[str, list[tuple[object, ...]]]:
    with store.engine.connect() as conn:
        return {
            t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY 1, 2"))]
            for t in TABLES
        }


def rewrite(path: Path, old: str, new: str) -> None:
    content = path.read_text(encoding="utf-8")
    assert old in content
    path.write_text(content.replace(old, new, 1), encoding="utf-8")


def test_a_tampered_quote_is_rejected_naming_the_claim_and_the_nearest_match(
    fixtures_copy: Path,
) -> None:
    rewrite(
        fixtures_copy / "claims.yaml",
        "there are more than 300 applications",
        "there are more than 3000 applications",
    )
    with pytest.raises(FixtureError) as failure:
        read_and_verify(fixtures_copy)
    message = str(failure.value)
    assert "claim 'legion-300-applications-a-day'" in message
    assert "nearest match at 2641-" in message
    assert "there are more than 300 applications to join the legion every day." in message


def test_a_quote_at_the_wrong_offsets_is_rejected(fixtures_copy: Path) -> None:
    rewrite(
        fixtures_copy / "claims.yaml", "start: 2641\n    end: 2707", "start: 2642\n    end: 2708"
    )
    with pytest.raises(FixtureError, match=r"is not at 2642-2708.*nearest match at 2641-2707"):
        read_and_verify(fixtures_copy)


def test_an_alias_clash_is_rejected(fixtures_copy: Path) -> None:
    rewrite(
        fixtures_copy / "entities.yaml",
        "aliases: [International Legion]",
        "aliases: [International Legion, LEGION]",
    )
    with pytest.raises(
        FixtureError, match="'LEGION' already belongs to 'freedom-of-russia-legion'"
    ):
        read_and_verify(fixtures_copy)


def test_unknown_references_are_each_reported(fixtures_copy: Path) -> None:
    rewrite(
        fixtures_copy / "claims.yaml",
        "claimant: oleksiy-arestovych",
        "claimant: oleksii-arestovych",
    )
    with pytest.raises(FixtureError) as failure:
        read_and_verify(fixtures_copy)
    assert "unknown claimant 'oleksii-arestovych'" in str(failure.value)
    assert "appears in no attribution hop" in str(failure.value)


def test_a_malformed_record_names_its_file_and_field(fixtures_copy: Path) -> None:
    rewrite(fixtures_copy / "claims.yaml", "status: speculative", "status: rumoured")
    with pytest.raises(FixtureError, match=r"claims.yaml record \d+ \(.+\): status"):
        read_and_verify(fixtures_copy)


def test_loading_twice_changes_nothing(store: Store, verified: object) -> None:
    before = snapshot(store)
    report = load(store, read_and_verify(Path(__file__).parent.parent / "fixtures"))
    assert not report.changed
    assert report.unchanged == {
        "entity": 29,
        "source": 11,
        "claim": FIXTURE_CLAIMS,
        "relation": FIXTURE_RELATIONS,
    }
    assert snapshot(store) == before


def test_an_edited_fixture_updates_in_place_and_says_so(store: Store, fixtures_copy: Path) -> None:
    rewrite(
        fixtures_copy / "claims.yaml",
        "status: speculative\n  speech: indirect\n  quantity:",
        "status: reported\n  speech: indirect\n  quantity:",
    )
    report = load(store, read_and_verify(fixtures_copy))
    assert report.updated == {"claim": 1}
    assert not report.created
    with store.engine.connect() as conn:
        revisions = conn.execute(
            text(
                "SELECT action, actor FROM revision WHERE resource_key = "
                "'legion-two-battalions-over-1000-fighters' ORDER BY id"
            )
        ).all()
    assert [tuple(r) for r in revisions] == [("create", "fixtures"), ("update", "fixtures")]


def test_a_failed_load_leaves_the_store_as_it_was(store: Store, fixtures_copy: Path) -> None:
    before = snapshot(store)
    # A renamed entity keeps its old name, which the store already gives to the old slug:
    # the sync gets as far as writing, then the store's unique constraint refuses.
    rewrite(fixtures_copy / "entities.yaml", "- slug: time\n", "- slug: time-magazine\n")
    for name in ("claims.yaml", "sources.yaml"):
        path = fixtures_copy / name
        path.write_text(
            path.read_text(encoding="utf-8")
            .replace("entity: time,", "entity: time-magazine,")
            .replace("publisher: time\n", "publisher: time-magazine\n"),
            encoding="utf-8",
        )
    verified = read_and_verify(fixtures_copy)
    with pytest.raises(FixtureError, match="nothing was written"):
        load(store, verified)
    assert snapshot(store) == before


def test_a_load_reports_each_resource_it_syncs_for_the_progress_bar(
    empty_store: Store, verified: VerifiedFixtures
) -> None:
    """`claims load` moves its bar by what `load` reports: every resource once, to the
    total the bar is given, whether the load writes it or finds it unchanged."""
    for _ in range(2):
        heard: list[int] = []
        load(empty_store, verified, on_item=heard.append)
        assert heard == [1] * item_count(verified)
    assert item_count(verified) == FIXTURE_CLAIMS + FIXTURE_RELATIONS + len(
        verified.fixtures.entities
    ) + len(verified.fixtures.sources)
