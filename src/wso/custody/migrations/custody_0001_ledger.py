"""The custody ledger: agencies, facilities, agreements, officers, bookings, warrants, holds and their events.

Also installs the append-only guard: triggers that refuse UPDATE and DELETE on `custody_hold_events` and
`custody_officer_events` (PostgreSQL: a PL/pgSQL function raising an exception; SQLite: RAISE(ABORT)).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from wso.store import UTCDateTime

revision = "custody_0001"
down_revision = None
branch_labels = ("custody",)
depends_on = None

APPEND_ONLY = ("custody_hold_events", "custody_officer_events")


def upgrade() -> None:
    op.create_table(
        "custody_agencies",
        sa.Column("id", sa.String(120), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("state", sa.String(2), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_custody_agencies"),
    )
    op.create_table(
        "custody_facilities",
        sa.Column("id", sa.String(120), nullable=False),
        sa.Column("agency_id", sa.String(120), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("detention_agreement", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_custody_facilities"),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["custody_agencies.id"], name="fk_custody_facilities_agency_id_custody_agencies"
        ),
    )
    op.create_table(
        "custody_agreements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agency_id", sa.String(120), nullable=False),
        sa.Column("model", sa.String(3), nullable=False),
        sa.Column("signed", sa.Date(), nullable=False),
        sa.Column("ended", sa.Date(), nullable=True),
        sa.Column("entered_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_custody_agreements"),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["custody_agencies.id"], name="fk_custody_agreements_agency_id_custody_agencies"
        ),
    )
    op.create_table(
        "custody_officers",
        sa.Column("id", sa.String(120), nullable=False),
        sa.Column("agency_id", sa.String(120), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("exam_attempts", sa.Integer(), nullable=False),
        sa.Column("exam_passed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_custody_officers"),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["custody_agencies.id"], name="fk_custody_officers_agency_id_custody_agencies"
        ),
    )
    op.create_table(
        "custody_officer_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("officer_id", sa.String(120), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_custody_officer_events"),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["custody_officers.id"], name="fk_custody_officer_events_officer_id_custody_officers"
        ),
        sa.UniqueConstraint("officer_id", "seq", name="uq_custody_officer_events_officer_id"),
    )
    op.create_index("ix_custody_officer_events_officer_id", "custody_officer_events", ["officer_id"])
    op.create_table(
        "custody_bookings",
        sa.Column("id", sa.String(120), nullable=False),
        sa.Column("facility_id", sa.String(120), nullable=False),
        sa.Column("scheduled_release", UTCDateTime(), nullable=False),
        sa.Column("person_name", sa.String(300), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("a_number", sa.String(20), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_custody_bookings"),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["custody_facilities.id"], name="fk_custody_bookings_facility_id_custody_facilities"
        ),
    )
    op.create_table(
        "custody_warrants",
        sa.Column("id", sa.String(120), nullable=False),
        sa.Column("booking_id", sa.String(120), nullable=False),
        sa.Column("form", sa.String(10), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_custody_warrants"),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["custody_bookings.id"], name="fk_custody_warrants_booking_id_custody_bookings"
        ),
    )
    op.create_index("ix_custody_warrants_booking_id", "custody_warrants", ["booking_id"])
    op.create_table(
        "custody_holds",
        sa.Column("id", sa.String(130), nullable=False),
        sa.Column("warrant_id", sa.String(120), nullable=False),
        sa.Column("booking_id", sa.String(120), nullable=False),
        sa.Column("facility_id", sa.String(120), nullable=False),
        sa.Column("agency_id", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("officer_id", sa.String(120), nullable=True),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("clock_start", UTCDateTime(), nullable=False),
        sa.Column("deadline", UTCDateTime(), nullable=True),
        sa.Column("deadline_rule", sa.String(20), nullable=False),
        sa.Column("deadline_reading", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("end_reason", sa.String(30), nullable=True),
        sa.Column("ice_notified_at", UTCDateTime(), nullable=True),
        sa.Column("citizenship_claim_at", UTCDateTime(), nullable=True),
        sa.Column("citizenship_reported_at", UTCDateTime(), nullable=True),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_custody_holds"),
        sa.ForeignKeyConstraint(
            ["warrant_id"], ["custody_warrants.id"], name="fk_custody_holds_warrant_id_custody_warrants"
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["custody_bookings.id"], name="fk_custody_holds_booking_id_custody_bookings"
        ),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["custody_facilities.id"], name="fk_custody_holds_facility_id_custody_facilities"
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["custody_agencies.id"], name="fk_custody_holds_agency_id_custody_agencies"
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["custody_officers.id"], name="fk_custody_holds_officer_id_custody_officers"
        ),
        sa.UniqueConstraint("warrant_id", name="uq_custody_holds_warrant_id"),
    )
    op.create_index(
        "ix_custody_holds_open_deadline",
        "custody_holds",
        ["deadline"],
        postgresql_where=sa.text("status = 'open'"),
        sqlite_where=sa.text("status = 'open'"),
    )
    op.create_table(
        "custody_hold_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("hold_id", sa.String(130), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_custody_hold_events"),
        sa.ForeignKeyConstraint(["hold_id"], ["custody_holds.id"], name="fk_custody_hold_events_hold_id_custody_holds"),
        sa.UniqueConstraint("hold_id", "seq", name="uq_custody_hold_events_hold_id"),
    )
    op.create_table(
        "custody_idempotency_keys",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("command", sa.String(40), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_custody_idempotency_keys"),
    )
    op.create_table(
        "custody_alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("hold_id", sa.String(130), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=True),
        sa.Column("raised_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_custody_alerts"),
        sa.ForeignKeyConstraint(["hold_id"], ["custody_holds.id"], name="fk_custody_alerts_hold_id_custody_holds"),
        sa.UniqueConstraint("hold_id", "kind", name="uq_custody_alerts_hold_id"),
    )
    _append_only_guard()


def _append_only_guard() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            """
            CREATE OR REPLACE FUNCTION custody_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'the custody ledger is append-only: % on % refused (record a correction instead)',
                    TG_OP, TG_TABLE_NAME;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION custody_append_only()"
            )
    elif dialect == "sqlite":
        for table in APPEND_ONLY:
            for operation in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'the custody ledger is append-only: {operation} on {table} refused "
                    "(record a correction instead)'); END"
                )


def downgrade() -> None:
    for table in (
        "custody_alerts",
        "custody_idempotency_keys",
        "custody_hold_events",
        "custody_holds",
        "custody_warrants",
        "custody_bookings",
        "custody_officer_events",
        "custody_officers",
        "custody_agreements",
        "custody_facilities",
        "custody_agencies",
    ):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS custody_append_only()")
