"""Entities: create, edit by merge patch, delete when nothing uses them, merge one into
another and undo a merge; each a revision.

Claims and sources show the names and kinds of the entities they name (a claim its
claimant and entities, a source its publisher): when those change, so do their
documents, and `reshow` makes each of them a change of its own.

What resolution applies also lands here, written the same way: an unnamed source's
entity (`create_anonymous`), a new entity for a name nothing held fits (`create_named`),
the spellings of a text added to the entity they were resolved to (`add_aliases`), and
the `entity_merge` proposals for a new entity that looks like one held (`propose_merges`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete as delete_rows
from sqlalchemy import func, insert, select
from sqlalchemy import update as update_rows
from sqlmodel import Session, col

from api.errors import conflict, entity_merged, invalid_body
from api.queries import catalog, names, resolution
from api.queries.mentions import Chain, Form
from api.queries.names import Named
from api.queries.versions import tag_of
from api.store import documents, entity_keys, relation_entities
from api.writes import review, standing
from api.writes.drafting import anonymous_slug, new_slug
from api.writes.patch import patched
from api.writes.reshow import claims as reshow_claims
from api.writes.unit import UnitOfWork, sync_fields
from models.base import EntityKind, normalize_name
from models.entity import EntityCreate, EntityPublic, EntityRef, EntityRole, wikidata_id
from models.proposal import ProposalKind
from models.tables import (
    AttributionHop,
    Claim,
    ClaimEntity,
    Entity,
    EntityIdentifier,
    EntityMergeRecord,
    EntityName,
    EntityRoleRow,
    Proposal,
    ProposalEntity,
    Source,
)

# Who proposes merges, and how alike two entities must be for it to.
MATCHER = "resolver"
MERGE_FLOOR = 0.85


def write_names(work: UnitOfWork, entity: Entity, data: EntityCreate, field: str) -> None:
    """The entity's spellings as `data` gives them; none may name another entity. An
    unnamed source answers to its slug alone: its description is no name the whole
    store knows it by."""
    assert entity.id is not None
    if entity.source_id is not None:
        wanted = names.spellings(data.slug, data.slug, [])
    else:
        wanted = names.spellings(data.slug, data.name, data.aliases)
    owners = work.session.execute(
        select(col(EntityName.folded), col(Entity.slug))
        .join(Entity, col(Entity.id) == col(EntityName.entity_id))
        .where(col(EntityName.folded).in_(list(wanted)), col(EntityName.entity_id) != entity.id)
    ).all()
    if owners:
        folded, owner = owners[0]
        raise invalid_body(
            f"{field}.aliases",
            f"{wanted[folded][0]!r} already names {owner!r} "
            "(names and aliases are unique, ignoring case)",
        )
    for old in work.session.execute(
        select(EntityName).where(col(EntityName.entity_id) == entity.id)
    ).scalars():
        work.session.delete(old)
    work.flush()
    for folded, (spelled, is_alias) in wanted.items():
        work.add(EntityName(entity_id=entity.id, text=spelled, folded=folded, is_alias=is_alias))
    work.flush()
    entity_keys.rewrite(work.session.connection(), [entity.id])


def write_identifiers(work: UnitOfWork, entity: Entity, uris: Sequence[str], field: str) -> None:
    """The entity's `same_as` URIs; none may identify another entity."""
    assert entity.id is not None
    wanted = list(dict.fromkeys(uris))
    if wanted:
        owner = work.session.execute(
            select(col(EntityIdentifier.uri), col(Entity.slug))
            .join(Entity, col(Entity.id) == col(EntityIdentifier.entity_id))
            .where(
                col(EntityIdentifier.uri).in_(wanted), col(EntityIdentifier.entity_id) != entity.id
            )
        ).first()
        if owner is not None:
            raise invalid_body(
                f"{field}.same_as",
                f"{owner[0]!r} already identifies {owner[1]!r} (an identifier names one "
                "entity; merge the two if they are one)",
            )
    work.session.execute(
        delete_rows(EntityIdentifier).where(col(EntityIdentifier.entity_id) == entity.id)
    )
    for position, uri in enumerate(wanted):
        work.add(
            EntityIdentifier(
                entity_id=entity.id, uri=uri, wikidata=wikidata_id(uri), position=position
            )
        )
    work.flush()


