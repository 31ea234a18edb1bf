"""Bad input: a clear message naming file, column and first bad row, nothing written; --lenient sets rows aside."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tests.audit.builders import AS_OF, SERVED, hold, iso, write_records
from wso.audit import Mapping, RecordsError, audit_to_file, generate, load_records
from wso.cli.main import app

runner = CliRunner()


def _drop_column(path: Path, column: str) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    names = [n for n in rows[0] if n != column]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, names, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def _cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["audit", "run", *args, "--as-of", iso(AS_OF)])
    return result.exit_code, result.stderr + result.stdout


def _nothing_written(out: Path) -> None:
    """No output file, and no half-written temporary file beside it."""
    assert not out.exists()
    assert not out.parent.exists() or not any(out.parent.iterdir())


def test_a_missing_column_names_file_and_column(tmp_path: Path) -> None:
    root = write_records(tmp_path / "r", [hold("R1"), hold("R2")])
    _drop_column(root / "holds.csv", "served_at")
    with pytest.raises(RecordsError) as err:
        load_records(root)
    msg = str(err.value)
    assert str(root / "holds.csv") in msg and "'served_at'" in msg and "is missing" in msg
    out = tmp_path / "out" / "findings.json"
    with pytest.raises(RecordsError):
        audit_to_file(root, out, as_of=AS_OF, lenient=True)  # no row can be saved from a missing column
    _nothing_written(out)
    code, text = _cli(str(root), "--out", str(out))
    assert code == 2
    assert "holds.csv" in text and "served_at" in text and "is missing" in text
    _nothing_written(out)


def test_an_unparseable_time_names_the_first_bad_row(tmp_path: Path) -> None:
    root = write_records(
        tmp_path / "r",
        [hold("R1"), hold("R2", ice_notified_at="next Tuesday"), hold("R3", ended_at="2025-02-30T10:00:00Z")],
    )
    with pytest.raises(RecordsError) as err:
        load_records(root)
    msg = str(err.value)
    assert f"{root / 'holds.csv'}: column 'ice_notified_at'" in msg
    assert "row 2 (line 3): 'next Tuesday'" in msg and "nothing was written" in msg
    out = tmp_path / "out" / "findings.csv"
    code, text = _cli(str(root), "--out", str(out), "--format", "csv")
    assert code == 2 and "row 2 (line 3)" in text and "'next Tuesday'" in text
    _nothing_written(out)


def test_a_wrong_type_in_a_text_file_and_in_a_typed_file(tmp_path: Path) -> None:
    root = write_records(tmp_path / "csv", [hold("R1"), hold("R2"), hold("R3", served_inside_facility="maybe")])
    with pytest.raises(RecordsError, match=r"'served_inside_facility'.*row 3 \(line 4\): 'maybe': expected true or"):
        load_records(root)
    # a Parquet column of the wrong type: every row is wrong; the message says so and shows row 1
    pq_root = tmp_path / "parquet"
    generate(pq_root, 20, seed=1)
    holds = pq.read_table(pq_root / "holds.parquet")
    at = holds.schema.get_field_index("served_at")
    holds = holds.set_column(at, "served_at", holds["served_at"].cast(pa.int64()))
    pq.write_table(holds, pq_root / "holds.parquet")
    with pytest.raises(RecordsError) as err:
        load_records(pq_root)
    msg = str(err.value)
    assert f"{pq_root / 'holds.parquet'}: column 'served_at'" in msg
    assert "has type BIGINT, not a time" in msg and "row 1 is '" in msg
    out = tmp_path / "out" / "report.html"
    code, text = _cli(str(pq_root), "--out", str(out), "--format", "html")
    assert code == 2 and "not a time" in text
    _nothing_written(out)


def test_a_line_with_the_wrong_number_of_fields(tmp_path: Path) -> None:
    root = write_records(tmp_path / "r", [hold("R1"), hold("R2")])
    lines = (root / "holds.csv").read_text(encoding="utf-8").splitlines()
    lines.insert(2, "RX,FL,an unquoted, comma")
    (root / "holds.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RecordsError, match=r"holds.csv: line 3: missing columns .*'RX,FL,an unquoted, comma'"):
        load_records(root)
    records = load_records(root, lenient=True)
    assert records.count("holds") == 2 and records.rejected == 1
    (rej,) = records.rejects
    assert rej.rows["row"].to_pylist() == [2] and "line 3" in rej.rows["reason"][0].as_py()


def test_lenient_sets_bad_rows_aside_counts_them_and_audits_the_rest(tmp_path: Path) -> None:
    root = write_records(
        tmp_path / "r",
        [
            hold("R1"),
            hold("BAD-TIME", ice_notified_at="soon"),
            hold("R3"),
            hold("BAD-CODE", instrument="I-999"),
            hold("LATE", ended_at=SERVED + timedelta(hours=50)),
        ],
    )
    out = tmp_path / "out" / "findings.json"
    run = audit_to_file(root, out, as_of=AS_OF, lenient=True)
    assert run.result.holds == 3 and run.summary["rejected_rows"] == 2
    rejects_file = out.with_name("findings.rejects.holds.csv")
    assert run.written == [out, rejects_file]
    rejected = pacsv.read_csv(rejects_file).to_pylist()
    assert [(r["row"], r["record_id"]) for r in rejected] == [(2, "BAD-TIME"), (4, "BAD-CODE")]
    assert rejected[0]["reason"].startswith("ice_notified_at: expected an ISO 8601 time")
    assert rejected[0]["ice_notified_at"] == "soon"  # the source value, as given
    assert rejected[1]["reason"].startswith("instrument: expected one of I-200, I-205, I-247A, judicial")
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["summary"]["rejected_rows"] == 2 and doc["summary"]["holds"] == 3
    assert [(f["record_id"], f["rule_id"]) for f in doc["findings"]] == [("LATE", "WSO-48H")]

    cli_out = tmp_path / "cli" / "findings.json"
    result = runner.invoke(app, ["audit", "run", str(root), "--out", str(cli_out), "--lenient", "--as-of", iso(AS_OF)])
    assert result.exit_code == 0, result.output
    assert "2 rows rejected" in result.stdout and "findings.rejects.holds.csv" in result.stdout
    assert cli_out.with_name("findings.rejects.holds.csv").read_text(encoding="utf-8") == rejects_file.read_text(
        encoding="utf-8"
    )


def test_bad_options_and_mapping_files_exit_2(tmp_path: Path) -> None:
    root = write_records(tmp_path / "r", [hold("R1")])
    out = tmp_path / "out" / "f.json"
    assert _cli(str(root), "--out", str(out), "--format", "xml")[0] == 2
    assert _cli(str(root), "--out", str(out), "--backend", "oracle")[0] == 2
    bad = runner.invoke(app, ["audit", "run", str(root), "--out", str(out), "--as-of", "2025-03-20T00:00:00"])
    assert bad.exit_code == 2 and "has no UTC offset" in bad.stderr
    mapping = tmp_path / "m.yaml"
    mapping.write_text("tables:\n  holds:\n    columns: {served: Served}\n", encoding="utf-8")
    code, text = _cli(str(root), "--out", str(out), "--mapping", str(mapping))
    assert code == 2 and "'served' is not a column of holds" in text
    code, text = _cli(str(tmp_path / "nowhere"), "--out", str(out))
    assert code == 2 and "not a directory" in text
    _nothing_written(out)


def test_an_unknown_time_zone_is_a_bad_value(tmp_path: Path) -> None:
    root = write_records(tmp_path / "r", [hold("R1"), hold("R2", facility_tz="America/Gotham")])
    with pytest.raises(RecordsError, match=r"'facility_tz'.*row 2 \(line 3\): 'America/Gotham': expected an IANA"):
        load_records(root)
    records = load_records(root, lenient=True)
    assert records.count("holds") == 1 and records.rejected == 1


@pytest.mark.parametrize("statistics", [True, False])
def test_a_missing_required_value_in_parquet_with_and_without_statistics(tmp_path: Path, statistics: bool) -> None:
    """The check skips only what the file's own statistics prove; a file without them is checked row by row."""
    generate(tmp_path, 50, seed=3)
    holds = pq.read_table(tmp_path / "holds.parquet")
    ids = holds["record_id"].to_pylist()
    ids[6] = None
    served = holds["served_at"].to_pylist()
    served[9] = None
    holds = holds.set_column(0, "record_id", pa.array(ids, pa.string()))
    at = holds.schema.get_field_index("served_at")
    holds = holds.set_column(at, "served_at", pa.array(served, holds.schema.field("served_at").type))
    pq.write_table(holds, tmp_path / "holds.parquet", write_statistics=statistics)
    with pytest.raises(RecordsError, match=r"holds.parquet: column 'record_id' \(holds.record_id\), row 7: empty"):
        load_records(tmp_path)
    records = load_records(tmp_path, lenient=True)
    assert records.count("holds") == 48
    assert records.rejects[0].rows["row"].to_pylist() == [7, 10]


def test_an_unknown_zone_under_time_zone_facility(tmp_path: Path) -> None:
    """Local times read in each row's own zone: a row whose zone is unknown is reported, not a crash."""
    root = write_records(tmp_path / "r", [hold("R1"), hold("R2", facility_tz="America/Gotham")])
    holds = root / "holds.csv"
    holds.write_text(holds.read_text(encoding="utf-8").replace("Z,", ","), encoding="utf-8")  # local, no offsets
    with pytest.raises(RecordsError, match=r"'facility_tz'.*row 2 \(line 3\): 'America/Gotham'"):
        load_records(root, Mapping(time_zone="facility"))
    records = load_records(root, Mapping(time_zone="facility"), lenient=True)
    assert records.count("holds") == 1 and records.rejected == 1
