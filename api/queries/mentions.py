"""Mentions of one text, grouped by who or what they name: the text's own half of entity
resolution, which needs nothing from the store.

A text names each person or body in several ways: "John Howard", then "Howard"; "the
Federal Bureau of Investigation (FBI)", then "FBI"; "FBI Director James Comey", then "the
FBI director". `chains` groups the mentions of one text into chains, one per referent,
each with its fullest form ("John Howard"), which is what the store's half
(`api.queries.resolution`) resolves against held entities. The rules, in order:

- a name with the same name key (case, accents, punctuation, honorifics and a leading
  "the" folded) is the same ("Mr. Trump", "Trump");
- two names of a person with the same first and last word are one ("Donald J. Trump");
- an acronym joins the name whose initials it is ("FBI", "Federal Bureau of
  Investigation"), before or after it;
- a single word joins the person whose surname (or first name) it is, the nearest one
  before it, else after (a headline's "Biden" and the body's "Joe Biden"); never a name
  the recogniser read as a place or a body;
- an unnamed source ("officials", "a senior official") is a chain of its own, one per
  description; "the official" is the last description with that head before it;
- a role ("the FBI director") joins the person the text gives that title ("FBI Director
  James Comey", "James Comey, the FBI director,"), if only one.

Each mention keeps the kind the recogniser read; a chain's kind is its fullest name's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from api.store.entity_keys import acronym_letters, fold, initials, name_key
from models.base import EntityKind

# Titles and honorifics before a name, dropped from it ("Sen. Bernie Sanders").
# fmt: off
HONORIFICS = frozenset({
    "mr", "mrs", "ms", "miss", "dr", "sen", "senator", "rep", "representative", "gov",
    "governor", "gen", "general", "lt", "col", "sgt", "capt", "adm", "prof", "rev", "sir",
    "dame", "lord", "president", "vice", "secretary", "director", "speaker", "judge",
    "justice", "mayor", "minister", "chairman", "chairwoman", "ambassador", "pope", "king",
    "queen", "prince", "princess", "sheikh", "former", "attorney", "chancellor", "premier",
    "commissioner", "sheriff", "officer", "detective", "agent", "candidate", "nominee",
})
# Words a determiner or a count that open a description ("three people briefed...").
DETERMINERS = frozenset({
    "the", "a", "an", "his", "her", "their", "its", "my", "our", "your", "this", "that",
    "these", "those", "one", "some", "several", "two", "three", "four", "five", "six",
    "seven", "eight", "nine", "ten", "many", "most", "few", "other", "another", "both",
    "all", "at", "least", "more", "than", "dozens", "of", "no",
})
# Heads of descriptions of unnamed people: models.base.EntityKind.anonymous.
ANONYMOUS_HEADS = frozenset({
    "official", "officials", "source", "sources", "aide", "aides", "adviser", "advisers",
    "advisor", "advisors", "investigator", "investigators", "prosecutor", "prosecutors",
    "lawyer", "lawyers", "attorneys", "agent", "agents", "spokesman", "spokeswoman",
    "spokesperson", "spokesmen", "spokespeople", "people", "person", "employee",
    "employees", "staff", "staffers", "staffer", "member", "members", "expert", "experts",
    "analyst", "analysts", "critic", "critics", "diplomat", "diplomats", "reporter",
    "reporters", "insider", "insiders", "witness", "witnesses", "resident", "residents",
    "police", "officers", "officer", "politicians", "checkers", "enemies", "allies",
    "supporters", "opponents", "strategists", "strategist", "operatives", "operative",
    "donors", "leaders", "lawmakers", "salespersons", "figures", "researchers",
    "scientists", "economists", "observers", "authorities", "executives", "associates",
    "friends", "colleagues", "representatives", "office", "voters", "activists",
    "organizers", "detectives", "doctors", "engineers", "workers",
})
# Heads that end a body's name written in lower case ("the Trump campaign"), with the
# kind they make it.
BODY_HEADS = {
    "campaign": EntityKind.organization,
    "administration": EntityKind.government_body,
}
# Last words that make a name a place whatever the recogniser read ("John F. Kennedy
# International Airport" is no person).
PLACE_HEADS = frozenset({
    "airport", "airports", "airfield", "station", "terminal", "square", "street", "avenue",
    "boulevard", "road", "highway", "bridge", "park", "stadium", "tower", "harbour", "harbor",
    "port", "quay", "plaza",
})
# Words of a title before or after a person's name ("FBI Director", "House Speaker").
ROLE_HEADS = frozenset({
    "director", "president", "secretary", "speaker", "senator", "sen", "governor", "gov",
    "nominee", "candidate", "chairman", "chair", "chairwoman", "leader", "spokesman",
    "spokeswoman", "spokesperson", "minister", "mayor", "ambassador", "judge", "attorney",
    "general", "manager", "adviser", "advisor", "aide", "chief", "commissioner",
    "representative", "rep", "congressman", "congresswoman", "lawmaker", "founder", "ceo",
    "executive", "host", "anchor", "correspondent", "columnist", "editor", "author",
    "biographer", "lawyer", "wife", "husband", "son", "daughter", "father", "mother",
    "brother", "sister", "rival", "opponent", "mate", "specialist", "billionaire",
    "businessman", "businesswoman", "staffer", "inspector", "justice", "deputy", "strategist",
    "pollster", "counsel", "prosecutor", "sheriff", "officer", "head", "commander",
})
_TITLE_GLUE = frozenset({"of", "the", "for", "and", "vice", "deputy", "acting", "then"})
# Where a description's core ends ("officials familiar with the system" -> "officials").
_COMPLEMENT = re.compile(
    r"\s+(?:of|to|for|with|familiar|briefed|who|that|in|at|on|involved|close|from|"
    r"within|knowledgeable|working|under|inside|outside|near|around|about|across|"
    r"investigating|directly|who)\b.*$",
    re.S,
)
_POSSESSIVE = re.compile(r"(?:['\u2019]s|s['\u2019]|['\u2019])$")
# fmt: on


class Form(StrEnum):
    """How a mention names its referent."""

    name = "name"
    acronym = "acronym"
    description = "description"  # an unnamed source
    role = "role"


@dataclass(frozen=True)
class Mention:
    """A mention as a text writes it, with the kind the recogniser read (None when it
    could not tell) and, when known, its offsets in the text."""

    text: str
    kind: EntityKind | None = None
    start: int | None = None
    end: int | None = None


@dataclass
class Chain:
    """Mentions of one text that name one referent."""

    form: Form
    full: str  # the fullest form: a full name, an expansion, the first description
    kind: EntityKind | None
    members: list[int] = field(default_factory=list)  # indexes into the mentions
    spellings: list[str] = field(default_factory=list)  # distinct, in text order
    titles: list[str] = field(default_factory=list)  # roles the text gives it, folded
    places: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, words)

    @property
    def key(self) -> str:
        return name_key(self.full) if self.form is not Form.description else fold(self.full)

    @property
    def names(self) -> list[str]:
        """The spellings that name it outright: full names and acronyms first, then
        other names; a bare surname or first name of a person last. A role or a
        description joined to a named chain ("the FBI director") names no one outright."""
        words = len(name_key(self.full).split())
        named = [
            spelled
            for spelled in self.spellings
            if self.form in (Form.role, Form.description)
            or read(Mention(spelled)).form in (Form.name, Form.acronym)
        ]
        return sorted(
            named,
            key=lambda spelled: (
                _single_person_word(spelled, self) and words > 1,
                -len(name_key(spelled).split()),
            ),
        )


def _single_person_word(spelled: str, chain: Chain) -> bool:
    return chain.kind in (EntityKind.person, None) and len(name_key(spelled).split()) == 1


@dataclass(frozen=True)
class Reading:
    """A mention as the chain rules see it: its form, its cleaned text, its core words."""

    form: Form
    text: str  # the name without honorifics, article and possessive; a description as written
    core: list[str]  # folded words of the name, or of the description's core
    determiner: str | None  # a description's or role's first word, if a determiner
    head: str  # a description's or role's head word (folded); a name's last word
    kind: EntityKind | None = None  # what the words alone say it is ("the Trump campaign")


def read(mention: Mention) -> Reading:
    """What sort of mention it is, by its words alone (and an `anonymous` kind, which
    the extractor gives unnamed sources)."""
    text = " ".join(mention.text.split())
    text = _POSSESSIVE.sub("", text).strip(" ,;:") or text
    if text.endswith(".") and not _ABBREVIATED.search(text):
        text = text[:-1]
    if text.startswith("@"):  # a handle
        return Reading(Form.name, text, [fold(text)], None, fold(text))
    words = text.split()
    first = words[0].casefold() if words else ""
    determiner = first if first in DETERMINERS else None
    body = words[1:] if determiner else words
    while body and body[0].casefold() in DETERMINERS:
        body = body[1:]
    core_text = _COMPLEMENT.sub("", " ".join(body)) or " ".join(body)
    core_words = [_POSSESSIVE.sub("", word) for word in core_text.split()] or [text]
    unnamed = [
        word
        for n, word in enumerate(core_words)
        if fold(word) in ANONYMOUS_HEADS and (word[:1].islower() or n == 0)
    ]
    head_word = unnamed[0] if unnamed else core_words[-1]
    head = fold(head_word)
    common = bool(unnamed) or head_word[:1].islower() or not any(ch.isupper() for ch in core_text)
    core = fold(core_text).split()
    if mention.kind is EntityKind.anonymous:
        return Reading(Form.description, text, core, determiner, head, EntityKind.anonymous)
    if common and head not in BODY_HEADS:
        described = _is_description(determiner, head)
        form = Form.description if described else Form.role
        kind = EntityKind.anonymous if described else None
        return Reading(form, text, core, determiner, head, kind)
    name = " ".join(body) if determiner in {"the", None} else text
    name = _without_honorifics(name)
    if acronym_letters(name) is not None:
        return Reading(Form.acronym, name, [acronym_letters(name) or ""], None, head)
    kind = EntityKind.place if head in PLACE_HEADS else BODY_HEADS.get(head)
    return Reading(Form.name, name, name_key(name).split(), None, head, kind)


# An abbreviation's own full stop ("U.S.", "Wash.", "Inc."), kept.
_ABBREVIATED = re.compile(r"(?:\b[A-Z][a-z]{0,3}|\.[A-Z])\.$")


def _is_description(determiner: str | None, head: str) -> bool:
    """Unnamed people: a plural of them, anyone indefinite ("a senior official"), or
    "the official" (one named before); "the president", "his attorney" are roles."""
    if head not in ANONYMOUS_HEADS:
        return head.endswith("s") and head not in ROLE_HEADS and determiner not in {"his", "her"}
    if determiner in {None, "a", "an", "one", "another", "some", "several", "two", "three"}:
        return True
    plural = head.endswith(("s", "people", "staff", "police"))
    return plural or determiner in {"the", "this", "that"}


def _without_honorifics(name: str) -> str:
    words = name.split()
    while len(words) > 1 and fold(words[0]) in HONORIFICS:
        words = words[1:]
    return " ".join(words)


def chains(text: str | None, mentions: Sequence[Mention]) -> tuple[list[Chain], list[int]]:
    """The chains of one text's mentions (given in text order), and for each mention the
    index of its chain. `text`, when given, lets roles find the titles names are given."""
    readings = [read(mention) for mention in mentions]
    found: list[Chain] = []
    chain_of: list[int] = [-1] * len(mentions)
    by_key: dict[str, int] = {}

    def join(index: int, chain: int) -> None:
        chain_of[index] = chain
        found[chain].members.append(index)
        mention = mentions[index]
        if mention.start is not None and mention.end is not None:
            found[chain].places.append((mention.start, mention.end, mention.text))
        spelled = readings[index].text
        if spelled not in found[chain].spellings:
            found[chain].spellings.append(spelled)

    def new(index: int, form: Form, full: str) -> int:
        found.append(Chain(form, full, _kind_of(mentions[index], readings[index])))
        join(index, len(found) - 1)
        return len(found) - 1

    # Full names first (two words or more), by name key; a person's middle names aside.
    for index, reading in enumerate(readings):
        if reading.form is Form.name and len(reading.core) > 1:
            key = " ".join(reading.core)
            chain = by_key.get(key)
            if chain is None:
                chain = _same_person(found, reading, mentions[index].kind)
            if chain is None:
                chain = new(index, Form.name, reading.text)
                by_key[key] = chain
            else:
                join(index, chain)
                _fuller(found[chain], reading.text, mentions[index].kind)
    full_names = list(range(len(found)))
    # Acronyms join the name whose initials they are, else one another.
    for index, reading in enumerate(readings):
        if reading.form is not Form.acronym:
            continue
        letters = reading.core[0]
        chain = _expansion(found, full_names, mentions, letters, index)
        if chain is None:
            chain = by_key.get("acronym:" + letters)
        if chain is None:
            by_key["acronym:" + letters] = new(index, Form.acronym, reading.text)
        else:
            join(index, chain)
    # Single words: a person's surname or first name, else a name of their own.
    for index, reading in enumerate(readings):
        if reading.form is not Form.name or len(reading.core) != 1:
            continue
        kind = mentions[index].kind
        word = reading.core[0]
        chain = by_key.get(word)
        if chain is None and kind in _SURNAME_KINDS:
            chain = _person_of(found, full_names, mentions, word, index)
        if chain is None and reading.text.startswith("@"):
            chain = _handle_of(found, full_names, word)
        if chain is None and kind is not EntityKind.person:
            chain = _short_name_of(found, full_names, word, index)
        if chain is None:
            by_key[reading.core[0]] = new(index, Form.name, reading.text)
        else:
            join(index, chain)
    if text is not None:
        _titles(text, mentions, chain_of, found)
    # Unnamed sources, one chain per description; "the official" is the last one before.
    heads: dict[tuple[str, bool], int] = {}
    owned: dict[tuple[str, str], int] = {}
    for index, reading in enumerate(readings):
        if reading.form is not Form.description:
            continue
        key = "description:" + fold(reading.text)
        chain = by_key.get(key)
        lemma = (_singular(reading.head), _singular(reading.head) != reading.head)
        anaphoric = reading.determiner in {"the", "this", "that", "these", "those"}
        if chain is None and (anaphoric or (reading.determiner is None and len(reading.core) == 1)):
            chain = heads.get(lemma)
        if chain is None and reading.determiner in {"his", "her", "their", "its"}:
            chain = owned.get((reading.determiner, lemma[0]))
        if chain is None:
            chain = new(index, Form.description, reading.text)
            found[chain].kind = EntityKind.anonymous
            by_key[key] = chain
        else:
            join(index, chain)
        heads[lemma] = chain
        if reading.determiner in {"his", "her", "their", "its"}:
            owned[(reading.determiner, lemma[0])] = chain
    # Roles: the person the text gives that title, else one chain per role.
    for index, reading in enumerate(readings):
        if reading.form is not Form.role:
            continue
        chain = _holder(found, reading)
        key = "role:" + " ".join(reading.core)
        if chain is None:
            chain = by_key.get(key)
        if chain is None:
            by_key[key] = new(index, Form.role, reading.text)
        else:
            join(index, chain)
    return found, chain_of


def _kind_of(mention: Mention, reading: Reading) -> EntityKind | None:
    """The recogniser's kind, unless the name's own last word says it is a place."""
    if reading.kind is EntityKind.place:
        return EntityKind.place
    return mention.kind or reading.kind


def _singular(word: str) -> str:
    if word.endswith("people") or word.endswith("men"):
        return word
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _fuller(chain: Chain, spelled: str, kind: EntityKind | None) -> None:
    """Keep the longest spelling as the chain's full form."""
    if len(name_key(spelled).split()) > len(name_key(chain.full).split()):
        chain.full = spelled
    if chain.kind is None:
        chain.kind = kind
    if read(Mention(spelled)).kind is EntityKind.place:
        chain.kind = EntityKind.place


