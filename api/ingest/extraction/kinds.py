"""What sort of entity a name is (models.base.EntityKind), from the recogniser's label and the
words of the name: a newspaper or agency is a publication, a ministry a government body.
"""

from __future__ import annotations

import re

from models.base import EntityKind

_PUBLICATION = re.compile(
    r"\b(?:Times|Journal|Post|News|Guardian|Herald|Telegraph|Tribune|Reuters|Associated Press|"
    r"AFP|Agence|Interfax|Bloomberg|BBC|CNN|ABC|NBC|CBS|Al Jazeera|Gazette|Daily|Magazine|"
    r"Radio|Television|TV|Chronicle|Observer|Independent|Economist|Newsweek|Time|Wire|Xinhua|"
    r"TASS|Tass|RIA|Kommersant|Pravda|agency)\b"
)
_GOVERNMENT = re.compile(
    r"\b(?:Government|Ministry|Department|Embassy|embassy|Parliament|Senate|Congress|Council|"
    r"Commission|Bureau|Service|Police|Army|Navy|Military|Forces|Court|Authority|"
    r"Administration|Cabinet|Kremlin|White House|Pentagon|Office|Agency)\b"
)
_BY_LABEL = {
    "PERSON": EntityKind.person,
    "GPE": EntityKind.place,
    "LOC": EntityKind.place,
    "FAC": EntityKind.place,
    "NORP": EntityKind.group,
}
RECOGNISED_LABELS = frozenset({*_BY_LABEL, "ORG"})


def kind_of(name: str, label: str) -> EntityKind:
    """The EntityKind for a name the recogniser labelled `label` (ORG, PERSON, GPE...)."""
    if label in _BY_LABEL:
        return _BY_LABEL[label]
    if _PUBLICATION.search(name):
        return EntityKind.publication
    if _GOVERNMENT.search(name):
        return EntityKind.government_body
    return EntityKind.organization


def guess_label(name: str) -> str:
    """A label for a capitalised name found without a trained recogniser."""
    if _PUBLICATION.search(name) or _GOVERNMENT.search(name):
        return "ORG"
    if re.search(
        r"\b(?:Group|Company|Corporation|Inc|Ltd|Union|Party|Legion|Club|Bank|Association|University|Institute|Organisation|Organization|Front|League|Foundation)\b",
        name,
    ):
        return "ORG"
    return "PERSON"