def write_roles(work: UnitOfWork, entity: Entity, roles: Sequence[EntityRole]) -> None:
    assert entity.id is not None
    work.session.execute(
        delete_rows(EntityRoleRow).where(col(EntityRoleRow.entity_id) == entity.id)
    )
    for position, role in enumerate(roles):
        work.add(
            EntityRoleRow(
                entity_id=entity.id,
                title=role.title,
                folded=resolution.role_title(role.title)[:200],
                since=role.since,
                until=role.until,
                position=position,
            )
        )
    work.flush()


def _no_anonymous(data: EntityCreate, field: str) -> None:
    if data.kind is EntityKind.anonymous:
        raise invalid_body(
            f"{field}.kind",
            "an unnamed source belongs to the source that describes it; it is made when a "
            "claim credited to it is accepted, never on its own",
        )


def create(
    work: UnitOfWork, data: EntityCreate, *, source_id: int | None = None
) -> tuple[EntityPublic, str]:
    """A new entity; an unnamed source (`anonymous`) only with the source it belongs to.
    One that looks like a held entity is proposed for a merge."""
    if source_id is None:
        _no_anonymous(data, "body")
    taken = work.session.execute(select(col(Entity.id)).where(col(Entity.slug) == data.slug))
    if taken.first():
        raise conflict(f"An entity with slug {data.slug!r} exists already.")
    row = Entity(
        slug=data.slug,
        name=data.name,
        kind=data.kind,
        description=data.description,
        source_id=source_id,
    )
    work.add(row)
    work.flush()
    write_names(work, row, data, "body")
    write_identifiers(work, row, data.same_as, "body")
    write_roles(work, row, data.roles)
    work.flush()
    public = catalog.entity_public(work.session, row)
    work.record("entity", data.slug, "create", None, public.model_dump(mode="json"))
    if source_id is None:
        assert row.id is not None
        propose_merges(work, [row.id])
    return public, tag_of(public, row.version)


def _not_merged(work: UnitOfWork, row: Entity) -> None:
    """Refuse a write to an entity merged since its name was resolved (a merge raced it)."""
    if row.merged_into_id is not None:
        kept = catalog.entity_row(work.session, row.merged_into_id)
        raise entity_merged(row.slug, kept.slug)


def update(
    work: UnitOfWork, entity: Named, patch: Any, if_match: str | None
) -> tuple[EntityPublic, str]:
    row = catalog.entity_row(work.session, entity.id, for_update=True)
    _not_merged(work, row)
    before = catalog.entity_public(work.session, row)
    work.guard(if_match, tag_of(before, row.version))
    current = before.model_dump(mode="json", exclude_none=True, exclude={"updated_at", "source"})
    data = patched(EntityCreate, current, patch, key="slug", what="an entity")
    if data == EntityCreate.model_validate(current):
        return before, tag_of(before, row.version)  # nothing changes: no new version
    if row.source_id is None:
        _no_anonymous(data, "body")
    elif data.kind is not EntityKind.anonymous:
        raise invalid_body("body.kind", "an unnamed source stays `anonymous`")
    version = work.bump(Entity, entity.id, row.version)
    work.session.refresh(row)
    was = shown(row)
    sync_fields(row, {"name": data.name, "kind": data.kind.value, "description": data.description})
    write_names(work, row, data, "body")
    write_identifiers(work, row, data.same_as, "body")
    write_roles(work, row, data.roles)
    work.flush()
    after = catalog.entity_public(work.session, row)
    work.record(
        "entity", row.slug, "update", before.model_dump(mode="json"), after.model_dump(mode="json")
    )
    reshow(work, row, was)
    return after, tag_of(after, version)


def shown(row: Entity) -> EntityRef:
    """An entity as claims and sources show it."""
    return EntityRef(slug=row.slug, name=row.name, kind=EntityKind(row.kind))