def _same_person(found: list[Chain], reading: Reading, kind: EntityKind | None) -> int | None:
    """A person chain with the same first and last word ("Donald J. Trump")."""
    if kind not in (EntityKind.person, None):
        return None
    for n, chain in enumerate(found):
        if chain.form is not Form.name or chain.kind not in (EntityKind.person, None):
            continue
        if kind is None and chain.kind is None:
            continue
        other = name_key(chain.full).split()
        if len(other) > 1 and other[0] == reading.core[0] and other[-1] == reading.core[-1]:
            return n
    return None


def _expansion(
    found: list[Chain], full_names: list[int], mentions: Sequence[Mention], letters: str, at: int
) -> int | None:
    """The name whose initials `letters` are, nearest before `at`, else after."""
    fitting = [
        n
        for n in full_names
        if letters in initials(found[n].full) and found[n].kind is not EntityKind.person
    ]
    return _nearest(found, fitting, at)


def _person_of(
    found: list[Chain], full_names: list[int], mentions: Sequence[Mention], word: str, at: int
) -> int | None:
    """The person whose surname (else first name) `word` is, nearest before `at`."""
    for position in (-1, 0):
        fitting = [
            n
            for n in full_names
            if found[n].kind is EntityKind.person
            and name_key(found[n].full).split()[position] == word
        ]
        if fitting:
            return _nearest(found, fitting, at)
    return None


