"""The database tables (SQLModel). Only the server imports these; wire schemas live beside.

Constraint names follow one convention, stable across engines, so migrations can name them.
"""

from sqlmodel import SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

from models.tables.change import Change  # noqa: E402
from models.tables.claim import Claim, ClaimDocument  # noqa: E402
from models.tables.entity import (  # noqa: E402
    Entity,
    EntityIdentifier,
    EntityKey,
    EntityMergeRecord,
    EntityName,
    EntityRoleRow,
)
from models.tables.links import AttributionHop, ClaimEntity  # noqa: E402
from models.tables.matching import ClaimCluster, MatchSetting  # noqa: E402
from models.tables.proposal import Proposal, ProposalClaim, ProposalEntity  # noqa: E402
from models.tables.relation import Relation, RelationEntity  # noqa: E402
from models.tables.revision import ApiKey, IdempotentAnswer, Revision  # noqa: E402
from models.tables.source import Source, SourceText  # noqa: E402

metadata = SQLModel.metadata

__all__ = [
    "ApiKey",
    "AttributionHop",
    "Change",
    "Claim",
    "ClaimCluster",
    "ClaimDocument",
    "ClaimEntity",
    "Entity",
    "EntityIdentifier",
    "EntityKey",
    "EntityMergeRecord",
    "EntityName",
    "EntityRoleRow",
    "IdempotentAnswer",
    "MatchSetting",
    "Proposal",
    "ProposalClaim",
    "ProposalEntity",
    "Relation",
    "RelationEntity",
    "Revision",
    "Source",
    "SourceText",
    "metadata",
]
