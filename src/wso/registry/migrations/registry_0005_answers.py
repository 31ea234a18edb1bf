"""Answers kept ready (`wso.registry.ready`): `wso registry stats --json` on the latest list, as text.

Revision ID: registry_0005
Revises: registry_0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "registry_0005"
down_revision = "registry_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_answers",
        sa.Column("key", sa.String(32), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("registry_answers")