def reshow(work: UnitOfWork, row: Entity, was: EntityRef) -> None:
    """After an entity changed: if it now shows otherwise than `was`, every claim and
    source that shows it changes too, each at a new version (and `updated_at`), with a
    `reshow` revision and its new document in the feed; a batch at a time."""
    now = shown(row)
    if now == was:
        return
    assert row.id is not None
    what = " and ".join(
        name for name in ("name", "kind") if getattr(now, name) != getattr(was, name)
    )
    reason = f"it shows entity {row.slug!r}, whose {what} changed"
    reshow_claims(work, documents.claims_of(work.session.connection(), row.id), reason)
    for batch in documents.batches(catalog.published_by(work.session, row.id)):
        current = catalog.sources_public(work.session, batch)
        work.bump_all(Source, batch)
        renewed = catalog.sources_public(work.session, batch)
        # Before this change, each showed its publisher as it `was`.
        changes = [
            (
                source.slug,
                source.model_copy(update={"publisher": was}).model_dump(mode="json"),
                renewed[i].model_dump(mode="json"),
            )
            for i, source in sorted(current.items())
        ]
        work.record_all("source", "reshow", changes, reason=reason)


def delete(work: UnitOfWork, entity: Named, if_match: str | None) -> None:
    row = catalog.entity_row(work.session, entity.id, for_update=True)
    _not_merged(work, row)
    public = catalog.entity_public(work.session, row)
    work.guard(if_match, tag_of(public, row.version))
    uses = sum(
        work.session.execute(
            select(func.count()).select_from(model).where(column == entity.id)
        ).scalar_one()
        for model, column in (
            (Claim, col(Claim.claimant_id)),
            (ClaimEntity, col(ClaimEntity.entity_id)),
            (AttributionHop, col(AttributionHop.entity_id)),
            (Source, col(Source.publisher_id)),
            (Entity, col(Entity.merged_into_id)),
            (EntityMergeRecord, col(EntityMergeRecord.into_id)),
        )
    )
    if uses:
        raise conflict(
            f"Entity {row.slug!r} is still used {uses} times by claims, sources or merged "
            "entities; change those first. Nothing was deleted."
        )
    work.record("entity", row.slug, "delete", public.model_dump(mode="json"), None)
    work.session.delete(row)
    work.flush()


# --- what resolution applies -----------------------------------------------------------


def free_slug(work: UnitOfWork, wanted: str) -> str:
    """`wanted`, or with a number after it when an entity has it already."""
    base = wanted[:110].strip("-") or "entity"
    slug, n = base, 1
    while work.session.execute(select(col(Entity.id)).where(col(Entity.slug) == slug)).first():
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_anonymous(
    work: UnitOfWork, source_id: int, description: str, slug: str | None = None
) -> EntityPublic:
    """The source's own entity for an unnamed source, described as the text does."""
    source = catalog.source_public(work.session, source_id)
    slug = slug or anonymous_slug(source.slug, description)
    data = EntityCreate(
        slug=slug,
        name=description[:200],
        kind=EntityKind.anonymous,
        description=f"Unnamed source in {source.slug}.",
    )
    public, _ = create(work, data, source_id=source_id)
    return public


def create_named(
    work: UnitOfWork,
    name: str,
    kind: EntityKind,
    aliases: Iterable[str] = (),
    slug: str | None = None,
) -> EntityPublic:
    """A new entity for a name nothing held is: the slug made from the name (numbered
    if taken), the text's other full spellings as aliases where free."""
    chosen = slug or free_slug(work, new_slug(name))
    free = _free_spellings(work, [a for a in aliases if normalize_name(a) != normalize_name(name)])
    data = EntityCreate(slug=chosen, name=name[:200], kind=kind, aliases=free[:50])
    public, _ = create(work, data)
    return public


def _free_spellings(work: UnitOfWork, spellings: Sequence[str]) -> list[str]:
    wanted = {normalize_name(s): s for s in spellings if s.strip() and len(s) <= 300}
    if not wanted:
        return []
    taken = set(
        work.session.execute(
            select(col(EntityName.folded)).where(col(EntityName.folded).in_(list(wanted)))
        ).scalars()
    )
    return [spelled for folded, spelled in wanted.items() if folded not in taken]


