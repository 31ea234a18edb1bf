"""watch: subscriptions, the changes seen in ICE's lists, the durable outbox, runs, cursors, leases, calendars.

Revision ID: watch_0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from wso.store import UTCDateTime

revision = "watch_0001"
down_revision = None
branch_labels = ("watch",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "watch_subscriptions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("topic", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("secret", sa.String(length=80), nullable=True),
        sa.Column("state", sa.String(length=2), nullable=True),
        sa.Column("county", sa.String(length=100), nullable=True),
        sa.Column("agency_id", sa.String(length=100), nullable=True),
        sa.Column("model", sa.String(length=3), nullable=True),
        sa.Column("change", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("confirmed_at", UTCDateTime(), nullable=True),
        sa.Column("removed_at", UTCDateTime(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_subscriptions")),
        sa.UniqueConstraint("token", name=op.f("uq_watch_subscriptions_token")),
    )
    op.create_index(op.f("ix_watch_subscriptions_status"), "watch_subscriptions", ["status"])
    op.create_table(
        "watch_events",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("correction", sa.Boolean(), nullable=False),
        sa.Column("corrects", sa.String(length=40), nullable=True),
        sa.Column("agreement_id", sa.String(length=100), nullable=False),
        sa.Column("agency_id", sa.String(length=100), nullable=False),
        sa.Column("agency_name", sa.String(length=300), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("county", sa.String(length=100), nullable=True),
        sa.Column("model", sa.String(length=3), nullable=False),
        sa.Column("signed", sa.Date(), nullable=True),
        sa.Column("signed_before", sa.Date(), nullable=True),
        sa.Column("list_kind", sa.String(length=16), nullable=False),
        sa.Column("old_label", sa.String(length=40), nullable=False),
        sa.Column("old_sha256", sa.String(length=64), nullable=False),
        sa.Column("old_published", sa.Date(), nullable=False),
        sa.Column("new_label", sa.String(length=40), nullable=False),
        sa.Column("new_sha256", sa.String(length=64), nullable=False),
        sa.Column("new_published", sa.Date(), nullable=False),
        sa.Column("history", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_events")),
    )
    for column in ("seq", "agency_id", "state", "model", "new_sha256"):
        op.create_index(op.f(f"ix_watch_events_{column}"), "watch_events", [column])
    op.create_table(
        "watch_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["watch_subscriptions.id"],
            name=op.f("fk_watch_deliveries_subscription_id_watch_subscriptions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_deliveries")),
        sa.UniqueConstraint("key", name=op.f("uq_watch_deliveries_key")),
    )
    for column in ("subscription_id", "status", "next_attempt_at"):
        op.create_index(op.f(f"ix_watch_deliveries_{column}"), "watch_deliveries", [column])
    op.create_table(
        "watch_recipients",
        sa.Column("event_id", sa.String(length=40), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "subscription_id", name=op.f("pk_watch_recipients")),
    )
    op.create_table(
        "watch_cursors",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("previous_sha256", sa.String(length=64), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_watch_cursors")),
    )
    op.create_table(
        "watch_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("new_publications", sa.Integer(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("alerted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_runs")),
    )
    op.create_index(op.f("ix_watch_runs_started_at"), "watch_runs", ["started_at"])
    op.create_table(
        "watch_leases",
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("holder", sa.String(length=80), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_watch_leases")),
    )
    op.create_table(
        "watch_calendars",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(length=300), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_calendars")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_watch_calendars_token_sha256")),
    )
    op.create_index(op.f("ix_watch_calendars_email"), "watch_calendars", ["email"])


def downgrade() -> None:
    for table in (
        "watch_calendars",
        "watch_leases",
        "watch_runs",
        "watch_cursors",
        "watch_recipients",
        "watch_deliveries",
        "watch_events",
        "watch_subscriptions",
    ):
        op.drop_table(table)
