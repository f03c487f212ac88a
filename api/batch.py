"""NDJSON batches of claims: all or nothing, replayable with an Idempotency-Key."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from fastapi import Response
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from api import writes
from api.auth import Principal
from api.db import Store
from api.errors import ProblemError
from models import IdempotentAnswer
from models.write import ClaimCreate

MAX_LINES = 10_000


def _lines(body: bytes) -> list[tuple[int, Any]]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise writes.invalid("body", "is not UTF-8") from None
    parsed = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            parsed.append((number, json.loads(line)))
        except (ValueError, RecursionError):
            raise writes.invalid(f"line {number}", "is not a JSON object") from None
    if not parsed:
        raise writes.invalid("body", "has no claims")
    if len(parsed) > MAX_LINES:
        raise writes.invalid("body", f"has more than {MAX_LINES} claims")
    return parsed


def _answer(status: int, body: str, replayed: bool = False) -> Response:
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def create_claims(
    store: Store, body: bytes, key: str | None, who: Principal, reason: str | None
) -> Response:
    digest = hashlib.sha256(body).hexdigest()
    with store.write_session() as session:
        if key is not None:
            earlier = session.execute(
                select(IdempotentAnswer).where(
                    col(IdempotentAnswer.key_name) == who.name,
                    col(IdempotentAnswer.idempotency_key) == key,
                )
            ).scalar_one_or_none()
            if earlier is not None:
                if earlier.request_digest != digest:
                    raise ProblemError(
                        422,
                        "Idempotency-Key reused",
                        "This Idempotency-Key was used with a different body; use a new key "
                        "for a new request.",
                        kind="idempotency-key-reused",
                        field="Idempotency-Key",
                    )
                return _answer(earlier.status, earlier.body, replayed=True)
        resolver = writes.Resolver(session)
        created = []
        for number, item in _lines(body):
            data = writes.validated(ClaimCreate, item, prefix=f"line {number}")
            writes.create_claim(session, data, who, reason, resolver, field=f"line {number}")
            created.append(data.id)
        answer = json.dumps({"created": created, "count": len(created)})
        if key is not None:
            session.add(
                IdempotentAnswer(
                    key_name=who.name,
                    idempotency_key=key,
                    request_digest=digest,
                    status=201,
                    body=answer,
                    created_at=datetime.now(UTC),
                )
            )
        try:
            session.commit()
        except IntegrityError as exc:
            raise writes.integrity_conflict(exc) from None
    return _answer(201, answer)