def add_aliases(work: UnitOfWork, entity_id: int, spellings: Iterable[str]) -> list[str]:
    """Add the spellings no entity answers to yet as aliases (a revision, if any is)."""
    row = catalog.entity_row(work.session, entity_id, for_update=True)
    if row.source_id is not None or row.merged_into_id is not None:
        return []
    fresh = _free_spellings(work, list(spellings))
    if not fresh:
        return []
    before = catalog.entity_public(work.session, row)
    room = 50 - len(before.aliases)
    fresh = fresh[: max(0, room)]
    if not fresh:
        return []
    work.bump(Entity, entity_id, row.version)
    work.session.refresh(row)
    for spelled in fresh:
        work.add(
            EntityName(
                entity_id=entity_id, text=spelled, folded=normalize_name(spelled), is_alias=True
            )
        )
    work.flush()
    entity_keys.rewrite(work.session.connection(), [entity_id])
    after = catalog.entity_public(work.session, row)
    work.record(
        "entity", row.slug, "update", before.model_dump(mode="json"), after.model_dump(mode="json")
    )
    return fresh


def full_spellings(chain: Chain) -> list[str]:
    """The spellings of a chain that may name its entity anywhere: full names and
    acronyms, not a person's bare surname or first name, nor a role or description."""
    if chain.form not in (Form.name, Form.acronym):
        return []
    several = len(entity_keys.words(chain.full)) > 1
    found = []
    for spelled in chain.names:
        single = len(entity_keys.words(spelled)) == 1 and not entity_keys.is_acronym(spelled)
        if single and several and chain.kind in (EntityKind.person, None):
            continue
        found.append(spelled)
    return found


def propose_merges(work: UnitOfWork, entity_ids: Sequence[int]) -> int:
    """Queue an `entity_merge` for each of these entities that looks like a held one (same
    kind, the same name but for punctuation, an acronym of it, a close fuzzy match): the
    newer into the older. How many were queued."""
    proposed = []
    for entity_id in entity_ids:
        row = catalog.entity_row(work.session, entity_id)
        public = catalog.entity_public(work.session, row)
        chain = Chain(Form.name, public.name, public.kind, spellings=[public.name, *public.aliases])
        [found] = resolution.resolve(work.reader, [chain], source_id=None, on=None)
        for fit in found.fits:
            other = fit.entity
            if other.id == entity_id or fit.score < MERGE_FLOOR:
                continue
            if other.kind is not public.kind or "kind differs" in fit.basis:
                continue
            if _merge_pending(work, entity_id, other.id):
                continue
            proposed.append(
                review.Proposed(
                    kind=ProposalKind.entity_merge,
                    payload={
                        "entity": row.slug,
                        "into": other.slug,
                        "score": fit.score,
                        "basis": fit.basis,
                    },
                    confidence=fit.score,
                    agent=MATCHER,
                    rule=fit.basis,
                    entities=frozenset({entity_id, other.id}),
                )
            )
    if proposed:
        review.store(work, proposed)
    return len(proposed)


def _merge_pending(work: UnitOfWork, one: int, other: int) -> bool:
    """Whether a pending merge proposal is about both already."""
    mine = select(col(ProposalEntity.proposal_id)).where(col(ProposalEntity.entity_id) == one)
    found = work.session.execute(
        select(col(Proposal.id))
        .join(ProposalEntity, col(ProposalEntity.proposal_id) == col(Proposal.id))
        .where(
            col(Proposal.kind) == ProposalKind.entity_merge.value,
            col(Proposal.state) == "pending",
            col(ProposalEntity.entity_id) == other,
            col(Proposal.id).in_(mine),
        )
    ).first()
    return found is not None


# --- merging ---------------------------------------------------------------------------


