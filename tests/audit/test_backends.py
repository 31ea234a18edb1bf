"""The same Ibis expressions on other engines give the very same findings: PySpark (local mode), PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv
import pytest
from sqlalchemy.engine import make_url

from tests.audit.builders import AS_OF as HAND_AS_OF
from tests.audit.builders import SERVED, agreement, hold, officer, write_records
from tests.conftest import POSTGRES_URL, require_postgres
from wso.audit import BackendError, load_records, run_audit
from wso.audit.synth import AS_OF

H = timedelta(hours=1)


def _pairs(table: Any) -> set[tuple[str, str]]:
    return set(zip(table["record_id"].to_pylist(), table["rule_id"].to_pylist(), strict=True))


@pytest.mark.spark
@pytest.mark.slow
def test_pyspark_and_duckdb_give_identical_findings(synth_dir: Path, spark: Any) -> None:
    on_duckdb = run_audit(load_records(synth_dir), AS_OF, "duckdb")
    on_spark = run_audit(load_records(synth_dir), AS_OF, "pyspark", spark=spark)
    assert on_spark.backend == "pyspark" and on_spark.holds == on_duckdb.holds == 3000
    assert on_duckdb.findings.num_rows > 300
    # byte for byte: the same rows, rule ids, severities, citations and evidence, in the same order
    assert on_spark.findings.equals(on_duckdb.findings)
    key = _pairs(pacsv.read_csv(synth_dir / "answer_key.csv"))
    assert _pairs(on_spark.findings) == key
    # every rule was planted, so every rule ran on Spark
    assert {rule for _, rule in key} == set(on_spark.findings["rule_id"].to_pylist())


def _ibis_postgres_url() -> str:
    url = make_url(POSTGRES_URL)
    auth = url.username or "postgres"
    if url.password:
        auth += f":{url.password}"
    return f"postgres://{auth}@{url.host or '127.0.0.1'}:{url.port or 5432}/{url.database}"


@pytest.mark.postgres
def test_any_other_ibis_backend_by_url_postgres(tmp_path: Path, synth_dir: Path) -> None:
    require_postgres()
    url = _ibis_postgres_url()
    on_duckdb = run_audit(load_records(synth_dir), AS_OF)
    on_pg = run_audit(load_records(synth_dir), AS_OF, url)
    assert on_pg.findings.equals(on_duckdb.findings)
    # hand-written edge cases too: an open hold past its deadline, a detainer over a DST weekend, a lapsed officer
    friday = datetime(2025, 3, 7, 20, 0, tzinfo=UTC)
    root = write_records(
        tmp_path / "edge",
        [
            hold("OPEN", ended_at=None, end_reason=None),
            hold("DET", instrument="I-247A", officer_id=None, served_at=friday, ended_at=friday + timedelta(hours=60)),
            hold("LAPSED", officer_id="OLD"),
            # fractions of a second: truncated on load, so no engine rounds 47:59:59.6 up to 48:00:00 and over
            hold("FRACTION", served_at=SERVED + timedelta(microseconds=400_000), ended_at=SERVED + 48 * H),
            hold("FRACTION-2", served_at=SERVED, ended_at=SERVED + 48 * H + timedelta(microseconds=600_000)),
        ],
        officers=[officer("OF-1"), officer("OLD", authorized_until=SERVED - timedelta(days=1))],
        agreements=[agreement()],
    )
    a = run_audit(load_records(root), HAND_AS_OF).findings
    b = run_audit(load_records(root), HAND_AS_OF, url).findings
    assert {r["record_id"] for r in a.to_pylist()} == {"OPEN", "DET", "LAPSED"}
    assert b.equals(a)


def test_an_unreachable_backend_is_a_clear_error(synth_dir: Path) -> None:
    with pytest.raises(BackendError, match="postgres: cannot connect"):
        run_audit(load_records(synth_dir), AS_OF, "postgres://nobody@127.0.0.1:1/none")
    with pytest.raises(BackendError, match="unknown backend 'oracle'"):
        run_audit(load_records(synth_dir), AS_OF, "oracle")


def test_many_agreements_are_joined_and_give_the_same_findings(
    synth_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wso.audit import engine

    inline = run_audit(load_records(synth_dir), AS_OF).findings
    monkeypatch.setattr(engine, "INLINE_AGREEMENTS", 0)  # as if there were more agreements than are inlined
    records = load_records(synth_dir)
    assert engine._agreement_windows(records) is None
    joined = run_audit(records, AS_OF).findings
    assert "WSO-AGREEMENT-IN-FORCE" in joined["rule_id"].to_pylist()
    assert joined.equals(inline)
