"""The hold-record schema, version 1: what an audit reads and what the custody ledger exports.

Pure data, importing nothing of ours. Three tables:

- ``holds``: one row per hold (a WSO warrant served, or a detainer honoured), pseudonymous;
- ``officers``: one row per authorization window of an officer;
- ``agreements``: one row per window in which an agency's 287(g) agreement was in force.

Times: ISO 8601 with a UTC offset in CSV, UTC timestamps in Parquet. Dates: ``YYYY-MM-DD``. Booleans in CSV:
``true``/``false``. A nullable column may be empty. ``wso audit schema`` prints this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SCHEMA_VERSION = 1

ColumnType = Literal["string", "timestamp", "date", "boolean"]

INSTRUMENTS: tuple[str, ...] = ("I-200", "I-205", "I-247A", "judicial")
END_REASONS: tuple[str, ...] = (
    "transferred",
    "released",
    "warrant_cancelled",
    "citizenship_verified",
    "detention_agreement",
)
MODELS: tuple[str, ...] = ("TFM", "JEM", "WSO")


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name, type, whether it may be empty, what it means, and its allowed values if closed."""

    name: str
    type: ColumnType
    nullable: bool
    description: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name!r} has no column {name!r}")


HOLDS = Table(
    name="holds",
    description="One row per hold: a warrant served on a person at release, or a detainer honoured.",
    columns=(
        Column("record_id", "string", False, "Identifier of the hold, pseudonymous and unique in the file."),
        Column("state", "string", False, "USPS code of the state the facility is in (e.g. FL)."),
        Column("agency_id", "string", False, "Identifier of the agency holding the agreement."),
        Column("agency_name", "string", False, "Name of the agency."),
        Column("facility_id", "string", False, "Identifier of the jail where the person was held."),
        Column("facility_tz", "string", False, "IANA time zone of the facility (e.g. America/New_York)."),
        Column(
            "instrument",
            "string",
            False,
            "What the hold was served on: an administrative warrant (I-200, I-205), a detainer (I-247A), "
            "or a judicial warrant.",
            INSTRUMENTS,
        ),
        Column("officer_id", "string", True, "Officer who served it; empty when not recorded."),
        Column("served_at", "timestamp", False, "When the warrant was served (custody for ICE begins)."),
        Column("scheduled_release_at", "timestamp", False, "When criminal custody was scheduled to end."),
        Column("served_inside_facility", "boolean", False, "Whether the service took place inside the jail."),
        Column("ice_notified_at", "timestamp", True, "When ICE was notified of the service; empty if never."),
        Column("citizenship_claim_at", "timestamp", True, "When a U.S. citizenship claim was made or suspected."),
        Column("citizenship_reported_at", "timestamp", True, "When that claim was reported to ICE."),
        Column(
            "detention_agreement",
            "boolean",
            False,
            "Whether a detention agreement with ICE covered this hold (the 48-hour limit does not apply).",
        ),
        Column("ended_at", "timestamp", True, "When the hold ended; empty while it is open."),
        Column("end_reason", "string", True, "Why the hold ended; empty while it is open.", END_REASONS),
        Column("person_ref", "string", False, "Stable pseudonym of the person (never a name or A-number)."),
    ),
)

OFFICERS = Table(
    name="officers",
    description="One row per window in which an officer was certified and authorized to act.",
    columns=(
        Column("officer_id", "string", False, "Identifier of the officer."),
        Column("agency_id", "string", False, "Agency the officer belongs to."),
        Column("authorized_from", "timestamp", False, "Start of the authorization window."),
        Column("authorized_until", "timestamp", True, "End of the window (withdrawal); empty if still authorized."),
    ),
)

AGREEMENTS = Table(
    name="agreements",
    description="One row per window in which an agency's 287(g) agreement of one model was in force.",
    columns=(
        Column("agency_id", "string", False, "Identifier of the agency."),
        Column("state", "string", False, "USPS code of the agency's state."),
        Column("model", "string", False, "287(g) model of the agreement.", MODELS),
        Column("in_force_from", "date", False, "First day the agreement was in force."),
        Column("in_force_until", "date", True, "Last day it was in force; empty if still in force."),
    ),
)

TABLES: tuple[Table, ...] = (HOLDS, OFFICERS, AGREEMENTS)


def table(name: str) -> Table:
    """The table called ``name`` (holds, officers or agreements)."""
    for t in TABLES:
        if t.name == name:
            return t
    raise KeyError(f"no table {name!r} in hold-record schema v{SCHEMA_VERSION}; tables: holds, officers, agreements")


def as_dict() -> dict[str, object]:
    """The schema as plain data (what ``wso audit schema --json`` prints)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tables": [
            {
                "name": t.name,
                "description": t.description,
                "columns": [
                    {
                        "name": c.name,
                        "type": c.type,
                        "nullable": c.nullable,
                        "description": c.description,
                        **({"values": list(c.values)} if c.values else {}),
                    }
                    for c in t.columns
                ],
            }
            for t in TABLES
        ],
    }
