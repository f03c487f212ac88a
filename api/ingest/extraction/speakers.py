"""Stage: speaker resolution, its own pass. It walks the attributions in text order and turns
the words that name each speaker ("he", "the minister", "a spokesman", "Gambill", "Current
models", "Police in Karachi") into the name a reviewer wants, of the right kind:

- a name: the fullest mention of the same name in the text ("Mr Gambill" -> "Jan-Michael
  Gambill"), titles and roles cut; where the parse gives the subject's head word, the name
  holding it ("Patrol Chief James Hall with the New York Police Department" -> James Hall);
- he/she: the nearest fitting person before it, walking back sentence by sentence (a
  speaker credited in a sentence first, else the first person named there), fitting by
  gender where titles, first names or earlier pronouns tell it; they: the nearest body;
- a document, model or study ("according to the report", "Current models say"): a claimant
  of its own kind, `work`; an unnamed group ("officials", "scientists", "organizers"):
  `anonymous`, named as written; never a person made from a capitalised word;
- a role ("the minister"): the person named with that role; "a spokesman": the body.

It then builds each claimant's chain: named recipients ("told CNN affiliate WUSA"), a
sentence-final "according to X", a cited origin ("citing Legion representatives").
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass

from api.ingest.extraction.document import Document
from api.ingest.extraction.findings import Attribution, Credit, Phrase, Speaker
from api.ingest.extraction.framing import is_report_source
from api.ingest.extraction.kinds import guess_label
from api.ingest.extraction.lexicon import (
    _TITLE_WORDS,
    _TITLES,
    ANONYMOUS_NOUNS,
    BODY_ROLES,
    COLLECTIVE_SPEAKERS,
    COMPANY_ROLES,
    FEMALE_NAMES,
    FEMALE_TITLES,
    GROUP_NOUNS,
    GROUP_PRONOUNS,
    LONGEST_PERSON_NAME,
    MALE_NAMES,
    MALE_TITLES,
    PERSON_PRONOUNS,
    PERSON_ROLES,
    SPOKES_ROLES,
    THING_PRONOUNS,
    WORD,
    WORK_NOUNS,
)
from api.ingest.extraction.names import Name, capitalised_names
from api.ingest.extraction.parsing import Parse
from api.ingest.extraction.results import Hop
from models.base import EntityKind, Verb

_LEADING_FILLER = re.compile(
    r"^(?:(?:but|and|so|yet|meanwhile|however|also|then|now|yesterday|today|earlier|later|"
    r"the|a|an|one|some|several|two|three|many|his|her|their|its|our|those|these|this|that|"
    r"in\s+a\s+statement|in\s+an\s+interview)\b[\s,]*)+",
    re.IGNORECASE,
)
_DETERMINERS = re.compile(
    r"^(?:(?:the|a|an|this|that|these|those|its|their|his|her|our)\s+)+", re.IGNORECASE
)
PERSON_NOUNS = (
    PERSON_ROLES
    | _TITLE_WORDS
    | frozenset(
        {
            "host",
            "lawmaker",
            "lawmakers",
            "congressmen",
            "congresswomen",
            "legislator",
            "politician",
            "politicians",
            "billionaire",
            "businessman",
            "businesswoman",
            "mogul",
            "star",
            "incumbent",
            "challenger",
            "frontrunner",
            "front-runner",
            "man",
            "woman",
            "men",
            "women",
            "candidates",
            "nominees",
            "senators",
            "governors",
            "leaders",
        }
    )
)
PUBLICATION_ROLES = frozenset(
    {
        "newspaper",
        "paper",
        "network",
        "magazine",
        "outlet",
        "station",
        "broadcaster",
        "site",
        "daily",
        "weekly",
        "tabloid",
    }
)
_GOVERNMENT_HEADS = frozenset(
    {
        "government",
        "department",
        "ministry",
        "embassy",
        "agency",
        "bureau",
        "administration",
        "court",
        "office",
        "council",
        "commission",
    }
)
_LAST_CLAUSE = re.compile(
    r"\b(?:that|which|who|because|as|when|while|and|but)\s+(?P<subject>he|she|they|it)\s*$",
    re.IGNORECASE,
)
_CLAUSE_OPENING = re.compile(
    r"^(?:if|when|while|because|although|though|as|since|after|before|but|and|so)\s+",
    re.IGNORECASE,
)
_QUANTIFIERS = re.compile(r"^(?:(?:another|one|each|every)\s+)+(?!of\b)", re.IGNORECASE)
_BACK_REFERENCE = re.compile(r"^(?:those|these|the)\s+(?P<noun>\w+)$", re.IGNORECASE)
BACK_REFERENCE_REACH = 3000  # characters back to the description "those representatives" repeats
PRONOUN_REACH = 900  # characters back to the last speaker a quotation or hedge may follow
PRONOUN_SENTENCES = 6  # sentences a pronoun looks back through for its antecedent
ROLE_REACH = 3000  # characters back to the person a role ("the minister") may stand for
_PERSON_LABELS = frozenset({"PERSON"})
_BODY_KINDS = frozenset(
    {
        EntityKind.organization.value,
        EntityKind.government_body.value,
        EntityKind.publication.value,
        EntityKind.group.value,
        EntityKind.anonymous.value,
        EntityKind.work.value,
        EntityKind.military_unit.value,
    }
)


def without_title(name: str) -> str:
    return _TITLES.sub("", name).strip()


def person_core(name: str) -> str:
    """A person's name without the titles and roles written before it: "Ukrainian Presidential
    Adviser Oleksiy Arestovych" -> "Oleksiy Arestovych"."""
    words = without_title(name).split()
    titles = PERSON_ROLES | _TITLE_WORDS | ANONYMOUS_NOUNS
    for index in range(len(words) - 1, -1, -1):
        parts = words[index].casefold().strip(".,").split("-")  # "Lieutenant-General"
        if all(part in titles for part in parts):
            words = words[index + 1 :]
            break
    return " ".join(words)


