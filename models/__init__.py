"""SQLModel tables and the Pydantic schemas the API answers with."""

from models.claim import (
    Claim,
    ClaimEntityPublic,
    ClaimPublic,
    HopPublic,
    QuantityPublic,
    QuotePublic,
)
from models.document import ClaimDocument
from models.entity import Entity, EntityName, EntityPublic, EntityRef
from models.links import AttributionHop, ClaimEntity
from models.revision import ApiKey, IdempotentAnswer, Revision, RevisionPublic
from models.source import Source, SourcePublic, SourceText

__all__ = [
    "ApiKey",
    "AttributionHop",
    "Claim",
    "ClaimDocument",
    "ClaimEntity",
    "ClaimEntityPublic",
    "ClaimPublic",
    "Entity",
    "EntityName",
    "EntityPublic",
    "EntityRef",
    "HopPublic",
    "IdempotentAnswer",
    "QuantityPublic",
    "QuotePublic",
    "Revision",
    "RevisionPublic",
    "Source",
    "SourcePublic",
    "SourceText",
]
