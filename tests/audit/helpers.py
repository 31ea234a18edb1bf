"""Run the audit over hand-written records and look findings up by record and rule."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.audit.builders import AS_OF, write_records
from wso.audit import load_records, run_audit


def audit_rows(
    root: Path,
    holds: list[dict[str, Any]],
    officers: list[dict[str, Any]] | None = None,
    agreements: list[dict[str, Any]] | None = None,
    as_of: datetime = AS_OF,
) -> list[dict[str, Any]]:
    write_records(root, holds, officers, agreements)
    records = load_records(root)
    rows = run_audit(records, as_of).findings.to_pylist()
    for r in rows:
        r["evidence"] = json.loads(r["evidence"])
    return rows


def rules_of(rows: list[dict[str, Any]], record_id: str) -> set[str]:
    return {r["rule_id"] for r in rows if r["record_id"] == record_id}


def finding(rows: list[dict[str, Any]], record_id: str, rule_id: str) -> dict[str, Any]:
    matches = [r for r in rows if r["record_id"] == record_id and r["rule_id"] == rule_id]
    assert len(matches) == 1, f"{record_id} {rule_id}: {matches}"
    return matches[0]
