"""The dispute stage (api.ingest.extraction.disputes): a dispute cue that points at another
candidate of the same text proposes a relation between the two, `contradicts` where it
denies, `undermines` where it judges. Snippets are quoted from PolNeAR's train compartment
(github.com/networkdynamics/PolNeAR) and from issue 20, which quotes a TIME story.
"""

from __future__ import annotations

from api.ingest.extraction import Extraction, RelationFinding, extract


def relation(extraction: Extraction) -> RelationFinding:
    assert len(extraction.relations) == 1, extraction
    return extraction.relations[0]


def test_denying_the_report_contradicts_the_report() -> None:
    # PolNeAR train, nyt_2016-04-18 (a clause of the first sentence left out)
    text = (
        "The Financial Times reported that BuzzFeed missed its financial targets last year "
        "and was revising this year's projections downward. BuzzFeed, which does not "
        "disclose its finances, denied the report, saying this year will meet expectations."
    )
    extraction = extract(text)
    found = relation(extraction)
    source, target = extraction.candidates[found.source], extraction.candidates[found.target]
    assert (source.claimant, source.text) == ("BuzzFeed", "the report")
    assert target.claimant == "The Financial Times"
    assert (found.type, found.cue) == ("contradicts", "denied")
    assert text[found.cue_start : found.cue_end] == "denied"
    assert 0 < found.confidence <= min(source.confidence, target.confidence)
    saying = next(c for c in extraction.candidates if c.text == "this year will meet expectations")
    assert saying.claimant == "BuzzFeed"  # a participle goes on with the denier's words


def test_disputing_their_account_contradicts_it() -> None:
    # PolNeAR train, nyt_2016-03-12
    text = (
        "And on Tuesday night, in Jupiter, Fla., the Trump campaign manager, Corey "
        "Lewandowski, roughly yanked the arm of a Breitbart reporter as she tried to ask Mr. "
        "Trump about affirmative action, she and another reporter said. (A campaign "
        "spokeswoman disputed their account.)"
    )
    extraction = extract(text)
    found = relation(extraction)
    assert extraction.candidates[found.source].text == "their account"
    assert extraction.candidates[found.source].claimant == "campaign spokeswoman"
    assert extraction.candidates[found.target].claimant == "she and another reporter"
    assert found.type == "contradicts"


def test_a_passive_dispute_points_at_the_interpretation_before_it() -> None:
    # issue 20 (a TIME science story): "those interpretations are disputed by Michael Mann";
    # the sentence before is PolNeAR train, breitbart_2016-02-18.
    text = (
        "Clinton\u2019s campaign has argued that as voters learned more about his record, "
        "Sanders will begin to lose support. But those interpretations are disputed by "
        "Michael Mann."
    )
    extraction = extract(text)
    found = relation(extraction)
    assert extraction.candidates[found.source].claimant == "Michael Mann"
    assert extraction.candidates[found.target].claimant == "Clinton\u2019s campaign"
    assert found.type == "contradicts"


def test_calling_someones_arguments_names_undermines_them() -> None:
    # issue 20: "Mann calls Hansen's arguments 'misguided policy advocacy'"; Hansen's claim
    # before it is PolNeAR train, breitbart_2016-02-18, credited to him
    text = (
        "Hansen has argued that as voters learned more about his record, Sanders will begin "
        "to lose support. Mann calls Hansen's arguments 'misguided policy advocacy'."
    )
    extraction = extract(text)
    found = relation(extraction)
    assert extraction.candidates[found.source].claimant == "Mann"
    assert extraction.candidates[found.target].claimant == "Hansen"
    assert found.type == "undermines"


def test_name_calling_a_person_is_no_dispute() -> None:
    # PolNeAR train, nyt_2015-12-22: he calls a man a liar, not a claim false
    text = (
        "Later on ''This Week,'' Senator Bernie Sanders questioned Mr. Trump's veracity. He "
        "called him a ''pathological liar'' for continuing to insist the debunked accounts of "
        "thousands of Muslims celebrating in New Jersey on Sept. 11."
    )
    assert extract(text).relations == ()
