"""Export the ledger as hold-record schema v2 (`wso.program.hold_records`): holds, officers, agreements, complaints.

By default personal data never leaves: `record_id`, `person_ref` and `interpreter` (a person's name) are stable
HMAC-SHA256 pseudonyms under a key (WSO_CUSTODY_PSEUDONYM_KEY, else a random key created once in
WSO_DATA_DIR/custody-pseudonym.key), so two exports with the same key agree and no one without the key can link
them back. `identified=True` writes the hold ids, the interpreters' names and a fifth file, persons.csv
(person_ref, booking, name, date of birth, A-number), for the jail's own use only.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import secrets
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from wso.custody import agreements, detention
from wso.custody.agreements import hand_entered
from wso.custody.models import Agency, Booking, Complaint, Facility, Hold, Officer, OfficerEvent, Warrant
from wso.custody.policy import decision_second
from wso.program import hold_records as hr
from wso.settings import Settings

KEY_FILE = "custody-pseudonym.key"

# The columns are `wso.program.hold_records`' (schema v2), column for column and in its order: each row is built
# as a dict by column name and written in the schema's order (a name the schema does not know is an error).
SCHEMA_VERSION = hr.SCHEMA_VERSION
HOLDS_COLUMNS = hr.HOLDS.column_names
OFFICERS_COLUMNS = hr.OFFICERS.column_names
AGREEMENTS_COLUMNS = hr.AGREEMENTS.column_names


@dataclass(frozen=True)
class Schema:
    version: int
    holds: tuple[str, ...]
    officers: tuple[str, ...]
    agreements: tuple[str, ...]


def schema() -> Schema:
    """The hold-record schema's columns the export writes (`wso.program.hold_records`)."""
    return Schema(SCHEMA_VERSION, HOLDS_COLUMNS, OFFICERS_COLUMNS, AGREEMENTS_COLUMNS)


def pseudonym_key(settings: Settings) -> bytes:
    if settings.custody_pseudonym_key:
        return settings.custody_pseudonym_key.encode("utf-8")
    path = settings.data_dir / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32) + "\n", encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip().encode("utf-8")


@dataclass(frozen=True)
class Pseudonyms:
    key: bytes

    def make(self, prefix: str, value: str) -> str:
        digest = hmac.new(self.key, f"{prefix}:{value}".encode(), hashlib.sha256).hexdigest()
        return f"{prefix}-{digest[:20]}"


def _ts(value: datetime | None) -> str:
    return "" if value is None else value.isoformat()


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _interpreter(name: str | None, names: Pseudonyms, identified: bool) -> str:
    """The interpreter annotated on the warrant: the name in the identified export; else a stable pseudonym (the
    interpreter is a person: no name leaves by default), so that an audit still sees one was used, and which."""
    if not name:
        return ""
    return name if identified else names.make("i", name)


def _person(booking: Booking) -> str:
    """Who the person is across bookings: the A-number when known, else the booking."""
    return f"a:{booking.a_number}" if booking.a_number else f"booking:{booking.id}"


@dataclass(frozen=True)
class ExportSummary:
    directory: str
    schema_version: int
    identified: bool
    files: dict[str, int]


def export_hold_records(
    session: Session, out: Path, key: bytes, *, identified: bool = False, as_of: datetime | None = None
) -> ExportSummary:
    """Write the hold records to `out`. `as_of` (the CLI passes now): an open WSO hold whose 48-hour point has
    passed by then at a facility whose detention agreement lifts the limit is exported as having moved onto it at
    that point, as the next command or sweep would record it (without `as_of`, only what is recorded)."""
    out.mkdir(parents=True, exist_ok=True)
    names = Pseudonyms(key)
    rows = session.execute(
        select(Hold, Warrant, Booking, Facility, Agency)
        .join(Warrant, Warrant.id == Hold.warrant_id)
        .join(Booking, Booking.id == Hold.booking_id)
        .join(Facility, Facility.id == Hold.facility_id)
        .join(Agency, Agency.id == Hold.agency_id)
        .order_by(Hold.opened_at, Hold.id)
    ).all()
    holds: list[list[str]] = []
    persons: dict[str, list[str]] = {}
    for hold, warrant, booking, facility, agency in rows:
        person_ref = names.make("p", _person(booking))
        covered = _covered(session, hold, facility, agency)
        moved = _moved_at(hold, covered, as_of)
        until = (
            detention.cover_until(session, facility, agency, agreements.agency_kind(session, agency), moved)
            if moved
            else None
        )
        holds.append(
            _ordered(
                hr.HOLDS,
                {
                    "record_id": hold.id if identified else names.make("r", hold.id),
                    "state": agency.state,
                    "agency_id": agency.id,
                    "agency_name": agency.name,
                    "facility_id": facility.id,
                    "facility_tz": facility.tz,
                    "instrument": warrant.form,
                    "officer_id": hold.officer_id or "",
                    "served_at": _ts(hold.opened_at),
                    "scheduled_release_at": _ts(booking.scheduled_release),
                    "criminal_release_at": _ts(booking.released_at),
                    # service outside the facility is refused (WSO-JAIL-ONLY), never recorded
                    "served_inside_facility": _bool(True),
                    "ice_notified_at": _ts(hold.ice_notified_at),
                    "citizenship_claim_at": _ts(hold.citizenship_claim_at),
                    "citizenship_reported_at": _ts(hold.citizenship_reported_at),
                    "detention_agreement": _bool(covered),
                    "detention_agreement_from": _ts(moved),
                    "detention_agreement_until": _ts(until),
                    # a person's name: kept only in the identified export; else a stable pseudonym
                    "interpreter": _interpreter(hold.interpreter, names, identified),
                    "ended_at": _ts(hold.ended_at),
                    "end_reason": hold.end_reason or "",
                    "person_ref": person_ref,
                },
            )
        )
        if identified:
            persons[person_ref] = [
                person_ref,
                booking.id,
                booking.person_name or "",
                booking.date_of_birth.isoformat() if booking.date_of_birth else "",
                booking.a_number or "",
            ]
    columns = schema()
    counts = {
        "holds.csv": _write(out / "holds.csv", columns.holds, holds),
        "officers.csv": _write(out / "officers.csv", columns.officers, officer_windows(session)),
        "agreements.csv": _write(out / "agreements.csv", columns.agreements, agreement_windows(session)),
        "complaints.csv": _write(out / "complaints.csv", hr.COMPLAINTS.column_names, complaint_rows(session)),
    }
    if identified:
        header = ("person_ref", "booking_id", "name", "date_of_birth", "a_number")
        counts["persons.csv"] = _write(out / "persons.csv", header, persons.values())
    return ExportSummary(str(out), SCHEMA_VERSION, identified, counts)


