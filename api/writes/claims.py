"""Claims: create (quote verified), edit by merge patch, retract; each one revision.

The rows a claim is made of (the claim, its entity links, its chain) are written by
`claim_values` and `sync_claim_links` alone, whoever writes: these use cases and the
fixture loader. The claim's stored document is rewritten in the same transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from api.errors import conflict, invalid_body, not_found, not_retracted, retracted
from api.queries import catalog, names
from api.queries.claims import claim_row, current_claim
from api.queries.versions import tag_of
from api.store import documents, relation_entities, search
from api.writes import clusters, quotes, standing
from api.writes.patch import patched
from api.writes.unit import UnitOfWork, sync_fields
from models.base import Role, date_bounds, date_keys
from models.claim import ClaimCreate, ClaimPublic
from models.fixture import ClaimFixture
from models.history import Retraction
from models.tables import AttributionHop, Claim, ClaimEntity

# --- the rows of a claim -------------------------------------------------------------


def claim_values(claim: ClaimFixture, source_id: int, claimant_id: int) -> dict[str, Any]:
    """The claim table's columns for a claim whose quote is located. Its status is the
    stated one; `api.writes.standing` makes it `disputed` where relations say so."""
    claimed = date_bounds(claim.claimed_on) if claim.claimed_on else (None, None)
    event = date_bounds(claim.event_date) if claim.event_date else (None, None)
    claimed_keys, event_keys = date_keys(claim.claimed_on), date_keys(claim.event_date)
    quantity = claim.quantity
    return {
        "public_id": claim.id,
        "statement": claim.statement,
        "quote_source_id": source_id,
        "quote_start": claim.quote.start,
        "quote_end": claim.quote.end,
        "quote_text": claim.quote.text,
        "claimant_id": claimant_id,
        "claimed_on": claim.claimed_on,
        "claimed_on_inferred": claim.claimed_on_inferred,
        "claimed_from": claimed[0],
        "claimed_to": claimed[1],
        "claimed_key": claimed_keys[0],
        "claimed_end_key": claimed_keys[1],
        "event_date": claim.event_date,
        "event_date_inferred": claim.event_date_inferred,
        "event_from": event[0],
        "event_to": event[1],
        "event_key": event_keys[0],
        "event_end_key": event_keys[1],
        "status": claim.status.value,
        "stated_status": claim.status.value,
        "speech": claim.speech.value,
        "quantity_value": quantity.value if quantity else None,
        "quantity_low": quantity.low if quantity else None,
        "quantity_high": quantity.high if quantity else None,
        "quantity_unit": quantity.unit if quantity else None,
        "quantity_qualifier": quantity.qualifier if quantity else None,
        "quantity_text": quantity.text if quantity else None,
        "search_text": search.indexed_text(claim.statement, claim.quote.text),
    }


def link_keys(claim: Claim) -> dict[str, int]:
    """The copies of a claim's date keys its entity links carry (for date walks)."""
    return {
        "claimed_key": claim.claimed_key,
        "claimed_end_key": claim.claimed_end_key,
        "when_end_key": claim.event_end_key if claim.event_date else claim.claimed_end_key,
    }


def _entity_links(claim: ClaimFixture, entity_ids: dict[str, int]) -> set[tuple[int, str]]:
    links = {(entity_ids[link.slug], link.role.value) for link in claim.entities}
    links.add((entity_ids[claim.claimant], Role.claimant.value))
    return links


def sync_claim_links(
    session: Session,
    claim: Claim,
    fixture: ClaimFixture,
    entity_ids: dict[str, int],
    source_ids: dict[str, int],
) -> bool:
    """Make the claim's entity links and chain what `fixture` says; True if any changed."""
    assert claim.id is not None
    changed = False
    wanted_links = _entity_links(fixture, entity_ids)
    have_links = {
        (row.entity_id, row.role): row
        for row in session.execute(
            select(ClaimEntity).where(col(ClaimEntity.claim_id) == claim.id)
        ).scalars()
    }
    keys = link_keys(claim)
    for key, link in have_links.items():
        if key not in wanted_links:
            session.delete(link)
            changed = True
        else:
            sync_fields(link, keys)  # the claim's dates moved: not a link change
    for entity_id, role in wanted_links - have_links.keys():
        session.add(ClaimEntity(claim_id=claim.id, entity_id=entity_id, role=role, **keys))
        changed = True

    have_hops = {
        row.position: row
        for row in session.execute(
            select(AttributionHop).where(col(AttributionHop.claim_id) == claim.id)
        ).scalars()
    }
    for position, hop in enumerate(fixture.attribution):
        wanted = AttributionHop(
            claim_id=claim.id,
            position=position,
            source_id=source_ids[hop.source] if hop.source else None,
            entity_id=entity_ids[hop.entity] if hop.entity else None,
            verb=hop.verb.value,
        )
        existing = have_hops.pop(position, None)
        if existing is None:
            session.add(wanted)
            changed = True
        else:
            changed |= sync_fields(existing, wanted.model_dump())
    for stale in have_hops.values():
        session.delete(stale)
        changed = True
    return changed


