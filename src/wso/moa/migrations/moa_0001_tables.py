"""moa: the signed MOAs, their pages, fields, clauses and rule checks, with full-text search over the pages.

Search: on SQLite an FTS5 table over `moa_pages.text` (external content, kept in step by triggers); on
PostgreSQL a GIN index on the pages' English tsvector.

Revision ID: moa_0001
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from wso.store import UTCDateTime

revision = "moa_0001"
down_revision = None
branch_labels = ("moa",)
depends_on = None

SQLITE_FTS = (
    "CREATE VIRTUAL TABLE moa_pages_fts USING fts5(text, content='moa_pages', content_rowid='id', "
    "tokenize='porter unicode61')",
    "CREATE TRIGGER moa_pages_ai AFTER INSERT ON moa_pages BEGIN "
    "INSERT INTO moa_pages_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER moa_pages_ad AFTER DELETE ON moa_pages BEGIN "
    "INSERT INTO moa_pages_fts(moa_pages_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER moa_pages_au AFTER UPDATE ON moa_pages BEGIN "
    "INSERT INTO moa_pages_fts(moa_pages_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO moa_pages_fts(rowid, text) VALUES (new.id, new.text); END",
)
POSTGRES_FTS = ("CREATE INDEX ix_moa_pages_tsv ON moa_pages USING gin (to_tsvector('english', text))",)


def upgrade() -> None:
    op.create_table(
        "moa_files",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_moa_files"),
    )
    op.create_table(
        "moa_file_names",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("first_seen", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "name", name="pk_moa_file_names"),
        sa.ForeignKeyConstraint(["sha256"], ["moa_files.sha256"], name="fk_moa_file_names_sha256_moa_files"),
    )
    op.create_table(
        "moa_documents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("chars", sa.Integer(), nullable=False),
        sa.Column("encrypted", sa.Boolean(), nullable=False),
        sa.Column("born_digital", sa.Boolean(), nullable=False),
        sa.Column("how_read", sa.String(60), nullable=False),
        sa.Column("producer", sa.String(300), nullable=False),
        sa.Column("model", sa.String(3), nullable=True),
        sa.Column("agency", sa.String(300), nullable=True),
        sa.Column("state", sa.String(2), nullable=True),
        sa.Column("signed", sa.Date(), nullable=True),
        sa.Column("template", sa.String(40), nullable=True),
        sa.Column("addendum_page", sa.Integer(), nullable=True),
        sa.Column("registry_agency_id", sa.String(120), nullable=True),
        sa.Column("ice_url", sa.Text(), nullable=True),
        sa.Column("deviations", sa.Integer(), nullable=False),
        sa.Column("flagged_rules", sa.String(500), nullable=False),
        sa.Column("fields_json", sa.Text(), nullable=False),
        sa.Column("reader_version", sa.String(40), nullable=False),
        sa.Column("analysis_version", sa.String(80), nullable=False),
        sa.Column("ingested_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_moa_documents"),
        sa.UniqueConstraint("sha256", name="uq_moa_documents_sha256"),
        sa.ForeignKeyConstraint(["sha256"], ["moa_files.sha256"], name="fk_moa_documents_sha256_moa_files"),
    )
    for column in ("name", "model", "state", "registry_agency_id"):
        op.create_index(f"ix_moa_documents_{column}", "moa_documents", [column])
    op.create_table(
        "moa_pages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("scanned", sa.Boolean(), nullable=False),
        sa.Column("method", sa.String(12), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("layer_text", sa.Text(), nullable=False),
        sa.Column("layer_verdict", sa.String(8), nullable=False),
        sa.Column("layer_chars", sa.Integer(), nullable=False),
        sa.Column("dictionary_share", sa.Float(), nullable=False),
        sa.Column("run_together_share", sa.Float(), nullable=False),
        sa.Column("control_share", sa.Float(), nullable=False),
        sa.Column("ocr_text", sa.Text(), nullable=True),
        sa.Column("ocr_confidence", sa.Float(), nullable=True),
        sa.Column("ocr_engine", sa.String(80), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_moa_pages"),
        sa.UniqueConstraint("sha256", "number", name="uq_moa_pages_sha256"),
        sa.ForeignKeyConstraint(["sha256"], ["moa_files.sha256"], name="fk_moa_pages_sha256_moa_files"),
    )
    op.create_index("ix_moa_pages_sha256", "moa_pages", ["sha256"])
    op.create_table(
        "moa_clauses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("clause", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=True),
        sa.Column("substantive", sa.Float(), nullable=True),
        sa.Column("changes_json", sa.Text(), nullable=False),
        sa.Column("rules", sa.String(300), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_moa_clauses"),
        sa.UniqueConstraint("sha256", "seq", name="uq_moa_clauses_sha256"),
        sa.ForeignKeyConstraint(["sha256"], ["moa_files.sha256"], name="fk_moa_clauses_sha256_moa_files"),
    )
    op.create_index("ix_moa_clauses_sha256", "moa_clauses", ["sha256"])
    op.create_index("ix_moa_clauses_status", "moa_clauses", ["status"])
    op.create_table(
        "moa_rule_checks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("rule", sa.String(40), nullable=False),
        sa.Column("clause", sa.String(20), nullable=False),
        sa.Column("phrase", sa.Text(), nullable=False),
        sa.Column("found", sa.Float(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_moa_rule_checks"),
        sa.ForeignKeyConstraint(["sha256"], ["moa_files.sha256"], name="fk_moa_rule_checks_sha256_moa_files"),
    )
    op.create_index("ix_moa_rule_checks_sha256", "moa_rule_checks", ["sha256"])
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_FTS if dialect == "sqlite" else POSTGRES_FTS if dialect == "postgresql" else ():
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("moa_pages_ai", "moa_pages_ad", "moa_pages_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS moa_pages_fts")
    for table in ("moa_rule_checks", "moa_clauses", "moa_pages", "moa_documents", "moa_file_names", "moa_files"):
        op.drop_table(table)