def merge(
    work: UnitOfWork, entity: Named, into: str, if_match: str | None, field: str = "body.into"
) -> tuple[EntityPublic, str]:
    """Merge `entity` into the entity `into` names: its claims, relations (through its
    claims), sources it published, names, aliases, identifiers and roles move; its slug
    then redirects there. `If-Match` must name both entities' current ETags."""
    target = names.entity_itself(work.reader, into)
    if target is None:
        raise invalid_body(field, f"no entity {into!r}", names.suggest_entities(work.reader, into))
    kept_name = names.find_entity(work.reader, into)
    assert kept_name is not None
    if kept_name.merged_from is not None:
        raise conflict(
            f"Entity {kept_name.merged_from!r} was merged into {kept_name.slug!r}; merge into "
            f"{kept_name.slug!r}."
        )
    if target.id == entity.id:
        raise invalid_body(field, "an entity cannot be merged into itself")
    first, second = sorted([entity.id, target.id])
    rows = {
        row_id: catalog.entity_row(work.session, row_id, for_update=True)
        for row_id in (first, second)
    }
    gone, kept = rows[entity.id], rows[target.id]
    _not_merged(work, gone)
    _not_merged(work, kept)
    before_gone = catalog.entity_public(work.session, gone)
    before_kept = catalog.entity_public(work.session, kept)
    work.guard(if_match, tag_of(before_gone, gone.version))
    work.guard(if_match, tag_of(before_kept, kept.version))
    assert gone.id is not None
    assert kept.id is not None
    moved = _move(work, gone.id, kept.id, keep_slug=gone.slug)
    work.bump(Entity, gone.id, gone.version)
    version = work.bump(Entity, kept.id, kept.version)
    work.session.refresh(gone)
    work.session.refresh(kept)
    gone.merged_into_id = kept.id
    work.flush()
    entity_keys.rewrite(work.session.connection(), [gone.id, kept.id])
    work.add(
        EntityMergeRecord(
            entity_id=gone.id,
            into_id=kept.id,
            merged_at=datetime.now(UTC),
            merged_by=work.who.name,
            moved=moved,
        )
    )
    work.flush()
    claims = _claims_touched(moved)
    _republish(work, claims)
    after_kept = catalog.entity_public(work.session, kept)
    after_gone = catalog.entity_public(work.session, gone).model_dump(mode="json")
    why = f"merged {gone.slug} into {kept.slug}"
    work.record(
        "entity",
        gone.slug,
        "merge",
        before_gone.model_dump(mode="json"),
        {**after_gone, "merged_into": kept.slug},
        reason=work.reason or why,
    )
    work.record(
        "entity",
        kept.slug,
        "update",
        before_kept.model_dump(mode="json"),
        after_kept.model_dump(mode="json"),
        reason=work.reason or why,
    )
    return after_kept, tag_of(after_kept, version)


def restore(work: UnitOfWork, entity: Named, if_match: str | None) -> tuple[EntityPublic, str]:
    """Undo the merge of `entity`: what moved moves back (what was added to the kept
    entity since stays there). `If-Match` names the kept entity's ETag, which a GET of
    either slug answers with."""
    merged = catalog.entity_row(work.session, entity.id)
    into_id = merged.merged_into_id
    if into_id is None:
        raise conflict(f"Entity {merged.slug!r} is not merged into another; nothing to restore.")
    first, second = sorted([entity.id, into_id])
    rows = {
        row_id: catalog.entity_row(work.session, row_id, for_update=True)
        for row_id in (first, second)
    }
    gone, kept = rows[entity.id], rows[into_id]
    if gone.merged_into_id != into_id:
        raise conflict("The merge changed meanwhile; read the entities again.")
    if kept.merged_into_id is not None:
        raise conflict(
            f"Entity {kept.slug!r}, which {gone.slug!r} was merged into, has been merged "
            "itself since; restore it first."
        )
    before_kept = catalog.entity_public(work.session, kept)
    work.guard(if_match, tag_of(before_kept, kept.version))
    record = (
        work.session.execute(
            select(EntityMergeRecord)
            .where(
                col(EntityMergeRecord.entity_id) == gone.id,
                col(EntityMergeRecord.restored_at).is_(None),
            )
            .order_by(col(EntityMergeRecord.id).desc())
        )
        .scalars()
        .first()
    )
    assert gone.id is not None
    assert kept.id is not None
    before_gone = {
        **catalog.entity_public(work.session, gone).model_dump(mode="json"),
        "merged_into": kept.slug,
    }
    moved = record.moved if record is not None else {}
    _move_back(work, gone.id, kept.id, moved)
    version = work.bump(Entity, gone.id, gone.version)
    work.bump(Entity, kept.id, kept.version)
    work.session.refresh(gone)
    work.session.refresh(kept)
    gone.merged_into_id = None
    if record is not None:
        record.restored_at = datetime.now(UTC)
    work.flush()
    entity_keys.rewrite(work.session.connection(), [gone.id, kept.id])
    _republish(work, _claims_touched(moved))
    after_gone = catalog.entity_public(work.session, gone)
    after_kept = catalog.entity_public(work.session, kept)
    why = f"restored {gone.slug} from {kept.slug}"
    work.record(
        "entity",
        gone.slug,
        "restore",
        before_gone,
        after_gone.model_dump(mode="json"),
        reason=work.reason or why,
    )
    work.record(
        "entity",
        kept.slug,
        "update",
        before_kept.model_dump(mode="json"),
        after_kept.model_dump(mode="json"),
        reason=work.reason or why,
    )
    return after_gone, tag_of(after_gone, version)


