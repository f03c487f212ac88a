"""When a claim was made (api.ingest.extraction.dates): the date the text gives, resolved
against the source's date; a speaker's later lines on the same occasion take its date; the
source's own date, marked inferred, when the text gives none. Snippets are quoted from
PolNeAR's train compartment (github.com/networkdynamics/PolNeAR), with the date PolNeAR's
metadata gives each article.
"""

from __future__ import annotations

from api.ingest.extraction import Candidate, extract
from api.ingest.extraction.dates import claim_date


def dated(text: str, source_date: str | None, words: str) -> Candidate:
    found = [c for c in extract(text, source_date=source_date).candidates if words in c.text]
    assert len(found) == 1
    return found[0]


def test_every_claim_of_a_dated_source_has_a_date() -> None:
    # PolNeAR train, breitbart_2016-03-20: no day in the sentence
    text = (
        "\u201cI think the best alternative to Donald Trump to stop him from getting to 1,237 "
        "is Ted Cruz, and I\u2019m going to help Ted in every way I can,\u201d Graham told CNN."
    )
    candidate = dated(text, "2016-03-20", "best alternative")
    assert (candidate.claimed_on, candidate.claimed_on_inferred) == ("2016-03-20", True)
    undated = dated(text, None, "best alternative")
    assert (undated.claimed_on, undated.claimed_on_inferred) == (None, False)


def test_the_day_the_text_gives_is_resolved_against_the_source_date() -> None:
    # PolNeAR train, breitbart_2016-07-13 (a Wednesday)
    text = (
        "House Speaker Paul Ryan told CNN Tuesday that Ginsburg\u2019s comments \u201cshows "
        "bias to me.\u201d"
    )
    candidate = dated(text, "2016-07-13", "shows bias")
    assert (candidate.claimed_on, candidate.claimed_on_inferred) == ("2016-07-12", False)


def test_a_weekday_just_after_the_source_date_is_the_next_day() -> None:
    # PolNeAR train, breitbart_2015-12-07 (a Monday): the story ran a day ahead of its date
    text = (
        "A producer for Yahoo Studios told The New York Times Tuesday morning that Trump "
        "abruptly canceled a scheduled interview with Katie Couric."
    )
    candidate = dated(text, "2015-12-07", "abruptly canceled")
    assert candidate.claimed_on == "2015-12-08"


def test_a_speakers_next_lines_take_the_date_of_the_occasion() -> None:
    # PolNeAR train, breitbart_2016-07-13
    text = (
        "On Tuesday, Senate Majority Leader Mitch McConnell said that it was \u201ctotally "
        "inappropriate\u201d for Ginsburg to criticize Trump. He said members of the Supreme "
        "Court shouldn\u2019t weigh in on American elections."
    )
    first = dated(text, "2016-07-13", "totally")
    later = dated(text, "2016-07-13", "weigh in")
    assert later.claimant == first.claimant == "Mitch McConnell"
    assert (first.claimed_on, later.claimed_on) == ("2016-07-12", "2016-07-12")
    assert later.claimed_on_inferred is False


def test_a_date_in_what_was_said_is_not_when_it_was_said() -> None:
    text = "Mayor Ruth Alder said the pool would close on Monday."
    assert claim_date(text, ((0, 22),), 17, "2022-07-20") == ("2022-07-20", True)
    assert claim_date("Alder said on Monday", ((0, 20),), 6, "2022-07-20") == (
        "2022-07-18",
        False,
    )
