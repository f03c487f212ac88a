"""Every schema the API speaks: what it answers, what clients send, and its errors.

These are plain pydantic models, importable without the server or a database library
(the typed client uses them). The tables are in `models.tables`.
"""

from models.base import ClaimSort, Facet
from models.candidate import (
    AcceptCandidate,
    CandidatePage,
    CandidatePublic,
    CandidateState,
    Extracted,
    RejectCandidate,
)
from models.claim import (
    ClaimCreate,
    ClaimEntityPublic,
    ClaimPublic,
    ClaimUpdate,
    HopPublic,
    QuantityPublic,
    QuotePublic,
)
from models.entity import EntityCreate, EntityMerge, EntityPublic, EntityRef, EntityUpdate
from models.health import Health, ReplicaHealth
from models.history import History, Retraction, RevisionPublic
from models.page import ClaimPage, EntityPage, FacetValue, ListPage, SourcePage
from models.problem import FieldError, Problem
from models.source import SourceCreate, SourcePublic, SourceUpdate

__all__ = [
    "AcceptCandidate",
    "CandidatePage",
    "CandidatePublic",
    "CandidateState",
    "ClaimCreate",
    "ClaimEntityPublic",
    "ClaimPage",
    "ClaimPublic",
    "ClaimSort",
    "ClaimUpdate",
    "EntityCreate",
    "EntityMerge",
    "EntityPage",
    "EntityPublic",
    "EntityRef",
    "EntityUpdate",
    "Extracted",
    "Facet",
    "FacetValue",
    "FieldError",
    "Health",
    "History",
    "HopPublic",
    "ListPage",
    "Problem",
    "QuantityPublic",
    "QuotePublic",
    "RejectCandidate",
    "ReplicaHealth",
    "Retraction",
    "RevisionPublic",
    "SourceCreate",
    "SourcePage",
    "SourcePublic",
    "SourceUpdate",
]