def _move(work: UnitOfWork, gone: int, kept: int, keep_slug: str) -> dict[str, Any]:
    """Point everything at `gone` to `kept`; what moved, for a restore."""
    session = work.session
    claimants = list(
        session.execute(select(col(Claim.id)).where(col(Claim.claimant_id) == gone)).scalars()
    )
    if claimants:
        session.execute(
            update_rows(Claim).where(col(Claim.id).in_(claimants)).values(claimant_id=kept)
        )
    links = []
    for link in session.execute(
        select(ClaimEntity).where(col(ClaimEntity.entity_id) == gone)
    ).scalars():
        both = session.get(ClaimEntity, (link.claim_id, kept, link.role))
        links.append([link.claim_id, link.role, both is None])
        keys = {
            "claimed_key": link.claimed_key,
            "claimed_end_key": link.claimed_end_key,
            "when_end_key": link.when_end_key,
        }
        session.delete(link)
        session.flush()
        if both is None:
            session.add(ClaimEntity(claim_id=link.claim_id, entity_id=kept, role=link.role, **keys))
    hops = [
        [hop.claim_id, hop.position]
        for hop in session.execute(
            select(AttributionHop).where(col(AttributionHop.entity_id) == gone)
        ).scalars()
    ]
    session.execute(
        update_rows(AttributionHop)
        .where(col(AttributionHop.entity_id) == gone)
        .values(entity_id=kept)
    )
    publishes = list(
        session.execute(select(col(Source.id)).where(col(Source.publisher_id) == gone)).scalars()
    )
    if publishes:
        session.execute(
            update_rows(Source).where(col(Source.id).in_(publishes)).values(publisher_id=kept)
        )
    spellings = []
    slug_folded = normalize_name(keep_slug)
    for name in session.execute(
        select(EntityName).where(col(EntityName.entity_id) == gone)
    ).scalars():
        if name.folded == slug_folded:
            continue  # the slug stays, to redirect
        spellings.append([name.folded, name.is_alias])
        name.entity_id = kept
        name.is_alias = True
    identifiers, roles = [_move_listed(session, table, gone, kept) for table in _LISTED]
    proposals = [
        int(p)
        for p in session.execute(
            select(col(ProposalEntity.proposal_id)).where(col(ProposalEntity.entity_id) == gone)
        ).scalars()
    ]
    if proposals:
        held = set(
            session.execute(
                select(col(ProposalEntity.proposal_id)).where(
                    col(ProposalEntity.entity_id) == kept,
                    col(ProposalEntity.proposal_id).in_(proposals),
                )
            ).scalars()
        )
        fresh = [p for p in proposals if p not in held]
        if fresh:
            session.execute(
                insert(ProposalEntity), [{"proposal_id": p, "entity_id": kept} for p in fresh]
            )
    work.flush()
    return {
        "claimants": claimants,
        "links": links,
        "hops": hops,
        "publishes": publishes,
        "names": spellings,
        "identifiers": identifiers,
        "roles": roles,
    }


