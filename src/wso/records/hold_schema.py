"""The hold-record schema's tables and columns, as a request letter asks for them.

The letter asks for the hold log in the columns of the project's hold-record schema (version 1), so that an
agency's answer can go straight into `wso audit run`.
"""

from __future__ import annotations

HOLD_SCHEMA_VERSION = 1

HOLD_SCHEMA_TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "holds",
        (
            "record_id",
            "state",
            "agency_id",
            "agency_name",
            "facility_id",
            "facility_tz",
            "instrument",
            "officer_id",
            "served_at",
            "scheduled_release_at",
            "served_inside_facility",
            "ice_notified_at",
            "citizenship_claim_at",
            "citizenship_reported_at",
            "detention_agreement",
            "ended_at",
            "end_reason",
            "person_ref",
        ),
    ),
    ("officers", ("officer_id", "agency_id", "authorized_from", "authorized_until")),
    ("agreements", ("agency_id", "state", "model", "in_force_from", "in_force_until")),
)
