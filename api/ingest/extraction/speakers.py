"""Who a speaker phrase names: "he", "the minister", "a spokesman", "Gambill" or "Police in
Karachi" turned into the name a reviewer would want ("Jan-Michael Gambill", not "he").

Pronouns go to the last person credited nearby, else to the nearest named person before
them; roles go to the nearest name that fits the role; a surname or "Mr X" goes to the
fullest mention of the same name in the text; a description with no name ("fire
authorities") stays as written, without its article.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from api.ingest.extraction.kinds import guess_label
from api.ingest.extraction.names import Name, capitalised_names

_TITLES = re.compile(
    r"^(?:(?:Mr|Mrs|Ms|Dr|Sir|Dame|Lord|Lady|Prof|Professor|President|Premier|Chancellor|"
    r"Senator|Sen|Governor|Gov|Judge|General|Gen|Colonel|Col|Captain|Capt|King|Queen|Prince|"
    r"Princess|Pope|Rev|Prime\s+Minister|Minister|Secretary|Commissioner|Chief)\.?\s+)+"
)
# fmt: off
_TITLE_WORDS = frozenset({
    "mr", "mrs", "ms", "dr", "sir", "dame", "lord", "lady", "prof", "professor", "president",
    "premier", "chancellor", "senator", "governor", "judge", "general", "colonel", "captain",
    "king", "queen", "prince", "princess", "pope", "rev", "scientist", "researcher", "analyst",
    "economist", "expert", "lawyer", "doctor", "inspector", "detective", "sergeant",
    "constable", "superintendent", "spokesman", "spokeswoman", "spokesperson", "deputy",
    "acting", "opposition", "candidate", "skipper", "player", "pilot", "author", "writer",
    "reporter", "correspondent", "principal", "headmaster", "headmistress", "sheriff",
    "bishop", "archbishop", "rabbi", "imam", "admiral", "lieutenant", "corporal", "treasurer",
    "attorney", "solicitor", "congressman", "congresswoman", "mp", "dean", "coroner",
    "magistrate", "justice", "surgeon",
})
# fmt: on
LONGEST_PERSON_NAME = 4  # words
PERSON_PRONOUNS = frozenset({"he", "she"})
GROUP_PRONOUNS = frozenset({"they", "we"})
THING_PRONOUNS = frozenset({"it"})
# fmt: off
PERSON_ROLES = frozenset({
    "minister", "president", "premier", "chancellor", "leader", "chief", "commissioner",
    "secretary", "adviser", "advisor", "director", "manager", "coach", "captain", "senator",
    "governor", "mayor", "ambassador", "general", "commander", "officer", "controller",
    "executive", "chairman", "chairwoman"
})
# fmt: on
SPOKES_ROLES = frozenset({"spokesman", "spokeswoman", "spokesperson"})
# fmt: off
COMPANY_ROLES = frozenset({"company", "firm", "airline", "bank", "carrier", "insurer", "club"})
BODY_ROLES = frozenset({
    "government", "department", "ministry", "agency", "company", "embassy", "army", "group",
    "organisation", "organization", "service", "council", "office", "party", "union", "legion",
    "unit", "court", "bureau", "administration"
})
# fmt: on
# fmt: off
COLLECTIVE_SPEAKERS = frozenset({
    "police", "officials", "authorities", "residents", "sources", "source", "witnesses",
    "analysts", "experts", "critics", "officers", "investigators", "doctors", "researchers",
    "scientists", "reports", "media", "commanders", "locals", "protesters", "organisers",
    "organizers", "workers", "staff", "troops", "soldiers", "rebels", "militants", "diplomats",
    "observers", "insiders", "aides", "lawyers", "prosecutors", "representatives",
    "representative", "villagers", "others", "people", "fans", "supporters", "opponents",
    "officials'", "campaigners", "activists"
})
# fmt: on
_LEADING_FILLER = re.compile(
    r"^(?:(?:but|and|so|yet|meanwhile|however|also|then|now|yesterday|today|earlier|later|"
    r"the|a|an|one|some|several|two|three|many|his|her|their|its|our|those|these|"
    r"in\s+a\s+statement|in\s+an\s+interview)\b[\s,]*)+",
    re.IGNORECASE,
)
_BACK_REFERENCE = re.compile(r"^(?:those|these|the)\s+(?P<noun>\w+)$", re.IGNORECASE)
_WORD = re.compile(r"[\w'\u2019-]+")
BACK_REFERENCE_REACH = 3000  # characters back to the description "those representatives" repeats
PRONOUN_REACH = 900  # characters back to the last speaker a pronoun may stand for
ROLE_REACH = 3000  # characters back to the person a role ("the minister") may stand for


@dataclass(frozen=True)
class Speaker:
    """A resolved speaker: the name, its kind, and how sure the resolution is."""

    name: str
    kind: str
    how: str  # "named", "partial", "pronoun", "role", "description"


def _without_title(name: str) -> str:
    return _TITLES.sub("", name).strip()


def person_core(name: str) -> str:
    """A person's name without the titles and roles written before it: "Ukrainian Presidential
    Adviser Oleksiy Arestovych" -> "Oleksiy Arestovych"."""
    words = _without_title(name).split()
    titles = PERSON_ROLES | _TITLE_WORDS
    for index in range(len(words) - 1, -1, -1):
        parts = words[index].casefold().strip(".,").split("-")  # "Lieutenant-General"
        if all(part in titles for part in parts):
            words = words[index + 1 :]
            break
    return " ".join(words)