# A single word may be a person's surname even where the recogniser read it as a body
# ("Trump" in "the Trump camp"); never where it read a place or a publication.
_SURNAME_KINDS = (EntityKind.person, EntityKind.organization, None)
# Words that do not tell one body from another: "Podesta Group Inc." is "Podesta Group".
GENERIC = frozenset(
    {
        "inc",
        "llc",
        "ltd",
        "corp",
        "corporation",
        "co",
        "company",
        "plc",
        "group",
        "news",
        "department",
        "dept",
        "foundation",
        "party",
        "agency",
        "committee",
        "network",
    }
)


def _handle_of(found: list[Chain], full_names: list[int], word: str) -> int | None:
    """The one person whose surname a handle holds ("@SpeakerRyan", "@realDonaldTrump")."""
    handle = word.replace("_", "")
    fitting = [
        n
        for n in full_names
        if found[n].kind is EntityKind.person
        and len(last := name_key(found[n].full).split()[-1]) > 2
        and last in handle
    ]
    return fitting[0] if len(fitting) == 1 else None


def _short_name_of(found: list[Chain], full_names: list[int], word: str, at: int) -> int | None:
    """The one body written in full with this word and only generic ones ("Mercury" for
    "Mercury LLC", "State" for "State Department"), or the publication it ends ("the
    Times" for "The New York Times")."""
    fitting = []
    for n in full_names:
        chain = found[n]
        if chain.kind in (EntityKind.person, EntityKind.place):
            continue
        words = [w for w in name_key(chain.full).split() if w != "the"]
        rest = [w for w in words if w != word]
        if (len(rest) < len(words) and all(w in GENERIC for w in rest)) or (
            chain.kind is EntityKind.publication and words and words[-1] == word
        ):
            fitting.append(n)
    return fitting[0] if len(fitting) == 1 else None