# --- checking what a client sends ----------------------------------------------------


class References:
    """The entities, sources and held texts a unit's claims name, each looked up once."""

    def __init__(self, work: UnitOfWork) -> None:
        self.work = work
        self.entities: dict[str, int] = {}
        self.sources: dict[str, int] = {}
        self._texts: dict[int, str | None] = {}

    def entity(self, name: str, field: str) -> int:
        if name not in self.entities:
            self.entities[name] = names.entity_in_body(self.work.reader, field, name).id
        return self.entities[name]

    def source(self, name: str, field: str) -> int:
        if name not in self.sources:
            self.sources[name] = names.source_in_body(self.work.reader, field, name).id
        return self.sources[name]

    def text(self, source_id: int) -> str | None:
        if source_id not in self._texts:
            self._texts[source_id] = catalog.get_source_text(self.work.session, source_id)
        return self._texts[source_id]

    def located(self, data: ClaimCreate, field: str = "body") -> ClaimFixture:
        """Check every reference and the quote; the claim with its offsets settled."""
        quote = data.quote
        text = self.text(self.source(quote.source, f"{field}.quote.source"))
        if text is None:
            raise invalid_body(
                f"{field}.quote.source",
                f"this store does not hold the text of {quote.source!r}, so the "
                "quote cannot be verified",
            )
        try:
            start, end = quotes.place(text, quote.text, quote.start, quote.end)
        except quotes.QuoteError as exc:
            raise invalid_body(f"{field}.{exc.part}", f"the quote {exc.message}") from None
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


# --- use cases -------------------------------------------------------------------------


def claim_for_change(session: Session, claim_id: str) -> Claim:
    """The claim's row, locked for this write; a 404 if there is none.

    Locked with every claim a `contradicts` relation links it to, in id order, before
    anything is read or written: the write may settle their standing too, and two writes
    around one claim must take the same locks in the same order (`standing.lock`)."""
    found = session.execute(
        select(col(Claim.id)).where(col(Claim.public_id) == claim_id)
    ).scalar_one_or_none()
    if found is None:
        raise not_found("claim", claim_id)
    standing.lock(session, standing.neighbours(session, [int(found)]))
    row = claim_row(session, claim_id, for_update=True)
    if row is None:
        raise not_found("claim", claim_id)
    return row


def live_row(session: Session, claim_id: str) -> Claim:
    """The claim's row, locked for this write; a 410 if it was retracted."""
    row = claim_for_change(session, claim_id)
    if row.retracted_at is not None:
        raise retracted(retraction_of(row))
    return row


def retraction_of(row: Claim) -> Retraction:
    assert row.retracted_at is not None
    assert row.retracted_by is not None
    return Retraction(
        claim=row.public_id, at=row.retracted_at, by=row.retracted_by, reason=row.retraction_reason
    )


def create(
    work: UnitOfWork,
    data: ClaimCreate,
    refs: References | None = None,
    field: str = "body",
) -> tuple[ClaimPublic, str]:
    """A new claim, and the tag readers will get for it."""
    refs = refs or References(work)
    fixture = refs.located(data, field)
    taken = work.session.execute(
        select(col(Claim.id)).where(col(Claim.public_id) == data.id)
    ).first()
    if taken is not None:
        raise conflict(f"A claim with id {data.id!r} exists already.")
    row = Claim(
        **claim_values(fixture, refs.sources[fixture.quote.source], refs.entities[fixture.claimant])
    )
    work.add(row)
    work.flush()
    assert row.id is not None
    sync_claim_links(work.session, row, fixture, refs.entities, refs.sources)
    work.flush()
    public = _refreshed(work, row.id)
    work.record("claim", data.id, "create", None, _shown(public))
    return public, tag_of(public, row.version)


def claim_as_input(public: ClaimPublic) -> dict[str, Any]:
    """A claim in the shape clients create it in (with its stated status): what a merge
    patch applies to."""
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
        "status": public.stated_status.value,
        "speech": public.speech.value,
        "claimed_on_inferred": public.claimed_on_inferred,
        "event_date_inferred": public.event_date_inferred,
    }
    for name in ("claimed_on", "event_date"):
        if getattr(public, name) is not None:
            data[name] = getattr(public, name)
    if public.quantity is not None:
        data["quantity"] = public.quantity.model_dump(exclude_none=True)
    return data


