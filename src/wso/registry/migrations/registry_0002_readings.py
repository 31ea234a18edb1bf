"""Each distinct row content stored once (readings); pending listings apart; corrected signing dates.

`registry_rows` keeps (snapshot, row number) and points to a reading in the new `registry_readings`, which holds
the raw cells and what was read from them, once per distinct content, with the agency and the agreement a
participating row of that content lists. `registry_listings` gives way to `registry_pending_listings` (pending
rows only: which agreement a pending row lists depends on the day it was published). `registry_agreements` gains
`corrects` and a longer `status` (for "corrected").

Existing data are moved, not lost: every row's content becomes a reading (its id is the hash of the stored
content, as `wso.registry.rows.reading_id` makes it) and the derived ids are carried over from the old listings.
Corrected signing dates appear after the next ingest that adds a snapshot (it rebuilds everything derived).

Revision ID: registry_0002
Revises: registry_0001
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "registry_0002"
down_revision = "registry_0001"
branch_labels = None
depends_on = None

FIELDS = (
    "raw",
    "state",
    "name",
    "name_key",
    "kind",
    "county",
    "model",
    "signed",
    "moa_text",
    "moa_url_raw",
    "moa_url",
    "addendum_url_raw",
    "addendum_url",
)


def _reading_id(values: tuple[Any, ...]) -> str:
    # the same hash as wso.registry.rows.reading_id (copied: a migration must not depend on today's code)
    text = "\x1f".join("\x00" if v is None else v.isoformat() if isinstance(v, date) else str(v) for v in values)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _reading_columns() -> list[sa.Column[Any]]:
    return [
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
    ]


def upgrade() -> None:
    bind = op.get_bind()
    meta = sa.MetaData()
    old_rows = sa.Table("registry_rows", meta, autoload_with=bind)
    old_listings = sa.Table("registry_listings", meta, autoload_with=bind)
    snapshots = sa.Table("registry_snapshots", meta, autoload_with=bind)
    query = (
        sa.select(
            old_rows.c.snapshot_id,
            old_rows.c.row_number,
            snapshots.c.kind.label("list_kind"),
            old_listings.c.agency_id,
            old_listings.c.agreement_id,
            *(old_rows.c[f] for f in FIELDS),
        )
        .join(snapshots, snapshots.c.id == old_rows.c.snapshot_id)
        .outerjoin(
            old_listings,
            (old_listings.c.snapshot_id == old_rows.c.snapshot_id)
            & (old_listings.c.row_number == old_rows.c.row_number),
        )
    )
    readings: dict[str, dict[str, Any]] = {}
    rows: list[dict[str, Any]] = []
    pending: list[dict[str, Any]] = []
    for r in bind.execute(query):
        values = tuple(getattr(r, f) for f in FIELDS)
        rid = _reading_id(values)
        reading = readings.setdefault(
            rid, {"id": rid, **dict(zip(FIELDS, values, strict=True)), "agency_id": None, "agreement_id": None}
        )
        if r.agency_id is not None:
            reading["agency_id"] = r.agency_id
        if r.agreement_id is not None:
            if r.list_kind == "participating":
                reading["agreement_id"] = r.agreement_id
            else:
                pending.append(
                    {"snapshot_id": r.snapshot_id, "row_number": r.row_number, "agreement_id": r.agreement_id}
                )
        rows.append({"snapshot_id": r.snapshot_id, "row_number": r.row_number, "reading_id": rid})

    op.drop_index("ix_registry_listings_agreement_id", table_name="registry_listings")
    op.drop_table("registry_listings")
    op.drop_table("registry_rows")
    new_readings = op.create_table(
        "registry_readings",
        sa.Column("id", sa.String(16), nullable=False),
        *_reading_columns(),
        sa.Column("agency_id", sa.String(24), nullable=True),
        sa.Column("agreement_id", sa.String(24), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_registry_readings"),
    )
    new_rows = op.create_table(
        "registry_rows",
        sa.Column("snapshot_id", sa.String(64), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("reading_id", sa.String(16), nullable=False),
        # no foreign keys: see wso.registry.models.Row
        sa.PrimaryKeyConstraint("snapshot_id", "row_number", name="pk_registry_rows"),
        sqlite_with_rowid=False,
    )
    new_pending = op.create_table(
        "registry_pending_listings",
        sa.Column("snapshot_id", sa.String(64), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.String(24), nullable=False),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["registry_snapshots.id"],
            name="fk_registry_pending_listings_snapshot_id_registry_snapshots",
        ),
        sa.PrimaryKeyConstraint("snapshot_id", "row_number", name="pk_registry_pending_listings"),
    )
    if readings:
        op.bulk_insert(new_readings, list(readings.values()))
        op.bulk_insert(new_rows, rows)
    if pending:
        op.bulk_insert(new_pending, pending)
    with op.batch_alter_table("registry_agreements") as batch:
        batch.alter_column("status", existing_type=sa.String(8), type_=sa.String(16), existing_nullable=False)
        batch.add_column(sa.Column("corrects", sa.String(24), nullable=True))


def downgrade() -> None:
    bind = op.get_bind()
    meta = sa.MetaData()
    rows = sa.Table("registry_rows", meta, autoload_with=bind)
    readings = sa.Table("registry_readings", meta, autoload_with=bind)
    pending = sa.Table("registry_pending_listings", meta, autoload_with=bind)
    agreements = sa.Table("registry_agreements", meta, autoload_with=bind)
    snapshots = sa.Table("registry_snapshots", meta, autoload_with=bind)
    wide = [
        dict(r._mapping)
        for r in bind.execute(
            sa.select(rows.c.snapshot_id, rows.c.row_number, *(readings.c[f] for f in FIELDS)).join(
                readings, readings.c.id == rows.c.reading_id
            )
        )
    ]
    listings = [
        dict(r._mapping)
        for r in bind.execute(
            sa.select(rows.c.snapshot_id, rows.c.row_number, readings.c.agency_id, readings.c.agreement_id)
            .join(readings, readings.c.id == rows.c.reading_id)
            .join(snapshots, snapshots.c.id == rows.c.snapshot_id)
            .where(readings.c.agreement_id.is_not(None), snapshots.c.kind == "participating")
        )
    ]
    listings += [
        dict(r._mapping)
        for r in bind.execute(
            sa.select(pending.c.snapshot_id, pending.c.row_number, agreements.c.agency_id, pending.c.agreement_id).join(
                agreements, agreements.c.id == pending.c.agreement_id
            )
        )
    ]
    with op.batch_alter_table("registry_agreements") as batch:
        batch.drop_column("corrects")
        batch.alter_column("status", existing_type=sa.String(16), type_=sa.String(8), existing_nullable=False)
    op.drop_table("registry_pending_listings")
    op.drop_table("registry_rows")
    op.drop_table("registry_readings")
    old_rows = op.create_table(
        "registry_rows",
        sa.Column("snapshot_id", sa.String(64), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        *_reading_columns(),
        sa.ForeignKeyConstraint(
            ["snapshot_id"], ["registry_snapshots.id"], name="fk_registry_rows_snapshot_id_registry_snapshots"
        ),
        sa.PrimaryKeyConstraint("snapshot_id", "row_number", name="pk_registry_rows"),
    )
    old_listings = op.create_table(
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
    if wide:
        op.bulk_insert(old_rows, wide)
    if listings:
        op.bulk_insert(old_listings, listings)
