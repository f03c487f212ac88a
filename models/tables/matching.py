"""Claim matching: the thresholds the matcher works to, and the clusters of claims that
confirmed `restates` relations join."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class MatchSetting(SQLModel, table=True):
    """The store's matching thresholds: one row (id 1), absent until someone sets them."""

    __tablename__ = "match_setting"

    id: int = Field(primary_key=True)
    suggest: float
    link: float
    link_across_claimants: bool = Field(default=False)
    version: int = Field(default=1)


class ClaimCluster(SQLModel, table=True):
    """A claim's cluster: the claims a chain of standing `restates` relations joins it to.

    Only claims in a cluster of two or more have a row. `anchor_id` is the cluster's
    oldest claim (the lowest row id), so a cluster keeps its id as claims join it, and of
    two clusters that merge, the older one's id goes on.
    """

    __tablename__ = "claim_cluster"

    claim_id: int = Field(foreign_key="claim.id", primary_key=True, ondelete="CASCADE")
    anchor_id: int = Field(foreign_key="claim.id", index=True, ondelete="CASCADE")
