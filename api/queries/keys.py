"""API keys, read: who a key belongs to, and the list of keys (never the keys themselves).

A key is `sc_` + a random token. The store keeps its first characters (to find the row)
and the SHA-256 of the whole key: keys are long random secrets, so a fast hash is
enough, and nothing stored lets anyone rebuild a key.
"""

from __future__ import annotations

import hashlib
import hmac

from sqlmodel import Session, col, select

from models.base import Principal, Scope
from models.tables import ApiKey

PREFIX_LENGTH = 12


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def find_principal(session: Session, key: str) -> Principal | None:
    """The live key matching `key`, compared in constant time; None when there is none."""
    candidates = session.execute(
        select(ApiKey).where(col(ApiKey.prefix) == key[:PREFIX_LENGTH])
    ).scalars()
    wanted = digest(key)
    found = None
    for row in candidates:
        if hmac.compare_digest(row.digest, wanted) and row.revoked_at is None:
            found = Principal(row.name, Scope(row.scope))
    return found


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.execute(select(ApiKey).order_by(col(ApiKey.name))).scalars())
