"""A typed client for the service, sync and async, answering with the service's own models.

Each endpoint is defined once (`operations.py`, as a `Call` to build) and bound to either
client by a descriptor (`core.py`); the clients themselves (`clients.py`) hold only their
transport. Importing this package loads httpx, pydantic and the wire schemas in `models`,
never the server or a database library.

Writes need a client made with `api_key=`. Edits are guarded by ETags: read with
`get_claim_with_etag` (or the entity and source ones), then pass the tag as `if_match=`;
a change made since is a `PreconditionFailedError`, and the read is to be done again.

Transport errors (timeouts, refused connections) are httpx's own exceptions; every
answer outside 2xx raises `ClaimsAPIError` or the subclass for its status.
"""

from api.client.answers import Tagged, next_cursor
from api.client.calls import MERGE_PATCH
from api.client.clients import DEFAULT_TIMEOUT, AsyncClaimsClient, ClaimsClient
from api.client.core import AsyncChanges, SyncChanges
from api.client.errors import (
    AuthError,
    ClaimsAPIError,
    ConflictError,
    GoneError,
    InvalidRequestError,
    NotFoundError,
    PreconditionFailedError,
)
from api.client.query import ClaimFilters, ClaimQuery, FacetName, PageQuery, SortOrder
from models.base import ClaimSort, ClaimStatus, EntityKind, Facet, Role, SourceKind
from models.candidate import (
    AcceptCandidate,
    CandidatePage,
    CandidatePublic,
    CandidateState,
    Extracted,
    RejectCandidate,
)
from models.change import ChangeKind, ChangePage, ChangePublic
from models.claim import ClaimCreate, ClaimPublic, ClaimUpdate
from models.entity import EntityCreate, EntityPublic, EntityUpdate
from models.health import Health
from models.history import History, Retraction, RevisionPublic
from models.page import ClaimPage, EntityPage, ListPage, SourcePage
from models.problem import FieldError, Problem
from models.source import SourceCreate, SourcePublic, SourceUpdate

# The wire schemas the methods take and answer with are re-exported too, so that code
# using the client can import everything it needs from here.
__all__ = [
    "DEFAULT_TIMEOUT",
    "MERGE_PATCH",
    "AcceptCandidate",
    "AsyncChanges",
    "AsyncClaimsClient",
    "AuthError",
    "CandidatePage",
    "CandidatePublic",
    "CandidateState",
    "ChangeKind",
    "ChangePage",
    "ChangePublic",
    "ClaimCreate",
    "ClaimFilters",
    "ClaimPage",
    "ClaimPublic",
    "ClaimQuery",
    "ClaimSort",
    "ClaimStatus",
    "ClaimUpdate",
    "ClaimsAPIError",
    "ClaimsClient",
    "ConflictError",
    "EntityCreate",
    "EntityKind",
    "EntityPage",
    "EntityPublic",
    "EntityUpdate",
    "Extracted",
    "Facet",
    "FacetName",
    "FieldError",
    "GoneError",
    "Health",
    "History",
    "InvalidRequestError",
    "ListPage",
    "NotFoundError",
    "PageQuery",
    "PreconditionFailedError",
    "Problem",
    "RejectCandidate",
    "Retraction",
    "RevisionPublic",
    "Role",
    "SortOrder",
    "SourceCreate",
    "SourceKind",
    "SourcePage",
    "SourcePublic",
    "SourceUpdate",
    "SyncChanges",
    "Tagged",
    "next_cursor",
]
