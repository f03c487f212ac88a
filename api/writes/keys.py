"""API keys, written: created (shown once, stored hashed) and revoked."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from api.queries.keys import PREFIX_LENGTH, digest
from models.base import Scope
from models.tables import ApiKey


def create_key(session: Session, name: str, scope: Scope) -> str:
    """Store a new key and return it; it is shown this once and never stored in clear."""
    key = "sc_" + secrets.token_urlsafe(32)
    session.add(
        ApiKey(
            name=name,
            prefix=key[:PREFIX_LENGTH],
            digest=digest(key),
            scope=scope.value,
            created_at=datetime.now(UTC),
        )
    )
    return key


def revoke_key(session: Session, name: str) -> bool:
    row = session.execute(select(ApiKey).where(col(ApiKey.name) == name)).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = datetime.now(UTC)
    return True
