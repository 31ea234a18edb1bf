"""The hold-record schema, version 2: what an audit reads and what the custody ledger exports.

Pure data, importing nothing of ours. Three tables, and one optional:

- ``holds``: one row per hold (a WSO warrant served, or a detainer honoured), pseudonymous;
- ``officers``: one row per authorization window of an officer;
- ``agreements``: one row per window in which an agency's 287(g) agreement was in force;
- ``complaints`` (optional, v2): one row per complaint about a participating officer (WSO-COMPLAINT-48H).

Version 2 added columns (each `Column.since == 2`, all nullable) and the complaints table. A version-1 file still
audits: a column added in v2 that the file lacks is read as empty (false for a boolean), and a missing optional
table as no rows.

Times: ISO 8601 with a UTC offset in CSV, UTC timestamps in Parquet. Dates: ``YYYY-MM-DD``. Booleans in CSV:
``true``/``false``. A nullable column may be empty. ``wso audit schema`` prints this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SCHEMA_VERSION = 2

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
AGENCY_KINDS: tuple[str, ...] = ("county", "municipal", "state")
MOA_TEMPLATES: tuple[str, ...] = ("2019", "2025")


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name, type, whether it may be empty, what it means, and its allowed values if closed."""

    name: str
    type: ColumnType
    nullable: bool
    description: str
    values: tuple[str, ...] = ()
    since: int = 1  # the schema version that added the column; a file of an earlier version may lack it


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    optional: bool = False  # a directory of records may leave the table out (read as no rows)
    since: int = 1

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
        Column(
            "criminal_release_at",
            "timestamp",
            True,
            "The actual release from criminal custody when recorded (bond posted, charges dropped); empty: the "
            "scheduled release stands. The 48 hours and the service window run from this release.",
            since=2,
        ),
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
        Column(
            "detention_agreement_from",
            "timestamp",
            True,
            "When the hold moved onto a detention agreement (its 48 hours passed at a facility with an IGSA or "
            "U.S. Marshals agreement in force); empty if it never did.",
            since=2,
        ),
        Column(
            "detention_agreement_until",
            "timestamp",
            True,
            "When that detention agreement stopped (or stops) covering the hold: the start of the local day after "
            "its last day in force. From then the 48-hour limit applies again, and a hold still held is late. "
            "Empty when the agreement is open-ended or the hold never moved; a file without the column has no end.",
            since=2,
        ),
        Column(
            "interpreter",
            "string",
            True,
            "The interpreter annotated on the warrant when one was used (WSO-INTERPRETER): the name, or a stable "
            "pseudonym (`wso custody export` without --identified); empty if none.",
            since=2,
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
        Column(
            "agency_kind",
            "string",
            True,
            "The agency's kind, for state laws that bind some kinds only; empty: county.",
            AGENCY_KINDS,
            since=2,
        ),
        Column(
            "signed_on",
            "date",
            True,
            "The day the agreement was signed, for state-law grace periods; empty: in_force_from.",
            since=2,
        ),
        Column(
            "moa_template",
            "string",
            True,
            "The MOA template the agreement follows (the citizenship report's words differ); empty: 2025.",
            MOA_TEMPLATES,
            since=2,
        ),
    ),
)

COMPLAINTS = Table(
    name="complaints",
    description="One row per complaint about a participating officer, reported to ICE within 48 hours excluding "
    "weekends (WSO-COMPLAINT-48H). Optional.",
    columns=(
        Column("complaint_id", "string", False, "Identifier of the complaint, unique in the file."),
        Column("agency_id", "string", False, "Agency whose officer the complaint is about."),
        Column("facility_tz", "string", False, "IANA time zone in which the weekends are counted."),
        Column("received_at", "timestamp", False, "When the agency received the complaint."),
        Column("reported_at", "timestamp", True, "When it was reported to ICE; empty if never."),
    ),
    optional=True,
    since=2,
)

TABLES: tuple[Table, ...] = (HOLDS, OFFICERS, AGREEMENTS)
"""The tables every directory of hold records has."""
OPTIONAL_TABLES: tuple[Table, ...] = (COMPLAINTS,)
ALL_TABLES: tuple[Table, ...] = TABLES + OPTIONAL_TABLES


def table(name: str) -> Table:
    """The table called ``name`` (holds, officers, agreements or complaints)."""
    for t in ALL_TABLES:
        if t.name == name:
            return t
    names = ", ".join(t.name for t in ALL_TABLES)
    raise KeyError(f"no table {name!r} in hold-record schema v{SCHEMA_VERSION}; tables: {names}")


def as_dict() -> dict[str, object]:
    """The schema as plain data (what ``wso audit schema --json`` prints)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tables": [
            {
                "name": t.name,
                "description": t.description,
                "optional": t.optional,
                "since": t.since,
                "columns": [
                    {
                        "name": c.name,
                        "type": c.type,
                        "nullable": c.nullable,
                        "description": c.description,
                        "since": c.since,
                        **({"values": list(c.values)} if c.values else {}),
                    }
                    for c in t.columns
                ],
            }
            for t in ALL_TABLES
        ],
    }
