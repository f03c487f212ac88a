"""The speaker pass (api.ingest.extraction.speakers): who the words before a cue name, on short
snippets of real news. Pronouns go to the nearest fitting mention, not to the last person
credited; appositions give the person, not the body named with them; documents, models,
polls and unnamed groups are claimants of their own kind, never a person made of a
capitalised word.

Snippets are quoted from PolNeAR's train compartment (github.com/networkdynamics/PolNeAR),
from the Lee Background Corpus' development stories (gensim's lee_background.cor, line 0) and
from issue 20, which quotes CNN and TIME stories.
"""

from __future__ import annotations

import pytest

from api.ingest.extraction import Candidate, extract
from api.ingest.extraction.document import prepare
from api.ingest.extraction.findings import Phrase
from api.ingest.extraction.speakers import SpeakerResolver, person_core


def credited(text: str, words: str) -> Candidate:
    found = [c for c in extract(text).candidates if words in c.text]
    assert len(found) == 1, extract(text).candidates
    return found[0]


# --- pronouns and descriptions that point back -------------------------------------------


def test_he_is_the_subject_before_not_the_nearest_name() -> None:
    # PolNeAR train, nyt_2015-12-22: "He" is Sanders, though Mr. Trump is named nearer.
    text = (
        "Later on ''This Week,'' Senator Bernie Sanders questioned Mr. Trump's veracity. He "
        "called him a ''pathological liar'' for continuing to insist the debunked accounts of "
        "thousands of Muslims celebrating in New Jersey on Sept. 11."
    )
    assert credited(text, "pathological liar").claimant == "Bernie Sanders"


def test_she_skips_the_man_named_nearer() -> None:
    # PolNeAR train, breitbart_2016-02-20
    text = (
        "With her husband, former President Bill Clinton, standing by her side, Hillary "
        "Clinton has told her supporters that \u201cwe\u2019re in this together.\u201d\n\n"
        "\u201cThis is your campaign and it is a campaign to break down every barrier that "
        "holds you back,\u201d she said."
    )
    assert credited(text, "This is your campaign").claimant == "Hillary Clinton"
    together = credited(text, "in this together")
    assert (together.claimant, together.cue) == ("Hillary Clinton", "has told her supporters")


def test_he_fits_the_man_not_the_woman_credited_last() -> None:
    # PolNeAR train, huff-post_2016-05-19: the church's post is about Monique Dalle; "he"
    # is the minister who told The Huffington Post.
    text = (
        "Monique Dalle, a member of the Parisian congregation of the Living Church of God, "
        "was traveling to Cairo to visit her daughter Esther, the church posted on Facebook. "
        "Dexter Wakefield, a minister with the Living Church of God in North Carolina, told "
        "The Huffington Post that she was a regular at their Parisian congregation. He said "
        "her family asked for privacy as they sought answers."
    )
    told = credited(text, "a regular at")
    assert told.claimant == "Dexter Wakefield"
    assert [hop.name for hop in told.attribution] == ["The Huffington Post", "Dexter Wakefield"]
    assert credited(text, "asked for privacy").claimant == "Dexter Wakefield"


def test_a_definite_role_points_back_to_its_holder() -> None:
    # PolNeAR train, politico_2016-07-29
    text = (
        'Donald Trump said Friday that it would "have been cool" had Hillary Clinton '
        "congratulated him for doing something in the presidential election that nobody has "
        "ever done before.\n\n\u201cI was curious to see whether she\u2019d do a class act and "
        "not mention my name,\u201d the Republican nominee said at a rally with supporters in "
        "Colorado."
    )
    assert credited(text, "class act").claimant == "Donald Trump"


