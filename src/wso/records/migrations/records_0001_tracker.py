"""records: the public-records request tracker.

Revision ID: records_0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from wso.store import UTCDateTime

revision = "records_0001"
down_revision = None
branch_labels = ("records",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "records_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agency_name", sa.String(length=300), nullable=False),
        sa.Column("agency_id", sa.String(length=100), nullable=True),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("law_name", sa.String(length=300), nullable=False),
        sa.Column("citation", sa.String(length=300), nullable=False),
        sa.Column("deadline_kind", sa.String(length=10), nullable=False),
        sa.Column("deadline_days", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("follow_up_on", sa.Date(), nullable=True),
        sa.Column("set_ids", sa.String(length=500), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("requester_name", sa.String(length=300), nullable=True),
        sa.Column("requester_email", sa.String(length=300), nullable=True),
        sa.Column("requester_address", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_records_requests")),
    )
    op.create_index(op.f("ix_records_requests_state"), "records_requests", ["state"])
    op.create_index(op.f("ix_records_requests_status"), "records_requests", ["status"])
    op.create_table(
        "records_request_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=24), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["records_requests.id"],
            name=op.f("fk_records_request_events_request_id_records_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_records_request_events")),
        sa.UniqueConstraint("request_id", "seq", name=op.f("uq_records_request_events_request_id")),
    )
    op.create_index(op.f("ix_records_request_events_request_id"), "records_request_events", ["request_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_records_request_events_request_id"), table_name="records_request_events")
    op.drop_table("records_request_events")
    op.drop_index(op.f("ix_records_requests_status"), table_name="records_requests")
    op.drop_index(op.f("ix_records_requests_state"), table_name="records_requests")
    op.drop_table("records_requests")
