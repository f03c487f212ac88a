"""Liveness and readiness in one cheap probe."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.deps import SessionDep, StoreDep
from api.errors import ProblemError, problem_responses

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """The service answers and its store answers."""

    status: str = Field(description="`ok` when healthy.", examples=["ok"])
    database: str = Field(description="The store's engine: sqlite or postgresql.")


@router.get(
    "/health", summary="Check health", response_model=Health, responses=problem_responses(503)
)
def health(session: SessionDep, store: StoreDep) -> Health:
    """`ok` when the store answers a query; 503 otherwise."""
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        raise ProblemError(
            503, "Store unavailable", "The database did not answer.", kind="store-unavailable"
        ) from None
    return Health(status="ok", database=store.dialect)
