"""Write use cases: every change verified, version-guarded, and recorded as a revision.

Nothing here commits; the route commits after the use case returns, so a failure
anywhere leaves the store as it was.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from api import documents, queries
from api.auth import Principal
from api.conditional import etag_of
from api.errors import ProblemError, not_found
from api.loader import claim_values, nearest_match, sync_claim_links, sync_fields
from models import (
    AttributionHop,
    Claim,
    ClaimEntity,
    ClaimPublic,
    Entity,
    EntityName,
    EntityPublic,
    Revision,
    RevisionPublic,
    Source,
    SourcePublic,
    SourceText,
)
from models.base import normalize_name
from models.fixture import ClaimFixture
from models.write import ClaimCreate, EntityCreate, SourceCreate

# --- shared ----------------------------------------------------------------------------

M = TypeVar("M", bound=BaseModel)


def etag(public: BaseModel, version: int) -> str:
    """The ETag readers get for `public` at `version` (see `etag_of`)."""
    return etag_of(public.model_dump_json(), version)


def invalid(field: str, message: str, suggestions: list[str] | None = None) -> ProblemError:
    hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
    return ProblemError(
        422,
        "Invalid request body",
        f"{field}: {message}.{hint}",
        kind="invalid-body",
        field=field,
        suggestions=suggestions or None,
    )


def conflict(detail: str) -> ProblemError:
    return ProblemError(409, "Conflict", detail, kind="conflict")


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON Merge Patch: objects merge, null deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def validated(model: type[M], data: Any, prefix: str = "body") -> M:
    """`model` from client data, or a 422 naming the first bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in (prefix, *error["loc"]))
        raise invalid(field, str(error["msg"])) from None


def check_precondition(if_match: str | None, current: str, *, required: bool) -> None:
    if if_match is None:
        if required:
            raise ProblemError(
                428,
                "Precondition Required",
                "Send If-Match with the ETag you last read, so a change "
                "made since is not overwritten.",
                kind="precondition-required",
                field="If-Match",
            )
        return
    if if_match.strip() != "*" and current not in [tag.strip() for tag in if_match.split(",")]:
        raise ProblemError(
            412,
            "Precondition Failed",
            f"The resource has changed since {if_match} was read; it is "
            f"now {current}. Read it again and reapply your change.",
            kind="precondition-failed",
            field="If-Match",
        )


