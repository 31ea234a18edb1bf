"""The conformance corpus: jail histories written from the MOA's words (``cases/NAME.jsonl``), each with the verdicts
it must produce (``cases/NAME.expected.json``): the ledger's refusals with their rule ids, its deadlines and alerts,
and the audit's findings on the exported records. Both engines run every case: the ledger on SQLite and on
PostgreSQL, the audit on DuckDB and (once per case) on PySpark; and what the ledger holds late or unlawful is
exactly what the audit finds.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conformance.harness import answered_findings, ledger_late, read_case, run_audit_of_export, run_ledger
from wso.store import Database, open_database

CASES = sorted((Path(__file__).parent / "cases").glob("*.jsonl"))


def _as_of(expected: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(expected["as_of"].replace("Z", "+00:00"))


def _findings(rows: list[dict[str, Any]]) -> list[list[str]]:
    return sorted([r["record_id"], r["rule_id"], r["severity"]] for r in rows)


def test_the_corpus_covers_every_decision() -> None:
    names = {p.stem for p in CASES}
    assert len(names) >= 12
    for path in CASES:
        text, expected = read_case(path)
        assert text.startswith("# "), f"{path.name}: first line says what the case shows"
        assert set(expected) == {"as_of", "refused", "deadlines", "alerts", "findings"}, path.name


@pytest.mark.parametrize("case", CASES, ids=[p.stem for p in CASES])
def test_the_ledger_and_the_duckdb_audit_give_the_cases_verdicts(db: Database, tmp_path: Path, case: Path) -> None:
    text, expected = read_case(case)
    as_of = _as_of(expected)
    ledger = run_ledger(db, text, as_of, case.name)
    assert [list(r) for r in ledger.refused] == expected["refused"], ledger.refused
    assert ledger.deadlines == expected["deadlines"]
    assert [list(a) for a in ledger.alerts] == expected["alerts"]
    rows = run_audit_of_export(db, tmp_path / "export", as_of)
    assert _findings(rows) == sorted(expected["findings"])
    # one decision, two engines: what the ledger holds late or unlawful is exactly what the audit finds
    assert ledger_late(db, as_of) == {(r, rule) for r, rule, _ in expected["findings"]}
    # and what its answers called late as it recorded each act is what the audit finds of those acts
    assert ledger.answered == answered_findings(rows)


@pytest.mark.spark
@pytest.mark.parametrize("case", CASES, ids=[p.stem for p in CASES])
def test_the_pyspark_audit_gives_the_same_findings(spark: Any, case: Path) -> None:
    text, expected = read_case(case)
    as_of = _as_of(expected)
    out = Path(tempfile.mkdtemp(prefix="wso-conf-"))
    db = open_database(f"sqlite:///{out / 'ledger.sqlite3'}")
    try:
        run_ledger(db, text, as_of, case.name)
        rows = run_audit_of_export(db, out / "export", as_of, "pyspark", spark)
    finally:
        db.dispose()
    assert _findings(rows) == sorted(expected["findings"])
