"""Snapshots say how their publication date was found (`dated_by`), and their half-day may be `mid`.

ICE names some files ...10212025mid.xlsx (a list published between its am and pm ones): `half` grows from two
characters to four. `dated_by` is name, capture, corrected (by rule) or hand (a corrections file), empty for
snapshots stored before (dated by their names, as before).

Revision ID: registry_0004
Revises: registry_0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "registry_0004"
down_revision = "registry_0003"
branch_labels = None
depends_on = None


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    # SQLite keeps text of any length in a VARCHAR(2), and rebuilding the table (a batch alter) would break the
    # issues' foreign key to it: only PostgreSQL's column is widened
    if not _sqlite():
        op.alter_column("registry_snapshots", "half", existing_type=sa.String(2), type_=sa.String(4))
    op.add_column("registry_snapshots", sa.Column("dated_by", sa.String(16), nullable=True))


def downgrade() -> None:
    op.drop_column("registry_snapshots", "dated_by")
    if not _sqlite():
        op.alter_column("registry_snapshots", "half", existing_type=sa.String(4), type_=sa.String(2))