def _record(
    session: Session,
    resource: str,
    key: str,
    action: str,
    who: Principal,
    reason: str | None,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> None:
    old, new = dict(before or {}), dict(after or {})
    changes = {
        name: {"from": old.get(name), "to": new.get(name)}
        for name in sorted(set(old) | set(new))
        if old.get(name) != new.get(name)
    }
    session.add(
        Revision(
            resource=resource,
            resource_key=key,
            action=action,
            at=datetime.now(UTC),
            actor=who.name,
            reason=reason,
            changes=json.loads(json.dumps(changes, default=str)),
        )
    )


def _bump(session: Session, model: Any, row_id: int, version: int) -> None:
    """Claim the next version, or fail if someone else changed the row first."""
    result = session.execute(
        update(model)
        .where(model.id == row_id, model.version == version)
        .values(version=version + 1)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ProblemError(
            412,
            "Precondition Failed",
            "The resource changed while this request was being applied; read it again.",
            kind="precondition-failed",
            field="If-Match",
        )


def history(session: Session, resource: str, key: str) -> list[RevisionPublic]:
    rows = session.execute(
        select(Revision)
        .where(col(Revision.resource) == resource, col(Revision.resource_key) == key)
        .order_by(col(Revision.id))
    ).scalars()
    return [
        RevisionPublic(
            number=n, action=r.action, at=r.at, actor=r.actor, reason=r.reason, changes=r.changes
        )
        for n, r in enumerate(rows, start=1)
    ]


# --- claims ----------------------------------------------------------------------------


def claim_row(session: Session, claim_id: str) -> Claim:
    row: Claim | None = session.execute(
        select(Claim).where(col(Claim.public_id) == claim_id)
    ).scalar_one_or_none()
    if row is None:
        raise not_found("claim", claim_id)
    return row


def claim_as_input(public: ClaimPublic) -> dict[str, Any]:
    """A claim in the shape clients create it in: what a merge patch applies to."""
    data: dict[str, Any] = {
        "id": public.id,
        "statement": public.statement,
        "quote": public.quote.model_dump(),
        "claimant": public.claimant.slug,
        "entities": [
            {"slug": e.slug, "role": e.role.value}
            for e in public.entities
            if not (e.role.value == "claimant" and e.slug == public.claimant.slug)
        ],
        "attribution": [h.model_dump(exclude_none=True, mode="json") for h in public.attribution],
        "status": public.status.value,
        "speech": public.speech.value,
    }
    for name in ("claimed_on", "event_date"):
        if getattr(public, name) is not None:
            data[name] = getattr(public, name)
    if public.quantity is not None:
        data["quantity"] = public.quantity.model_dump(exclude_none=True)
    return data


class Resolver:
    """Turns slugs into ids for one request, remembering held texts it has read."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.entities: dict[str, int] = {}
        self.sources: dict[str, int] = {}
        self.texts: dict[str, str | None] = {}

    def entity(self, slug: str, field: str) -> int:
        return self._find(self.entities, Entity, "entity", queries.suggest_entities, slug, field)

    def source(self, slug: str, field: str) -> int:
        return self._find(self.sources, Source, "source", queries.suggest_sources, slug, field)

    def _find(
        self,
        known: dict[str, int],
        model: Any,
        what: str,
        suggest: Callable[[Session, str], list[str]],
        slug: str,
        field: str,
    ) -> int:
        """The id of `slug`, or a 422 naming `field` with close matches; each looked up once."""
        if slug not in known:
            found = self.session.execute(
                select(model.id).where(model.slug == slug)
            ).scalar_one_or_none()
            if found is None:
                raise invalid(field, f"no {what} {slug!r}", suggest(self.session, slug))
            known[slug] = found
        return known[slug]

    def text(self, slug: str, field: str) -> str | None:
        if slug not in self.texts:
            self.texts[slug] = queries.get_source_text(self.session, self.source(slug, field))
        return self.texts[slug]

    def fixture(self, data: ClaimCreate, field: str = "body") -> ClaimFixture:
        """Check every reference and the quote; the claim with its offsets settled."""
        quote = data.quote
        text = self.text(quote.source, f"{field}.quote.source")
        if text is None:
            raise invalid(
                f"{field}.quote.source",
                f"this store does not hold the text of {quote.source!r}, so the "
                "quote cannot be verified",
            )
        start, end = quote.start, quote.end
        if start is None or end is None:
            first = text.find(quote.text)
            if first < 0:
                raise _quote_not_found(f"{field}.quote.text", text, quote.text)
            if text.find(quote.text, first + 1) >= 0:
                raise invalid(
                    f"{field}.quote.text",
                    "the quote occurs more than once in the text; give start and end to say which",
                )
            start, end = first, first + len(quote.text)
        elif text[start:end] != quote.text:
            raise _quote_not_found(f"{field}.quote", text, quote.text, (start, end))
        self.entity(data.claimant, f"{field}.claimant")
        for n, link in enumerate(data.entities):
            self.entity(link.slug, f"{field}.entities.{n}.slug")
        for n, hop in enumerate(data.attribution):
            if hop.source:
                self.source(hop.source, f"{field}.attribution.{n}.source")
            if hop.entity:
                self.entity(hop.entity, f"{field}.attribution.{n}.entity")
        payload = data.model_dump(mode="json")
        payload["quote"].update(start=start, end=end)
        return ClaimFixture.model_validate(payload)


def _quote_not_found(
    field: str, text: str, quoted: str, span: tuple[int, int] | None = None
) -> ProblemError:
    where = f"at {span[0]}-{span[1]}" if span else "in the held text"
    near = nearest_match(text, quoted)
    hint = f"; nearest match at {near[0]}-{near[0] + len(near[1])}: {near[1]!r}" if near else ""
    return invalid(field, f"the quote is not {where}{hint}")


def create_claim(
    session: Session,
    data: ClaimCreate,
    who: Principal,
    reason: str | None = None,
    resolver: Resolver | None = None,
    field: str = "body",
) -> ClaimPublic:
    resolver = resolver or Resolver(session)
    fixture = resolver.fixture(data, field)
    taken = session.execute(select(col(Claim.id)).where(col(Claim.public_id) == data.id)).first()
    if taken is not None:
        raise conflict(f"A claim with id {data.id!r} exists already.")
    entity_ids = {slug: resolver.entities[slug] for slug in resolver.entities}
    row = Claim(
        **claim_values(
            fixture, resolver.sources[fixture.quote.source], entity_ids[fixture.claimant]
        )
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    sync_claim_links(session, row, fixture, entity_ids, resolver.sources)
    session.flush()
    public = ClaimPublic.model_validate_json(
        documents.refresh(session.connection(), [row.id])[row.id]
    )
    _record(session, "claim", data.id, "create", who, reason, None, public.model_dump(mode="json"))
    return public


def update_claim(
    session: Session,
    claim_id: str,
    patch: Any,
    if_match: str | None,
    who: Principal,
    reason: str | None = None,
) -> ClaimPublic:
    row = claim_row(session, claim_id)
    if row.retracted_at is not None:
        raise retracted(row)
    before = queries.get_claim(session, claim_id)
    assert before is not None
    assert row.id is not None
    check_precondition(if_match, etag(before, row.version), required=True)
    if not isinstance(patch, dict):
        raise invalid("body", "a merge patch is a JSON object")
    merged = merge_patch(claim_as_input(before), patch)
    if merged.get("id") != claim_id:
        raise invalid("body.id", "a claim's id cannot change")
    if "quote" in patch and isinstance(patch["quote"], dict) and "text" in patch["quote"]:
        # A new quote text means new offsets unless the patch gives them.
        for bound in ("start", "end"):
            if bound not in patch["quote"]:
                merged["quote"].pop(bound, None)
    data = validated(ClaimCreate, merged)
    resolver = Resolver(session)
    fixture = resolver.fixture(data)
    _bump(session, Claim, row.id, row.version)
    session.refresh(row)
    values = claim_values(
        fixture, resolver.sources[fixture.quote.source], resolver.entities[fixture.claimant]
    )
    values.pop("public_id")
    sync_fields(row, values)
    sync_claim_links(session, row, fixture, resolver.entities, resolver.sources)
    session.flush()
    after = ClaimPublic.model_validate_json(
        documents.refresh(session.connection(), [row.id])[row.id]
    )
    _record(
        session,
        "claim",
        claim_id,
        "update",
        who,
        reason,
        before.model_dump(mode="json"),
        after.model_dump(mode="json"),
    )
    return after


def retracted(row: Claim) -> ProblemError:
    at = row.retracted_at.isoformat() if row.retracted_at else None
    error = ProblemError(
        410,
        "Claim retracted",
        f"Claim {row.public_id!r} was retracted by {row.retracted_by} at {at}"
        + (f": {row.retraction_reason}" if row.retraction_reason else "."),
        kind="retracted",
    )
    error.extra = {
        "retraction": {
            "claim": row.public_id,
            "at": at,
            "by": row.retracted_by,
            "reason": row.retraction_reason,
        }
    }
    return error


def retract_claim(
    session: Session, claim_id: str, if_match: str | None, who: Principal, reason: str | None
) -> Claim:
    row = claim_row(session, claim_id)
    if row.retracted_at is not None:
        raise retracted(row)
    public = queries.get_claim(session, claim_id)
    assert public is not None
    assert row.id is not None
    check_precondition(if_match, etag(public, row.version), required=False)
    _bump(session, Claim, row.id, row.version)
    session.refresh(row)
    row.retracted_at = datetime.now(UTC)
    row.retracted_by = who.name
    row.retraction_reason = reason
    _record(
        session,
        "claim",
        claim_id,
        "retract",
        who,
        reason,
        {"retracted": False},
        {"retracted": True},
    )
    session.flush()
    return row


# --- entities --------------------------------------------------------------------------


def entity_as_input(public: EntityPublic) -> dict[str, Any]:
    return public.model_dump(mode="json", exclude_none=True)


def _write_names(session: Session, entity: Entity, data: EntityCreate, field: str) -> None:
    wanted: dict[str, tuple[str, bool]] = {}
    for spelled, is_alias in [(data.slug, False), (data.name, False)] + [
        (alias, True) for alias in data.aliases
    ]:
        wanted.setdefault(normalize_name(spelled), (spelled, is_alias))
    owners = session.execute(
        select(col(EntityName.folded), col(Entity.slug))
        .join(Entity, col(Entity.id) == col(EntityName.entity_id))
        .where(col(EntityName.folded).in_(list(wanted)), col(EntityName.entity_id) != entity.id)
    ).all()
    if owners:
        folded, owner = owners[0]
        raise invalid(
            f"{field}.aliases",
            f"{wanted[folded][0]!r} already names {owner!r} "
            "(names and aliases are unique, ignoring case)",
        )
    for old in session.execute(
        select(EntityName).where(col(EntityName.entity_id) == entity.id)
    ).scalars():
        session.delete(old)
    session.flush()
    assert entity.id is not None
    for folded, (spelled, is_alias) in wanted.items():
        session.add(EntityName(entity_id=entity.id, text=spelled, folded=folded, is_alias=is_alias))


def create_entity(
    session: Session, data: EntityCreate, who: Principal, reason: str | None = None
) -> EntityPublic:
    if session.execute(select(col(Entity.id)).where(col(Entity.slug) == data.slug)).first():
        raise conflict(f"An entity with slug {data.slug!r} exists already.")
    row = Entity(slug=data.slug, name=data.name, kind=data.kind, description=data.description)
    session.add(row)
    session.flush()
    _write_names(session, row, data, "body")
    session.flush()
    public = queries.entity_public(session, row)
    _record(
        session, "entity", data.slug, "create", who, reason, None, public.model_dump(mode="json")
    )
    return public


def update_entity(
    session: Session,
    entity: Entity,
    patch: Any,
    if_match: str | None,
    who: Principal,
    reason: str | None = None,
) -> EntityPublic:
    before = queries.entity_public(session, entity)
    assert entity.id is not None
    check_precondition(if_match, etag(before, entity.version), required=True)
    if not isinstance(patch, dict):
        raise invalid("body", "a merge patch is a JSON object")
    merged = merge_patch(entity_as_input(before), patch)
    if merged.get("slug") != entity.slug:
        raise invalid("body.slug", "an entity's slug cannot change")
    data = validated(EntityCreate, merged)
    _bump(session, Entity, entity.id, entity.version)
    session.refresh(entity)
    shown = (entity.name, entity.kind)
    sync_fields(
        entity, {"name": data.name, "kind": data.kind.value, "description": data.description}
    )
    _write_names(session, entity, data, "body")
    session.flush()
    if (entity.name, entity.kind) != shown:
        # Claims show their entities' names and kinds: their documents change too.
        documents.refresh_entity(session.connection(), entity.id)
    after = queries.entity_public(session, entity)
    _record(
        session,
        "entity",
        entity.slug,
        "update",
        who,
        reason,
        before.model_dump(mode="json"),
        after.model_dump(mode="json"),
    )
    return after


def delete_entity(
    session: Session,
    entity: Entity,
    if_match: str | None,
    who: Principal,
    reason: str | None = None,
) -> None:
    public = queries.entity_public(session, entity)
    check_precondition(if_match, etag(public, entity.version), required=False)
    uses = sum(
        session.execute(
            select(func.count()).select_from(model).where(column == entity.id)
        ).scalar_one()
        for model, column in (
            (Claim, col(Claim.claimant_id)),
            (ClaimEntity, col(ClaimEntity.entity_id)),
            (AttributionHop, col(AttributionHop.entity_id)),
            (Source, col(Source.publisher_id)),
        )
    )
    if uses:
        raise conflict(
            f"Entity {entity.slug!r} is still used {uses} times by claims or "
            "sources; change those first. Nothing was deleted."
        )
    _record(
        session, "entity", entity.slug, "delete", who, reason, public.model_dump(mode="json"), None
    )
    session.delete(entity)
    session.flush()


# --- sources ---------------------------------------------------------------------------


def source_as_input(session: Session, source_id: int, public: SourcePublic) -> dict[str, Any]:
    data = public.model_dump(
        mode="json", exclude_none=True, exclude={"date_precision", "text_held", "text_sha256"}
    )
    data["publisher"] = public.publisher.slug if public.publisher else None
    if data["publisher"] is None:
        data.pop("publisher")
    return data


def _source_values(session: Session, data: SourceCreate, field: str) -> dict[str, Any]:
    publisher = None
    if data.publisher:
        publisher = Resolver(session).entity(data.publisher, f"{field}.publisher")
    return {
        "name": data.name,
        "title": data.title,
        "kind": data.kind.value,
        "date": data.date,
        "date_inferred": data.date_inferred,
        "date_note": data.date_note,
        "url": data.url,
        "publisher_id": publisher,
    }


def create_source(
    session: Session, data: SourceCreate, who: Principal, reason: str | None = None
) -> SourcePublic:
    if session.execute(select(col(Source.id)).where(col(Source.slug) == data.slug)).first():
        raise conflict(f"A source with slug {data.slug!r} exists already.")
    text = data.text
    row = Source(
        slug=data.slug,
        **_source_values(session, data, "body"),
        text_sha256=hashlib.sha256(text.encode()).hexdigest() if text else None,
    )
    session.add(row)
    session.flush()
    if text is not None and row.id is not None:
        session.add(SourceText(source_id=row.id, text=text))
    session.flush()
    found = queries.get_source(session, data.slug)
    assert found is not None
    _record(
        session, "source", data.slug, "create", who, reason, None, found[1].model_dump(mode="json")
    )
    return found[1]


def update_source(
    session: Session,
    source_id: int,
    public: SourcePublic,
    patch: Any,
    if_match: str | None,
    who: Principal,
    reason: str | None = None,
) -> SourcePublic:
    row = session.get(Source, source_id)
    assert row is not None
    check_precondition(if_match, etag(public, row.version), required=True)
    if not isinstance(patch, dict):
        raise invalid("body", "a merge patch is a JSON object")
    if "text" in patch:
        raise invalid("body.text", "a held text cannot change: claims are verified against it")
    merged = merge_patch(source_as_input(session, source_id, public), patch)
    if merged.get("slug") != row.slug:
        raise invalid("body.slug", "a source's slug cannot change")
    data = validated(SourceCreate, merged)
    _bump(session, Source, source_id, row.version)
    session.refresh(row)
    sync_fields(row, _source_values(session, data, "body"))
    session.flush()
    found = queries.get_source(session, row.slug)
    assert found is not None
    _record(
        session,
        "source",
        row.slug,
        "update",
        who,
        reason,
        public.model_dump(mode="json"),
        found[1].model_dump(mode="json"),
    )
    return found[1]


def delete_source(
    session: Session,
    source_id: int,
    public: SourcePublic,
    if_match: str | None,
    who: Principal,
    reason: str | None = None,
) -> None:
    row = session.get(Source, source_id)
    assert row is not None
    check_precondition(if_match, etag(public, row.version), required=False)
    uses = session.execute(
        select(func.count())
        .select_from(AttributionHop)
        .where(col(AttributionHop.source_id) == source_id)
    ).scalar_one()
    uses += session.execute(
        select(func.count()).select_from(Claim).where(col(Claim.quote_source_id) == source_id)
    ).scalar_one()
    if uses:
        raise conflict(
            f"Source {row.slug!r} is still cited {uses} times by claims; nothing was deleted."
        )
    _record(
        session, "source", row.slug, "delete", who, reason, public.model_dump(mode="json"), None
    )
    held = session.get(SourceText, source_id)
    if held is not None:
        session.delete(held)
        session.flush()
    session.delete(row)
    session.flush()


def integrity_conflict(exc: IntegrityError) -> ProblemError:
    return conflict(f"The store refused the change: {exc.orig}")
