"""Liveness and readiness in one cheap probe."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.errors import store_unavailable
from api.http.deps import SessionDep, StoreDep
from api.http.errors import problem_responses
from models.health import Health

router = APIRouter(tags=["health"])


@router.get(
    "/health", summary="Check health", response_model=Health, responses=problem_responses(503)
)
def health(session: SessionDep, store: StoreDep) -> Health:
    """`ok` when the store answers a query; 503 otherwise."""
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        raise store_unavailable() from None
    return Health(status="ok", database=store.dialect)