def _nearest(found: list[Chain], fitting: list[int], at: int) -> int | None:
    """Of several chains a short form fits, the one named most often so far (the text's
    subject: "Clinton" in a story on Hillary Clinton that names Bill Clinton once), then
    the nearest before, else the first after."""
    if not fitting:
        return None
    counts = {n: sum(1 for m in found[n].members if m < at) for n in fitting}
    most = max(counts.values())
    if most > 0:
        fitting = [n for n in fitting if counts[n] == most]
    before = [
        (max(m for m in found[n].members if m < at), n)
        for n in fitting
        if min(found[n].members) < at
    ]
    if before:
        return max(before)[1]
    return min((min(found[n].members), n) for n in fitting)[1]


def _titles(
    text: str, mentions: Sequence[Mention], chain_of: list[int], found: list[Chain]
) -> None:
    """The titles the text gives each person just before a name ("FBI Director James
    Comey") or in apposition after it ("Comey, the FBI director,")."""
    for index, mention in enumerate(mentions):
        chain = chain_of[index]
        if chain < 0 or mention.start is None or mention.end is None:
            continue
        if found[chain].kind is not EntityKind.person:
            continue
        for title in (_title_before(text, mention.start), _title_after(text, mention.end)):
            if title and title not in found[chain].titles:
                title = title.removeprefix("the ")
                found[chain].titles.append(title)


