"""NDJSON batches of claims: all or nothing, replayable with an Idempotency-Key."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, select

from api.errors import idempotency_key_reused, invalid_body
from api.writes import claims
from api.writes.patch import validated
from api.writes.unit import UnitOfWork
from models.claim import ClaimCreate
from models.tables import IdempotentAnswer

MAX_LINES = 10_000


@dataclass(frozen=True)
class BatchAnswer:
    status: int
    body: str
    replayed: bool = False


def lines(body: bytes) -> list[tuple[int, Any]]:
    """The batch's JSON lines, numbered from 1; a 422 naming the first bad line."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise invalid_body("body", "is not UTF-8") from None
    parsed = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            parsed.append((number, json.loads(line)))
        except (ValueError, RecursionError):
            raise invalid_body(f"line {number}", "is not a JSON object") from None
    if not parsed:
        raise invalid_body("body", "has no claims")
    if len(parsed) > MAX_LINES:
        raise invalid_body("body", f"has more than {MAX_LINES} claims")
    return parsed


def replay(work: UnitOfWork, body: bytes, key: str | None) -> BatchAnswer | None:
    """The answer an earlier request with this Idempotency-Key got, if there was one (a
    422 if that request had another body)."""
    if key is None:
        return None
    earlier = work.session.execute(
        select(IdempotentAnswer).where(
            col(IdempotentAnswer.key_name) == work.who.name,
            col(IdempotentAnswer.idempotency_key) == key,
        )
    ).scalar_one_or_none()
    if earlier is None:
        return None
    if earlier.request_digest != hashlib.sha256(body).hexdigest():
        raise idempotency_key_reused()
    return BatchAnswer(earlier.status, earlier.body, replayed=True)


def create_claims(work: UnitOfWork, body: bytes, key: str | None) -> BatchAnswer:
    """Create every claim of the batch, or (on any bad line) none."""
    digest = hashlib.sha256(body).hexdigest()
    earlier = replay(work, body, key)
    if earlier is not None:
        return earlier
    refs = claims.References(work)
    created = []
    for number, item in lines(body):
        data = validated(ClaimCreate, item, prefix=f"line {number}")
        claims.create(work, data, refs, field=f"line {number}")
        created.append(data.id)
    answer = json.dumps({"created": created, "count": len(created)})
    if key is not None:
        work.add(
            IdempotentAnswer(
                key_name=work.who.name,
                idempotency_key=key,
                request_digest=digest,
                status=201,
                body=answer,
                created_at=datetime.now(UTC),
            )
        )
    return BatchAnswer(201, answer)
