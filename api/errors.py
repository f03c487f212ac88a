"""THE catalogue of problem kinds: every refusal the service can give, in one place.

Use cases, queries and the HTTP layer raise `ProblemError`s made by the functions below;
`api.http.errors` renders each as an RFC 9457 problem+json body. Nothing here knows about
HTTP frameworks, so the same errors serve the CLI and the loaders. A new kind of refusal
is one entry in `KINDS` and, where it takes arguments, one function.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from models.history import RelationRetraction, Retraction
from models.problem import PROBLEM_TYPE_BASE, Problem


@dataclass(frozen=True)
class Kind:
    """A kind of problem: its URI (under `urn:sourced-claims:problem:`), status and title."""

    name: str
    status: int
    title: str

    @property
    def type(self) -> str:
        return PROBLEM_TYPE_BASE + self.name


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("invalid-request", 422, "Invalid request"),
        Kind("untrusted-host", 400, "Host not served"),
        Kind("invalid-parameter", 422, "Invalid parameter"),
        Kind("invalid-body", 422, "Invalid request body"),
        Kind("missing-entity", 422, "Entity does not exist"),
        Kind("unknown-reference", 404, "Unknown reference"),
        Kind("not-found", 404, "Not found"),
        Kind("text-not-held", 404, "Text not held"),
        Kind("retracted", 410, "Claim retracted"),
        Kind("conflict", 409, "Conflict"),
        Kind("entity-merged", 409, "Entity merged"),
        Kind("precondition-failed", 412, "Precondition Failed"),
        Kind("precondition-required", 428, "Precondition Required"),
        Kind("idempotency-key-reused", 422, "Idempotency-Key reused"),
        Kind("unauthorized", 401, "Unauthorized"),
        Kind("forbidden", 403, "Forbidden"),
        Kind("request-timeout", 408, "Request Timeout"),
        Kind("too-large", 413, "Content Too Large"),
        Kind("unsupported-media-type", 415, "Unsupported Media Type"),
        Kind("store-busy", 503, "Store busy"),
        Kind("store-unavailable", 503, "Store unavailable"),
        Kind("internal", 500, "Internal Server Error"),
    )
}


class ProblemError(Exception):
    """A refusal with everything its problem+json body and headers need."""

    def __init__(
        self,
        kind: str,
        detail: str,
        *,
        title: str | None = None,
        field: str | None = None,
        suggestions: Sequence[str] | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.kind = KINDS[kind]
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})
        self.problem = Problem(
            type=self.kind.type,
            title=title or self.kind.title,
            status=self.kind.status,
            detail=detail,
            field=field,
            suggestions=list(suggestions) if suggestions is not None else None,
        )

    @property
    def status(self) -> int:
        return self.kind.status

    def naming(self, prefix: str, what: str) -> ProblemError:
        """The same refusal, about one entry of a batch: its detail says which, and its
        field sits under the entry's (`body.3.etag`, `body.3.claimant`)."""
        field = self.problem.field
        if field is None or field == "If-Match":
            field = f"{prefix}.etag" if self.kind.name.startswith("precondition") else prefix
        elif field.startswith("body"):
            field = prefix + field[len("body") :]
        else:  # a field of what the entry proposes ("claimant.name")
            field = f"{prefix}.{field}"
        return ProblemError(
            self.kind.name,
            f"{what}: {self.problem.detail}",
            title=self.problem.title,
            field=field,
            suggestions=self.problem.suggestions,
            headers=self.headers,
            extra=self.extra,
        )


def _hint(suggestions: Sequence[str]) -> str:
    return f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""


def not_found(what: str, ident: str, suggestions: Sequence[str] = ()) -> ProblemError:
    return ProblemError(
        "not-found",
        f"No {what} {ident!r}.{_hint(suggestions)}",
        title=f"{what.capitalize()} not found",
        suggestions=list(suggestions) or None,
    )


def unknown_reference(
    field: str, what: str, value: str, suggestions: Sequence[str]
) -> ProblemError:
    """A query parameter names something that does not exist."""
    return ProblemError(
        "unknown-reference",
        f"{field}={value!r} matches no {what}.{_hint(suggestions)}",
        title=f"Unknown {what}",
        field=field,
        suggestions=suggestions,
    )


def invalid_parameter(field: str, message: str) -> ProblemError:
    return ProblemError("invalid-parameter", f"{field}: {message}", field=field)


def invalid_body(
    field: str, message: str, suggestions: Sequence[str] | None = None
) -> ProblemError:
    return ProblemError(
        "invalid-body",
        f"{field}: {message}.{_hint(suggestions or ())}",
        field=field,
        suggestions=suggestions or None,
    )


def missing_entities(missing: Sequence[Mapping[str, str | None]]) -> ProblemError:
    """Names a candidate gives that no entity answers to; each is a mapping with the
    candidate's `field`, the `name`, the `kind` and the `slug` it would be created with."""
    first = missing[0]
    detail = (
        f"{first['field']}: no entity is named {first['name']!r}. Send "
        f'"create_entities": true to create it (a {first["kind"]}, slug {first["slug"]!r}), '
        "create it first, or name an existing entity in the body."
    )
    if len(missing) > 1:
        others = ", ".join(f"{m['name']!r} ({m['field']})" for m in missing[1:])
        detail += f" Also missing: {others}."
    return ProblemError(
        "missing-entity",
        detail,
        field=first["field"],
        extra={"missing": [dict(m) for m in missing]},
    )


