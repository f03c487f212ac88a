"""Reads of the review queue: pages of proposals and single ones, with names resolved.

A claim proposal keeps its names as the text writes them (with each one's fullest form
in the text); they are resolved to entities here, on every read, by the one resolver
(`api.queries.resolution`): an entity created after the extraction (or by accepting
another proposal, or a link) shows up at once, with nothing rewritten, and a name whose
entity a pending `entity_link` proposal decides shows that proposal. `/candidates` is the
same queue's claim proposals in their first shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlmodel import Session, col, select

from api.errors import not_found
from api.queries import names
from api.queries.catalog import Page
from api.queries.resolution import Outcome, Resolved, Written, resolve_written
from api.store.db import Reader
from models.base import EntityKind, date_precision
from models.candidate import CandidatePublic, ClaimProposal, ProposalState
from models.proposal import (
    ClaimProposalPublic,
    EntityLinkProposal,
    EntityLinkProposalPublic,
    EntityMergeProposal,
    EntityMergeProposalPublic,
    Evidence,
    ProposalKind,
    ProposalPublic,
    Proposer,
    RelationProposal,
    RelationProposalPublic,
    Span,
)
from models.query import CandidateListParams, ProposalListParams
from models.tables import Proposal, ProposalClaim, ProposalEntity, Source


@dataclass(frozen=True)
class ProposalFilters:
    """What a page of the queue is narrowed to; every filter is optional."""

    kind: ProposalKind | None = None
    state: ProposalState | None = None
    source_ids: Sequence[int] | None = None
    claim_id: int | None = None
    entity_id: int | None = None
    min_confidence: float | None = None


def queue_page(
    session: Session,
    params: CandidateListParams,
    after: int | None,
    kind: ProposalKind | None = None,
) -> Page[ProposalPublic]:
    """The page a list request asks for: its names resolved (a 404 naming the parameter
    for one that names nothing), then `proposals_page`."""
    reader = Reader.of(session)
    filters = ProposalFilters(kind, params.state, min_confidence=params.min_confidence)
    if params.source is not None:
        found = names.sources_parameter(reader, "source", params.source)
        filters = replace(filters, source_ids=[source.id for source in found])
    if isinstance(params, ProposalListParams):
        filters = replace(filters, kind=params.kind)
        if params.entity is not None:
            entity = names.entity_parameter(reader, "entity", params.entity)
            filters = replace(filters, entity_id=entity.id)
        if params.claim is not None:
            filters = replace(
                filters, claim_id=names.claim_parameter(reader, "claim", params.claim)
            )
    return proposals_page(session, filters, limit=params.limit, after=after)


def proposals_page(
    session: Session, filters: ProposalFilters, *, limit: int, after: int | None
) -> Page[ProposalPublic]:
    """One page in id order (the order they were proposed in), by keyset."""
    statement = select(Proposal)
    if filters.kind is not None:
        statement = statement.where(col(Proposal.kind) == filters.kind.value)
    if filters.state is not None:
        statement = statement.where(col(Proposal.state) == filters.state.value)
    if filters.min_confidence is not None:
        statement = statement.where(col(Proposal.confidence) >= filters.min_confidence)
    if filters.source_ids is not None:
        statement = statement.where(col(Proposal.source_id).in_(filters.source_ids))
    if filters.claim_id is not None:
        statement = statement.join(
            ProposalClaim,
            (col(ProposalClaim.proposal_id) == col(Proposal.id))
            & (col(ProposalClaim.claim_id) == filters.claim_id),
        )
    if filters.entity_id is not None:
        statement = statement.join(
            ProposalEntity,
            (col(ProposalEntity.proposal_id) == col(Proposal.id))
            & (col(ProposalEntity.entity_id) == filters.entity_id),
        )
    if after is not None:
        statement = statement.where(col(Proposal.id) > after)
    rows = list(session.execute(statement.order_by(col(Proposal.id)).limit(limit + 1)).scalars())
    page = rows[:limit]
    return Page(publics(session, page), [page[-1].id] if len(rows) > limit else None)


def proposal_row(
    session: Session,
    proposal_id: int,
    *,
    kind: ProposalKind | None = None,
    for_update: bool = False,
) -> Proposal:
    """The proposal's row (`for_update`: locked until the transaction ends); a 404 if
    there is none (of `kind`, when given: a candidate is a claim proposal)."""
    row = session.get(Proposal, proposal_id, with_for_update=for_update)
    if row is None or (kind is not None and row.kind != kind.value):
        raise not_found("candidate" if kind is ProposalKind.claim else "proposal", str(proposal_id))
    return row


def proposal_public(session: Session, row: Proposal) -> ProposalPublic:
    return publics(session, [row])[0]


def publics(session: Session, rows: Sequence[Proposal]) -> list[ProposalPublic]:
    """The rows as the API shows them: source slugs and entity slugs looked up once for
    the whole page."""
    if not rows:
        return []
    ids = sorted({row.source_id for row in rows if row.source_id is not None})
    sources: dict[int, str] = {}
    dates: dict[int, str | None] = {}
    if ids:
        found = session.execute(
            select(col(Source.id), col(Source.slug), col(Source.date)).where(
                col(Source.id).in_(ids)
            )
        )
        for source_id, slug, date in found:
            sources[int(source_id)] = str(slug)
            dates[int(source_id)] = date
    by_source: dict[int | None, list[Written]] = {}
    for row in rows:
        if row.kind == ProposalKind.claim.value:
            by_source.setdefault(row.source_id, []).extend(written(row.payload))
    resolved = resolve_written(
        Reader.of(session),
        [
            (source, dates.get(source) if source else None, items)
            for source, items in by_source.items()
        ],
    )
    return [_public(row, sources, resolved) for row in rows]


def candidate_of(proposal: ProposalPublic) -> CandidatePublic:
    """A claim proposal in the review queue's first shape (`/candidates`)."""
    assert isinstance(proposal, ClaimProposalPublic)
    return CandidatePublic(
        id=proposal.id,
        state=proposal.state,
        **proposal.payload.model_dump(),
        confidence=proposal.confidence,
        reviewed_at=proposal.reviewed_at,
        reviewed_by=proposal.reviewed_by,
        reason=proposal.reason,
        claim=proposal.result,
    )