def _name_words(name: str) -> list[str]:
    return [word.casefold() for word in WORD.findall(without_title(name))]


def _role_word(word: str) -> str:
    """The role a word names: "governor-general" -> "governor", "Premier" -> "premier"."""
    parts = word.casefold().strip(".,").split("-")
    roles = PERSON_ROLES | _TITLE_WORDS | SPOKES_ROLES | BODY_ROLES | COMPANY_ROLES
    if all(part in roles for part in parts):
        return next((part for part in parts if part in PERSON_ROLES), parts[0])
    return word.casefold()


def _is_role(word: str) -> bool:
    roles = PERSON_ROLES | _TITLE_WORDS | SPOKES_ROLES | BODY_ROLES | COMPANY_ROLES
    return _role_word(word) in roles


def _is_appositive_role(words: list[str]) -> bool:
    """ "the incident controller for the region", "a former executive at Gazprombank"."""
    return (
        len(words) >= 2
        and words[0] in {"the", "a", "an", "its", "his", "her", "their"}
        and any(word in PERSON_ROLES | {"former", "spokesman", "spokeswoman"} for word in words)
    )


def _collective_description(description: str) -> tuple[str, str] | None:
    """ "Local residents", "fire authorities", "Police in Karachi": a description that names no
    one but is itself the speaker; cut after its head noun and an "in <Place>" that follows.
    Returns the description and its kind."""
    words = description.split()
    for index, word in enumerate(words[:4]):
        if word.casefold().strip(",.") in COLLECTIVE_SPEAKERS:
            while (
                index + 1 < len(words)
                and words[index + 1].casefold().strip(",.") in COLLECTIVE_SPEAKERS
            ):
                index += 1
            head = " ".join(words[: index + 1]).strip(",.")
            rest = description[len(" ".join(words[: index + 1])) :]
            tail = re.match(
                r"^\s+(?:in|of|from|at|for)\s+(?:the\s+)?[A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*)*",
                rest,
            )
            noun = words[index].casefold().strip(",.")
            kind = EntityKind.group if noun in GROUP_NOUNS else EntityKind.anonymous
            return head + (tail.group(0) if tail else ""), kind.value
    return None


@dataclass(frozen=True)
class _Mention:
    """A person or body met before a pronoun: a credited speaker or a name in the text."""

    name: str
    kind: str
    at: int
    credited: bool


