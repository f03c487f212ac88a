"""The matcher: when a claim is created or accepted, or a text's claims are extracted, it
looks for the held claims they match and proposes how they bear on each other.

Each proposal goes in the one review queue as a `relation` proposal (agent `matcher`,
its rule, its version, its score as the confidence); a `restates` match at or above the
store's `link` threshold between claims of one claimant (or of any two, with
`link_across_claimants`) is created at once instead, drawn by the analyst `matcher`.
A pair already related, or already proposed (whatever became of that proposal), is left
alone, so nothing is proposed twice and a rejection stands.

It runs inside the unit of work of the write that made the claims, and so commits with
it; lexically, by default: the semantic re-ranker's embeddings would hold the store's
write lock (SQLite's one writer) for tens of milliseconds a claim. Which matches count,
and why, is `api.queries.matching`'s business.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from api.queries import matching
from api.queries.matching import Found, Probe
from api.writes import claims, proposals, relations, review
from api.writes.unit import UnitOfWork
from models.base import RelationType
from models.claim import ClaimCreate, ClaimPublic
from models.proposal import ProposalKind
from models.relation import RelationCreate

MATCHER = "matcher"
VERSION = "1"


def after_create(work: UnitOfWork, claim_ids: Iterable[str], *, rerank: bool = False) -> None:
    """Propose (or link) relations from each of these new claims to the held claims
    they match."""
    limits, _ = matching.thresholds(work.reader)
    for public_id in claim_ids:
        probed = matching.claim_probe(work.reader, public_id=public_id)
        if probed is None:
            continue
        row_id, probe = probed
        found = matching.to_propose(
            work.reader, probe, limits.suggest, exclude_id=row_id, rerank=rerank
        )
        proposed = []
        for item in found:
            if _known(work, row_id, item.claim_id):
                continue
            same_claimant = probe.claimant_id == item.claimant_id
            # Two claims of one held text share its words by construction (one span
            # inside another, the same span read twice): a person judges those.
            same_text = probe.source_id == item.source_id
            if (
                item.suggested_type == RelationType.restates.value
                and item.score >= limits.link
                and (same_claimant or limits.link_across_claimants)
                and not same_text
            ):
                data = {
                    "type": item.suggested_type,
                    "from": public_id,
                    "to": item.public_id,
                    "note": f"Linked by the matcher: {_why(item)}.",
                }
                relations.create(work, RelationCreate.model_validate(data), analyst=MATCHER)
                continue
            proposed.append(
                _proposal({"claim": public_id}, item, frozenset({row_id, item.claim_id}))
            )
        if proposed:
            review.store(work, proposed)


def after_extract(work: UnitOfWork, source_id: int, after: int, *, rerank: bool = False) -> None:
    """Propose relations from each claim proposal the source's extraction just queued
    (ids above `after`) to the held claims it matches; accepting one needs its claim
    proposal accepted first."""
    limits, _ = matching.thresholds(work.reader)
    rows = work.reader.rows(
        work.reader.sql(
            "SELECT id, spans FROM proposal WHERE source_id = :source AND kind = 'claim' "
            "AND state = 'pending' AND id > :after ORDER BY id",
            source=source_id,
            after=after,
        )
    )
    proposed = []
    for proposal_id, spans in rows:
        quote = _quote(spans)
        if not quote:
            continue
        for item in matching.to_propose(
            work.reader, Probe(texts=(quote,)), limits.suggest, rerank=rerank
        ):
            proposed.append(
                _proposal({"proposal": int(proposal_id)}, item, frozenset({item.claim_id}))
            )
    if proposed:
        review.store(work, proposed)


def newest_proposal(work: UnitOfWork) -> int:
    """The highest proposal id so far (what `after_extract` takes as `after`)."""
    row = work.reader.first(work.reader.sql("SELECT max(id) FROM proposal"))
    return int(row[0]) if row and row[0] is not None else 0


def _quote(spans: Any) -> str | None:
    if isinstance(spans, str):
        spans = json.loads(spans)
    for span in spans or ():
        if span.get("role") == "quote":
            return str(span.get("text") or "")
    return None


def _why(item: Found) -> str:
    return f"{item.rule} ({item.method} match, score {item.score:.2f})"


def _proposal(end: dict[str, Any], item: Found, claims: frozenset[int]) -> review.Proposed:
    assert item.suggested_type is not None
    return review.Proposed(
        kind=ProposalKind.relation,
        payload={
            "type": item.suggested_type,
            "from": end,
            "to": {"claim": item.public_id},
            "note": f"The matcher suggests it: {_why(item)}.",
            "method": item.method,
        },
        confidence=item.score,
        agent=MATCHER,
        rule=item.rule,
        version=VERSION,
        claims=claims,
    )


def _known(work: UnitOfWork, a: int, b: int) -> bool:
    """Whether the two claims are related already (either way, any type, even retracted)
    or a relation between them was proposed (whatever became of it)."""
    row = work.reader.first(
        work.reader.sql(
            "SELECT 1 FROM relation WHERE (from_claim_id = :a AND to_claim_id = :b) "
            "OR (from_claim_id = :b AND to_claim_id = :a) "
            "UNION ALL SELECT 1 FROM proposal_claim x "
            "JOIN proposal_claim y ON y.proposal_id = x.proposal_id "
            "JOIN proposal p ON p.id = x.proposal_id "
            "WHERE x.claim_id = :a AND y.claim_id = :b AND p.kind = 'relation'",
            a=a,
            b=b,
        )
    )
    return row is not None


def accepted(
    work: UnitOfWork, done: Sequence[proposals.Accepted], *, rerank: bool = False
) -> list[proposals.Accepted]:
    """After proposals were accepted: match each claim they created, then each as it now
    stands (its tag too: a link the matcher made can change its cluster)."""
    created = [item.id for item in done if item.kind is ProposalKind.claim]
    if not created:
        return list(done)
    after_create(work, created, rerank=rerank)
    fresh = []
    for item in done:
        if item.kind is ProposalKind.claim:
            public, tag = claims.shown(work, item.id)
            item = replace(item, created=public, etag=tag)
        fresh.append(item)
    return fresh


def create_claim(
    work: UnitOfWork, data: ClaimCreate, *, rerank: bool = False
) -> tuple[ClaimPublic, str]:
    """`POST /claims`: the claim created, then matched against the held claims."""
    created, _ = claims.create(work, data)
    after_create(work, [created.id], rerank=rerank)
    return claims.shown(work, created.id)
