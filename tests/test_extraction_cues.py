"""The cue stage (api.ingest.extraction.cues) and what each class of cue credits, on short
snippets of real news: the cues the first version did not know (tweeted, wrote, posted,
called, labeled, argued, insisted, acknowledged, conceded, disputed), passives with an
agent, and nouns that carry a that-clause.

Snippets are quoted from articles of PolNeAR's train compartment (2016 US political news;
github.com/networkdynamics/PolNeAR) and from issue 20, which quotes CNN and TIME stories;
each is one or two sentences, as short as the case allows.
"""

from __future__ import annotations

import pytest

from api.ingest.extraction import Candidate, extract
from api.ingest.extraction.cues import find_cues
from models.base import Verb


def credited(text: str, words: str) -> Candidate:
    """The one candidate whose words hold `words`."""
    found = [c for c in extract(text, source_date="2016-07-13").candidates if words in c.text]
    assert len(found) == 1, extract(text).candidates
    return found[0]


def lemmas(text: str) -> list[str]:
    return [cue.lemma for cue in find_cues(text, 0, len(text))]


# --- verbs of saying the first reader did not know ---------------------------------------


@pytest.mark.parametrize(
    ("text", "words", "speaker", "verb"),
    [
        (  # PolNeAR train, breitbart_2016-01-05
            "Schumer tweeted: \u201cLet\u2019s go. We can (hashtag)StopGunViolence.\u201d",
            "Let\u2019s go",
            "Schumer",
            Verb.tweeted,
        ),
        (  # PolNeAR train, west-journal_2015-11-25
            "\u201cI am asking all the presidential candidates to recognize that "
            "#wordsmatter,\u201d Vargas wrote on Facebook.",
            "presidential candidates",
            "Vargas",
            Verb.wrote,
        ),
        (  # PolNeAR train, huff-post_2016-05-19
            "Monique Dalle, a member of the Parisian congregation of the Living Church of "
            "God, was traveling to Cairo to visit her daughter Esther, the church posted on "
            "Facebook.",
            "traveling to Cairo",
            "church",
            Verb.posted,
        ),
        (  # PolNeAR train, nyt_2016-02-09
            "Mr. Rubio's advisers privately conceded that it had been a difficult night for "
            "their candidate.",
            "a difficult night",
            "Rubio's advisers",
            Verb.conceded,
        ),
        (  # PolNeAR train, huff-post_2015-12-20
            "Clinton campaign communications director Jennifer Palmieri acknowledged that "
            "the candidate misspoke.",
            "the candidate misspoke",
            "Jennifer Palmieri",
            Verb.acknowledged,
        ),
        (  # PolNeAR train, breitbart_2016-02-18
            "Clinton\u2019s campaign has argued that as voters learned more about his record, "
            "Sanders will begin to lose support.",
            "Sanders will begin to lose support",
            "Clinton\u2019s campaign",
            Verb.argued,
        ),
        (  # issue 20 (a CNN weather story)
            'Lehmacher called the impact "pretty minimal".',
            "the impact",
            "Lehmacher",
            Verb.called,
        ),
    ],
)
def test_cues_of_every_kind_credit_their_speaker_with_the_verb_as_written(
    text: str, words: str, speaker: str, verb: Verb
) -> None:
    candidate = credited(text, words)
    assert candidate.claimant == speaker
    assert candidate.attribution[-1].verb == verb


def test_a_tweet_is_credited_to_its_author_not_to_the_speaker_before() -> None:
    # Issue 20: '"...," Ellie Hall tweeted' went to Amtrak, credited just before.
    text = (
        "Amtrak said trains between New York and Washington were running. "
        "\u201cStuck on a train outside Baltimore for two hours now,\u201d Ellie Hall tweeted."
    )
    candidate = credited(text, "Stuck on a train")
    assert (candidate.claimant, candidate.cue, candidate.speech) == (
        "Ellie Hall",
        "tweeted",
        "direct",
    )


def test_insisted_keeps_its_verb_and_its_date() -> None:
    # PolNeAR train, breitbart_2016-03-16
    text = (
        "Speaking earlier Tuesday in Florida, Trump insisted that he has \u201cexpanded the "
        "Republican party.\u201d"
    )
    candidate = credited(text, "expanded the")
    assert candidate.attribution[-1].verb == Verb.insisted
    assert candidate.speech == "mixed"
    assert (candidate.claimed_on, candidate.claimed_on_inferred) == ("2016-07-12", False)


