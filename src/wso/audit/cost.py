"""What WSO costs a county, from hold records: the loaded `holds` as spans for `wso.program.cost` (issue 22).

The same definition as the ledger's `wso custody cost`, so the ledger's holds and their export give the same
hours. The records' times are the loader's whole UTC seconds (`served_s`, `release_s`, `ended_s`). An I-200 or
I-205 is a WSO hold, an I-247A a detainer hold; a judicial warrant is no ICE hold and is set aside, counted.
Records without `detention_agreement_from` (hold-record schema v1) move onto the agreement at the 48-hour point
from the release when `detention_agreement` is true (`wso.program.cost.v1_agreement_from`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from wso.audit.load import Records
from wso.audit.rules import WSO_INSTRUMENTS
from wso.program.cost import (
    CostReport,
    CostTally,
    Period,
    Rates,
    check_facility,
    custody_start,
    seconds,
    v1_agreement_from,
)

BATCH = 262_144
KINDS = {**dict.fromkeys(WSO_INSTRUMENTS, "wso"), "I-247A": "detainer"}


def _columns(records: Records) -> set[str]:
    return {row[0] for row in records.con.execute("DESCRIBE holds").fetchall()}


def agreement_from_sql(columns: set[str]) -> str:
    """The SQL for when a hold moved onto a detention agreement, as UTC epoch seconds; NULL where the records do
    not say (schema v1: derived from `detention_agreement` in Python, see `records_cost`)."""
    if "detention_agreement_from" in columns:
        return "CAST(epoch_us(detention_agreement_from) // 1000000 AS BIGINT)"
    return "NULL::BIGINT"


def records_cost(
    records: Records,
    as_of: datetime,
    *,
    facility: str | None = None,
    period: Period | None = None,
    rates: Rates | None = None,
) -> CostReport:
    """The cost per facility and local month of the holds in `records` (or at `facility`), as of `as_of`.

    Raises `wso.program.cost.CostInputError` for a facility the records do not have."""
    con = records.con
    check_facility(facility, (str(r[0]) for r in con.execute("SELECT DISTINCT facility_id FROM holds").fetchall()))
    columns = _columns(records)
    v1 = "detention_agreement_from" not in columns
    where = "" if facility is None else "WHERE facility_id = $facility"
    cursor = con.execute(
        "SELECT record_id, facility_id, facility_tz, instrument, served_s, release_s, ended_s, detention_agreement, "
        f"{agreement_from_sql(columns)} FROM holds {where}",
        {} if facility is None else {"facility": facility},
    )
    tally = CostTally(as_of, period, rates)
    add = tally.add
    reader = cursor.to_arrow_reader(BATCH)
    for batch in reader:
        rows = zip(*(column.to_pylist() for column in batch.columns), strict=True)
        for record, place, tz, instrument, served, release, ended, covered, moved in rows:
            if v1 and covered:
                derived = v1_agreement_from(True, datetime.fromtimestamp(release, UTC))
                moved = None if derived is None else seconds(derived)
            add(record, place, tz, KINDS.get(instrument, instrument), custody_start(served, release), ended, moved)
    return tally.report()
