"""The writes every editable resource offers, declared once: create, merge-patch, delete.

Each is one use case in one unit of work, committed here, answered with the resource's
ETag; PATCH takes a JSON Merge Patch. A resource module describes itself with an
`Editable` and calls `add_edits`: entities and sources differ only in their models,
their use cases and their docs.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import APIRouter, Body, Response
from pydantic import BaseModel

from api.http.auth import AdminWork, WriteWork
from api.http.deps import MERGE_PATCH, IfMatch
from api.http.errors import problem_responses
from api.writes.unit import UnitOfWork

C = TypeVar("C", bound=BaseModel)
P = TypeVar("P", bound=BaseModel)


@dataclass(frozen=True)
class Editable(Generic[C, P]):
    """What `add_edits` needs to know of a resource."""

    collection: str  # its list's path: "/entities"
    item: str  # one item's path: "/entities/{slug}"
    noun: str  # "entity"
    create_model: type[C]
    update_model: type[BaseModel]
    public_model: type[P]
    target: Any  # the dependency that turns the item's path into what the use cases take
    create: Callable[[UnitOfWork, C], tuple[P, str]]
    update: Callable[[UnitOfWork, Any, dict[str, Any], str | None], tuple[P, str]]
    delete: Callable[[UnitOfWork, Any, str | None], BaseModel | None]
    key: Callable[[P], str]  # the public id of a resource, for `Location`
    create_doc: str
    update_doc: str
    delete_doc: str
    # Deleting: with the admin scope, answering 204; or retracting (the resource stays,
    # answering 410 from then on), with the write scope, answering the retraction record.
    retraction_model: type[BaseModel] | None = None


def add_edits(router: APIRouter, spec: Editable[C, P]) -> None:
    """POST `collection`; PATCH and DELETE `item`."""
    article = "an" if spec.noun[0] in "aeiou" else "a"

    def create(work: WriteWork, data: Any) -> Any:
        public, etag = spec.create(work, data)
        work.answer(etag, f"{spec.collection}/{spec.key(public)}")
        return public

    def update(work: WriteWork, target: Any, patch: Any, if_match: IfMatch) -> Any:
        changes = patch.model_dump(mode="json", exclude_unset=True)
        public, etag = spec.update(work, target, changes, if_match)
        work.answer(etag)
        return public

    def delete(work: Any, target: Any, if_match: IfMatch) -> Any:
        record = spec.delete(work, target, if_match)
        return record if record is not None else Response(status_code=204)

    retracts = spec.retraction_model is not None
    gone = (410,) if retracts else ()
    patch_body = Annotated[spec.update_model, Body(media_type=MERGE_PATCH)]  # type: ignore[name-defined]
    routes = [
        # path, method, handler, name, summary's verb, doc, success status, answer, refusals
        (spec.collection, "POST", _typed(create, data=spec.create_model), "create", "Create",
         spec.create_doc, 201, spec.public_model, (401, 403, 409, 413, 422, 503)),
        (spec.item, "PATCH", _typed(update, target=spec.target, patch=patch_body), "update",
         "Change", spec.update_doc, 200, spec.public_model,
         (401, 403, 404, *gone, 412, 413, 422, 428, 503)),
        (spec.item, "DELETE",
         _typed(delete, target=spec.target, work=WriteWork if retracts else AdminWork),
         "retract" if retracts else "delete", "Retract" if retracts else "Delete",
         spec.delete_doc, 200 if retracts else 204, spec.retraction_model,
         (401, 403, 404, *gone, 409, 412, 422, 428, 503)),
    ]  # fmt: skip
    for path, method, handler, name, verb, doc, status, answer, refusals in routes:
        router.add_api_route(
            path,
            handler,
            methods=[method],
            name=f"{name}_{spec.noun}",
            summary=f"{verb} {article} {spec.noun}",
            description=doc,
            status_code=status,
            response_model=answer,
            responses=problem_responses(*refusals),
        )


def _typed(handler: Callable[..., Any], **annotations: Any) -> Callable[..., Any]:
    """`handler` with these parameters' annotations made real: FastAPI reads a handler's
    signature to know its body and dependencies, and these types are the resource's."""
    signature = inspect.signature(handler, eval_str=True)
    handler.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[
            parameter.replace(annotation=annotations.get(name, parameter.annotation))
            for name, parameter in signature.parameters.items()
        ]
    )
    return handler
