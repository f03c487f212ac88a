"""`claims ingest`: a newsroom's folder of articles in, one line per file, candidates queued."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from candidate_texts import FERRY_STRIKE, HARBOUR_FIRE, NEVER_SEEN, by_words
from conftest import url_of
from fastapi.testclient import TestClient
from rich.console import Console
from typer.testing import CliRunner

from api import Store
from api.cli import cli
from api.cli.progress import progress

runner = CliRunner()
# A folder's articles, in the order it is read: one in Latin-1, one empty.
NAMES = {
    "Harbour Fire (Elmsford).txt": HARBOUR_FIRE.encode(),
    "caf\u00e9.txt": "Le caf\u00e9 a ferm\u00e9, a dit le patron.".encode("latin-1"),
    "empty.txt": b"\n  \n",
    "ferry_strike.txt": FERRY_STRIKE.encode(),
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two articles, one file in Latin-1, one empty file and a note that is not *.txt."""
    articles = tmp_path / "articles"
    articles.mkdir()
    for name, content in NAMES.items():
        (articles / name).write_bytes(content)
    (articles / "README.md").write_text("not an article", encoding="utf-8")
    return articles


def ingest(store: Store, *args: str) -> tuple[int, list[str]]:
    result = runner.invoke(cli, ["ingest", *args, "--database-url", url_of(store)])
    return result.exit_code, result.output.splitlines()


def test_one_file_becomes_a_held_source_with_its_candidates(
    store: Store, client: TestClient, tmp_path: Path
) -> None:
    article = tmp_path / "story.txt"
    article.write_text(HARBOUR_FIRE, encoding="utf-8")
    code, lines = ingest(
        store,
        str(article),
        "--slug",
        "elmsford-fire",
        "--publisher",
        "The Moscow Times",
        "--date",
        "2024-03-06",
        "--url",
        "https://example.org/fire",
    )
    assert code == 0, lines
    queued = client.get("/candidates?source=elmsford-fire&limit=200").json()["items"]
    assert lines == [
        f"{article} -> elmsford-fire: {len(queued)} candidates",
        f"1 ingested, {len(queued)} candidates queued for review",
    ]
    source = client.get("/sources/elmsford-fire").json()
    assert source["publisher"]["slug"] == "moscow-times"  # the name resolves to the slug
    assert (source["date"], source["url"], source["kind"]) == (
        "2024-03-06",
        "https://example.org/fire",
        "article",
    )
    assert client.get("/sources/elmsford-fire/text").text == HARBOUR_FIRE
    assert by_words(queued, NEVER_SEEN)["speech"] == "direct"
    history = client.get("/sources/elmsford-fire/history").json()["items"]
    assert [(r["action"], r["actor"]) for r in history] == [
        ("create", "ingest"),
        ("extract", "ingest"),
    ]


def test_a_folder_goes_in_file_by_file_and_bad_files_are_warnings(
    store: Store, client: TestClient, folder: Path
) -> None:
    code, lines = ingest(store, str(folder), "--date", "2024-03-06")
    assert code == 0, lines
    fire = client.get("/candidates?source=harbour-fire-elmsford&limit=200").json()["items"]
    ferry = client.get("/candidates?source=ferry-strike&limit=200").json()["items"]
    assert len(ferry) == 1
    fire_file, latin, empty, ferry_file = (folder / name for name in NAMES)
    assert lines == [
        f"{fire_file} -> harbour-fire-elmsford: {len(fire)} candidates",
        f"warning: {latin}: skipped: not UTF-8 (byte 0xe9 at offset 6)",
        f"warning: {empty}: skipped: empty",
        f"{ferry_file} -> ferry-strike: 1 candidate",
        f"2 ingested, {len(fire) + 1} candidates queued for review; 2 skipped",
    ]
    assert client.get("/sources/cafe").status_code == 404
    assert client.get("/sources/empty").status_code == 404
    assert ferry[0]["claimant"]["name"] == "Tom Reyes"

    # Again: nothing is held twice, and each file says why.
    code, lines = ingest(store, str(folder))
    assert code == 0
    assert lines[0].endswith("skipped: held already with this text; give --slug for a new source")
    assert lines[-1] == "0 ingested, 0 candidates queued for review; 4 skipped"
    assert len(client.get("/candidates?limit=200").json()["items"]) == len(fire) + 1


def test_a_slug_taken_by_another_text_is_a_warning(
    store: Store, client: TestClient, tmp_path: Path
) -> None:
    article = tmp_path / "legion-article-2022.txt"
    article.write_text(FERRY_STRIKE, encoding="utf-8")
    code, lines = ingest(store, str(article), str(tmp_path / "missing.txt"))
    assert code == 0
    assert lines[0].endswith("skipped: another source has this slug; give --slug for a new source")
    assert lines[1].startswith(f"warning: {tmp_path / 'missing.txt'}: skipped: cannot be read")
    assert client.get("/candidates").json()["items"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--slug", "one-name"], "--slug is for one file; 4 were given"),
        (["--url", "https://example.org/a"], "--url is for one file; 4 were given"),
        (["--date", "2024-13"], "invalid --date"),
        (["--publisher", "moscow-tmes"], "did you mean: moscow-times?"),
        (["--kind", "novel"], "novel"),
    ],
)
def test_bad_options_stop_before_any_file_is_read(
    store: Store, client: TestClient, folder: Path, args: list[str], message: str
) -> None:
    code, lines = ingest(store, str(folder), *args)
    assert code == 2, lines
    assert message in "\n".join(lines)
    assert client.get("/sources/ferry-strike").status_code == 404


def test_a_folder_with_no_text_files_says_so(store: Store, tmp_path: Path) -> None:
    code, lines = ingest(store, str(tmp_path))
    assert code == 1
    assert lines == ["no text files: a folder is read for its *.txt files"]


def test_the_progress_bar_shows_on_a_terminal_only() -> None:
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=80)
    with progress(3, "ingesting", console=terminal) as tracker:
        for n in range(3):
            tracker.line(f"file {n} [done]")
            tracker.advance()
    shown = screen.getvalue()
    assert "file 2 [done]" in shown  # printed as written, not as markup
    assert "3/3" in shown
    plain = io.StringIO()
    with progress(3, "ingesting", console=Console(file=plain, force_terminal=False)) as tracker:
        tracker.advance()
    assert plain.getvalue() == ""


def test_a_title_is_kept_and_the_same_text_under_another_name_is_not_queued_twice(
    store: Store, client: TestClient, tmp_path: Path
) -> None:
    first = tmp_path / "harbour.txt"
    first.write_text(HARBOUR_FIRE, encoding="utf-8")
    code, lines = ingest(store, str(first), "--title", "Harbour fire closes the port")
    assert code == 0, lines
    assert client.get("/sources/harbour").json()["title"] == "Harbour fire closes the port"
    queued = client.get("/candidates?source=harbour&limit=200").json()["items"]

    copy = tmp_path / "harbour (copy).txt"
    copy.write_bytes(first.read_bytes())
    code, lines = ingest(store, str(copy))
    assert code == 0, lines
    assert lines == [
        f"warning: {copy}: skipped: held already as 'harbour' (the same text)",
        "0 ingested, 0 candidates queued for review; 1 skipped",
    ]
    assert client.get("/sources/harbour-copy").status_code == 404
    assert client.get("/candidates?limit=200").json()["items"] == queued
    two = [str(first), str(copy)]
    assert ingest(store, *two, "--title", "One title for two")[0] == 2
