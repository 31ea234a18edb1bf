"""Files seen by ingest: path, size and times -> the sha256 of their bytes, so a repeated ingest skips a known
file without reading it (`wso.registry.seen`).

Revision ID: registry_0006
Revises: registry_0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "registry_0006"
down_revision = "registry_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_files",
        sa.Column("path", sa.Text(), primary_key=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=False),
        sa.Column("ctime_ns", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("registry_files")
