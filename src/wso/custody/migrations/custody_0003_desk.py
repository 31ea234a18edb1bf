"""The desk's lists (issue 19): indexes for the release board and the bookings and warrants pages.

`custody_bookings.scheduled_release` and `released_at` (who is due for release near now), and
`custody_warrants.received_at` (the warrants list, latest first).

Revision ID: custody_0003
Revises: custody_0002
"""

from __future__ import annotations

from alembic import op

revision = "custody_0003"
down_revision = "custody_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_custody_bookings_scheduled_release", "custody_bookings", ["scheduled_release"])
    op.create_index("ix_custody_bookings_released_at", "custody_bookings", ["released_at"])
    op.create_index("ix_custody_warrants_received_at", "custody_warrants", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_custody_warrants_received_at", table_name="custody_warrants")
    op.drop_index("ix_custody_bookings_released_at", table_name="custody_bookings")
    op.drop_index("ix_custody_bookings_scheduled_release", table_name="custody_bookings")
