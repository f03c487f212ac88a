"""The review queue's decisions, for every kind of proposal: accept (through the use case
of the kind, so what is created is written the one way it is always written: a claim
through `claims.create`, a relation through `relations.create`, a link through
`links.accept`, a merge through `entities.merge`), reject, accept a batch, and propose a
relation.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from api.errors import ProblemError, conflict, invalid_body
from api.queries import names
from api.queries.catalog import get_source_text
from api.queries.claims import claim_row, claim_row_ids
from api.queries.proposals import proposal_public, proposal_row
from api.queries.versions import tag_of
from api.writes import candidates, entities, links, quotes, relations, review
from api.writes.patch import merge_patch, validated
from api.writes.review import View, as_proposal
from api.writes.unit import UnitOfWork
from models.candidate import ProposalState
from models.claim import ClaimPublic
from models.entity import EntityPublic
from models.proposal import (
    ClaimProposalPublic,
    EntityLinkProposalPublic,
    EntityMergeProposalPublic,
    ProposalEnd,
    ProposalKind,
    ProposeRelation,
    RelationProposalPublic,
    ReviewItem,
)
from models.relation import RelationCreate, RelationPublic
from models.tables import Proposal


@dataclass(frozen=True)
class Accepted:
    """What accepting one proposal created, with its tag and where it now lives."""

    proposal: int
    kind: ProposalKind
    created: ClaimPublic | RelationPublic | EntityPublic
    etag: str

    @property
    def id(self) -> str:
        """Public id of what it created or decided (an entity's slug)."""
        created = self.created
        return created.slug if isinstance(created, EntityPublic) else created.id

    @property
    def location(self) -> str:
        if isinstance(self.created, EntityPublic):
            return f"/entities/{self.created.slug}"
        return f"/{self.kind.value}s/{self.created.id}"


def accept(
    work: UnitOfWork,
    proposal_id: int,
    changes: dict[str, Any],
    if_match: str | None,
    *,
    view: View = as_proposal,
    kind: ProposalKind | None = None,
) -> Accepted:
    """Create what a pending proposal proposes, amended by `changes` (a merge patch of
    its create shape), and mark it accepted."""
    _check_changes(changes)
    row, _ = review.pending(work, proposal_id, if_match, view, kind)
    return _accept(work, row, changes)


def _accept_merge(
    work: UnitOfWork, row: Any, before: EntityMergeProposalPublic, changes: dict[str, Any]
) -> tuple[EntityPublic, str]:
    """Merge the two entities as proposed (the proposal's ETag guards the review; the
    entities are merged as they now are). A body may say `{"into": ...}` the other way."""
    if set(changes) - {"into"}:
        raise invalid_body(f"body.{sorted(set(changes) - {'into'})[0]}", "is not a field here")
    payload = before.payload
    into = changes.get("into", payload.into)
    if into not in (payload.into, payload.entity):
        raise invalid_body("body.into", f"must be {payload.into!r} or {payload.entity!r}")
    merged = payload.entity if into == payload.into else payload.into
    found = names.entity_itself(work.reader, merged)
    if found is None:
        raise conflict(f"Entity {merged!r} is no longer held; reject the proposal.")
    kept, tag = entities.merge(work, found, into, "*", field="body.into")
    review.decide(work, row, before, ProposalState.accepted, result=kept.slug)
    return kept, tag


def accept_many(
    work: UnitOfWork,
    items: Sequence[ReviewItem],
    *,
    view: View = as_proposal,
    kind: ProposalKind | None = None,
) -> list[Accepted]:
    """Accept every proposal listed, each as proposed, in this one unit: a stale ETag,
    or any other refusal, refuses the whole batch, naming the entry. Every ETag is
    checked before anything is accepted: accepting one proposal can change how a later
    one reads (an entity it names now exists), and the reviewer read them all before."""
    seen: set[int] = set()
    for n, item in enumerate(items):
        if item.id in seen:
            raise invalid_body(f"body.{n}.id", f"proposal {item.id} is listed twice")
        seen.add(item.id)
    rows = []
    for n, item in enumerate(items):
        with _naming(n, item):
            _check_changes(item.changes or {})
            rows.append(review.pending(work, item.id, item.etag, view, kind)[0])
    done = []
    for n, (item, row) in enumerate(zip(items, rows, strict=True)):
        with _naming(n, item):
            done.append(_accept(work, row, dict(item.changes or {})))
    return done


@contextmanager
def _naming(n: int, item: ReviewItem) -> Iterator[None]:
    """A refusal of one entry of a batch names the entry."""
    try:
        yield
    except ProblemError as exc:
        raise exc.naming(f"body.{n}", f"proposal {item.id}") from None


def _check_changes(changes: dict[str, Any]) -> None:
    if not isinstance(changes.get("create_entities", False), bool):
        raise invalid_body("body.create_entities", "must be true or false")


def _accept(work: UnitOfWork, row: Proposal, changes: dict[str, Any]) -> Accepted:
    """Accept a pending proposal, locked and checked, through its kind's use case."""
    before = proposal_public(work.session, row)
    created: ClaimPublic | RelationPublic | EntityPublic
    if isinstance(before, ClaimProposalPublic):
        created, tag = candidates.accept(work, row, before, changes)
    elif isinstance(before, EntityLinkProposalPublic):
        created, tag = links.accept(work, row, before, changes)
    elif isinstance(before, EntityMergeProposalPublic):
        created, tag = _accept_merge(work, row, before, changes)
    else:
        assert isinstance(before, RelationProposalPublic)
        created, tag = _accept_relation(work, before, changes)
        review.decide(work, row, before, ProposalState.accepted, result=created.id)
        review.about(work, [(row, claim_row_ids(work.session, [created.from_, created.to]), [])])
    return Accepted(before.id, ProposalKind(before.kind), created, tag)


def reject(
    work: UnitOfWork,
    proposal_id: int,
    reason: str,
    if_match: str | None,
    *,
    view: View = as_proposal,
    kind: ProposalKind | None = None,
) -> tuple[Any, str]:
    """Turn a pending proposal down, keeping why; it (as `view` shows it) and its tag."""
    row, before = review.pending(work, proposal_id, if_match, view, kind)
    after, version = review.decide(work, row, before, ProposalState.rejected, reason=reason)
    shown = view(after)
    return shown, tag_of(shown, version)


# --- relations -----------------------------------------------------------------------------


def propose_relation(work: UnitOfWork, data: ProposeRelation) -> tuple[Any, str]:
    """Queue a relation for review, proposed by the writer's key; its ends must exist
    (held claims, or claim proposals) and its spans be the source's own words."""
    payload = data.payload
    claim_ids = []
    for name, end in (("from", payload.from_), ("to", payload.to)):
        field = f"body.payload.{name}"
        if end.claim is not None:
            held = claim_row(work.session, end.claim)
            if held is None or held.id is None:
                raise invalid_body(f"{field}.claim", f"no claim {end.claim!r}")
            claim_ids.append(held.id)
        else:
            assert end.proposal is not None
            try:
                proposal_row(work.session, end.proposal, kind=ProposalKind.claim)
            except ProblemError:
                raise invalid_body(
                    f"{field}.proposal", f"no claim proposal {end.proposal}"
                ) from None
    if payload.from_ == payload.to:
        raise invalid_body("body.payload.to", "a claim cannot bear on itself")
    source_id, spans = None, []
    if data.source is not None:
        source = names.source_in_body(work.reader, "body.source", data.source)
        source_id, spans = source.id, _checked_spans(work, source.id, data)
    elif data.spans:
        raise invalid_body("body.spans", "spans need the `source` they are words of")
    [row] = review.store(
        work,
        [
            review.Proposed(
                kind=ProposalKind.relation,
                payload=payload.model_dump(mode="json", by_alias=True, exclude_none=True),
                confidence=data.confidence,
                agent=work.who.name,
                rule=data.rule,
                source_id=source_id,
                spans=tuple(spans),
                claims=frozenset(claim_ids),
            )
        ],
    )
    public = proposal_public(work.session, row)
    return public, tag_of(public, row.version)


def _checked_spans(work: UnitOfWork, source_id: int, data: ProposeRelation) -> list[dict[str, Any]]:
    text = get_source_text(work.session, source_id)
    if text is None:
        raise invalid_body("body.source", f"this store does not hold the text of {data.source!r}")
    checked = []
    for n, span in enumerate(data.spans):
        try:
            start, end = quotes.place(text, span.text, span.start, span.end)
        except quotes.QuoteError as exc:
            raise invalid_body(f"body.spans.{n}.{exc.part}", f"the words {exc.message}") from None
        checked.append({"start": start, "end": end, "text": span.text, "role": "cue"})
    return checked


def _end_claim(work: UnitOfWork, end: ProposalEnd, field: str) -> str:
    """The held claim an end names: its own, or the one its claim proposal became; a
    409 when that claim is gone or retracted since it was proposed (a race with an edit,
    not a bad request)."""
    if end.claim is not None:
        held = claim_row(work.session, end.claim)
        if held is None or held.retracted_at is not None:
            state = "deleted" if held is None else "retracted"
            raise conflict(
                f"{field}: claim {end.claim!r} was {state} after this was proposed; restore "
                "it, or reject the proposal."
            )
        return end.claim
    assert end.proposal is not None
    row = proposal_row(work.session, end.proposal, kind=ProposalKind.claim)
    if row.state != ProposalState.accepted.value or row.result is None:
        raise conflict(
            f"{field}: claim proposal {end.proposal} is {row.state}; a relation to it can be "
            "accepted once it is accepted."
        )
    return row.result


def _accept_relation(
    work: UnitOfWork, before: RelationProposalPublic, changes: dict[str, Any]
) -> tuple[RelationPublic, str]:
    payload = before.payload
    data: dict[str, Any] = {
        "type": payload.type.value,
        "from": _end_claim(work, payload.from_, "payload.from"),
        "to": _end_claim(work, payload.to, "payload.to"),
        "note": payload.note,
    }
    if before.evidence.source is not None:
        data["asserted_by"] = {"source": before.evidence.source}
    return relations.create(work, validated(RelationCreate, merge_patch(data, changes)))
