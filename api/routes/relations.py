"""Relations between claims: how one claim bears on another, and who says so."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response

from api.errors import not_found, retracted, unknown_reference
from api.http import paging
from api.http.auth import WriteWork
from api.http.conditional import tag_response
from api.http.deps import IfMatch, SessionDep, read, settings_of, store_of
from api.http.errors import problem_responses
from api.http.params import parse_query, query_docs
from api.http.routing import ServiceRoute
from api.queries import history, names, relations
from api.queries.relations import Page, moment, relation_json
from api.queries.versions import tag
from api.routes.claims import ClaimId
from api.routes.editable import Editable, add_edits
from api.store.columns import ROW_ID
from api.store.db import Reader, Store
from api.writes import relations as relation_writes
from models.history import History, RelationRetraction
from models.query import ClaimRelationParams, RelationListParams
from models.relation import (
    ClaimRelationPage,
    RelationCreate,
    RelationPage,
    RelationPublic,
    RelationUpdate,
)

router = APIRouter(tags=["relations"], route_class=ServiceRoute)

RelationId = Annotated[
    str,
    Path(
        max_length=200,
        description="Stable relation id.",
        examples=["arestovych-few-hundred-contradicts-two-battalions"],
    ),
]


def answer_page(request: Request, page: Page) -> Response:
    """A page of a relation list, with its `next` link."""
    headers: dict[str, str] = {}
    link = paging.next_link(request, headers, page.last, settings_of(request).public_url)
    return Response(page.json(link), media_type="application/json", headers=headers)


def after_id(cursor: str | None) -> int | None:
    key = paging.decode_cursor(cursor, (ROW_ID,))
    return int(key[0]) if key else None


@router.get(
    "/relations",
    summary="List relations",
    response_model=RelationPage,
    responses=problem_responses(404, 422),
    openapi_extra=query_docs(RelationListParams),
)
async def list_relations(request: Request) -> Response:
    """Relations between claims, in the order they were made: of one `type`, of one
    `claim` (either direction), or where either claim involves an `entity`."""
    params = parse_query(request, RelationListParams)
    store = store_of(request)
    return answer_page(request, await read(store, _listed, store, params))


def _listed(store: Store, params: RelationListParams) -> Page:
    with store.reader() as reader:
        claim_id = None
        if params.claim is not None:
            claim_id = _claim_id(reader, params.claim, "claim")
        entity = names.entity_parameter(reader, "entity", params.entity) if params.entity else None
        return relations.listed(
            reader,
            params.limit,
            after_id(params.cursor),
            kind=params.type,
            claim_id=claim_id,
            entity_id=entity.id if entity else None,
            include_retracted=params.include == "retracted",
            updated_since=params.updated_since,
        )


def _claim_id(reader: Reader, claim_id: str, field: str | None = None) -> int:
    """A claim's row id; a 404 naming the parameter (or the path's claim) if it has none."""
    row = reader.first(reader.sql("SELECT id FROM claim WHERE public_id = :id", id=claim_id))
    if row is None:
        if field is not None:
            raise unknown_reference(field, "claim", claim_id, [])
        raise not_found("claim", claim_id)
    return int(row[0])


@router.get(
    "/claims/{claim_id}/relations",
    summary="A claim's relations",
    response_model=ClaimRelationPage,
    responses=problem_responses(404, 422),
    openapi_extra=query_docs(ClaimRelationParams),
)
async def claim_relations(request: Request, claim_id: ClaimId) -> Response:
    """Every relation of the claim, in both directions, each with the claim at the other
    end in full: does anyone contradict it, qualify it, or draw on it?"""
    params = parse_query(request, ClaimRelationParams)
    store = store_of(request)
    return answer_page(request, await read(store, _of_claim, store, claim_id, params))


def _of_claim(store: Store, claim_id: str, params: ClaimRelationParams) -> Page:
    with store.reader() as reader:
        return relations.of_claim(
            reader,
            _claim_id(reader, claim_id),
            params.limit,
            after_id(params.cursor),
            include_retracted=params.include == "retracted",
        )


@router.get(
    "/relations/{relation_id}",
    summary="Get a relation",
    response_model=RelationPublic,
    responses=problem_responses(404, 410, 422),
)
async def get_relation(request: Request, relation_id: RelationId) -> Response:
    """One relation. A retracted one answers 410 with its retraction record and the ETag
    that restoring it needs."""
    store = store_of(request)
    row = await read(store, _relation, store, relation_id)
    body = relation_json(row) + "}"
    etag = tag(body, int(str(row[12])))
    if row[8] is not None:
        raise retracted(
            RelationRetraction(relation=relation_id, at=moment(row[8]), by=row[9], reason=row[10]),
            etag,
        )
    response = Response(body, media_type="application/json")
    tag_response(request, response, etag)
    return response


def _relation(store: Store, relation_id: str) -> tuple[Any, ...]:
    with store.reader() as reader:
        row = reader.first(
            reader.sql(
                "SELECT r.id, r.public_id, r.type, fc.public_id, tc.public_id, r.note, s.slug, "
                "r.analyst, r.retracted_at, r.retracted_by, r.retraction_reason, r.updated_at, "
                "r.version "
                "FROM relation r JOIN claim fc ON fc.id = r.from_claim_id "
                "JOIN claim tc ON tc.id = r.to_claim_id LEFT JOIN source s ON s.id = r.source_id "
                "WHERE r.public_id = :id",
                id=relation_id,
            )
        )
    if row is None:
        raise not_found("relation", relation_id)
    return row


@router.get(
    "/relations/{relation_id}/history",
    summary="A relation's revisions",
    response_model=History,
    responses=problem_responses(404, 422),
)
def relation_history(session: SessionDep, relation_id: RelationId) -> History:
    """Every change to the relation, oldest first."""
    revisions = history.revisions(session, "relation", relation_id)
    if not revisions:
        raise not_found("relation", relation_id)
    return History(items=revisions)


@router.post(
    "/relations/{relation_id}/restore",
    summary="Restore a retracted relation",
    response_model=RelationPublic,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428, 503),
)
def restore_relation(
    response: Response, work: WriteWork, relation_id: RelationId, if_match: IfMatch
) -> RelationPublic:
    """Undo a retraction (both claims must stand). Needs `If-Match` with the ETag its 410
    answer carries; recorded as a `restore` revision."""
    relation, etag = relation_writes.restore(work, relation_id, if_match)
    work.commit()
    response.headers["ETag"] = etag
    return relation


async def _relation_target(relation_id: RelationId) -> str:
    return relation_id


add_edits(
    router,
    Editable(
        collection="/relations",
        item="/relations/{relation_id}",
        noun="relation",
        create_model=RelationCreate,
        update_model=RelationUpdate,
        public_model=RelationPublic,
        target=Annotated[str, Depends(_relation_target)],
        create=relation_writes.create,
        update=relation_writes.update,
        delete=relation_writes.retract,
        key=lambda relation: relation.id,
        create_doc="Link two standing claims: `from` contradicts, undermines, qualifies, "
        "supports, restates or is derived from `to`. With `asserted_by.source`, a source "
        "draws the link; without, the key's name is recorded as the analyst who did. A "
        "`contradicts` between two claimants makes both claims `disputed`.",
        update_doc="Apply a JSON Merge Patch to the type, note or source; the claims stay. "
        "Needs `If-Match`.",
        delete_doc="Retract a relation: it leaves lists and answers 410; the claims it "
        "linked stand again as their other relations say.",
        retraction_model=RelationRetraction,
    ),
)
