"""Planted violations are found, and nothing else: precision and recall 1.0 over several seeds."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from wso.audit import PLANTED, load_records, run_audit
from wso.audit.synth import AS_OF, generate


def _pairs(table: object) -> set[tuple[str, str]]:
    t = table  # a pyarrow table with record_id and rule_id
    return set(zip(t["record_id"].to_pylist(), t["rule_id"].to_pylist(), strict=True))  # type: ignore[index]


def _check(out: Path) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    records = load_records(out)
    found = _pairs(run_audit(records, AS_OF).findings)
    key = _pairs(pacsv.read_csv(out / "answer_key.csv"))
    return found, key


@pytest.mark.parametrize("seed", [1, 2, 3, 20261123])
def test_every_planted_violation_is_found_and_nothing_else(tmp_path: Path, seed: int) -> None:
    generate(tmp_path, 4000, seed=seed, violation_rate=0.12)
    found, key = _check(tmp_path)
    missed = Counter(rule for _, rule in key - found)
    extra = Counter(rule for _, rule in found - key)
    assert not missed, f"recall < 1: missed {missed}"
    assert not extra, f"precision < 1: extra {extra}"
    # every kind of problem was planted at least once, so each rule was exercised
    assert {rule for _, rule in key} == set(PLANTED)


def test_a_larger_run_with_many_plants_is_exact(tmp_path: Path) -> None:
    """Enough plants that rare placements (a future time planted on the period's first day) occur."""
    generate(tmp_path, 30_000, seed=7, violation_rate=0.5)
    found, key = _check(tmp_path)
    assert len(key) > 14_000
    assert found == key


def test_csv_output_of_the_generator_audits_the_same(tmp_path: Path) -> None:
    generate(tmp_path / "p", 1500, seed=5, violation_rate=0.2)
    generate(tmp_path / "c", 1500, seed=5, violation_rate=0.2, file_format="csv")
    a = run_audit(load_records(tmp_path / "p"), AS_OF).findings
    b = run_audit(load_records(tmp_path / "c"), AS_OF).findings
    assert a.num_rows > 100
    assert a.equals(b)


def test_generation_is_reproducible_and_realistic(tmp_path: Path) -> None:
    generate(tmp_path / "a", 5000, seed=9, violation_rate=0.0)
    generate(tmp_path / "b", 5000, seed=9, violation_rate=0.0)
    a = pq.read_table(tmp_path / "a" / "holds.parquet")
    assert a.equals(pq.read_table(tmp_path / "b" / "holds.parquet"))
    assert len(set(a["record_id"].to_pylist())) == 5000
    hours = [
        (e - s).total_seconds() / 3600
        for s, e in zip(a["served_at"].to_pylist(), a["ended_at"].to_pylist(), strict=True)
        if e is not None
    ]
    within_day = sum(h <= 24 for h in hours) / len(hours)
    assert 0.6 < within_day < 0.95  # most holds end within a day
    reasons = Counter(a["end_reason"].to_pylist())
    assert reasons.most_common(1)[0][0] == "transferred"
    found, key = _check(tmp_path / "a")
    assert not key and not found  # a lawful world audits clean


def test_zero_holds(tmp_path: Path) -> None:
    generate(tmp_path, 0, seed=1)
    found, key = _check(tmp_path)
    assert found == key == set()