def _name_words(name: str) -> list[str]:
    return [word.casefold() for word in _WORD.findall(_without_title(name))]


@dataclass(frozen=True)
class Credit:
    """Someone already credited in this text, for pronouns to refer back to."""

    speaker: Speaker
    at: int


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


def _collective_description(description: str) -> str | None:
    """ "Local residents", "fire authorities", "Police in Karachi": a description that names no
    one but is itself the speaker; cut after its head noun and an "in <Place>" that follows."""
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
            return head + (tail.group(0) if tail else "")
    return None


class SpeakerResolver:
    """Turns speaker phrases into names, using every named mention in one text."""

    def __init__(self, text: str, names: list[Name]) -> None:
        self.text = text
        self.names = sorted(names, key=lambda name: name.start)
        self.starts = [name.start for name in self.names]
        self.credits: list[Credit] = []
        # Full names the recogniser may have missed ("Jan-Michael Gambill"), for surnames to
        # be completed from.
        # Every mention, and every full person name the recogniser may have missed ("Jan-Michael
        # Gambill"), by last word: shorter mentions are completed from them.
        # Distinct names are few even in a long text, so each look-up stays short.
        self._full_names: dict[str, dict[tuple[str, tuple[str, ...]], str]] = {}
        for name in self.names:
            words = tuple(_name_words(name.text))
            if words:
                known = self._full_names.setdefault(words[-1], {})
                known.setdefault((name.label, words), _without_title(name.text))
        for run in capitalised_names(text):
            core = person_core(run.text)
            words = tuple(word.casefold() for word in _WORD.findall(core))
            if guess_label(run.text) == "PERSON" and 2 <= len(words) <= LONGEST_PERSON_NAME:
                self._full_names.setdefault(words[-1], {}).setdefault(("person", words), core)

    def canonical(self, name: Name) -> tuple[str, str]:
        """The fullest mention in the text that ends with the same words, and its kind:
        "Gambill" -> "Jan-Michael Gambill", "Mr Kemp" -> "David Kemp", "the Legion" ->
        "Freedom of Russia Legion"."""
        words = _name_words(name.text)
        best = person_core(name.text) if name.label == "PERSON" else _without_title(name.text)
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
            elif label == "person" and len(words) == 1 and guess_label(name.text) == "PERSON":
                best, best_length, kind = other_text, len(other_words), "person"
        return best, kind

    def names_between(self, start: int, end: int) -> list[Name]:
        first = bisect.bisect_left(self.starts, start)
        found = []
        for name in self.names[first:]:
            if name.start >= end:
                break
            if name.end <= end:
                found.append(name)
        return found

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

    def _last_credit(self, at: int, person: bool | None) -> Speaker | None:
        for credit in reversed(self.credits):
            if at - credit.at > PRONOUN_REACH:
                return None
            is_person = credit.speaker.kind == "person"
            if person is None or is_person == person:
                return credit.speaker
        return None

    def _named(self, name: Name, how: str = "named") -> Speaker:
        canonical, kind = self.canonical(name)
        return Speaker(canonical, kind, how if canonical == name.text else "partial")

    def _pronoun(self, pronoun: str, at: int) -> Speaker | None:
        if pronoun in PERSON_PRONOUNS:
            last = self._last_credit(at, person=True)
            if last is not None:
                return Speaker(last.name, last.kind, "pronoun")
            name = self._nearest_before(at, {"PERSON"})
        elif pronoun in GROUP_PRONOUNS:
            last = self._last_credit(at, person=False)
            if last is not None:
                return Speaker(last.name, last.kind, "pronoun")
            name = self._nearest_before(at, {"ORG", "NORP", "GPE"})
        else:
            name = self._nearest_before(at, {"ORG", "GPE"})
        return None if name is None else Speaker(self.canonical(name)[0], name.kind, "pronoun")

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

    def _role(self, words: list[str], at: int, description: str) -> Speaker | None:
        for written in reversed(words):
            word = _role_word(written)
            if word in COMPANY_ROLES:
                name = self._nearest_before(at, {"ORG"})
                if name is not None:
                    return Speaker(self.canonical(name)[0], name.kind, "role")
                return Speaker(description, "organization", "description")
            if word in BODY_ROLES:
                name = self._nearest_before(at, {"ORG", "GPE", "NORP"}, containing=word)
                if name is not None:
                    return Speaker(self.canonical(name)[0], name.kind, "role")
                return Speaker(description, "group", "description")
            if word in SPOKES_ROLES:
                name = self._nearest_before(at, {"ORG", "GPE", "NORP"})
                if name is not None:
                    return Speaker(self.canonical(name)[0], name.kind, "role")
                return None
            if word in PERSON_ROLES:
                holder = self._holder_of(word, at)
                if holder is not None:
                    return Speaker(self.canonical(holder)[0], holder.kind, "role")
                last = self._last_credit(at, person=True)
                name = self._nearest_before(at, {"PERSON"})
                if last is not None:
                    return Speaker(last.name, last.kind, "role")
                if name is not None:
                    return Speaker(self.canonical(name)[0], name.kind, "role")
                return Speaker(description, "person", "description")
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
        words = [word.casefold() for word in _WORD.findall(description)]
        if not words:
            return None
        collective = _collective_description(description)
        if collective is not None:
            earlier = self._earlier_description(phrase, offset)
            return Speaker(earlier or collective, "group", "description")
        only_adjectives = all(name.label in {"NORP", "GPE"} for name in names)
        if names and only_adjectives and words[-1] in BODY_ROLES | SPOKES_ROLES:
            return Speaker(description, "group", "description")  # "the Israeli army"
        if names:
            return self._named(names[-1])
        capitalised = [
            name for name in capitalised_names(phrase) if not _is_role(name.text.split()[-1])
        ]  # "The Queensland Premier" is a role, not a name
        if capitalised:  # a name the recogniser missed ("According to Time")
            name = capitalised[-1]
            if name.label == "PERSON":
                shifted = Name(
                    offset + name.start, offset + name.end, name.text, "PERSON", name.kind
                )
                return self._named(shifted)
            return Speaker(name.text, name.kind, "named")
        if len(words) == 1 and words[0] in PERSON_PRONOUNS | GROUP_PRONOUNS | THING_PRONOUNS:
            return self._pronoun(words[0], offset)
        if len(words) <= 6:
            return self._role(words, offset, description)
        return None

    def resolve(self, start: int, end: int) -> Speaker | None:
        """The speaker named just before a cue: text[start:end] runs from the clause start to
        the cue. The last comma-separated stretch decides, unless it is an appositive role
        ("Mark Williams, the incident controller for the region, says"), which gives way to
        the person named before it."""
        segments = self._segments(start, end)
        last_start, last_end = segments[-1]
        last_words = _WORD.findall(self.text[last_start:last_end].casefold())
        if len(segments) > 1 and _is_appositive_role(last_words):
            previous = self._segment(*segments[-2])
            if previous is not None and previous.kind == "person":
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
        return None

    def _segments(self, start: int, end: int) -> list[tuple[int, int]]:
        body = self.text[start:end].rstrip(" ,")
        bounds = [start] + [start + match.end() for match in re.finditer(",", body)]
        stops = [start + match.start() for match in re.finditer(",", body)] + [start + len(body)]
        return list(zip(bounds, stops, strict=True))

    def remember(self, speaker: Speaker, at: int) -> None:
        """Record a credit, for pronouns further on."""
        self.credits.append(Credit(speaker, at))