def test_naming_credits_the_object_and_what_it_is_called() -> None:
    # PolNeAR train, breitbart_2016-07-19
    text = "Campaign chair Paul Manafort dismissed the whole kerfuffle as \u201cabsurd.\u201d"
    candidate = credited(text, "kerfuffle")
    assert candidate.claimant == "Paul Manafort"
    assert candidate.text.startswith("the whole kerfuffle as")
    assert candidate.speech == "mixed"


# --- passives with an agent ----------------------------------------------------------


def test_a_passive_with_an_agent_credits_the_agent() -> None:
    # Issue 20 (a TIME science story): "those interpretations are disputed by Michael Mann"
    text = "But those interpretations are disputed by Michael Mann, a climate scientist."
    [candidate] = extract(text).candidates
    assert candidate.claimant == "Michael Mann"
    assert candidate.text == "those interpretations"
    assert candidate.attribution[-1].verb == Verb.disputed


def test_expected_by_credits_the_forecaster_with_the_infinitive() -> None:
    # Issue 20: "expected by AAA"
    text = "Heavy snow is expected by AAA to keep 3 million travelers home."
    [candidate] = extract(text).candidates
    assert candidate.claimant == "AAA"
    assert candidate.text == "to keep 3 million travelers home"
    assert candidate.status == "speculative"


def test_quoted_as_saying_credits_the_subject() -> None:
    # Issue 20: "was quoted as saying"
    text = "Putin was quoted as saying that Russia would respond to any provocation."
    [candidate] = extract(text).candidates
    assert candidate.claimant == "Putin"
    assert candidate.text == "Russia would respond to any provocation"
    assert candidate.attribution[-1].verb == Verb.quoted


def test_passives_without_an_agent_credit_no_one() -> None:
    assert "expect" not in lemmas("He is expected to announce his running mate on Friday.")
    assert "tell" not in lemmas("The soldiers were told to wear bulletproof vests.")
    assert "report" not in lemmas("The meeting was reported widely.")
    assert "report" in lemmas("The meeting was first reported by Politico.")


# --- nouns and verbs that are not cues -------------------------------------------------


def test_a_noun_that_carries_a_that_clause_is_a_cue() -> None:
    # PolNeAR test reference guide: "a Reuters report that ...", "announcement that ..."
    text = (
        "Trump aides denied a Reuters report that the operation is scaling back to focus on "
        "his chances."
    )
    report = credited(text, "the operation is scaling back")
    assert (report.claimant, report.cue) == ("Reuters", "report")
    assert report.attribution[-1].verb == Verb.reported


def test_naming_reads_the_object_of_to_and_what_it_is_called() -> None:
    # PolNeAR train, huff-post_2016-07-18
    text = (
        "When Trump announced his candidacy in June 2015, he infamously referred to Mexican "
        "immigrants as \u201ccriminals\u201d and \u201crapists\u201c while calling to erect a "
        "border wall."
    )
    [candidate] = extract(text).candidates
    assert candidate.claimant == "Trump"
    assert candidate.text == "Mexican immigrants as \u201ccriminals\u201d and \u201crapists\u201c"
    assert candidate.attribution[-1].verb == Verb.called


@pytest.mark.parametrize(
    "text",
    [
        # PolNeAR train, huff-post_2016-02-28: "states" is a noun here
        "Trump\u2019s overtly racist campaign makes it hard to see how he wins Western swing "
        "states like Nevada or New Mexico that have high numbers of Latino voters.",
        # PolNeAR train, breitbart_2016-03-20: "maintained" takes a thing, not a statement
        "Carson was the top Republican fundraiser of the 2016 contest at the time he dropped "
        "out, but he also maintained above-average costs for raising that money.",
    ],
)
def test_the_parse_vetoes_cue_words_used_as_nouns_or_verbs_of_doing(text: str) -> None:
    assert extract(text).candidates == ()


@pytest.mark.parametrize(
    "text",
    [
        # PolNeAR train, breitbart_2015-11-19: an order, not a statement
        "He has also called on the United States to attack the oil that funds the Islamic "
        "State and proposed a safe zone inside Syria for the refugees.",
        # PolNeAR train, nyt_2015-12-31: a refusal
        "Clinton declined to comment.",
    ],
)
def test_directives_and_refusals_credit_nothing(text: str) -> None:
    assert extract(text).candidates == ()