def written(payload: dict[str, Any]) -> Iterable[Written]:
    """The names a stored claim payload keeps, each with its fullest form and kind."""
    claimant = payload.get("claimant") or {}
    if claimant.get("name"):
        yield _written(claimant)
    for item in (*payload.get("attribution", ()), *payload.get("entities", ())):
        yield _written(item)


def _written(item: dict[str, Any]) -> Written:
    return Written(str(item["name"]), item.get("known_as"), _kind(item.get("kind")))


def _kind(value: object) -> EntityKind | None:
    try:
        return EntityKind(str(value)) if value is not None else None
    except ValueError:
        return None


_Resolutions = dict[tuple[int | None, Written], Resolved]


def _public(row: Proposal, sources: dict[int, str], resolved: _Resolutions) -> ProposalPublic:
    assert row.id is not None
    source = sources.get(row.source_id) if row.source_id is not None else None
    common: dict[str, Any] = {
        "id": row.id,
        "state": ProposalState(row.state),
        "evidence": Evidence(source=source, spans=[Span(**span) for span in row.spans]),
        "confidence": row.confidence,
        "proposed_by": Proposer(agent=row.agent, rule=row.rule, version=row.agent_version),
        "proposed_at": row.proposed_at,
        "reviewed_at": row.reviewed_at,
        "reviewed_by": row.reviewed_by,
        "reason": row.reason,
        "result": row.result,
    }
    if row.kind == ProposalKind.relation.value:
        return RelationProposalPublic(
            payload=RelationProposal.model_validate(row.payload), **common
        )
    if row.kind == ProposalKind.entity_link.value:
        return EntityLinkProposalPublic(
            payload=EntityLinkProposal.model_validate(row.payload), **common
        )
    if row.kind == ProposalKind.entity_merge.value:
        return EntityMergeProposalPublic(
            payload=EntityMergeProposal.model_validate(row.payload), **common
        )
    assert source is not None  # a claim is read from a held text
    return ClaimProposalPublic(payload=_claim(row, source, resolved), **common)


def _read_kind(item: dict[str, Any], result: Resolved | None) -> EntityKind | None:
    """A name's kind as read; an unnamed source's is `anonymous` ("officials")."""
    if result is not None and result.outcome is Outcome.anonymous:
        return EntityKind.anonymous
    return _kind(item.get("kind"))


def _claim(row: Proposal, source: str, resolved: _Resolutions) -> ClaimProposal:
    """A stored claim payload with its quote (the evidence's first span) and each name's
    entity as the store knows it now (or the pending link that decides it)."""

    def found(item: dict[str, Any]) -> dict[str, Any]:
        name = item.get("name")
        if not name:
            return {"entity": None, "known_as": None, "link": None}
        result = resolved.get((row.source_id, _written(item)))
        entity = None
        if (
            result is not None
            and result.entity is not None
            and result.outcome in (Outcome.held, Outcome.anonymous)
        ):
            entity = result.entity.slug
        return {
            "entity": entity,
            "known_as": item.get("known_as"),
            "link": result.link if result is not None and entity is None else None,
        }

    stored = row.payload
    quote = row.spans[0]
    claimant = stored["claimant"]
    return ClaimProposal.model_validate(
        {
            **stored,
            "quote": {
                "source": source,
                "text": quote["text"],
                "start": quote["start"],
                "end": quote["end"],
            },
            "claimant": {
                "name": claimant.get("name"),
                "kind": _read_kind(claimant, resolved.get((row.source_id, _written(claimant)))),
                **found(claimant),
            },
            "attribution": [
                {
                    **hop,
                    "kind": _read_kind(hop, resolved.get((row.source_id, _written(hop)))),
                    **found(hop),
                }
                for hop in stored["attribution"]
            ],
            "entities": [
                {
                    **mention,
                    "kind": _kind(mention.get("kind")) or EntityKind.organization,
                    **found(mention),
                }
                for mention in stored["entities"]
            ],
            "claimed_on_precision": date_precision(stored["claimed_on"])
            if stored.get("claimed_on")
            else None,
        }
    )