_WORD_BEFORE = re.compile(r"([\w.&'\u2019-]+)\s+$")


def _title_before(text: str, start: int) -> str | None:
    words: list[str] = []
    at = start
    while len(words) < 6:
        found = _WORD_BEFORE.search(text, max(0, at - 40), at)
        if found is None or "\n" in text[found.start() : at]:
            break
        word = found.group(1)
        folded = fold(word)
        if not (word[:1].isupper() or folded in ROLE_HEADS or folded in _TITLE_GLUE):
            break
        words.insert(0, word)
        at = found.start()
    while words and fold(words[0]) in _TITLE_GLUE:
        words.pop(0)
    title = [fold(word) for word in words]
    heads = [n for n, word in enumerate(title) if word in ROLE_HEADS]
    if not heads:
        return None
    return " ".join(title[: heads[-1] + 1])


_APPOSITION = re.compile(r",\s+(?:the\s+|a\s+|an\s+)?([^,.;:()\n]{3,80}?)\s*[,.;]")


def _title_after(text: str, end: int) -> str | None:
    found = _APPOSITION.match(text, end)
    if found is None:
        return None
    words = fold(found.group(1)).split()
    if not words or words[-1] not in ROLE_HEADS or len(words) > 8:
        return None
    if words[0] in {"his", "her", "their", "its", "my", "our"}:
        return None  # "X, his attorney": the title of someone else's attorney
    return " ".join(words)


def _holder(found: list[Chain], reading: Reading) -> int | None:
    """The one person given the title this role names: all its words among the title's,
    the same head ("the director" after "FBI Director James Comey"). A title of one word
    ("President Clinton") is too often a courtesy to tell; a role relative to someone
    ("his attorney") is not a title at all."""
    if reading.determiner not in {None, "the"}:
        return None
    wanted = [word for word in reading.core if word not in _TITLE_GLUE]
    if not wanted:
        return None
    holders = {
        n
        for n, chain in enumerate(found)
        for title in chain.titles
        if title.split()[-1] == wanted[-1]
        and set(wanted) <= set(title.split())
        and len(title.split()) > 1
    }
    return holders.pop() if len(holders) == 1 else None
