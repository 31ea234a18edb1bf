"""Custody follows the MOA (issue 15): actual releases, detention agreements, complaints, interpreters.

Adds `custody_agencies.kind`, `custody_facilities.created_at`, `custody_agreements.moa_template`,
`custody_bookings.booked_at` and `released_at` (the actual release from criminal custody), `custody_holds.interpreter`
and `detention_agreement_from`; new tables `custody_detentions` (with the facilities each covers) and
`custody_complaints`. A facility entered with `detention_agreement` true before this migration gets an IGSA record
in force from 1900-01-01 (its creation day is not known), so its holds are judged as before.

Revision ID: custody_0002
Revises: custody_0001
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from wso.store import UTCDateTime

revision = "custody_0002"
down_revision = "custody_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("custody_agencies") as batch:
        batch.add_column(sa.Column("kind", sa.String(10), nullable=True))
    with op.batch_alter_table("custody_facilities") as batch:
        batch.add_column(sa.Column("created_at", UTCDateTime(), nullable=True))
    with op.batch_alter_table("custody_agreements") as batch:
        batch.add_column(sa.Column("moa_template", sa.String(4), nullable=True))
    with op.batch_alter_table("custody_bookings") as batch:
        batch.add_column(sa.Column("booked_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("released_at", UTCDateTime(), nullable=True))
    with op.batch_alter_table("custody_holds") as batch:
        batch.add_column(sa.Column("interpreter", sa.String(300), nullable=True))
        batch.add_column(sa.Column("detention_agreement_from", UTCDateTime(), nullable=True))
    op.create_table(
        "custody_detentions",
        sa.Column("id", sa.String(120), nullable=False),
        sa.Column("agency_id", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(4), nullable=False),
        sa.Column("in_force_from", sa.Date(), nullable=False),
        sa.Column("in_force_until", sa.Date(), nullable=True),
        sa.Column("signed", sa.Date(), nullable=True),
        sa.Column("entered_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_custody_detentions"),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["custody_agencies.id"], name="fk_custody_detentions_agency_id_custody_agencies"
        ),
    )
    op.create_table(
        "custody_detention_covers",
        sa.Column("agreement_id", sa.String(120), nullable=False),
        sa.Column("facility_id", sa.String(120), nullable=False),
        sa.PrimaryKeyConstraint("agreement_id", "facility_id", name="pk_custody_detention_covers"),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["custody_detentions.id"],
            name="fk_custody_detention_covers_agreement_id_custody_detentions",
        ),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["custody_facilities.id"],
            name="fk_custody_detention_covers_facility_id_custody_facilities",
        ),
    )
    op.create_table(
        "custody_complaints",
        sa.Column("id", sa.String(120), nullable=False),
        sa.Column("agency_id", sa.String(120), nullable=False),
        sa.Column("officer_id", sa.String(120), nullable=False),
        sa.Column("facility_id", sa.String(120), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("reported_at", UTCDateTime(), nullable=True),
        sa.Column("alerted_at", UTCDateTime(), nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_custody_complaints"),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["custody_agencies.id"], name="fk_custody_complaints_agency_id_custody_agencies"
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["custody_officers.id"], name="fk_custody_complaints_officer_id_custody_officers"
        ),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["custody_facilities.id"], name="fk_custody_complaints_facility_id_custody_facilities"
        ),
    )
    _carry_over_detention_flags()


def _carry_over_detention_flags() -> None:
    conn = op.get_bind()
    facilities = conn.execute(
        sa.text("SELECT id, agency_id FROM custody_facilities WHERE detention_agreement = :yes"), {"yes": True}
    ).all()
    now = datetime.now(UTC)
    for facility_id, agency_id in facilities:
        agreement_id = f"{facility_id}-detention"
        conn.execute(
            sa.text(
                "INSERT INTO custody_detentions (id, agency_id, kind, in_force_from, entered_at) "
                "VALUES (:id, :agency, 'IGSA', :start, :now)"
            ),
            {"id": agreement_id, "agency": agency_id, "start": datetime(1900, 1, 1).date(), "now": now},
        )
        conn.execute(
            sa.text("INSERT INTO custody_detention_covers (agreement_id, facility_id) VALUES (:a, :f)"),
            {"a": agreement_id, "f": facility_id},
        )


def downgrade() -> None:
    op.drop_table("custody_complaints")
    op.drop_table("custody_detention_covers")
    op.drop_table("custody_detentions")
    with op.batch_alter_table("custody_holds") as batch:
        batch.drop_column("detention_agreement_from")
        batch.drop_column("interpreter")
    with op.batch_alter_table("custody_bookings") as batch:
        batch.drop_column("released_at")
        batch.drop_column("booked_at")
    with op.batch_alter_table("custody_agreements") as batch:
        batch.drop_column("moa_template")
    with op.batch_alter_table("custody_facilities") as batch:
        batch.drop_column("created_at")
    with op.batch_alter_table("custody_agencies") as batch:
        batch.drop_column("kind")
