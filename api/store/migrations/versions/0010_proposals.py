"""One review queue for every kind of proposal: the `candidate` table becomes claim
proposals in `proposal`, with their ids, states, reviews and history kept; what a
proposal is about goes in `proposal_claim` and `proposal_entity`. Sources are indexed by
the digest of their text.

Candidates keep their ids (their URLs stay valid), their revisions become the proposal's
(`resource` 'candidate' -> 'proposal'), and the id sequence goes on from where the
candidates' was, so no id is ever given twice. A migrated candidate names no entities in
`proposal_entity` (its names are resolved when read, as before).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "proposal",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column(
            "source_id",
            sa.Integer(),
            sa.ForeignKey("source.id", name="fk_proposal_source_id_source", ondelete="CASCADE"),
        ),
        sa.Column("spans", sa.JSON(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("agent", sa.String(100), nullable=False),
        sa.Column("rule", sa.String(100)),
        sa.Column("agent_version", sa.String(40)),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True)),
        sa.Column("reviewed_by", sa.String(100)),
        sa.Column("reason", sa.Text()),
        sa.Column("result", sa.String(200)),
        # Ids are public: a superseded proposal's id is never given to another.
        sqlite_autoincrement=True,
    )
    op.create_index("ix_proposal_kind_state_id", "proposal", ["kind", "state", "id"])
    op.create_index("ix_proposal_state_id", "proposal", ["state", "id"])
    op.create_index(
        "ix_proposal_source_id_kind_state_id", "proposal", ["source_id", "kind", "state", "id"]
    )
    for table, other in (("proposal_claim", "claim"), ("proposal_entity", "entity")):
        op.create_table(
            table,
            sa.Column(
                "proposal_id",
                sa.Integer(),
                sa.ForeignKey(
                    "proposal.id", name=f"fk_{table}_proposal_id_proposal", ondelete="CASCADE"
                ),
                primary_key=True,
            ),
            sa.Column(
                f"{other}_id",
                sa.Integer(),
                sa.ForeignKey(
                    f"{other}.id", name=f"fk_{table}_{other}_id_{other}", ondelete="CASCADE"
                ),
                primary_key=True,
            ),
        )
        op.create_index(f"ix_{table}_{other}_id_proposal_id", table, [f"{other}_id", "proposal_id"])

    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    # A candidate as a claim proposal: its quote is the evidence, the rest its payload.
    obj, arr = (
        ("json_object", "json_array") if sqlite else ("json_build_object", "json_build_array")
    )
    raw, false = ("json({})", "json('false')") if sqlite else ("{}", "false")
    op.execute(
        "INSERT INTO proposal (id, kind, state, source_id, spans, payload, confidence, agent, "
        "version, proposed_at, reviewed_at, reviewed_by, reason, result) "
        f"SELECT c.id, 'claim', c.state, c.source_id, {arr}({obj}('start', c.quote_start, "
        "'end', c.quote_end, 'text', c.quote_text, 'role', 'quote')), "
        f"{obj}('claimant', {obj}('name', c.claimant, 'kind', c.claimant_kind), "
        "'cue', c.cue, 'cue_start', c.cue_start, 'speech', c.speech, 'status', c.status, "
        f"'claimed_on', c.claimed_on, 'claimed_on_inferred', {false}, "
        f"'attribution', {raw.format('c.attribution')}, 'entities', {raw.format('c.entities')}), "
        "c.confidence, 'extractor', c.version, c.extracted_at, c.reviewed_at, c.reviewed_by, "
        "c.reason, cl.public_id FROM candidate c LEFT JOIN claim cl ON cl.id = c.claim_id"
    )
    op.execute(
        "INSERT INTO proposal_claim (proposal_id, claim_id) "
        "SELECT id, claim_id FROM candidate WHERE claim_id IS NOT NULL"
    )
    op.execute("UPDATE revision SET resource = 'proposal' WHERE resource = 'candidate'")

    if sqlite:
        # AUTOINCREMENT's high-water mark, which may lie past the last candidate kept.
        op.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence "
            "WHERE name = 'candidate'), 0)) WHERE name = 'proposal'"
        )
        op.execute(
            "INSERT INTO sqlite_sequence (name, seq) SELECT 'proposal', seq FROM sqlite_sequence "
            "WHERE name = 'candidate' AND NOT EXISTS "
            "(SELECT 1 FROM sqlite_sequence WHERE name = 'proposal')"
        )
    else:
        # The next id follows the last one the candidates' sequence gave (none yet: 1).
        op.execute(
            "SELECT setval(pg_get_serial_sequence('proposal', 'id'), GREATEST("
            "(SELECT last_value FROM candidate_id_seq), "
            "(SELECT COALESCE(max(id), 1) FROM proposal)), "
            "(SELECT is_called FROM candidate_id_seq) OR EXISTS (SELECT 1 FROM proposal))"
        )
    op.drop_table("candidate")
    # A text ingested again under another file name is found by its digest.
    op.create_index("ix_source_text_sha256", "source", ["text_sha256"])
