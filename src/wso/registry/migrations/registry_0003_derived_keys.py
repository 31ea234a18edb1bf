"""The derived tables lose their per-row foreign keys, as `registry_rows` did in registry_0002.

`registry_agreements.agency_id` -> `registry_agencies.id` and `registry_pending_listings.snapshot_id` ->
`registry_snapshots.id` were checked one row at a time by PostgreSQL (a lookup of the referenced row for each of
the 860 agreements and 1,734 pending listings of the shared files): on the benchmark machine that cost 15-20 ms
of an ingest of 0.38 s, more than writing those rows. Both tables are written only by `write_derived`, wholly, in
the transaction that writes what they derive from; tests check that every agreement's agency and every listing's
snapshot and row exist (see wso.registry.models.Agreement). The indexes stay.

Revision ID: registry_0003
Revises: registry_0002
"""

from __future__ import annotations

from alembic import op

revision = "registry_0003"
down_revision = "registry_0002"
branch_labels = None
depends_on = None

AGREEMENTS_FK = "fk_registry_agreements_agency_id_registry_agencies"
LISTINGS_FK = "fk_registry_pending_listings_snapshot_id_registry_snapshots"


def upgrade() -> None:
    with op.batch_alter_table("registry_agreements") as batch:
        batch.drop_constraint(AGREEMENTS_FK, type_="foreignkey")
    with op.batch_alter_table("registry_pending_listings") as batch:
        batch.drop_constraint(LISTINGS_FK, type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("registry_pending_listings") as batch:
        batch.create_foreign_key(LISTINGS_FK, "registry_snapshots", ["snapshot_id"], ["id"])
    with op.batch_alter_table("registry_agreements") as batch:
        batch.create_foreign_key(AGREEMENTS_FK, "registry_agencies", ["agency_id"], ["id"])
