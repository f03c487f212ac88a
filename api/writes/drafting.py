"""The claim a claim proposal drafts: what accepting it with no body creates.

Each name the proposal gives (its claimant, the hops of its chain, the names in its
words) becomes an entity slug: the existing entity the resolver matched, or the slug a new
entity would get (one for names of the claim the resolver takes for the same name). The
latter are listed in `missing` with the field they come from, so the accept can create
them or name them in a 422.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from api.queries.mentions import Chain, Mention, read
from api.queries.resolution import CONFIDENT, Held, score
from models.base import ClaimStatus, EntityKind, Role, Speech, Verb, normalize_name, slugify
from models.candidate import CandidateSpeech, ClaimProposal

MAX_STATEMENT = 1000
MAX_ENTITIES = 100
MAX_HOPS = 20
# The claimant's verbs a default statement keeps as written ("<claimant> denied: ...");
# the others ("told", "called", "gave") read as "said" before the words.
_SAYING = frozenset(
    {Verb.stated, Verb.reported, Verb.said, Verb.claimed, Verb.suggested, Verb.wrote}
    | {Verb.tweeted, Verb.posted, Verb.added, Verb.noted, Verb.announced, Verb.declared}
    | {Verb.explained, Verb.confirmed, Verb.revealed, Verb.argued, Verb.insisted}
    | {Verb.acknowledged, Verb.conceded, Verb.admitted, Verb.warned, Verb.predicted}
    | {Verb.alleged, Verb.testified, Verb.replied, Verb.asserted, Verb.concluded}
    | {Verb.denied, Verb.disputed, Verb.countered, Verb.clarified, Verb.reiterated}
)
_ENDS_A_SENTENCE = re.compile(r"[.!?\u2026\"\u201d]$")


@dataclass(frozen=True)
class Missing:
    """A name of the candidate that no entity answers to yet: one to create (named by
    its fullest form in the text), an unnamed source of the text, or one whose entity a
    pending `entity_link` proposal decides (`link`)."""

    field: str  # where the candidate gives it: "claimant.name", "entities.2.name"
    name: str
    kind: EntityKind | None  # None: the recogniser could not tell
    slug: str  # the slug it is created with
    link: int | None = None

    def as_problem(self) -> dict[str, str | None]:
        return {
            "field": self.field,
            "name": self.name,
            "kind": self.kind.value if self.kind else None,
            "slug": self.slug,
        }


@dataclass
class ClaimDraft:
    """A claim in the shape clients create it in (no statement yet: it depends on the final
    claimant), and what it needs that does not exist."""

    claim: dict[str, Any]
    missing: dict[str, Missing] = field(default_factory=dict)  # by slug
    shown: dict[str, str] = field(default_factory=dict)  # slug -> name, for the statement
    # slug -> the names the text writes it by besides its full one ("NYPD" for the New
    # York Police Department): aliases an accept adds where no entity has them yet
    written: dict[str, list[str]] = field(default_factory=dict)
    claimant_hop: int | None = None  # the claimant's place in claim["attribution"]

    source: str = ""  # the slug of the source read: unnamed sources belong to it

    def slug(
        self,
        name: str,
        entity: str | None,
        kind: EntityKind | None,
        where: str,
        known_as: str | None = None,
        link: int | None = None,
    ) -> str:
        """The slug `name` stands for, noting it as missing when no entity has it: an
        entity created under its fullest form in the text, or the text's own unnamed
        source."""
        full = known_as or name
        if entity is not None:
            slug = entity
        elif kind is EntityKind.anonymous:
            slug = anonymous_slug(self.source, full)
        else:
            slug = self._made_already(full, kind) or new_slug(full)
        self.shown.setdefault(slug, name if kind is EntityKind.anonymous else full)
        if entity is None and slug not in self.missing:
            self.missing[slug] = Missing(where, full, kind, slug, link)
        if known_as and kind is not EntityKind.anonymous and _names_outright(name, kind):
            spellings = self.written.setdefault(slug, [])
            if name not in spellings:
                spellings.append(name)
        return slug

    def _made_already(self, full: str, kind: EntityKind | None) -> str | None:
        """The slug of a name this claim creates already that is the same name ("Donald
        Trump" and "Donald J. Trump" in one claim make one entity, not two)."""
        if kind is None:
            return None
        chain = Chain(read(Mention(full, kind)).form, full, kind, spellings=[full])
        for slug, missing in self.missing.items():
            if missing.kind in (None, EntityKind.anonymous) or missing.link is not None:
                continue
            held = Held(0, slug, missing.name, missing.kind)
            fit = score(chain, held, [(missing.name, False)])
            if fit is not None and fit.score >= CONFIDENT and "kind differs" not in fit.basis:
                return slug
        return None


def _names_outright(name: str, kind: EntityKind | None) -> bool:
    """Whether a short form names its entity anywhere: an acronym, or several words (not
    a person's bare surname, which names many people)."""
    words = name.split()
    if len(words) > 1:
        return True
    letters = name.replace(".", "")
    return letters.isupper() and len(letters) >= 2 and kind is not EntityKind.person


def new_slug(name: str) -> str:
    """The slug an entity created from `name` gets; a name with no letters a-z or digits
    (in another script, say) gets one made from its digest."""
    return slugify(name) or "entity-" + hashlib.sha256(name.encode()).hexdigest()[:12]


def anonymous_slug(source_slug: str, description: str) -> str:
    """The slug of a source's unnamed source: its description, of the source, and a
    digest of both so two never share one ("officials-of-harbour-fire-3f2a9c")."""
    digest = hashlib.sha256(f"{source_slug}\n{normalize_name(description)}".encode()).hexdigest()
    words = slugify(description, 40) or "source"
    return f"{words}-of-{source_slug[:60].strip('-')}-{digest[:6]}"


def draft(
    candidate: ClaimProposal, claim_id: str, publisher: str | None, published: str | None = None
) -> ClaimDraft:
    """The claim `candidate` stands for, with the source as the chain's first hop. A claim
    from a dated source is always dated: the date the words give, else the source's own
    (`published`), marked inferred."""
    proposal = ClaimDraft(claim={}, source=candidate.quote.source)
    claimant = candidate.claimant
    claimant_slug = None
    if claimant.name is not None:
        claimant_slug = proposal.slug(
            claimant.name,
            claimant.entity,
            claimant.kind,
            "claimant.name",
            claimant.known_as,
            claimant.link,
        )
    source_hop: dict[str, Any] = {"source": candidate.quote.source, "verb": Verb.reported.value}
    if publisher is not None:
        source_hop["entity"] = publisher
    hops = [source_hop]
    for n, hop in enumerate(candidate.attribution[: MAX_HOPS - 1]):
        slug = proposal.slug(
            hop.name, hop.entity, hop.kind, f"attribution.{n}.name", hop.known_as, hop.link
        )
        if slug == claimant_slug:
            proposal.claimant_hop = len(hops)
        hops.append({"entity": slug, "verb": hop.verb.value})
    involved: dict[str, dict[str, str]] = {}
    for n, mention in enumerate(candidate.entities):
        slug = proposal.slug(
            mention.name,
            mention.entity,
            mention.kind,
            f"entities.{n}.name",
            mention.known_as,
            mention.link,
        )
        if slug != claimant_slug and len(involved) < MAX_ENTITIES:
            involved.setdefault(slug, {"slug": slug, "role": Role.mentioned.value})
    proposal.claim = {
        "id": claim_id,
        "quote": candidate.quote.model_dump(),
        "entities": list(involved.values()),
        "attribution": hops,
        "status": candidate.status.value,
        "speech": (
            Speech.direct if candidate.speech is CandidateSpeech.direct else Speech.indirect
        ).value,
    }
    if claimant_slug is not None:
        proposal.claim["claimant"] = claimant_slug
    if candidate.claimed_on is not None:
        proposal.claim["claimed_on"] = candidate.claimed_on
        proposal.claim["claimed_on_inferred"] = candidate.claimed_on_inferred
    elif published is not None:
        proposal.claim["claimed_on"] = published
        proposal.claim["claimed_on_inferred"] = True
    return _without_unused(proposal)


def _without_unused(proposal: ClaimDraft) -> ClaimDraft:
    """Mentions past the entity limit are not in the claim, so nothing needs creating."""
    used = referenced(proposal.claim)
    proposal.missing = {slug: m for slug, m in proposal.missing.items() if slug in used}
    return proposal


def referenced(claim: dict[str, Any]) -> set[str]:
    """Every entity slug a claim in its create shape names."""
    found = {claim["claimant"]} if isinstance(claim.get("claimant"), str) else set()
    for item in claim.get("entities") or []:
        if isinstance(item, dict) and isinstance(item.get("slug"), str):
            found.add(item["slug"])
    for hop in claim.get("attribution") or []:
        if isinstance(hop, dict) and isinstance(hop.get("entity"), str):
            found.add(hop["entity"])
    return found


def statement(candidate: ClaimProposal, claimant: str) -> str:
    """A neutral sentence: "<claimant> said: <the words>", quoted when they were quoted."""
    verb = Verb.suggested if candidate.status is ClaimStatus.speculative else Verb.said
    if candidate.claimant.name is not None:
        for hop in reversed(candidate.attribution):
            if hop.name == candidate.claimant.name:
                verb = hop.verb
                break
    opening = f"{claimant} {verb.value if verb in _SAYING else 'said'}: "
    room = MAX_STATEMENT - len(opening) - 3
    words = " ".join(candidate.quote.text.split())
    if len(words) > room:
        words = words[: room - 1].rstrip() + "\u2026"
    if candidate.speech is CandidateSpeech.direct:
        return f"{opening}\u201c{words}\u201d"
    return opening + (words if _ENDS_A_SENTENCE.search(words) else words + ".")
