"""Every endpoint of the service, each defined once for both clients.

A method here builds the `Call` for its endpoint and nothing else; `@Operation` and
`@Pages` turn it into a blocking method on `ClaimsClient` and an awaitable one on
`AsyncClaimsClient`. A new endpoint is one more method in this class.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Unpack

from api.client.answers import Tagged, model, nothing, one_of, revisions, tagged, text
from api.client.calls import Call, action, body, create, delete, get, guard, path, update
from api.client.core import Feed, Operation, Pages
from api.client.query import ClaimFilters, ClaimQuery
from models import (
    AcceptCandidate,
    CandidatePage,
    CandidatePublic,
    ClaimCreate,
    ClaimPage,
    ClaimPublic,
    ClaimUpdate,
    EntityCreate,
    EntityMerge,
    EntityPage,
    EntityPublic,
    EntityUpdate,
    Extracted,
    Health,
    Retraction,
    RevisionPublic,
    SourceCreate,
    SourcePage,
    SourcePublic,
    SourceUpdate,
)
from models.base import EntityKind, RelationType, SourceKind
from models.candidate import CandidateState, ProposalState
from models.change import ChangePage
from models.history import RelationRetraction
from models.matching import Matches, MatchQuery, Thresholds, ThresholdsUpdate
from models.proposal import (
    AcceptedBatch,
    ProposalKind,
    ProposalPage,
    ProposalPublic,
    ProposeRelation,
    ReviewItem,
)
from models.relation import (
    ClaimRelationPage,
    DisputePage,
    RelationCreate,
    RelationPage,
    RelationPublic,
    RelationUpdate,
    TimelinePage,
)

Json = Mapping[str, Any]


class Operations:
    """The endpoints, as the two clients share them (`self` is the client, unused)."""

    @Operation
    def health(self) -> Call[Health]:
        return get(model(Health), "health")

    # --- the change feed --------------------------------------------------------------

    @Operation
    def list_changes(
        self, since: str | None = None, *, limit: int | None = None, wait: float | None = None
    ) -> Call[ChangePage]:
        """One page of the change feed after `since` (None: from the first change)."""
        params = {"since": since, "limit": limit, "wait": wait}
        return get(model(ChangePage), "changes", params=params)

    @Feed
    def sync(
        self,
        since: str | None = None,
        *,
        limit: int | None = None,
        follow: bool = False,
        wait: float = 30,
    ) -> Call[ChangePage]:
        """Every change after `since` (None: from the first), in commit order, to keep a
        copy in step: iterate it (`async for` on the async client), apply each change,
        and keep the walk's `cursor` to resume from next time. It ends once caught up;
        with `follow=True` it long-polls (`wait` seconds a request) for ever after."""
        params = {"since": since, "limit": limit, "wait": wait if follow else None}
        return get(model(ChangePage), "changes", params=params)

    # --- claims -----------------------------------------------------------------------

    @Operation
    def list_claims(self, **filters: Unpack[ClaimQuery]) -> Call[ClaimPage]:
        return get(model(ClaimPage), "claims", params=filters)

    iter_claims = Pages(list_claims.build)

    @Operation
    def get_claim(self, claim_id: str) -> Call[ClaimPublic]:
        """One claim; a retracted one raises `GoneError` carrying its `retraction`."""
        return get(model(ClaimPublic), "claims", claim_id)

    @Operation
    def get_claim_with_etag(self, claim_id: str) -> Call[Tagged[ClaimPublic]]:
        """The claim and its ETag, to pass as `if_match=` to an edit."""
        return get(tagged(ClaimPublic), "claims", claim_id)

    @Operation
    def similar_claims(
        self,
        claim_id: str,
        *,
        limit: int | None = None,
        min_score: float | None = None,
        include_retracted: bool | None = None,
    ) -> Call[Matches]:
        """The held claims that match a claim, best first (never the claim itself)."""
        params = {"limit": limit, "min_score": min_score, "include_retracted": include_retracted}
        shown = {k: v for k, v in params.items() if v is not None}
        return get(model(Matches), "claims", claim_id, "similar", params=shown)

    @Operation
    def match_claims(self, query: MatchQuery | Json) -> Call[Matches]:
        """Has this been said before? The held claims that match a statement."""
        return Call("POST", "/claims:match", model(Matches), {}, json=body(query))

    @Operation
    def get_thresholds_with_etag(self) -> Call[Tagged[Thresholds]]:
        """The matcher's thresholds and their ETag, for `set_thresholds`."""
        return get(tagged(Thresholds), "matching", "thresholds")

    @Operation
    def set_thresholds(
        self, changes: ThresholdsUpdate | Json, *, if_match: str, reason: str | None = None
    ) -> Call[Thresholds]:
        """Change when the matcher proposes (`suggest`) and links at once (`link`)."""
        return update(Thresholds, ("matching", "thresholds"), changes, if_match, reason)

    @Operation
    def create_claim(
        self, data: ClaimCreate | Json, *, reason: str | None = None
    ) -> Call[ClaimPublic]:
        """Create a claim; the service verifies its quote (and finds omitted offsets)."""
        return create(ClaimPublic, "claims", data, reason)

    @Operation
    def update_claim(
        self, claim_id: str, patch: ClaimUpdate | Json, *, if_match: str, reason: str | None = None
    ) -> Call[ClaimPublic]:
        """Apply a JSON Merge Patch (None removes a field) if the claim is still `if_match`."""
        return update(ClaimPublic, ("claims", claim_id), patch, if_match, reason)

    @Operation
    def retract_claim(
        self, claim_id: str, *, if_match: str, reason: str | None = None
    ) -> Call[Retraction]:
        """Retract a claim if it is still `if_match` (or `"*"`); nothing is deleted."""
        return delete(model(Retraction), ("claims", claim_id), if_match, reason)

    @Operation
    def restore_claim(
        self, claim_id: str, *, if_match: str, reason: str | None = None
    ) -> Call[ClaimPublic]:
        """Undo a retraction, if the claim is still at `if_match` (the `GoneError`'s `etag`)."""
        return Call(
            "POST",
            path("claims", claim_id, "restore"),
            model(ClaimPublic),
            {"reason": reason},
            headers=guard(if_match),
        )

    @Operation
    def claim_history(self, claim_id: str) -> Call[list[RevisionPublic]]:
        """Every revision of the claim, oldest first (a retracted claim's too)."""
        return get(revisions, "claims", claim_id, "history")

    # --- relations --------------------------------------------------------------------

    @Operation
    def list_claim_relations(
        self,
        claim_id: str,
        *,
        include: Literal["retracted"] | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Call[ClaimRelationPage]:
        """The claim's relations in both directions, each with the other claim in full."""
        params = {"include": include, "limit": limit, "cursor": cursor}
        return get(model(ClaimRelationPage), "claims", claim_id, "relations", params=params)

    @Pages
    def iter_claim_relations(
        self,
        claim_id: str,
        *,
        include: Literal["retracted"] | None = None,
        limit: int | None = None,
    ) -> Call[ClaimRelationPage]:
        params = {"include": include, "limit": limit}
        return get(model(ClaimRelationPage), "claims", claim_id, "relations", params=params)

    @Operation
    def list_relations(
        self,
        *,
        type: RelationType | str | None = None,
        claim: str | None = None,
        entity: str | None = None,
        include: Literal["retracted"] | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Call[RelationPage]:
        params = {
            "type": type,
            "claim": claim,
            "entity": entity,
            "include": include,
            "limit": limit,
            "cursor": cursor,
        }
        return get(model(RelationPage), "relations", params=params)

    @Operation
    def get_relation(self, relation_id: str) -> Call[RelationPublic]:
        """One relation; a retracted one raises `GoneError`."""
        return get(model(RelationPublic), "relations", relation_id)

    @Operation
    def get_relation_with_etag(self, relation_id: str) -> Call[Tagged[RelationPublic]]:
        return get(tagged(RelationPublic), "relations", relation_id)

    @Operation
    def create_relation(
        self, data: RelationCreate | Json, *, reason: str | None = None
    ) -> Call[RelationPublic]:
        """Link two standing claims; a `contradicts` between two claimants disputes both."""
        return create(RelationPublic, "relations", data, reason)

    @Operation
    def update_relation(
        self,
        relation_id: str,
        patch: RelationUpdate | Json,
        *,
        if_match: str,
        reason: str | None = None,
    ) -> Call[RelationPublic]:
        return update(RelationPublic, ("relations", relation_id), patch, if_match, reason)

    @Operation
    def retract_relation(
        self, relation_id: str, *, if_match: str, reason: str | None = None
    ) -> Call[RelationRetraction]:
        return delete(model(RelationRetraction), ("relations", relation_id), if_match, reason)

    @Operation
    def restore_relation(
        self, relation_id: str, *, if_match: str, reason: str | None = None
    ) -> Call[RelationPublic]:
        return Call(
            "POST",
            path("relations", relation_id, "restore"),
            model(RelationPublic),
            {"reason": reason},
            headers=guard(if_match),
        )

    @Operation
    def relation_history(self, relation_id: str) -> Call[list[RevisionPublic]]:
        return get(revisions, "relations", relation_id, "history")

    @Operation
    def list_disputes(
        self, entity: str, *, limit: int | None = None, cursor: str | None = None
    ) -> Call[DisputePage]:
        """Which claims about `entity` disagree: each relation with both claims."""
        params = {"limit": limit, "cursor": cursor}
        return get(model(DisputePage), "entities", entity, "disputes", params=params)

    @Pages
    def iter_disputes(self, entity: str, *, limit: int | None = None) -> Call[DisputePage]:
        return get(model(DisputePage), "entities", entity, "disputes", params={"limit": limit})

    @Operation
    def timeline(
        self, entity: str, *, limit: int | None = None, cursor: str | None = None
    ) -> Call[TimelinePage]:
        """`entity`'s claims in the order the claimed things happened."""
        params = {"limit": limit, "cursor": cursor}
        return get(model(TimelinePage), "entities", entity, "timeline", params=params)

    @Pages
    def iter_timeline(self, entity: str, *, limit: int | None = None) -> Call[TimelinePage]:
        return get(model(TimelinePage), "entities", entity, "timeline", params={"limit": limit})

    # --- entities ---------------------------------------------------------------------

    @Operation
    def list_entities(
        self,
        *,
        kind: EntityKind | str | None = None,
        q: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Call[EntityPage]:
        params = {"kind": kind, "q": q, "limit": limit, "cursor": cursor}
        return get(model(EntityPage), "entities", params=params)

    @Pages
    def iter_entities(
        self,
        *,
        kind: EntityKind | str | None = None,
        q: str | None = None,
        limit: int | None = None,
    ) -> Call[EntityPage]:
        return get(model(EntityPage), "entities", params={"kind": kind, "q": q, "limit": limit})

    @Operation
    def get_entity(self, slug: str) -> Call[EntityPublic]:
        """`slug` may be a name or alias; the answer carries the canonical slug."""
        return get(model(EntityPublic), "entities", slug)

    @Operation
    def get_entity_with_etag(self, slug: str) -> Call[Tagged[EntityPublic]]:
        return get(tagged(EntityPublic), "entities", slug)

    @Operation
    def create_entity(
        self, data: EntityCreate | Json, *, reason: str | None = None
    ) -> Call[EntityPublic]:
        return create(EntityPublic, "entities", data, reason)

    @Operation
    def update_entity(
        self, slug: str, patch: EntityUpdate | Json, *, if_match: str, reason: str | None = None
    ) -> Call[EntityPublic]:
        return update(EntityPublic, ("entities", slug), patch, if_match, reason)

    @Operation
    def delete_entity(self, slug: str, *, if_match: str, reason: str | None = None) -> Call[None]:
        """Delete an entity nothing uses (`ConflictError` otherwise); needs an admin key."""
        return delete(nothing, ("entities", slug), if_match, reason)

    @Operation
    def entity_history(self, slug: str) -> Call[list[RevisionPublic]]:
        return get(revisions, "entities", slug, "history")

    @Operation
    def merge_entity(
        self, slug: str, into: str, *, if_match: str, reason: str | None = None
    ) -> Call[EntityPublic]:
        """Merge `slug` into `into` (kept); `if_match` lists both ETags (`'"3-…", "5-…"'`).
        Answers the entity kept; reads of `slug` are redirected there from then on, and
        the client follows."""
        data = EntityMerge(into=into)
        return action(model(EntityPublic), ("entities", slug, "merge"), data, if_match, reason)

    @Operation
    def restore_entity(
        self, slug: str, *, if_match: str, reason: str | None = None
    ) -> Call[EntityPublic]:
        """Undo the merge of `slug`; `if_match` is the ETag of the entity it was merged
        into (a read of `slug` answers with it)."""
        return action(model(EntityPublic), ("entities", slug, "restore"), None, if_match, reason)

    @Operation
    def list_entity_claims(self, slug: str, **filters: Unpack[ClaimFilters]) -> Call[ClaimPage]:
        return get(model(ClaimPage), "entities", slug, "claims", params=filters)

    iter_entity_claims = Pages(list_entity_claims.build)

    # --- sources ----------------------------------------------------------------------

    @Operation
    def list_sources(
        self,
        *,
        kind: SourceKind | str | None = None,
        publisher: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Call[SourcePage]:
        params = {"kind": kind, "publisher": publisher, "limit": limit, "cursor": cursor}
        return get(model(SourcePage), "sources", params=params)

    @Pages
    def iter_sources(
        self,
        *,
        kind: SourceKind | str | None = None,
        publisher: str | None = None,
        limit: int | None = None,
    ) -> Call[SourcePage]:
        params = {"kind": kind, "publisher": publisher, "limit": limit}
        return get(model(SourcePage), "sources", params=params)

    @Operation
    def get_source(self, slug: str) -> Call[SourcePublic]:
        return get(model(SourcePublic), "sources", slug)

    @Operation
    def get_source_with_etag(self, slug: str) -> Call[Tagged[SourcePublic]]:
        return get(tagged(SourcePublic), "sources", slug)

    @Operation
    def create_source(
        self, data: SourceCreate | Json, *, reason: str | None = None
    ) -> Call[SourcePublic]:
        """Create a source; with `text`, the store holds it and claims can quote it."""
        return create(SourcePublic, "sources", data, reason)

    @Operation
    def update_source(
        self, slug: str, patch: SourceUpdate | Json, *, if_match: str, reason: str | None = None
    ) -> Call[SourcePublic]:
        return update(SourcePublic, ("sources", slug), patch, if_match, reason)

    @Operation
    def delete_source(self, slug: str, *, if_match: str, reason: str | None = None) -> Call[None]:
        """Delete a source no claim cites (`ConflictError` otherwise); needs an admin key."""
        return delete(nothing, ("sources", slug), if_match, reason)

    @Operation
    def source_history(self, slug: str) -> Call[list[RevisionPublic]]:
        return get(revisions, "sources", slug, "history")

    @Operation
    def list_source_claims(self, slug: str, **filters: Unpack[ClaimFilters]) -> Call[ClaimPage]:
        return get(model(ClaimPage), "sources", slug, "claims", params=filters)

    iter_source_claims = Pages(list_source_claims.build)

    @Operation
    def source_text(self, slug: str, start: int | None = None, end: int | None = None) -> Call[str]:
        """The held text (or the span `start:end`), to check a quote against its offsets."""
        return get(text, "sources", slug, "text", params={"start": start, "end": end})

    # --- candidates -------------------------------------------------------------------

    @Operation
    def extract_source(self, slug: str, *, reason: str | None = None) -> Call[Extracted]:
        """Read a source's held text for claims and queue them for review; the source's
        pending candidates are replaced, accepted and rejected ones kept."""
        return action(model(Extracted), ("sources", slug, "extract"), None, None, reason)

    @Operation
    def list_candidates(
        self,
        *,
        source: str | None = None,
        state: CandidateState | str | None = None,
        min_confidence: float | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Call[CandidatePage]:
        """One page of candidates, in the order they were extracted."""
        params = {"source": source, "state": state, "min_confidence": min_confidence}
        params |= {"limit": limit, "cursor": cursor}
        return get(model(CandidatePage), "candidates", params=params)

    @Pages
    def iter_candidates(
        self,
        *,
        source: str | None = None,
        state: CandidateState | str | None = None,
        min_confidence: float | None = None,
        limit: int | None = None,
    ) -> Call[CandidatePage]:
        params = {"source": source, "state": state, "min_confidence": min_confidence}
        params |= {"limit": limit}
        return get(model(CandidatePage), "candidates", params=params)

    @Operation
    def get_candidate(self, candidate_id: int) -> Call[CandidatePublic]:
        return get(model(CandidatePublic), "candidates", str(candidate_id))

    @Operation
    def get_candidate_with_etag(self, candidate_id: int) -> Call[Tagged[CandidatePublic]]:
        """The candidate and its ETag, to pass as `if_match=` when accepting or rejecting."""
        return get(tagged(CandidatePublic), "candidates", str(candidate_id))

    @Operation
    def accept_candidate(
        self,
        candidate_id: int,
        changes: AcceptCandidate | Json | None = None,
        *,
        if_match: str,
        reason: str | None = None,
    ) -> Call[ClaimPublic]:
        """Create the claim the candidate proposes, amended by `changes` (a merge patch of
        it; `create_entities=True` creates the entities it names that do not exist)."""
        where = ("candidates", str(candidate_id), "accept")
        return action(model(ClaimPublic), where, changes, if_match, reason)

    @Operation
    def reject_candidate(
        self, candidate_id: int, reason: str, *, if_match: str
    ) -> Call[CandidatePublic]:
        """Turn the candidate down; `reason` is kept with it and in its history."""
        where = ("candidates", str(candidate_id), "reject")
        return action(model(CandidatePublic), where, {"reason": reason}, if_match, None)

    @Operation
    def accept_candidates(
        self, items: list[ReviewItem | Json], *, reason: str | None = None
    ) -> Call[AcceptedBatch]:
        """Accept every candidate listed (each `{"id", "etag"}`, and optional `changes`)
        in one transaction, or none of them."""
        return _batch("/candidates:accept", items, reason)

    @Operation
    def candidate_history(self, candidate_id: int) -> Call[list[RevisionPublic]]:
        return get(revisions, "candidates", str(candidate_id), "history")

    # --- the review queue: proposals of every kind ------------------------------------

    @Operation
    def list_proposals(
        self,
        *,
        kind: ProposalKind | str | None = None,
        state: ProposalState | str | None = None,
        source: str | None = None,
        claim: str | None = None,
        entity: str | None = None,
        min_confidence: float | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Call[ProposalPage]:
        """One page of the review queue, in the order things were proposed."""
        params: dict[str, object] = {"kind": kind, "state": state, "source": source}
        params |= {"claim": claim, "entity": entity, "min_confidence": min_confidence}
        params |= {"limit": limit, "cursor": cursor}
        return get(model(ProposalPage), "proposals", params=params)

    @Pages
    def iter_proposals(
        self,
        *,
        kind: ProposalKind | str | None = None,
        state: ProposalState | str | None = None,
        source: str | None = None,
        claim: str | None = None,
        entity: str | None = None,
        min_confidence: float | None = None,
        limit: int | None = None,
    ) -> Call[ProposalPage]:
        params: dict[str, object] = {"kind": kind, "state": state, "source": source}
        params |= {"claim": claim, "entity": entity, "min_confidence": min_confidence}
        params |= {"limit": limit}
        return get(model(ProposalPage), "proposals", params=params)

    @Operation
    def get_proposal(self, proposal_id: int) -> Call[ProposalPublic]:
        return get(one_of(ProposalPublic), "proposals", str(proposal_id))

    @Operation
    def get_proposal_with_etag(self, proposal_id: int) -> Call[Tagged[ProposalPublic]]:
        """The proposal and its ETag, to pass as `if_match=` when accepting or rejecting."""
        return get(tagged(ProposalPublic), "proposals", str(proposal_id))

    @Operation
    def propose_relation(
        self, proposal: ProposeRelation | Json, *, reason: str | None = None
    ) -> Call[ProposalPublic]:
        """Queue a relation between two claims (held, or claim proposals) for review."""
        return Call(
            "POST", "/proposals", one_of(ProposalPublic), {"reason": reason}, body(proposal)
        )

    @Operation
    def accept_proposal(
        self,
        proposal_id: int,
        changes: Json | None = None,
        *,
        if_match: str,
        reason: str | None = None,
    ) -> Call[ClaimPublic | RelationPublic | EntityPublic]:
        """Create what the proposal proposes (a claim, a relation, a mention's link to an
        entity, a merge), amended by `changes`, and mark it accepted."""
        where = ("proposals", str(proposal_id), "accept")
        decode = one_of(ClaimPublic | RelationPublic | EntityPublic)
        return action(decode, where, changes, if_match, reason)

    @Operation
    def accept_proposals(
        self, items: list[ReviewItem | Json], *, reason: str | None = None
    ) -> Call[AcceptedBatch]:
        """Accept every proposal listed (each `{"id", "etag"}`, and optional `changes`)
        in one transaction, or none of them."""
        return _batch("/proposals:accept", items, reason)

    @Operation
    def reject_proposal(
        self, proposal_id: int, reason: str, *, if_match: str
    ) -> Call[ProposalPublic]:
        """Turn the proposal down; `reason` is kept with it and in its history."""
        where = ("proposals", str(proposal_id), "reject")
        return action(one_of(ProposalPublic), where, {"reason": reason}, if_match, None)

    @Operation
    def proposal_history(self, proposal_id: int) -> Call[list[RevisionPublic]]:
        return get(revisions, "proposals", str(proposal_id), "history")


def _batch(where: str, items: list[ReviewItem | Json], reason: str | None) -> Call[AcceptedBatch]:
    """A batch accept: the list is the body (`action` sends objects only)."""
    sent = [body(item) for item in items]
    return Call("POST", where, model(AcceptedBatch), {"reason": reason}, json=sent)
