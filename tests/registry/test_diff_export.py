"""Diffs between real snapshots, and exports that round-trip (all 42 files ingested once per engine)."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from tests.conftest import SHEETS
from tests.registry.conftest import INGESTED_AT, sheet
from wso import registry
from wso.clock import FixedClock
from wso.registry.export import TABLES, export, table_rows
from wso.store import Database


def test_diff_between_the_two_files_named_07032025pm(loaded: Database) -> None:
    with loaded.session() as s:
        result = registry.diff(s, "2025-07-03pm", "2025-07-03pm#2")
    assert (result.old, result.new) == ("2025-07-03pm", "2025-07-03pm#2")
    assert len(result.added) - len(result.removed) == 777 - 753
    assert all(c.model in ("TFM", "JEM", "WSO") for c in result.added)


def test_diffs_in_one_session_follow_an_ingest_in_it(db: Database) -> None:
    """A session keeps the snapshots it has named and the listings it has read (the watcher compares a thousand
    publications in one); an ingest in the same session makes it read them anew."""
    clock = FixedClock(INGESTED_AT)
    with db.session() as s:
        registry.ingest(s, [SHEETS / "20250519T024922Z"], clock=clock)
        registry.ingest(s, [SHEETS / "20250627T151725Z"], clock=clock)
        first = registry.diff(s, "2025-05-16am", "2025-06-27am")
        assert registry.diff(s, "2025-05-16am", "2025-06-27am") == first
        with pytest.raises(registry.UnknownSnapshot):
            registry.diff(s, "2025-06-27am", "2025-07-03pm")
        registry.ingest(s, [SHEETS / "20250704T151659Z"], clock=clock)
        later = registry.diff(s, "2025-06-27am", "2025-07-03pm")
        sha = next(e.sha256 for e in registry.timeline(s) if e.label == "2025-07-03pm" and e.kind == "participating")
        assert registry.diff(s, "2025-06-27am", sha) == later
    with db.session() as s:
        assert registry.diff(s, "2025-05-16am", "2025-06-27am") == first
        assert registry.diff(s, "2025-06-27am", "2025-07-03pm") == later
    assert later.added or later.removed or later.changed


def test_diff_by_path_and_hash_and_label_agree(loaded: Database) -> None:
    old = sheet("20250627T151725Z", "participatingAgencies06272025am.xlsx")
    with loaded.session() as s:
        by_label = registry.diff(s, "2025-06-27am", "2025-07-01pm")
        by_path = registry.diff(s, str(old), "2025-07-01pm")
        sha = next(e.sha256 for e in registry.timeline(s) if e.label == "2025-07-01pm" and e.kind == "participating")
        by_hash = registry.diff(s, "2025-06-27am", sha[:12])
    assert by_label == by_path == by_hash
    assert len(by_label.added) >= 7  # 737 -> 744 rows
    changed_fields = {f for c in by_label.changed for f in c.fields}
    assert changed_fields <= {"name", "kind", "county", "moa_text", "moa_url", "addendum_url", "signed"}


def test_diff_of_pending_lists(loaded: Database) -> None:
    with loaded.session() as s:
        result = registry.diff(s, "pending:2025-05-15am", "pending:2025-05-19am")
    assert result.added or result.removed


def test_diff_names_an_unknown_snapshot(loaded: Database) -> None:
    with loaded.session() as s, pytest.raises(registry.UnknownSnapshot, match="2024-01-01am"):
        registry.diff(s, "2024-01-01am", "2025-07-01pm")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_export_round_trips(loaded: Database, tmp_path: Path, fmt: str) -> None:
    with loaded.session() as s:
        files = export(s, fmt, tmp_path / fmt)
        expected = {name: table_rows(s, name) for name in TABLES}
    assert [f.name for f in files] == [f"{name}.{fmt}" for name in TABLES]
    for name, rows in expected.items():
        path = tmp_path / fmt / f"{name}.{fmt}"
        if fmt == "csv":
            with path.open(newline="", encoding="utf-8") as handle:
                got = [{k: (v if v != "" else None) for k, v in r.items()} for r in csv.DictReader(handle)]
            want = [{k: None if v is None else str(_plain(v)) for k, v in r.items()} for r in rows]
        elif fmt == "json":
            got = json.loads(path.read_text(encoding="utf-8"))
            want = [{k: _plain(v) for k, v in r.items()} for r in rows]
        else:
            got = pq.read_table(path).to_pylist()
            want = rows
        assert got == want, name
    assert len(expected["rows"]) == 13768
    assert len(expected["listings"]) == sum(1 for r in expected["rows"] if r["model"] is not None)


def test_export_rejects_an_unknown_format(loaded: Database, tmp_path: Path) -> None:
    with loaded.session() as s, pytest.raises(ValueError, match="xls"):
        export(s, "xls", tmp_path)
