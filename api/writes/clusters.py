"""Clusters: the claims that standing `restates` relations join, followed through.

Restatement is an equivalence (Full Fact's "same truth conditions"), so the claims a
chain of confirmed `restates` relations links are one cluster, whatever the direction of
each link. A cluster holds standing claims only: a retracted claim, or a retracted
relation, leaves it (and may split it). Every write that can change a cluster (a
relation made, retyped, retracted or restored; a claim retracted, restored or redated)
calls `regroup` with the claims it touched, in its own unit; the claims whose cluster
changed get their stored JSON rewritten there, without a new version, and the change feed
carries their new documents (as a renamed entity's claims do).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.orm import aliased
from sqlmodel import col

from api.writes.reshow import claims as reshow_claims
from api.writes.unit import UnitOfWork
from models.base import RelationType
from models.tables import Claim, ClaimCluster, Relation

_from = aliased(Claim, name="from_claim")
_to = aliased(Claim, name="to_claim")


def _links(connection: Connection, claim_ids: set[int]) -> list[tuple[int, int]]:
    """The standing `restates` relations between standing claims that touch these: one
    lookup by each end's index (an OR of the two would walk every `restates` relation)."""
    ids = sorted(claim_ids)
    found: set[tuple[int, int]] = set()
    for end in (col(Relation.from_claim_id), col(Relation.to_claim_id)):
        statement = (
            select(col(Relation.from_claim_id), col(Relation.to_claim_id))
            .join(_from, col(_from.id) == col(Relation.from_claim_id))
            .join(_to, col(_to.id) == col(Relation.to_claim_id))
            .where(
                end.in_(ids),
                col(Relation.type) == RelationType.restates.value,
                col(Relation.retracted_at).is_(None),
                col(_from.retracted_at).is_(None),
                col(_to.retracted_at).is_(None),
            )
        )
        found |= {(int(a), int(b)) for a, b in connection.execute(statement)}
    return sorted(found)


def components(connection: Connection, claim_ids: Iterable[int]) -> dict[int, int]:
    """Each claim reachable from these through standing `restates` links, with its
    cluster's anchor (the lowest row id); claims alone are left out."""
    seen = set(claim_ids)
    frontier = set(seen)
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    while frontier:
        fresh: set[int] = set()
        for a, b in _links(connection, frontier):
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
            fresh |= {a, b} - seen
        seen |= fresh
        frontier = fresh
    groups: dict[int, list[int]] = defaultdict(list)
    for claim_id in list(parent):
        groups[find(claim_id)].append(claim_id)
    return {
        member: min(members)
        for members in groups.values()
        if len(members) > 1
        for member in members
    }


def regroup(work: UnitOfWork, claim_ids: Iterable[int]) -> set[int]:
    """Bring the clusters of these claims (and of the claims they are or were joined to)
    up to date; returns the claims whose cluster changed, their JSON rewritten."""
    seeds = set(claim_ids)
    if not seeds:
        return set()
    work.flush()
    connection = work.session.connection()
    table = ClaimCluster.__table__  # type: ignore[attr-defined]
    old_anchors = set(
        connection.execute(
            select(table.c.anchor_id).where(table.c.claim_id.in_(sorted(seeds)))
        ).scalars()
    )
    involved = set(seeds)
    if old_anchors:
        involved |= set(
            connection.execute(
                select(table.c.claim_id).where(table.c.anchor_id.in_(sorted(old_anchors)))
            ).scalars()
        )
    wanted = components(connection, involved)
    involved |= wanted.keys()
    held = {
        int(claim_id): int(anchor)
        for claim_id, anchor in connection.execute(
            select(table.c.claim_id, table.c.anchor_id).where(
                table.c.claim_id.in_(sorted(involved))
            )
        )
    }
    if held == wanted:
        return set()
    changed = {c for c in involved if held.get(c) != wanted.get(c)}
    if held:
        connection.execute(delete(table).where(table.c.claim_id.in_(sorted(held))))
    if wanted:
        connection.execute(
            insert(table), [{"claim_id": c, "anchor_id": a} for c, a in sorted(wanted.items())]
        )
    # A cluster's size and first appearance show on every member: rewrite them all; each
    # document that changed takes a new version and reaches the change feed (as a
    # renamed entity's claims do).
    anchors = set(wanted.values()) | set(held.values())
    touched = sorted(c for c in involved if wanted.get(c) in anchors or held.get(c) in anchors)
    reshow_claims(work, touched, "its cluster changed")
    return changed
