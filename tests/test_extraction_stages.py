"""The stages before and after the speaker pass, each on its own: the frozen Document
(sentences, quotations, names, cues, the parse of the sentences that need one), the direct
stage (quotations), the paraphrase stage by rules and by parse, chains of hops ("told CNN
affiliate WUSA") and attribution carried across a paragraph.

Snippets are quoted from the seed article (seeds/), PolNeAR's train compartment
(github.com/networkdynamics/PolNeAR) and issue 20, which quotes CNN stories.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from api.ingest.extraction import extract
from api.ingest.extraction.direct import attribute_quotes
from api.ingest.extraction.document import prepare
from api.ingest.extraction.extractor import RULES, Options, read
from api.ingest.extraction.indirect import attribute_paraphrases

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_7eec1dc745a9adda.txt"


def seed_paragraph(starting: str) -> str:
    text = SEED.read_text(encoding="utf-8")
    return next(line for line in text.split("\n") if line.startswith(starting))


# --- the Document ---------------------------------------------------------------------


def test_the_document_is_frozen_and_parses_only_the_sentences_that_need_it() -> None:
    # PolNeAR train, breitbart_2016-07-13: the first sentence's cue stands next to a bare
    # name; the second's subject is a pronoun after a long clause.
    text = (
        "House Speaker Paul Ryan told CNN Tuesday that Ginsburg\u2019s comments \u201cshows "
        "bias to me.\u201d Senate Majority Leader Mitch McConnell said that it was "
        "\u201ctotally inappropriate\u201d for Ginsburg to criticize Trump. The court did not "
        "comment."
    )
    document = prepare(text, "2016-07-13")
    with pytest.raises(dataclasses.FrozenInstanceError):
        document.text = "changed"  # type: ignore[misc]
    assert len(document.sentences) == 3
    # every cue word found by rule; "shows" is one only if the parse reads it as a work's
    # verb, which it will not here
    assert [cue.lemma for cue in document.cues] == ["tell", "show", "say"]
    assert 2 not in document.parses  # no cue: never parsed
    for index, parse in document.parses.items():
        start, end = document.sentences[index]
        assert start <= parse.start
        assert parse.end <= end
        for token in parse.tokens:
            assert text[token.start : token.end] == token.text


def test_two_apostrophes_are_read_as_a_quotation_mark() -> None:
    # PolNeAR train, nyt_2015-12-22 (the Times' archive writes '' for a double quote)
    text = "''If he has killed reporters, I think that's terrible,'' Mr. Trump said."
    [quote] = prepare(text, None).quotes
    assert text[quote.start : quote.end] == "If he has killed reporters, I think that's terrible"
    [candidate] = extract(text).candidates
    assert (candidate.claimant, candidate.speech) == ("Trump", "direct")


def test_names_cut_in_two_by_the_recogniser_are_joined() -> None:
    text = "The Milwaukee Journal Sentinel wrote that the meetings were secret."
    names = {name.text: name.kind for name in prepare(text, None).names}
    assert names.get("The Milwaukee Journal Sentinel") == "publication"


# --- quotations and paraphrases ---------------------------------------------------------


def test_the_direct_stage_leaves_the_speaker_words_for_the_speaker_pass() -> None:
    # issue 20 (a CNN weather story)
    text = (
        "\u201cIt\u2019s a slow, slow process,\u201d Patrol Chief James Hall with the New "
        "York Police Department said."
    )
    document = prepare(text, None)
    [found] = attribute_quotes(document).attributions
    assert found.speech == "direct"
    assert found.basis == "cue"
    assert found.speaker is not None
    assert text[found.speaker.start : found.speaker.end].strip().startswith("Patrol Chief")
    assert found.speaker.head is not None
    assert text[found.speaker.head[0] : found.speaker.head[1]] == "Hall"


def test_the_rules_read_without_the_parse_and_the_parse_adds_what_they_cannot() -> None:
    # PolNeAR train, breitbart_2016-07-19: "dismissed X as Y" needs the parse
    text = "Campaign chair Paul Manafort dismissed the whole kerfuffle as \u201cabsurd.\u201d"
    assert read(text, options=RULES).candidates == ()
    [candidate] = read(text, options=Options()).candidates
    assert candidate.claimant == "Paul Manafort"
    document = prepare(text, None)
    [found] = attribute_paraphrases(document, attribute_quotes(document))
    assert found.reader == "parse"


# --- chains -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("told", "hops"),
    [
        ("told CNN affiliate WUSA.", ["CNN", "WUSA", "Mark Ward"]),  # issue 20
        ("told affiliate KFSM.", ["KFSM", "Mark Ward"]),  # issue 20
        ("told The Huffington Post.", ["The Huffington Post", "Mark Ward"]),
    ],
)
def test_a_network_and_its_affiliate_are_both_hops(told: str, hops: list[str]) -> None:
    text = f"\u201cThe roads are a sheet of ice,\u201d Lt. Mark Ward {told}"
    [candidate] = extract(text).candidates
    assert [hop.name for hop in candidate.attribution] == hops
    assert [hop.verb for hop in candidate.attribution] == ["reported"] * (len(hops) - 1) + ["told"]
    assert all(hop.kind == "publication" for hop in candidate.attribution[:-1])


# --- carried across a paragraph -------------------------------------------------------------


def test_sentences_after_a_report_is_named_are_carried_to_it() -> None:
    paragraph = seed_paragraph("The Wall Street Journal reported in June")
    candidates = extract(paragraph, source_date="2022-07-20").candidates
    carried = [c for c in candidates if c.text.startswith(("The soldiers", "When he learned"))]
    assert len(carried) == 2
    for candidate in carried:
        assert candidate.claimant == "The Wall Street Journal"
        assert candidate.claimant_kind == "publication"
        named = next(
            c for c in candidates if c.cue_start == candidate.cue_start and c is not candidate
        )
        assert candidate.confidence < named.confidence  # a carried sentence is a guess
    quote = next(c for c in candidates if c.text == "None of us wanted this war")
    assert quote.claimant == "Albert Sakhibgareev"


def test_a_carried_account_runs_to_the_next_cue_and_no_further() -> None:
    paragraph = seed_paragraph("According to Ukrainian media sources")
    candidates = extract(paragraph).candidates
    assert [c.claimant for c in candidates] == ["Ukrainian media sources"] * 3 + ["Time"]


def test_nothing_is_carried_from_a_person_or_into_a_reporters_note() -> None:
    # PolNeAR train, huff-post_2016-07-14
    text = (
        "The witness said the hush order was to \u201cavoid effecting the outcome of Chairman "
        "Gruenberg\u2019s confirmation,\u201d according to the report. Pittman could not "
        "immediately be contacted for comment."
    )
    assert [c.text[:10] for c in extract(text).candidates] == ["the hush o"]
