"""Which entities each relation involves: the index behind an entity's disputes and
`/relations?entity=`.

A relation involves every entity either of its claims names (claimant included, as
`claim_entity` records them). Kept in `relation_entity`, written in the same transaction
as whatever changed it: a relation created (its two claims), or a claim's entities
changed (every relation of that claim). Relations are never deleted through the API and
their claims never change, so nothing else can make the index stale; a relation deleted
by hand takes its rows with it (ON DELETE CASCADE).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, bindparam, text

_RELATIONS_OF = (
    "SELECT id FROM relation WHERE from_claim_id IN :claims "
    "UNION SELECT id FROM relation WHERE to_claim_id IN :claims"
)
_FORGET = text(f"DELETE FROM relation_entity WHERE relation_id IN ({_RELATIONS_OF})").bindparams(
    bindparam("claims", expanding=True)
)
_OF_ONE_END = (
    "SELECT ce.entity_id, r.id FROM relation r JOIN claim_entity ce ON ce.claim_id = r.{end} "
    "WHERE r.from_claim_id IN :claims OR r.to_claim_id IN :claims"
)
_INDEX = text(
    "INSERT INTO relation_entity (entity_id, relation_id) "
    + " UNION ".join(_OF_ONE_END.format(end=end) for end in ("from_claim_id", "to_claim_id"))
).bindparams(bindparam("claims", expanding=True))


def refresh(connection: Connection, claim_ids: Iterable[int]) -> None:
    """Index again every relation of these claims, from the claims' entities as they are."""
    claims = sorted(set(claim_ids))
    if not claims:
        return
    connection.execute(_FORGET, {"claims": claims})
    connection.execute(_INDEX, {"claims": claims})
