"""moa: on PostgreSQL, each page's English tsvector stored with the page, for search to rank by without parsing.

The index of moa_0001 was on the expression `to_tsvector('english', text)`: it finds the pages, but ranking them
(`ts_rank`) parsed every matching page's text again, hundreds of pages for a common word. A stored generated
column is parsed once, when the page is written; the GIN index moves onto it. SQLite's FTS5 is untouched.

Revision ID: moa_0002
Revises: moa_0001
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "moa_0002"
down_revision = "moa_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE moa_pages ADD COLUMN text_tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED"
    )
    op.execute("CREATE INDEX ix_moa_pages_text_tsv ON moa_pages USING gin (text_tsv)")
    op.execute("DROP INDEX IF EXISTS ix_moa_pages_tsv")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE INDEX ix_moa_pages_tsv ON moa_pages USING gin (to_tsvector('english', text))")
    op.execute("DROP INDEX IF EXISTS ix_moa_pages_text_tsv")
    op.execute("ALTER TABLE moa_pages DROP COLUMN text_tsv")