def _move_back(work: UnitOfWork, gone: int, kept: int, moved: dict[str, Any]) -> None:
    session = work.session
    claimants = [int(c) for c in moved.get("claimants", [])]
    if claimants:
        session.execute(
            update_rows(Claim)
            .where(col(Claim.id).in_(claimants), col(Claim.claimant_id) == kept)
            .values(claimant_id=gone)
        )
    for claim_id, role, was_moved in moved.get("links", []):
        held = session.get(ClaimEntity, (claim_id, kept, role))
        if session.get(ClaimEntity, (claim_id, gone, role)) is not None:
            continue
        keys = (
            {
                "claimed_key": held.claimed_key,
                "claimed_end_key": held.claimed_end_key,
                "when_end_key": held.when_end_key,
            }
            if held is not None
            else _claim_keys(work, int(claim_id))
        )
        if keys is None:
            continue  # the claim is gone
        if was_moved and held is not None:
            session.delete(held)
            session.flush()
        session.add(ClaimEntity(claim_id=claim_id, entity_id=gone, role=role, **keys))
    for claim_id, position in moved.get("hops", []):
        session.execute(
            update_rows(AttributionHop)
            .where(
                col(AttributionHop.claim_id) == claim_id,
                col(AttributionHop.position) == position,
                col(AttributionHop.entity_id) == kept,
            )
            .values(entity_id=gone)
        )
    publishes = [int(s) for s in moved.get("publishes", [])]
    if publishes:
        session.execute(
            update_rows(Source)
            .where(col(Source.id).in_(publishes), col(Source.publisher_id) == kept)
            .values(publisher_id=gone)
        )
    for folded, was_alias in moved.get("names", []):
        session.execute(
            update_rows(EntityName)
            .where(col(EntityName.folded) == folded, col(EntityName.entity_id) == kept)
            .values(entity_id=gone, is_alias=was_alias)
        )
    for table, key in zip(_LISTED, ("identifiers", "roles"), strict=True):
        ids = [int(i) for i in moved.get(key, [])]
        if ids:
            session.execute(
                update_rows(table)
                .where(col(table.id).in_(ids), col(table.entity_id) == kept)
                .values(entity_id=gone, position=table.position - 1000)
            )
    work.flush()


# An entity's ordered lists that move with it in a merge: moved after the kept entity's own
# (positions shifted by 1000, shifted back by a restore).
_LISTED: tuple[Any, ...] = (EntityIdentifier, EntityRoleRow)


def _move_listed(session: Session, table: Any, gone: int, kept: int) -> list[int]:
    """Move the merged entity's rows of `table` to the kept one; the ids moved."""
    ids = [
        int(i)
        for i in session.execute(
            select(col(table.id)).where(col(table.entity_id) == gone)
        ).scalars()
    ]
    session.execute(
        update_rows(table)
        .where(col(table.entity_id) == gone)
        .values(entity_id=kept, position=table.position + 1000)
    )
    return ids


def _claim_keys(work: UnitOfWork, claim_id: int) -> dict[str, int] | None:
    from api.writes.claims import link_keys

    row = work.session.get(Claim, claim_id)
    return link_keys(row) if row is not None else None


def _claims_touched(moved: dict[str, Any]) -> list[int]:
    touched = {int(c) for c in moved.get("claimants", [])}
    touched |= {int(link[0]) for link in moved.get("links", [])}
    touched |= {int(hop[0]) for hop in moved.get("hops", [])}
    return sorted(touched)


def _republish(work: UnitOfWork, claims: Sequence[int]) -> None:
    """Claims that now show another entity: their documents, the index of the entities
    their relations involve, and their standing (two claims of one claimant no longer
    dispute each other)."""
    if not claims:
        return
    reshow_claims(work, claims, "it shows an entity merged into another, or restored")
    relation_entities.refresh(work.session.connection(), claims)
    standing.settle(work, standing.neighbours(work.session, claims))