def _covered(session: Session, hold: Hold, facility: Facility, agency: Agency) -> bool:
    """`detention_agreement`: the hold moved onto a detention agreement, or it is a WSO hold still held (or held
    past its 48-hour point) at a facility whose agreement lifts the limit at that point: the limit does not apply
    to it. A hold that ended within its 48 hours never needed an agreement: false."""
    if hold.detention_agreement_from is not None:
        return True
    if hold.kind != "wso" or hold.deadline is None:
        return False
    if hold.ended_at is not None and decision_second(hold.ended_at) <= decision_second(hold.deadline):
        return False
    day = hold.deadline.astimezone(zoneinfo.ZoneInfo(facility.tz)).date()
    answer = detention.cover(session, facility.id, agency, agreements.agency_kind(session, agency), day)
    return answer is not None and answer.lifts


def _moved_at(hold: Hold, covered: bool, as_of: datetime | None) -> datetime | None:
    """When the hold moved onto its detention agreement: as recorded, or (`as_of` given) the 48-hour point of an
    open covered hold that has passed it but that no command or sweep has touched since."""
    if hold.detention_agreement_from is not None or as_of is None:
        return hold.detention_agreement_from
    if (
        covered
        and hold.status == "open"
        and hold.deadline is not None
        and decision_second(hold.deadline) <= decision_second(as_of)
    ):
        return hold.deadline
    return None


def complaint_rows(session: Session) -> list[list[str]]:
    """One row per complaint about an officer (hold-record schema v2's optional `complaints`)."""
    rows = session.execute(
        select(Complaint, Facility.tz).join(Facility, Facility.id == Complaint.facility_id).order_by(Complaint.id)
    ).all()
    return [
        _ordered(
            hr.COMPLAINTS,
            {
                "complaint_id": complaint.id,
                "agency_id": complaint.agency_id,
                "facility_tz": tz,
                "received_at": _ts(complaint.received_at),
                "reported_at": _ts(complaint.reported_at),
            },
        )
        for complaint, tz in rows
    ]


def officer_windows(session: Session) -> list[list[str]]:
    """One row per authorization window, from the officers' event history."""
    out: list[list[str]] = []
    officers = {o.id: o.agency_id for o in session.execute(select(Officer)).scalars()}
    opened: dict[str, datetime] = {}
    events = session.execute(
        select(OfficerEvent)
        .where(OfficerEvent.kind.in_(("authorized", "withdrawn")))
        .order_by(OfficerEvent.officer_id, OfficerEvent.seq)
    ).scalars()
    for event in events:
        if event.kind == "authorized":
            opened[event.officer_id] = event.occurred_at
        elif event.officer_id in opened:
            start = opened.pop(event.officer_id)
            out.append([event.officer_id, officers[event.officer_id], _ts(start), _ts(event.occurred_at)])
    for officer_id, start in opened.items():
        out.append([officer_id, officers[officer_id], _ts(start), ""])
    return sorted(out)


def agreement_windows(session: Session) -> list[list[str]]:
    out: list[list[str]] = []
    for agency in session.execute(select(Agency).order_by(Agency.id)).scalars():
        for row in sorted(hand_entered(session, agency.id), key=lambda r: (r.model, r.signed)):
            last_day: date | None = row.ended - timedelta(days=1) if row.ended else None
            values = {
                "agency_id": agency.id,
                "state": agency.state,
                "model": row.model,
                "in_force_from": row.signed.isoformat(),
                "in_force_until": last_day.isoformat() if last_day else "",
                "agency_kind": agency.kind or "",
                "signed_on": row.signed.isoformat(),
                "moa_template": row.moa_template or "",
            }
            out.append(_ordered(hr.AGREEMENTS, values))
        # an agency that serves under the registry's listing (no agreement of that model entered): its windows
        kind = agreements.agency_kind(session, agency)
        for model, first, last, signed in agreements.registry_windows(session, agency.id):
            values = {
                "agency_id": agency.id,
                "state": agency.state,
                "model": model,
                "in_force_from": first.isoformat(),
                "in_force_until": last.isoformat() if last else "",
                "agency_kind": kind,
                "signed_on": signed.isoformat(),
                "moa_template": "",
            }
            out.append(_ordered(hr.AGREEMENTS, values))
    return out


def _ordered(table: hr.Table, values: dict[str, str]) -> list[str]:
    """`values` in the schema's column order; every column must be given, and no other."""
    if set(values) != set(table.column_names):
        odd = sorted(set(values) ^ set(table.column_names))
        raise RuntimeError(f"export of {table.name}: columns {odd} differ from hold-record schema v{SCHEMA_VERSION}")
    return [values[name] for name in table.column_names]


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count
