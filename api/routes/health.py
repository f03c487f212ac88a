"""Liveness and readiness in one cheap probe."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.exc import SQLAlchemyError

from api.errors import store_unavailable
from api.http.deps import StoreDep
from api.http.errors import problem_responses
from api.http.routing import ServiceRoute
from api.store.db import Store
from models.health import Health, ReplicaHealth

router = APIRouter(tags=["health"], route_class=ServiceRoute)


@router.get(
    "/health",
    summary="Check health",
    response_model=Health,
    response_model_exclude_none=True,
    responses=problem_responses(503),
)
def health(store: StoreDep) -> Health:
    """`ok` when the store (its primary) answers a query; 503 otherwise. With read
    replicas, also each replica's state: one down or lagging takes no reads but leaves
    the service healthy."""
    try:
        store.ping()
    except SQLAlchemyError:
        raise store_unavailable() from None
    return Health(status="ok", database=store.dialect, replicas=_replicas(store))


def _replicas(store: Store) -> list[ReplicaHealth] | None:
    reports = store.replica_status()
    if reports is None:
        return None
    return [ReplicaHealth.model_validate(report, from_attributes=True) for report in reports]
