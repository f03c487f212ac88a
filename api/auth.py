"""API keys: created by the CLI, stored hashed, checked in constant time, scoped.

A key is `sc_` + a random token. The store keeps its first characters (to find the row)
and the SHA-256 of the whole key: keys are long random secrets, so a fast hash is
enough, and nothing stored lets anyone rebuild a key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlmodel import Session, col, select

from api.deps import SessionDep
from api.errors import ProblemError
from models import ApiKey

PREFIX_LENGTH = 12


class Scope(StrEnum):
    """What a key may do; each scope includes the ones before it."""

    read = "read"
    write = "write"
    admin = "admin"


_RANK = {Scope.read: 0, Scope.write: 1, Scope.admin: 2}


@dataclass(frozen=True)
class Principal:
    """Who is making a request: the key's name (recorded in revisions) and scope."""

    name: str
    scope: Scope


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(session: Session, name: str, scope: Scope) -> str:
    """Store a new key and return it; it is shown this once and never stored in clear."""
    key = "sc_" + secrets.token_urlsafe(32)
    session.add(
        ApiKey(
            name=name,
            prefix=key[:PREFIX_LENGTH],
            digest=_digest(key),
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


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.execute(select(ApiKey).order_by(col(ApiKey.name))).scalars())


def find_principal(session: Session, key: str) -> Principal | None:
    """The live key matching `key`, compared in constant time; None when there is none."""
    candidates = session.execute(
        select(ApiKey).where(col(ApiKey.prefix) == key[:PREFIX_LENGTH])
    ).scalars()
    digest = _digest(key)
    found = None
    for row in candidates:
        if hmac.compare_digest(row.digest, digest) and row.revoked_at is None:
            found = Principal(row.name, Scope(row.scope))
    return found


def _unauthorized(detail: str) -> ProblemError:
    return ProblemError(
        401,
        "Unauthorized",
        detail,
        kind="unauthorized",
        field="Authorization",
        headers={"WWW-Authenticate": "Bearer"},
    )


def principal(request: Request, session: Session) -> Principal | None:
    """The request's principal from `Authorization: Bearer <key>`; None without a header."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise _unauthorized("Send the API key as `Authorization: Bearer <key>`.")
    found = find_principal(session, key.strip())
    if found is None:
        raise _unauthorized("This API key is unknown or revoked.")
    return found


def require(scope: Scope) -> Any:
    """A dependency admitting only keys with at least `scope`."""

    def check(request: Request, session: SessionDep) -> Principal:
        who = principal(request, session)
        if who is None:
            raise _unauthorized(f"This needs an API key with the {scope.value} scope.")
        if _RANK[who.scope] < _RANK[scope]:
            raise ProblemError(
                403,
                "Forbidden",
                f"The key {who.name!r} has the {who.scope.value} scope; this needs {scope.value}.",
                kind="forbidden",
            )
        return who

    return Depends(check)


Writer = Annotated[Principal, require(Scope.write)]
Admin = Annotated[Principal, require(Scope.admin)]