def update(
    work: UnitOfWork, claim_id: str, patch: Any, if_match: str | None
) -> tuple[ClaimPublic, str]:
    """Apply a merge patch guarded by `If-Match`; the claim and its tag. A patch that
    changes nothing is no change: no new version, no revision."""
    row = live_row(work.session, claim_id)
    assert row.id is not None
    before = current_claim(work.session, row.id)
    work.guard(if_match, tag_of(before, row.version))
    current = claim_as_input(before)
    quote_patch = patch.get("quote") if isinstance(patch, dict) else None
    if isinstance(quote_patch, dict) and "text" in quote_patch:
        # A new quote text means new offsets unless the patch gives them.
        for bound in ("start", "end"):
            if bound not in quote_patch:
                current["quote"].pop(bound, None)
    data = patched(ClaimCreate, current, patch, key="id", what="a claim")
    refs = References(work)
    fixture = refs.located(data)
    if _same_claim(fixture, claim_as_input(before)):
        return before, tag_of(before, row.version)
    version = work.bump(Claim, row.id, row.version)
    work.session.refresh(row)
    values = claim_values(
        fixture, refs.sources[fixture.quote.source], refs.entities[fixture.claimant]
    )
    values.pop("public_id")
    sync_fields(row, values)
    relinked = sync_claim_links(work.session, row, fixture, refs.entities, refs.sources)
    work.flush()
    if relinked:  # its relations now involve other entities
        relation_entities.refresh(work.session.connection(), [row.id])
    # A new claimant can make or unmake a contradiction, for this claim and the others.
    clusters.regroup(work, [row.id])
    standing.settle(work, standing.neighbours(work.session, [row.id]), recorded=[row.id])
    after = _refreshed(work, row.id)
    work.record("claim", claim_id, "update", _shown(before), _shown(after))
    return after, tag_of(after, version)


def _same_claim(fixture: ClaimFixture, current: dict[str, Any]) -> bool:
    """Whether a patched claim says exactly what the claim says now (names as slugs)."""
    return fixture == ClaimFixture.model_validate(current)


def retract(work: UnitOfWork, claim_id: str, if_match: str | None) -> Retraction:
    """Withdraw a claim: it leaves lists and answers 410; nothing is deleted."""
    row = live_row(work.session, claim_id)
    assert row.id is not None
    before = current_claim(work.session, row.id)
    work.guard(if_match, tag_of(before, row.version))
    work.bump(Claim, row.id, row.version)
    work.session.refresh(row)
    row.retracted_at = datetime.now(UTC)
    row.retracted_by = work.who.name
    row.retraction_reason = work.reason
    work.flush()
    # A withdrawn claim contradicts nothing any more, nor is it contradicted.
    clusters.regroup(work, [row.id])
    standing.settle(work, standing.neighbours(work.session, [row.id]), recorded=[row.id])
    after = _refreshed(work, row.id)
    work.record("claim", claim_id, "retract", _shown(before), _shown(after))
    return retraction_of(row)


def restore(work: UnitOfWork, claim_id: str, if_match: str | None) -> tuple[ClaimPublic, str]:
    """Undo a retraction: the claim stands again, as it was; its history keeps both."""
    row = claim_for_change(work.session, claim_id)
    assert row.id is not None
    if row.retracted_at is None:
        raise not_retracted(claim_id)
    before = current_claim(work.session, row.id)
    work.guard(if_match, tag_of(before, row.version))
    version = work.bump(Claim, row.id, row.version)
    work.session.refresh(row)
    row.retracted_at = row.retracted_by = row.retraction_reason = None
    work.flush()
    clusters.regroup(work, [row.id])
    standing.settle(work, standing.neighbours(work.session, [row.id]), recorded=[row.id])
    after = _refreshed(work, row.id)
    work.record("claim", claim_id, "restore", _shown(before), _shown(after))
    return after, tag_of(after, version)


def _shown(claim: ClaimPublic) -> dict[str, Any]:
    """A claim as a revision records it: the JSON readers get."""
    return claim.model_dump(mode="json")


def _refreshed(work: UnitOfWork, row_id: int) -> ClaimPublic:
    body = documents.refresh(work.session.connection(), [row_id])[row_id]
    return ClaimPublic.model_validate_json(body)


def shown(work: UnitOfWork, claim_id: str) -> tuple[ClaimPublic, str]:
    """A claim as readers will get it once this unit commits, and its tag (after later
    writes of the unit changed what it shows, such as its cluster)."""
    row = claim_row(work.session, claim_id)
    assert row is not None
    assert row.id is not None
    work.session.refresh(row)
    public = current_claim(work.session, row.id)
    return public, tag_of(public, row.version)
