"""Summaries of findings: by rule, by agency, by facility (with the number of holds audited there)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from wso.audit import duck, facts
from wso.audit.engine import AuditResult
from wso.audit.load import Records


def hold_counts(records: Records) -> pa.Table:
    """Holds audited per state, agency and facility. On a cursor of its own (a connection to the same database), so
    that it may run in a thread while the engine uses the records' connection (``audit_to_file`` does)."""
    cur = duck.cursor(records.con)
    try:
        return cur.execute(
            "SELECT state, agency_id, any_value(agency_name) AS agency_name, facility_id, count(*) AS holds "
            "FROM holds GROUP BY ALL ORDER BY agency_id, facility_id"
        ).to_arrow_table()
    finally:
        cur.close()


def summarize(result: AuditResult, counts: pa.Table) -> dict[str, Any]:
    con = duck.connect()
    # a few hundred thousand findings at most: one thread costs less than starting and joining one per core
    con.execute("SET threads = 1")
    con.register("f", result.findings)
    con.register("counts", counts)
    con.register("rule_info", facts.rule_table())

    def rows(sql: str) -> list[dict[str, Any]]:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    by_rule = rows(  # counted by rule id first: grouping by the titles and citations would hash their text per row
        "WITH x AS (SELECT rule_id, count(*) AS findings, count(DISTINCT record_id) AS records FROM f GROUP BY ALL) "
        "SELECT r.rule_id, r.title, r.rule_severity AS severity, r.citation, coalesce(x.findings, 0) AS findings, "
        "coalesce(x.records, 0) AS records FROM rule_info r LEFT JOIN x USING (rule_id) "
        "ORDER BY findings DESC, r.rule_id"
    )
    by_agency = rows(
        "WITH c AS (SELECT state, agency_id, any_value(agency_name) AS agency_name, sum(holds) AS holds "
        "FROM counts GROUP BY ALL), "
        "x AS (SELECT agency_id, count(*) AS findings, count(DISTINCT record_id) AS records, "
        "count(*) FILTER (WHERE severity = 'violation') AS violations, "
        "count(*) FILTER (WHERE severity = 'data') AS data_findings FROM f GROUP BY ALL) "
        "SELECT c.state, c.agency_id, c.agency_name, CAST(c.holds AS BIGINT) AS holds, "
        "coalesce(x.findings, 0) AS findings, coalesce(x.records, 0) AS records_with_findings, "
        "coalesce(x.violations, 0) AS violations, coalesce(x.data_findings, 0) AS data_findings "
        "FROM c LEFT JOIN x USING (agency_id) ORDER BY findings DESC, c.agency_id"
    )
    by_facility = rows(
        "WITH x AS (SELECT facility_id, count(*) AS findings, count(DISTINCT record_id) AS records, "
        "count(*) FILTER (WHERE severity = 'violation') AS violations FROM f GROUP BY ALL) "
        "SELECT c.state, c.agency_id, c.facility_id, c.holds, coalesce(x.findings, 0) AS findings, "
        "coalesce(x.records, 0) AS records_with_findings, coalesce(x.violations, 0) AS violations "
        "FROM counts c LEFT JOIN x USING (facility_id) ORDER BY findings DESC, c.facility_id"
    )
    by_agency_rule = rows(
        "SELECT agency_id, rule_id, count(*) AS findings FROM f GROUP BY ALL ORDER BY agency_id, rule_id"
    )
    by_severity = rows("SELECT severity, count(*) AS findings FROM f GROUP BY ALL ORDER BY severity")
    total_row = con.execute("SELECT count(*), count(DISTINCT record_id) FROM f").fetchone()
    con.close()
    assert total_row is not None
    return {
        "as_of": result.as_of.isoformat().replace("+00:00", "Z"),
        "backend": result.backend,
        "holds": result.holds,
        "rejected_rows": result.rejected,
        "findings": int(total_row[0]),
        "records_with_findings": int(total_row[1]),
        "by_severity": by_severity,
        "by_rule": by_rule,
        "by_agency": by_agency,
        "by_facility": by_facility,
        "by_agency_rule": by_agency_rule,
    }
