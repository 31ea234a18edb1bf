"""What WSO costs a county, from hold records: the loaded `holds` as spans for `wso.program.cost` (issue 22).

The same definition as the ledger's `wso custody cost`, so the ledger's holds and their export give the same
hours. The records' times are the loader's whole UTC seconds. An I-200 or I-205 is a WSO hold, an I-247A a
detainer hold; a judicial warrant is no ICE hold and is set aside, counted. A file without the column
`detention_agreement_from` (a hold-record schema v1 file) says only whether an agreement covered the hold
(`detention_agreement`): such a hold moved onto it at the 48-hour point from the release
(`wso.program.cost.v1_agreement_from`). A file with the column is taken at its word (empty: never moved). Hours
from `detention_agreement_until` on (the agreement's cover ended) are unreimbursed again; a file without that
column has no end (as the audit's WSO-48H reads it).
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq

from wso.audit.load import Records
from wso.audit.mapping import Mapping
from wso.audit.rules import WSO_INSTRUMENTS
from wso.program import decision_second
from wso.program.cost import (
    CostReport,
    CostTally,
    Period,
    Rates,
    check_facility,
    custody_start,
    v1_agreement_from,
)

BATCH = 262_144
KINDS = {**dict.fromkeys(WSO_INSTRUMENTS, "wso"), "I-247A": "detainer"}
AGREEMENT_FROM = "detention_agreement_from"
AGREEMENT_UNTIL = "detention_agreement_until"


def file_columns(path: Path) -> set[str]:
    """The columns a holds file has, as written (Parquet's schema, or a CSV's header)."""
    if path.suffix.lower() == ".parquet":
        return set(pq.read_schema(path).names)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return {name.strip() for name in next(csv.reader(handle), [])}


def says_when_moved(records: Records, mapping: Mapping | None = None) -> bool:
    """Whether the holds file has `detention_agreement_from` (schema v2), under its mapped name or as a constant."""
    spec = (mapping or Mapping()).table("holds")
    if AGREEMENT_FROM in spec.constants:
        return True
    return spec.columns.get(AGREEMENT_FROM, AGREEMENT_FROM) in file_columns(records.files["holds"])


def _seconds_sql(column: str, present: set[str]) -> str:
    """A typed time column of the holds view as UTC epoch seconds; NULL when the view has no such column."""
    return f"CAST(epoch_us({column}) // 1000000 AS BIGINT)" if column in present else "NULL::BIGINT"


def records_cost(
    records: Records,
    as_of: datetime,
    *,
    facility: str | None = None,
    period: Period | None = None,
    rates: Rates | None = None,
    mapping: Mapping | None = None,
) -> CostReport:
    """The cost per facility and local month of the holds in `records` (or at `facility`), as of `as_of`.
    `mapping`: the one the records were loaded with (to tell whether the file says when a hold moved).

    Raises `wso.program.cost.CostInputError` for a facility the records do not have."""
    con = records.con
    check_facility(facility, (str(r[0]) for r in con.execute("SELECT DISTINCT facility_id FROM holds").fetchall()))
    present = {str(row[0]) for row in con.execute("DESCRIBE holds").fetchall()}
    derive = not says_when_moved(records, mapping)
    where = "" if facility is None else "WHERE facility_id = $facility"
    cursor = con.execute(
        "SELECT record_id, facility_id, facility_tz, instrument, "
        f"{_seconds_sql('served_at', present)}, {_seconds_sql('scheduled_release_at', present)}, "
        f"{_seconds_sql('criminal_release_at', present)}, {_seconds_sql('ended_at', present)}, detention_agreement, "
        f"{_seconds_sql(AGREEMENT_FROM, present)}, {_seconds_sql(AGREEMENT_UNTIL, present)} FROM holds {where}",
        {} if facility is None else {"facility": facility},
    )
    tally = CostTally(as_of, period, rates)
    add = tally.add
    for batch in cursor.to_arrow_reader(BATCH):
        rows = zip(*(column.to_pylist() for column in batch.columns), strict=True)
        for record, place, tz, instrument, served, scheduled, actual, ended, covered, moved, until in rows:
            if derive and covered:
                release = scheduled if actual is None else actual
                derived = v1_agreement_from(True, datetime.fromtimestamp(release, UTC))
                moved = None if derived is None else decision_second(derived)
            start = custody_start(served, scheduled, actual)
            add(record, place, tz, KINDS.get(instrument, instrument), start, ended, moved, until)
    return tally.report()