# --- appositions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words", "speaker"),
    [
        (  # issue 20 (a CNN weather story): went to the police department
            "\u201cIt\u2019s a slow, slow process,\u201d Patrol Chief James Hall with the New "
            "York Police Department said.",
            "slow process",
            "James Hall",
        ),
        (  # Lee Background Corpus, line 0 (development)
            "But the Bureau of Meteorology's Claire Richards says the rain has done little to "
            "ease any of the hundred fires still burning across the state.",
            "the rain has done little",
            "Claire Richards",
        ),
        (  # PolNeAR train, breitbart_2016-06-05
            "Family spokesman Bob Gunnell says Ali was accompanied by his wife, Lonnie, and "
            "other family members and friends.",
            "accompanied by his wife",
            "Bob Gunnell",
        ),
    ],
)
def test_an_apposition_gives_the_person_not_the_body(text: str, words: str, speaker: str) -> None:
    candidate = credited(text, words)
    assert (candidate.claimant, candidate.claimant_kind) == (speaker, "person")


def test_titles_and_party_labels_are_not_part_of_a_name() -> None:
    assert person_core("Republican pollster Bill McInturff") == "Bill McInturff"
    assert person_core("House Speaker Paul Ryan") == "Paul Ryan"
    assert person_core("Clinton campaign communications director Jennifer Palmieri") == (
        "Jennifer Palmieri"
    )


# --- sources that are not people ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words", "speaker", "kind"),
    [
        (  # issue 20 (a CNN weather story): became a person named "Current"
            "Current models say the storm will turn north by Thursday.",
            "the storm",
            "Current models",
            "work",
        ),
        (  # PolNeAR train, breitbart_2016-01-23
            "Marco Rubio (R-FL), according to a new poll.",
            "Marco Rubio",
            "new poll",
            "work",
        ),
        (  # PolNeAR train, breitbart_2015-12-10
            "Sanders\u2019 appeal among millennial progressives can be attributed to his "
            "democratic socialism, according to a new poll by the Harvard University Institute "
            "of Politics.",
            "democratic socialism",
            "new poll by the Harvard University Institute of Politics",
            "work",
        ),
        (  # PolNeAR train, politico_2016-06-22
            "A recent CNN survey found 90 percent support for background checks.",
            "background checks",
            "recent CNN survey",
            "work",
        ),
        (  # PolNeAR train, wash-post_2016-03-18
            "The organizers said they don't know how many rabbis will ultimately participate.",
            "how many rabbis",
            "organizers",
            "anonymous",
        ),
        (  # issue 20 (a TIME science story): "scientists think"
            "Scientists think the ice sheet is losing mass faster than expected.",
            "ice sheet",
            "Scientists",
            "anonymous",
        ),
    ],
)
def test_documents_models_and_unnamed_groups_are_claimants_of_their_own_kind(
    text: str, words: str, speaker: str, kind: str
) -> None:
    candidate = credited(text, words)
    assert (candidate.claimant, candidate.claimant_kind) == (speaker, kind)
    assert candidate.attribution[-1].kind == kind


def test_a_report_cited_after_a_witness_is_the_outer_hop() -> None:
    # PolNeAR train, huff-post_2016-07-14
    text = (
        "The witness said the hush order was to \u201cavoid effecting the outcome of "
        "Chairman Gruenberg\u2019s confirmation,\u201d according to the report."
    )
    candidate = credited(text, "hush order")
    assert candidate.claimant == "witness"
    assert [(hop.name, hop.kind) for hop in candidate.attribution] == [
        ("report", "work"),
        ("witness", "anonymous"),
    ]


# --- the pass itself ----------------------------------------------------------------------


def test_the_resolver_reads_a_phrase_by_its_head_word() -> None:
    text = "Patrol Chief James Hall with the New York Police Department said the road was shut."
    document = prepare(text, None)
    resolver = SpeakerResolver(document)
    phrase_end = text.index(" said")
    head = text.index("Hall")
    by_head = resolver.speaker(Phrase(0, phrase_end, (head, head + len("Hall"))))
    assert by_head is not None
    assert (by_head.name, by_head.kind) == ("James Hall", "person")