class SpeakerResolver:
    """Turns speaker words into names, using every named mention in one text."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.text = document.text
        self.names = list(document.names)
        self.starts = [name.start for name in self.names]
        self.credits: list[_Mention] = []
        self.credit_starts: list[int] = []
        # Every mention, and every full person name the recogniser may have missed ("Jan-Michael
        # Gambill"), by last word: shorter mentions are completed from them. Distinct names
        # are few even in a long text, so each look-up stays short.
        self._full_names: dict[str, dict[tuple[str, tuple[str, ...]], str]] = {}
        for name in self.names:
            written = person_core(name.text) if name.label == "PERSON" else name.text
            words = tuple(_name_words(written))
            if words:
                known = self._full_names.setdefault(words[-1], {})
                known.setdefault((name.label, words), without_title(written))
        for run in capitalised_names(self.text):
            # "Elijah Cummings of Maryland", "Center for American Progress President Neera
            # Tanden": a person's name holds no connector
            for part in re.split(r"\s+(?:of|the|for|de|la|van|von|al|bin|da|del)\s+", run.text):
                core = person_core(part)
                words = tuple(word.casefold() for word in WORD.findall(core))
                if guess_label(part) == "PERSON" and 2 <= len(words) <= LONGEST_PERSON_NAME:
                    self._full_names.setdefault(words[-1], {}).setdefault(("person", words), core)
        self._genders: dict[str, str] = {}
        self._titled_genders = self._genders_from_titles()

    # --- names -----------------------------------------------------------------------

    def _genders_from_titles(self) -> dict[str, str]:
        """Surnames written after Mr or Mrs anywhere in the text."""
        found: dict[str, str] = {}
        for match in re.finditer(r"\b(Mr|Mrs|Ms|Miss)\.?\s+([A-Z][\w'\u2019-]+)", self.text):
            gender = "male" if match.group(1) == "Mr" else "female"
            surname = match.group(2).casefold()
            if found.get(surname, gender) != gender:
                found[surname] = "unknown"
            else:
                found[surname] = gender
        return found

    def gender(self, name: str) -> str:
        """ "male", "female" or "unknown", from the title, the first name or the text."""
        if name in self._genders:
            return self._genders[name]
        words = [word.casefold().strip(".") for word in name.split()]
        gender = "unknown"
        if words:
            if words[0] in MALE_TITLES:
                gender = "male"
            elif words[0] in FEMALE_TITLES:
                gender = "female"
            else:
                core = _name_words(name)
                if core and len(core) >= 2 and core[0] in FEMALE_NAMES:
                    gender = "female"
                elif core and len(core) >= 2 and core[0] in MALE_NAMES:
                    gender = "male"
                elif core:
                    gender = self._titled_genders.get(core[-1], "unknown")
        self._genders[name] = gender
        return gender

    def canonical(self, name: Name) -> tuple[str, str]:
        """The fullest mention in the text that ends with the same words, and its kind:
        "Gambill" -> "Jan-Michael Gambill", "Mr Kemp" -> "David Kemp", "the Legion" ->
        "Freedom of Russia Legion"."""
        words = _name_words(name.text)
        best = person_core(name.text) if name.label == "PERSON" else without_title(name.text)
        best, kind = best or name.text, name.kind
        if not words:
            return best, kind
        best_length = len(words)
        known = self._full_names.get(words[-1], {})
        for (label, other_words), other_text in known.items():
            if len(other_words) <= best_length or list(other_words[-len(words) :]) != words:
                continue
            if label == name.label:
                best, best_length = other_text, len(other_words)
            elif (
                label in {"person", "PERSON"}
                and len(words) == 1
                and (guess_label(name.text) == "PERSON" or name.label in {"ORG", "GPE", "NORP"})
            ):
                # "Trump" read as an organisation, in a text about Donald Trump
                best, best_length, kind = other_text, len(other_words), "person"
        return best, kind

    def _named(self, name: Name, how: str = "named") -> Speaker:
        canonical, kind = self.canonical(name)
        return Speaker(canonical, kind, how if canonical == name.text else "partial")

    def names_between(self, start: int, end: int) -> list[Name]:
        return self.document.names_between(start, end)

    def _nearest_before(
        self, at: int, labels: set[str], containing: str | None = None
    ) -> Name | None:
        index = bisect.bisect_left(self.starts, at) - 1
        while index >= 0:
            name = self.names[index]
            if name.label in labels and (containing is None or containing in name.text.casefold()):
                return name
            index -= 1
        return None

    # --- pronouns ----------------------------------------------------------------------

    def _fits(self, mention: _Mention, pronoun: str) -> bool:
        if pronoun == "person":  # "the CNN host": a person, of either gender
            return mention.kind == EntityKind.person.value
        if pronoun == "people":  # "both lawmakers": people credited together
            return mention.kind == EntityKind.group.value and " and " in mention.name
        if pronoun in PERSON_PRONOUNS:
            if mention.kind != EntityKind.person.value:
                return False
            gender = self.gender(mention.name)
            wanted = "male" if pronoun == "he" else "female"
            return gender in {"unknown", wanted}
        if pronoun in GROUP_PRONOUNS:
            return mention.kind in _BODY_KINDS
        return mention.kind in _BODY_KINDS and mention.kind != EntityKind.anonymous.value

    def _mentions_in(self, start: int, end: int) -> list[_Mention]:
        """Credited speakers and named mentions in text[start:end], outside quotations."""
        found: list[_Mention] = []
        first = bisect.bisect_left(self.credit_starts, start)
        for credit in self.credits[first:]:
            if credit.at >= end:
                break
            found.append(credit)
        for name in self.document.names_between(start, end):
            if self.document.quote_around(name.start) is not None:
                continue
            if name.label not in {"PERSON", "ORG", "NORP", "GPE"}:
                continue
            canonical, kind = self.canonical(name)
            if name.label in {"NORP", "GPE"}:
                kind = EntityKind.group.value if name.label == "NORP" else kind
            found.append(_Mention(canonical, kind, name.start, False))
        people = [
            name for name in self.document.names_between(start, end) if name.label == "PERSON"
        ]
        for one, other in itertools.pairwise(people):
            between = self.text[one.end : other.start]
            if re.fullmatch(
                r"(?:\s+(?:of|from)\s+[A-Z][\w. ]{0,30})?\s+and\s+(?:\w+\.?\s+)?", between
            ):
                # "Representatives James E. Clyburn of South Carolina and G. K. Butterfield":
                # two people named together, for "both lawmakers" to point at
                pair = self._joined([self.canonical(one)[0], self.canonical(other)[0]])
                found.append(_Mention(pair, EntityKind.group.value, one.start, False))
        return sorted(found, key=lambda mention: mention.at)

    def _joined(self, names: list[str]) -> str:
        """Several people as one group, in the order the text first names them."""
        order = {name: self.text.find(name.split()[-1]) for name in names}
        ordered = sorted(names, key=lambda name: (order[name] < 0, order[name]))
        return ", ".join(ordered[:-1]) + " and " + ordered[-1]

    def pronoun(self, pronoun: str, at: int) -> Speaker | None:
        """The nearest fitting antecedent: walking back sentence by sentence from `at`, a
        fitting speaker credited in a sentence first, else the first fitting mention there
        (a subject, usually); gender decides between people where it is known."""
        document = self.document
        index = document.sentence_index(at)
        for step in range(PRONOUN_SENTENCES):
            if index - step < 0:
                break
            start, end = document.sentences[index - step]
            if at - start > PRONOUN_REACH + 300 and step > 0:
                break
            mentions = [
                mention
                for mention in self._mentions_in(start, min(end, at))
                if self._fits(mention, pronoun)
            ]
            if not mentions:
                continue
            credited = [mention for mention in mentions if mention.credited]
            # a speaker credited in an earlier sentence, else the first fitting mention of
            # the sentence: its subject, mostly
            chosen = credited[-1] if credited and step > 0 else mentions[0]
            return Speaker(chosen.name, chosen.kind, "pronoun")
        if pronoun in PERSON_PRONOUNS:
            name = self._nearest_before(at, {"PERSON"})
            if name is not None and at - name.start <= PRONOUN_REACH:
                return Speaker(self.canonical(name)[0], name.kind, "pronoun")
        return None

    # --- roles and descriptions ----------------------------------------------------------

    def _holder_of(self, role: str, at: int) -> Name | None:
        """The nearest person named with this role before them ("Health Minister Tom Rivers")."""
        index = bisect.bisect_left(self.starts, at) - 1
        while index >= 0 and at - self.names[index].start <= ROLE_REACH:
            name = self.names[index]
            before = self.text[max(0, name.start - 40) : name.end].casefold()
            if name.label == "PERSON" and role in before:
                return name
            index -= 1
        return None

    def _last_person_credit(self, at: int) -> Speaker | None:
        for credit in reversed(self.credits):
            if credit.at >= at:
                continue
            if at - credit.at > PRONOUN_REACH:
                return None
            if credit.kind == EntityKind.person.value:
                return Speaker(credit.name, credit.kind, "role")
        return None

    def _role(self, words: list[str], at: int, description: str) -> Speaker | None:
        if words and words[-1] in PUBLICATION_ROLES:
            outlet = self._nearest_publication(at)  # "the daily": the paper named before
            if outlet is not None:
                return outlet
        for written in reversed(words):
            word = _role_word(written)
            if word in COMPANY_ROLES:
                name = self._nearest_before(at, {"ORG"})
                if name is not None:
                    return Speaker(self.canonical(name)[0], name.kind, "role")
                return Speaker(description, EntityKind.organization.value, "description")
            if word in BODY_ROLES:
                name = self._nearest_before(at, {"ORG", "GPE", "NORP"}, containing=word)
                if name is not None:
                    return Speaker(self.canonical(name)[0], name.kind, "role")
                return Speaker(description, EntityKind.group.value, "description")
            if word in SPOKES_ROLES:
                name = self._nearest_before(at, {"ORG", "GPE", "NORP"})
                if name is not None:
                    return Speaker(self.canonical(name)[0], name.kind, "role")
                return None
            if word in PERSON_ROLES:
                holder = self._holder_of(word, at)
                if holder is not None:
                    return Speaker(self.canonical(holder)[0], holder.kind, "role")
                last = self._last_person_credit(at)
                if last is not None:
                    return last
                name = self._nearest_before(at, {"PERSON"})
                if name is not None:
                    return Speaker(self.canonical(name)[0], name.kind, "role")
                return Speaker(description, EntityKind.person.value, "description")
        return None

    def _earlier_description(self, phrase: str, at: int) -> str | None:
        """ "those representatives" -> the "Legion representatives" named before."""
        back_reference = _BACK_REFERENCE.match(phrase)
        if back_reference is None:
            return None
        noun = back_reference.group("noun")
        window = self.text[max(0, at - BACK_REFERENCE_REACH) : at]
        pattern = rf"\b(?:[A-Z][\w'\u2019-]*\s+)+{re.escape(noun)}\b"
        named = list(re.finditer(pattern, window))
        return named[-1].group(0) if named else None

    def _work(self, start: int, end: int) -> Speaker:
        """A document, model or study named by the words text[start:end], as written."""
        phrase = self.text[start:end].strip(" ,;:")
        phrase = _DETERMINERS.sub("", phrase)
        return Speaker(phrase, EntityKind.work.value, "work")

    # --- one phrase ----------------------------------------------------------------------

    def _segment(self, start: int, end: int) -> Speaker | None:
        """The speaker named by one comma-free stretch of words."""
        raw = self.text[start:end]
        phrase = raw.strip(" ,;:\u2014\u2013-")
        if not phrase:
            return None
        offset = start + raw.find(phrase)
        names = self.names_between(offset, offset + len(phrase))
        people = [name for name in names if name.label == "PERSON"]
        if people:
            return self._named(people[-1])
        description = _LEADING_FILLER.sub("", phrase).strip(" ,")
        words = [word.casefold() for word in WORD.findall(description)]
        if not words:
            return None
        if words[-1] in WORK_NOUNS and not names:
            return self._work(offset, offset + len(phrase))
        collective = _collective_description(description)
        if collective is not None:
            earlier = self._earlier_description(phrase, offset)
            if earlier is not None:
                return Speaker(earlier, EntityKind.anonymous.value, "description")
            return Speaker(collective[0], collective[1], "description")
        only_adjectives = all(name.label in {"NORP", "GPE"} for name in names)
        if names and only_adjectives and words[-1] in BODY_ROLES | SPOKES_ROLES:
            return Speaker(description, EntityKind.group.value, "description")  # "the Israeli army"
        if names:
            return self._named(names[-1])
        capitalised = [
            name
            for name in capitalised_names(phrase)
            if not _is_role(name.text.split()[-1])
            and name.text.split()[-1].casefold() not in WORK_NOUNS | ANONYMOUS_NOUNS
        ]  # "The Queensland Premier" is a role, "Current models" a work: not names
        if capitalised:  # a name the recogniser missed ("According to Time")
            name = capitalised[-1]
            if name.label == "PERSON":
                shifted = Name(
                    offset + name.start, offset + name.end, name.text, "PERSON", name.kind
                )
                return self._named(shifted)
            return Speaker(name.text, name.kind, "named")
        if len(words) == 1 and words[0] in PERSON_PRONOUNS | GROUP_PRONOUNS | THING_PRONOUNS:
            return self.pronoun(words[0], offset)
        if len(words) <= 6:
            return self._role(words, offset, description)
        return None

    def _segments(self, start: int, end: int) -> list[tuple[int, int]]:
        body = self.text[start:end].rstrip(" ,")
        bounds = [start] + [start + match.end() for match in re.finditer(",", body)]
        stops = [start + match.start() for match in re.finditer(",", body)] + [start + len(body)]
        return list(zip(bounds, stops, strict=True))

    def resolve(self, start: int, end: int) -> Speaker | None:
        """The speaker named by text[start:end], words running up to a cue. The last
        comma-separated stretch decides, unless it is an appositive role ("Mark Williams,
        the incident controller for the region, says"), which gives way to the person
        named before it."""
        clause = _LAST_CLAUSE.search(self.text, start, end)
        if clause is not None:
            # "a question about the death penalty that she said": the clause's own subject
            start = clause.start("subject")
        segments = self._segments(start, end)
        last_start, last_end = segments[-1]
        last_words = WORD.findall(self.text[last_start:last_end].casefold())
        if len(segments) > 1 and _is_appositive_role(last_words):
            previous = self._segment(*segments[-2])
            if previous is not None and previous.kind == EntityKind.person.value:
                return previous
        found = self._segment(last_start, last_end)
        if found is not None:
            return found
        # "Dr Abdullah, appeared to be ending the confusion, saying ...": the subject stands
        # in an earlier stretch; only a name is trusted that far back.
        for segment_start, segment_end in reversed(segments[-3:-1]):
            names = self.names_between(segment_start, segment_end)
            people = [name for name in names if name.label == "PERSON"]
            if people or names:
                return self._named((people or names)[-1])
            earlier = self._segment(segment_start, segment_end)  # "Trump, 70, told"
            if earlier is not None and earlier.how in {"named", "partial"}:
                return earlier
        return None

    def resolve_head(self, phrase: Phrase) -> Speaker | None:
        """The speaker of a phrase whose head word the parse found: the name holding the head,
        a pronoun, several people together, a document, an unnamed group or a description as
        written, a role; else the words as the rules read them."""
        assert phrase.head is not None
        parse = self.document.parse_at(phrase.head[0])
        index = None if parse is None else parse.index_at(phrase.head[0])
        if parse is None or index is None:
            return self.resolve(phrase.start, phrase.end)
        members = self._conjuncts(parse, index)
        if len(members) > 1:
            return self._together(parse, members, phrase)
        return self._head(parse, index, phrase)

    def _conjuncts(self, parse: Parse, index: int) -> list[int]:
        members = [index]
        at = index
        while len(members) < 6:
            following = parse.kid(at, "conj")
            if following is None:
                break
            members.append(following)
            at = following
        return members

    def _token_name(self, parse: Parse, index: int) -> Speaker | None:
        """The named person or body a name word stands for: the recogniser's name holding
        it, else the proper nouns written with it ("Reps. Elijah Cummings") completed from
        the fullest mention in the text."""
        token = parse.tokens[index]
        name = self.document.name_at(token.start, token.end)
        if name is not None and name.label in {"PERSON", "ORG", "GPE", "FAC"}:
            return self._named(name)
        if token.tag not in {"NNP", "NNPS"} or _is_role(token.text):
            return None
        words = [kid for kid in parse.kids(index, "compound") if kid < index]
        start = parse.tokens[words[0]].start if words else token.start
        written = person_core(self.text[start : token.end])
        if not written:
            return None
        shifted = Name(token.end - len(written), token.end, written, "PERSON", "person")
        return self._named(shifted)

    def _together(self, parse: Parse, members: list[int], phrase: Phrase) -> Speaker | None:
        """ "James E. Clyburn and G. K. Butterfield", "Mike Pence and other senior
        Republicans": several speakers credited at once are one group."""
        named: list[str] = []
        for member in members:
            speaker = self._token_name(parse, member)
            if speaker is None:
                named = []
                break
            named.append(speaker.name)
        if named:
            return Speaker(self._joined(named), EntityKind.group.value, "named")
        first, last = parse.tokens[members[0]], parse.tokens[members[-1]]
        start = parse.tokens[first.left].start
        end = parse.tokens[last.right].end
        written = self._canonical_inside(start, end)
        if not written:
            return None
        return Speaker(written, EntityKind.group.value, "description")

    def _canonical_inside(self, start: int, end: int) -> str:
        """text[start:end] without a leading article or the roles before a first name, a
        person named with a possessive written in full ("Mrs. Clinton's aides" -> "Hillary
        Clinton's aides"; "Running mate Mike Pence and other senior Republicans" -> "Mike
        Pence and other senior Republicans")."""
        pieces = []
        at = start
        for name in self.document.names_between(start, end):
            if name.label != "PERSON":
                continue
            before = self.text[at : name.start]
            if at == start and all(
                _role_word(word) in PERSON_ROLES | _TITLE_WORDS or word.casefold() in {"the", "a"}
                for word in before.split()
            ):
                before = ""
            possessive = re.match(r"['\u2019]s?\b", self.text[name.end : name.end + 2])
            written = self.canonical(name)[0] if possessive else self.text[name.start : name.end]
            pieces.extend([before, written])
            at = name.end
        pieces.append(self.text[at:end])
        written = "".join(pieces).strip(" ,;:\u2014\u2013-")
        written = _CLAUSE_OPENING.sub("", written)  # "If Wells Fargo's board ..."
        return _DETERMINERS.sub("", written).strip()

    def _description(self, parse: Parse, index: int) -> str:
        """The noun phrase of a head word as written, without its determiner and without a
        relative clause or an apposition after it ("Wells Fargo board", "documents released
        by WikiLeaks", "Forty-one percent of respondents")."""
        token = parse.tokens[index]
        cut = [
            kid
            for kid in parse.kids(
                index, "relcl", "appos", "punct", "cc", "conj", "advcl", "npadvmod"
            )
            if kid > index
        ]
        start, end = parse.span_without(index, cut)
        for kid in cut:
            kid_token = parse.tokens[kid]
            if kid_token.dep in {"punct", "cc"} and kid_token.start < end:
                end = min(end, kid_token.start)
        if end <= token.start:
            end = token.end
        written = self._canonical_inside(start, end)
        return _QUANTIFIERS.sub("", written).strip() or token.text

    def _head(self, parse: Parse, index: int, phrase: Phrase) -> Speaker | None:
        token = parse.tokens[index]
        folded = token.text.casefold()
        named = self._token_name(parse, index)
        if named is not None and named.kind != EntityKind.person.value:
            # "the Bureau of Meteorology's Claire Richards": the parse may make the body the
            # head; a person named after its possessive is the speaker
            start, end = parse.span(index)
            for name in self.names_between(start, end):
                if name.label == "PERSON" and re.search(
                    r"['\u2019]s\s+(?:\w+\s+){0,3}$", self.text[start : name.start]
                ):
                    return self._named(name)
        if named is not None:
            return named
        if folded in PERSON_PRONOUNS | GROUP_PRONOUNS | THING_PRONOUNS:
            return self.pronoun(folded, token.start)
        if folded in {"i", "we", "you", "me", "us", "who", "which", "that", "this"}:
            return None
        for kid in parse.kids(index, "appos"):
            appositive = self._token_name(parse, kid)
            if appositive is not None:
                return appositive  # "Brazile's CNN colleague, Jake Tapper,"
        norp = self.document.name_at(token.start, token.end)
        described = self._description(parse, index)
        if norp is not None and norp.label == "NORP":
            return Speaker(described, EntityKind.group.value, "description")
        if token.tag in {"NNP", "NNPS"} and not _is_role(token.text):
            return self.resolve(phrase.start, phrase.end)
        if folded in WORK_NOUNS:
            return Speaker(described, EntityKind.work.value, "work")
        determiner = parse.kid(index, "det", "predet")
        modified = len(described.split()) > 1
        places_only = all(
            name.label in {"GPE", "NORP"} for name in self.names_between(*parse.span(index))
        )
        if folded in PUBLICATION_ROLES and (not modified or places_only):
            outlet = self._nearest_publication(token.start)
            if outlet is not None:
                return outlet  # "the influential US daily": the paper named before
        definite = self._definite(parse, index)
        if definite and folded in PERSON_NOUNS and folded not in ANONYMOUS_NOUNS:
            holder = self._holder_of(folded, token.start)
            if holder is not None:
                return Speaker(self.canonical(holder)[0], holder.kind, "role")
            found = self.pronoun("person", token.start)
            if found is not None:
                return Speaker(found.name, found.kind, "role")  # "the Republican nominee"
        if definite and folded in PERSON_NOUNS | ANONYMOUS_NOUNS and folded.endswith("s"):
            found = self.pronoun("people", token.start)
            if found is not None:
                return Speaker(found.name, found.kind, "role")  # "both lawmakers"
        if determiner is not None and parse.tokens[determiner].text.casefold() in {
            "those",
            "these",
            "the",
        }:
            earlier = self._earlier_description(
                f"{parse.tokens[determiner].text} {token.text}", token.start
            )
            if earlier is not None:
                return Speaker(earlier, EntityKind.anonymous.value, "description")
        if folded in SPOKES_ROLES:
            # "another Ryan spokesperson": the person or body named with it; "a spokesman
            # for the company": the body; "a campaign spokeswoman": as written
            start, end = parse.span(index)
            holders = [n for n in self.names_between(start, end) if n.label in {"PERSON", "ORG"}]
            if holders:
                return self._named(holders[-1])
            if modified and not parse.kids(index, "prep"):
                return Speaker(described, EntityKind.anonymous.value, "description")
        if folded in COMPANY_ROLES | BODY_ROLES | SPOKES_ROLES or (
            folded in PERSON_ROLES and folded not in ANONYMOUS_NOUNS
        ):
            if not modified or folded in SPOKES_ROLES:
                resolved = self.resolve(phrase.start, phrase.end)
                if resolved is not None:
                    return resolved
            kind = (
                EntityKind.organization
                if folded in COMPANY_ROLES
                else (
                    EntityKind.government_body if folded in _GOVERNMENT_HEADS else EntityKind.group
                )
            )
            return Speaker(described, kind.value, "description")
        if token.tag.startswith("NN") or folded in ANONYMOUS_NOUNS:
            kind = EntityKind.anonymous
            if folded in GROUP_NOUNS or folded.endswith("percent"):
                kind = EntityKind.group
            if folded in {"board", "committee", "campaign", "team", "company", "firm"}:
                kind = EntityKind.organization
            return Speaker(described, kind.value, "description")
        return self.resolve(phrase.start, phrase.end)

    def _definite(self, parse: Parse, index: int) -> bool:
        """ "the CNN host", "both lawmakers", "the two men": a description pointing back."""
        for kid in parse.kids(index, "det", "predet", "nummod"):
            word = parse.tokens[kid].text.casefold()
            if word in {"the", "this", "that", "these", "those", "both", "two"}:
                return True
        return False

    def _nearest_publication(self, at: int) -> Speaker | None:
        index = bisect.bisect_left(self.starts, at) - 1
        while index >= 0 and at - self.names[index].start <= ROLE_REACH:
            name = self.names[index]
            if name.kind == EntityKind.publication.value:
                return Speaker(self.canonical(name)[0], name.kind, "role")
            index -= 1
        return None

    def speaker(self, phrase: Phrase) -> Speaker | None:
        if phrase.head is not None:
            return self.resolve_head(phrase)
        return self.resolve(phrase.start, phrase.end)

    def remember(self, speaker: Speaker, at: int) -> None:
        """Record a credit, for pronouns further on."""
        index = bisect.bisect_right(self.credit_starts, at)
        self.credit_starts.insert(index, at)
        self.credits.insert(index, _Mention(speaker.name, speaker.kind, at, True))


def _previous(credits: list[Credit], before: int) -> Credit | None:
    """The latest credit whose cue stands close enough before `before`."""
    for credit in reversed(credits):
        if credit.cue.start < before:
            return credit if before - credit.cue.start <= PRONOUN_REACH else None
    return None


def _hop(speaker: Speaker, verb: str) -> Hop:
    return Hop(speaker.name, verb, speaker.kind)


def resolve_speakers(
    document: Document, attributions: tuple[Attribution, ...], resolver: SpeakerResolver
) -> tuple[Credit, ...]:
    """Every attribution with its speaker and chain, in the order of their cues; those that
    turn out to credit no one (and hedge nothing) are dropped."""
    text = document.text
    credits: list[Credit] = []
    ordered = sorted(attributions, key=lambda found: (found.cue.start, found.start))
    for found in ordered:
        cue = found.cue
        if found.basis == "previous":
            previous = _previous(credits, found.cue.start)
            if previous is None or previous.speaker is None:
                continue
            credits.append(
                Credit(
                    attribution=found,
                    start=found.start,
                    end=found.end,
                    cue=previous.cue,
                    cue_end=previous.cue_end,
                    speaker=previous.speaker,
                    verb=previous.verb,
                    hedged=previous.hedged,
                    frame=previous.frame,
                    intermediaries=previous.intermediaries,
                    cited=previous.cited,
                )
            )
            continue
        if found.basis == "clause":
            previous = _previous(credits, cue.start)
            if (
                previous is not None
                and previous.speaker is not None
                and "\n" not in text[previous.cue.start : cue.start]
            ):
                credits.append(
                    Credit(
                        attribution=found,
                        start=found.start,
                        end=found.end,
                        cue=cue,
                        cue_end=found.cue_end,
                        speaker=previous.speaker,
                        verb=cue.verb,
                        hedged=True,
                        frame=found.frame,
                        intermediaries=previous.intermediaries,
                    )
                )
                continue
        speaker = None if found.speaker is None else resolver.speaker(found.speaker)
        hops = list(found.recipients)
        cited_hops: list[Hop] = []
        verb: str = cue.verb
        if found.cited is not None:
            if is_report_source(text, *found.cited):
                cited_hops = [Hop(text[found.cited[0] : found.cited[1]], Verb.cited)]
            else:
                origin = resolver.resolve(*found.cited)
                if origin is not None:
                    if speaker is not None:
                        hops.append(_hop(speaker, cue.verb))
                    speaker = origin
                    verb = Verb.said
        if found.outer is not None:
            outer = resolver.speaker(found.outer)
            if outer is not None and speaker is None:
                speaker = outer
            elif outer is not None:
                hops.insert(0, Hop(outer.name, Verb.reported, outer.kind))
        if speaker is None and not cue.hedged and not cited_hops and found.speech != "direct":
            continue
        credit = Credit(
            attribution=found,
            start=found.start,
            end=found.end,
            cue=cue,
            cue_end=found.cue_end,
            speaker=speaker,
            verb=verb,
            hedged=cue.hedged,
            frame=found.frame,
            intermediaries=tuple(hops),
            cited=tuple(cited_hops),
        )
        credits.append(credit)
        if speaker is not None and found.basis == "cue":
            resolver.remember(speaker, cue.start)
    return tuple(credits)