def conflict(detail: str) -> ProblemError:
    return ProblemError("conflict", detail)


def entity_merged(slug: str, into: str) -> ProblemError:
    """An entity merged into another: reads of it are redirected (308), writes refused
    naming the one kept."""
    return ProblemError(
        "entity-merged",
        f"Entity {slug!r} was merged into {into!r}; use {into!r}.",
        extra={"merged_into": into},
    )


def precondition_required() -> ProblemError:
    return ProblemError(
        "precondition-required",
        "Send If-Match with the ETag you last read, so a change made since is not overwritten.",
        field="If-Match",
    )


def precondition_failed(sent: str | None = None, current: str | None = None) -> ProblemError:
    if sent is None or current is None:
        detail = "The resource changed while this request was being applied; read it again."
    else:
        detail = (
            f"The resource has changed since {sent} was read; it is now {current}. "
            "Read it again and reapply your change."
        )
    return ProblemError("precondition-failed", detail, field="If-Match")


def retracted(record: Retraction | RelationRetraction, etag: str | None = None) -> ProblemError:
    """A retracted claim or relation: the answer carries its retraction record, and the
    ETag to send back to restore it."""
    shown = record.model_dump(mode="json")
    what, key = ("Claim", shown["claim"]) if "claim" in shown else ("Relation", shown["relation"])
    why = f": {record.reason}" if record.reason else "."
    return ProblemError(
        "retracted",
        f"{what} {key!r} was retracted by {record.by} at {shown['at']}{why}",
        title=f"{what} retracted",
        extra={"retraction": shown},
        headers={"ETag": etag} if etag else None,
    )


def not_retracted(key: str, what: str = "claim") -> ProblemError:
    return ProblemError(
        "conflict", f"{what.capitalize()} {key!r} is not retracted; there is nothing to undo."
    )


def text_not_held(slug: str) -> ProblemError:
    return ProblemError("text-not-held", f"This store does not hold the text of {slug!r}.")


def idempotency_key_reused() -> ProblemError:
    return ProblemError(
        "idempotency-key-reused",
        "This Idempotency-Key was used with a different body; use a new key for a new request.",
        field="Idempotency-Key",
    )


def unauthorized(detail: str) -> ProblemError:
    return ProblemError(
        "unauthorized", detail, field="Authorization", headers={"WWW-Authenticate": "Bearer"}
    )


def forbidden(detail: str) -> ProblemError:
    return ProblemError("forbidden", detail)


def too_large(limit: int) -> ProblemError:
    return ProblemError("too-large", f"Request bodies are limited to {limit} bytes.", field="body")


def unsupported_media_type(
    accepted: Sequence[str], sent: str | None, headers: Mapping[str, str] | None = None
) -> ProblemError:
    """A body in a media type the endpoint does not take; `accepted` lists those it does
    (also as the problem's `accepted` member)."""
    given = f"Content-Type {sent!r} is" if sent else "A body without a Content-Type is"
    listed = " or ".join(", ".join(accepted).rsplit(", ", 1))
    return ProblemError(
        "unsupported-media-type",
        f"{given} not accepted here; send the body as {listed}.",
        field="Content-Type",
        headers=headers,
        extra={"accepted": list(accepted)},
    )


def body_timeout(seconds: float) -> ProblemError:
    """A request body that did not all arrive in time; the connection is closed."""
    return ProblemError(
        "request-timeout",
        f"The request body did not arrive within {seconds:g} s; nothing was read. "
        "Send it again, whole.",
        field="body",
        headers={"Connection": "close"},
    )


def untrusted_host(host: str) -> ProblemError:
    """A request naming a host the service does not answer for (its links would lead
    there); the operator lists the hosts in CLAIMS_TRUSTED_HOSTS or sets CLAIMS_PUBLIC_URL."""
    shown = host if len(host) <= 100 else host[:100] + "..."
    return ProblemError(
        "untrusted-host",
        f"This service is not served under the host {shown!r}. Use the address it is "
        "published at; its operator names the hosts it answers for in CLAIMS_TRUSTED_HOSTS, "
        "or sets CLAIMS_PUBLIC_URL.",
        field="Host",
    )


def write_refused() -> ProblemError:
    """The store refused a write on a uniqueness or reference rule that the use case's own
    checks did not catch in time (another write committed the same id, name or link
    meanwhile). Never the driver's words: they name tables and constraints."""
    return ProblemError(
        "conflict",
        "Another write stored the same id, name or link at the same moment, so the store "
        "refused this one; nothing was written. Read the resource again before retrying.",
    )


RETRY_AFTER_BUSY = "1"


def store_busy(detail: str) -> ProblemError:
    return ProblemError(
        "store-busy",
        f"Nothing was written: {detail}. Send the request again shortly.",
        headers={"Retry-After": RETRY_AFTER_BUSY},
    )


def store_unavailable() -> ProblemError:
    return ProblemError("store-unavailable", "The database did not answer.")


def internal() -> ProblemError:
    return ProblemError("internal", "The server failed to answer this request; it has been logged.")
