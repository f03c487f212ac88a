"""Reads of the review queue: pages of candidates and single ones, with names resolved.

Names are stored as the text writes them and matched to entities here, on every read, by
the one resolver (`api.queries.names`): an entity created after the extraction (or by
accepting another candidate) shows up at once, with nothing rewritten.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlmodel import Session, col, select

from api.errors import not_found
from api.queries import names
from api.queries.catalog import Page
from api.queries.names import Named
from api.store.db import Reader
from models.base import ClaimStatus, EntityKind, Verb, date_precision
from models.candidate import (
    CandidateClaimant,
    CandidateHop,
    CandidateMention,
    CandidatePublic,
    CandidateSpeech,
    CandidateState,
)
from models.claim import QuotePublic
from models.tables import Candidate, Claim, Source


def candidates_page(
    session: Session,
    *,
    source_ids: Sequence[int] | None,
    state: CandidateState | None,
    limit: int,
    after: int | None,
) -> Page[CandidatePublic]:
    """One page in id order (the order they were extracted in), by keyset."""
    statement = select(Candidate)
    if source_ids is not None:
        statement = statement.where(col(Candidate.source_id).in_(source_ids))
    if state is not None:
        statement = statement.where(col(Candidate.state) == state.value)
    if after is not None:
        statement = statement.where(col(Candidate.id) > after)
    rows = list(session.execute(statement.order_by(col(Candidate.id)).limit(limit + 1)).scalars())
    page = rows[:limit]
    return Page(publics(session, page), [page[-1].id] if len(rows) > limit else None)


def candidate_row(session: Session, candidate_id: int, *, for_update: bool = False) -> Candidate:
    """The candidate's row (`for_update`: locked until the transaction ends); a 404 if none."""
    row = session.get(Candidate, candidate_id, with_for_update=for_update)
    if row is None:
        raise not_found("candidate", str(candidate_id))
    return row


def candidate_public(session: Session, row: Candidate) -> CandidatePublic:
    return publics(session, [row])[0]


def publics(session: Session, rows: Sequence[Candidate]) -> list[CandidatePublic]:
    """The rows as the API shows them: source slugs, claim ids and entity slugs looked up
    once for the whole page."""
    if not rows:
        return []
    sources = _by_id(session, Source, col(Source.slug), {row.source_id for row in rows})
    claims = _by_id(
        session, Claim, col(Claim.public_id), {row.claim_id for row in rows if row.claim_id}
    )
    entities = names.match_entities(Reader.of(session), _names(rows))
    return [_public(row, sources[row.source_id], claims, entities) for row in rows]


def _by_id(session: Session, table: Any, column: Any, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(table.id, column).where(table.id.in_(sorted(ids))))
    return {int(row[0]): str(row[1]) for row in rows}


def _names(rows: Iterable[Candidate]) -> Iterable[str]:
    for row in rows:
        if row.claimant:
            yield row.claimant
        for item in (*row.attribution, *row.entities):
            yield str(item["name"])


def _kind(value: object) -> EntityKind | None:
    try:
        return EntityKind(str(value)) if value is not None else None
    except ValueError:
        return None


def _public(
    row: Candidate, source: str, claims: dict[int, str], entities: dict[str, Named]
) -> CandidatePublic:
    assert row.id is not None

    def slug(name: str | None) -> str | None:
        found = entities.get(name) if name else None
        return found.slug if found else None

    return CandidatePublic(
        id=row.id,
        state=CandidateState(row.state),
        quote=QuotePublic(
            source=source, text=row.quote_text, start=row.quote_start, end=row.quote_end
        ),
        claimant=CandidateClaimant(
            name=row.claimant, kind=_kind(row.claimant_kind), entity=slug(row.claimant)
        ),
        cue=row.cue,
        cue_start=row.cue_start,
        speech=CandidateSpeech(row.speech),
        attribution=[
            CandidateHop(
                name=hop["name"],
                kind=_kind(hop.get("kind")),
                verb=Verb(hop["verb"]),
                entity=slug(hop["name"]),
            )
            for hop in row.attribution
        ],
        status=ClaimStatus(row.status),
        claimed_on=row.claimed_on,
        claimed_on_precision=date_precision(row.claimed_on) if row.claimed_on else None,
        entities=[
            CandidateMention(
                name=mention["name"],
                kind=_kind(mention.get("kind")) or EntityKind.organization,
                start=mention["start"],
                end=mention["end"],
                entity=slug(mention["name"]),
            )
            for mention in row.entities
        ],
        confidence=row.confidence,
        reviewed_at=row.reviewed_at,
        reviewed_by=row.reviewed_by,
        reason=row.reason,
        claim=claims.get(row.claim_id) if row.claim_id else None,
    )
