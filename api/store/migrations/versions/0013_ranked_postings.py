# ruff: noqa: E501  (frozen SQL, kept as the code wrote it)
"""Relevance order from a top-k index: `claim_term` holds each claim's BM25 weight for
each of its terms (negated, as `rank`), ordered (term, rank, claim_id), so the best
claims for a term are the first rows of its range. Triggers keep it with the claims, on
both engines; this fills it from every claim's `search_text`.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from collections import Counter

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BATCH = 20_000

# Frozen copies of the rules of the day (api.store.search: ranked_ddl, postings, weight).
_SQLITE = [
    "CREATE TABLE IF NOT EXISTS claim_term (\n        term TEXT NOT NULL, rank REAL NOT NULL, claim_id INTEGER NOT NULL,\n        PRIMARY KEY (term, rank, claim_id)) WITHOUT ROWID",
    "CREATE TRIGGER IF NOT EXISTS claim_term_insert AFTER INSERT ON claim BEGIN\n"
    "        INSERT INTO claim_term (term, rank, claim_id) SELECT value, -(count(*) * 2.2 / (count(*) + 1.2 * (0.25 + 0.75 * (length(new.search_text) - length(replace(new.search_text, ' ', '')) + 1) / "
    "40.0))), new.id FROM json_each('[\"' || replace(new.search_text, ' ', '\",\"') || '\"]') WHERE value <> '' GROUP BY value;\n"
    "    END",
    "CREATE TRIGGER IF NOT EXISTS claim_term_delete AFTER DELETE ON claim BEGIN\n"
    "        DELETE FROM claim_term WHERE (term, rank, claim_id) IN (SELECT value, -(count(*) * 2.2 / (count(*) + 1.2 * (0.25 + 0.75 * (length(old.search_text) - length(replace(old.search_text, ' ', "
    "'')) + 1) / 40.0))), old.id FROM json_each('[\"' || replace(old.search_text, ' ', '\",\"') || '\"]') WHERE value <> '' GROUP BY value);\n"
    "    END",
    "CREATE TRIGGER IF NOT EXISTS claim_term_update AFTER UPDATE OF search_text ON claim\n"
    "    WHEN old.search_text IS NOT new.search_text BEGIN\n"
    "        DELETE FROM claim_term WHERE (term, rank, claim_id) IN (SELECT value, -(count(*) * 2.2 / (count(*) + 1.2 * (0.25 + 0.75 * (length(old.search_text) - length(replace(old.search_text, ' ', "
    "'')) + 1) / 40.0))), old.id FROM json_each('[\"' || replace(old.search_text, ' ', '\",\"') || '\"]') WHERE value <> '' GROUP BY value);\n"
    "        INSERT INTO claim_term (term, rank, claim_id) SELECT value, -(count(*) * 2.2 / (count(*) + 1.2 * (0.25 + 0.75 * (length(new.search_text) - length(replace(new.search_text, ' ', '')) + 1) / "
    "40.0))), new.id FROM json_each('[\"' || replace(new.search_text, ' ', '\",\"') || '\"]') WHERE value <> '' GROUP BY value;\n"
    "    END",
]
_POSTGRES = [
    "CREATE TABLE IF NOT EXISTS claim_term (\n"
    "        term TEXT NOT NULL, rank DOUBLE PRECISION NOT NULL, claim_id INTEGER NOT NULL,\n"
    "        CONSTRAINT pk_claim_term PRIMARY KEY (term, rank, claim_id))",
    "CREATE OR REPLACE FUNCTION claim_term_rows(integer, text)\n"
    "    RETURNS TABLE (term text, rank double precision, claim_id integer)\n"
    "    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$\n"
    "        SELECT w.t, -(count(*)::float8 * 2.2::float8 / (count(*)::float8 + 1.2::float8 * (0.25::float8 + 0.75::float8 * cardinality(string_to_array($2, ' '))::float8 / 40.0::float8))), $1\n"
    "        FROM unnest(string_to_array($2, ' ')) AS w(t) WHERE w.t <> '' GROUP BY w.t\n"
    "    $$",
    "CREATE OR REPLACE FUNCTION claim_term_sync() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "    BEGIN\n"
    "        IF TG_OP = 'INSERT' THEN\n"
    "            INSERT INTO claim_term (term, rank, claim_id)\n"
    "            SELECT p.* FROM new_claims n CROSS JOIN LATERAL claim_term_rows(n.id, n.search_text) p;\n"
    "        ELSIF TG_OP = 'DELETE' THEN\n"
    "            DELETE FROM claim_term t USING (\n"
    "                SELECT p.* FROM old_claims o\n"
    "                CROSS JOIN LATERAL claim_term_rows(o.id, o.search_text) p\n"
    "            ) gone\n"
    "            WHERE t.term = gone.term AND t.rank = gone.rank AND t.claim_id = gone.claim_id;\n"
    "        ELSE\n"
    "            DELETE FROM claim_term t USING (\n"
    "                SELECT p.* FROM old_claims o JOIN new_claims n ON n.id = o.id\n"
    "                CROSS JOIN LATERAL claim_term_rows(o.id, o.search_text) p\n"
    "                WHERE o.search_text IS DISTINCT FROM n.search_text\n"
    "            ) gone\n"
    "            WHERE t.term = gone.term AND t.rank = gone.rank AND t.claim_id = gone.claim_id;\n"
    "            INSERT INTO claim_term (term, rank, claim_id)\n"
    "            SELECT p.* FROM new_claims n JOIN old_claims o ON o.id = n.id\n"
    "            CROSS JOIN LATERAL claim_term_rows(n.id, n.search_text) p\n"
    "            WHERE o.search_text IS DISTINCT FROM n.search_text;\n"
    "        END IF;\n"
    "        RETURN NULL;\n"
    "    END $$",
    "DROP TRIGGER IF EXISTS claim_term_insert ON claim",
    "DROP TRIGGER IF EXISTS claim_term_update ON claim",
    "DROP TRIGGER IF EXISTS claim_term_delete ON claim",
    "CREATE TRIGGER claim_term_insert AFTER INSERT ON claim REFERENCING NEW TABLE AS new_claims FOR EACH STATEMENT EXECUTE FUNCTION claim_term_sync()",
    "CREATE TRIGGER claim_term_update AFTER UPDATE ON claim REFERENCING OLD TABLE AS old_claims NEW TABLE AS new_claims FOR EACH STATEMENT EXECUTE FUNCTION claim_term_sync()",
    "CREATE TRIGGER claim_term_delete AFTER DELETE ON claim REFERENCING OLD TABLE AS old_claims FOR EACH STATEMENT EXECUTE FUNCTION claim_term_sync()",
]


def _weight(count: int, length: int) -> float:
    return count * 2.2 / (count + 1.2 * (0.25 + 0.75 * length / 40.0))


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    for statement in _SQLITE if sqlite else _POSTGRES:
        if "TRIGGER" not in statement.split("(")[0]:
            bind.exec_driver_sql(statement)
    if sqlite:
        after = 0
        while True:
            rows = bind.exec_driver_sql(
                "SELECT id, search_text FROM claim WHERE id > ? ORDER BY id LIMIT ?",
                (after, BATCH),
            ).all()
            if not rows:
                break
            made = []
            for claim, text in rows:
                found = text.split()
                made += [
                    (term, -_weight(count, len(found)), claim)
                    for term, count in Counter(found).items()
                ]
            bind.exec_driver_sql("INSERT INTO claim_term VALUES (?, ?, ?)", made)
            after = rows[-1][0]
    else:
        bind.exec_driver_sql(
            "INSERT INTO claim_term (term, rank, claim_id) SELECT p.* FROM claim c "
            "CROSS JOIN LATERAL claim_term_rows(c.id, c.search_text) p"
        )
    for statement in _SQLITE if sqlite else _POSTGRES:
        if "TRIGGER" in statement.split("(")[0]:
            bind.exec_driver_sql(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("claim_term_insert", "claim_term_delete", "claim_term_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    else:
        for trigger in ("claim_term_insert", "claim_term_delete", "claim_term_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON claim")
        op.execute("DROP FUNCTION IF EXISTS claim_term_sync()")
        op.execute("DROP FUNCTION IF EXISTS claim_term_rows(integer, text)")
    op.execute("DROP TABLE IF EXISTS claim_term")
