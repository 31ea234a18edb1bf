"""The registry's tables: snapshots, rows, issues, and the derived agencies, agreements and listings.

Revision ID: registry_0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from wso.store import UTCDateTime

revision = "registry_0001"
down_revision = None
branch_labels = ("registry",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_snapshots",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("source_path", sa.Text(), nullable=False),
        sa.Column("published", sa.Date(), nullable=False),
        sa.Column("half", sa.String(2), nullable=True),
        sa.Column("captured_at", UTCDateTime(), nullable=False),
        sa.Column("ingested_at", UTCDateTime(), nullable=False),
        sa.Column("file_format", sa.String(8), nullable=False),
        sa.Column("header", sa.Text(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("blank_rows", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_registry_snapshots"),
    )
    op.create_table(
        "registry_rows",
        sa.Column("snapshot_id", sa.String(64), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("state", sa.String(2), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("name_key", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=True),
        sa.Column("county", sa.Text(), nullable=True),
        sa.Column("model", sa.String(3), nullable=True),
        sa.Column("signed", sa.Date(), nullable=True),
        sa.Column("moa_text", sa.Text(), nullable=True),
        sa.Column("moa_url_raw", sa.Text(), nullable=True),
        sa.Column("moa_url", sa.Text(), nullable=True),
        sa.Column("addendum_url_raw", sa.Text(), nullable=True),
        sa.Column("addendum_url", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["snapshot_id"], ["registry_snapshots.id"], name="fk_registry_rows_snapshot_id_registry_snapshots"
        ),
        sa.PrimaryKeyConstraint("snapshot_id", "row_number", name="pk_registry_rows"),
    )
    op.create_table(
        "registry_issues",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("snapshot_id", sa.String(64), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(48), nullable=False),
        sa.Column("field", sa.String(32), nullable=True),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["snapshot_id"], ["registry_snapshots.id"], name="fk_registry_issues_snapshot_id_registry_snapshots"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_registry_issues"),
    )
    op.create_index("ix_registry_issues_snapshot_id", "registry_issues", ["snapshot_id"])
    op.create_table(
        "registry_agencies",
        sa.Column("id", sa.String(24), nullable=False),
        sa.Column("state", sa.String(2), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("county", sa.Text(), nullable=True),
        sa.Column("spellings", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_registry_agencies"),
    )
    op.create_index("ix_registry_agencies_state", "registry_agencies", ["state"])
    op.create_table(
        "registry_agreements",
        sa.Column("id", sa.String(24), nullable=False),
        sa.Column("agency_id", sa.String(24), nullable=False),
        sa.Column("model", sa.String(3), nullable=False),
        sa.Column("signed", sa.Date(), nullable=True),
        sa.Column("moa_url", sa.Text(), nullable=True),
        sa.Column("first_listed", sa.Date(), nullable=False),
        sa.Column("last_listed", sa.Date(), nullable=False),
        sa.Column("pending_since", sa.Date(), nullable=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column("renewal_of", sa.String(24), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["registry_agencies.id"], name="fk_registry_agreements_agency_id_registry_agencies"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_registry_agreements"),
    )
    op.create_index("ix_registry_agreements_agency_id", "registry_agreements", ["agency_id"])
    op.create_table(
        "registry_listings",
        sa.Column("snapshot_id", sa.String(64), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.String(24), nullable=False),
        sa.Column("agreement_id", sa.String(24), nullable=False),
        sa.ForeignKeyConstraint(
            ["snapshot_id"], ["registry_snapshots.id"], name="fk_registry_listings_snapshot_id_registry_snapshots"
        ),
        sa.PrimaryKeyConstraint("snapshot_id", "row_number", name="pk_registry_listings"),
    )
    op.create_index("ix_registry_listings_agreement_id", "registry_listings", ["agreement_id"])


def downgrade() -> None:
    op.drop_table("registry_listings")
    op.drop_table("registry_agreements")
    op.drop_table("registry_agencies")
    op.drop_table("registry_issues")
    op.drop_table("registry_rows")
    op.drop_table("registry_snapshots")
