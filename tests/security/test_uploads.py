"""Findings 1 and 10 of issue 18: an upload made to exhaust memory (a small Parquet file of millions of rows, a
huge CSV read whole), and an audit upload's refusal that named the server's temporary folder."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import sign_in
from wso.audit import generate
from wso.clock import FixedClock
from wso.settings import Settings
from wso.store import Database
from wso.web.app import create_app
from wso.web.auditupload import Upload, UploadError, audit_upload, scrub_paths

MAX_ROWS = 400


@pytest.fixture
def small(sqlite_db: Database, clock: FixedClock, users: dict[str, str], tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path / "data", console_audit_max_rows=MAX_ROWS, max_request_bytes=2_000_000)
    with TestClient(create_app(settings, sqlite_db, clock), follow_redirects=False) as c:
        yield c


def _files(folder: Path, fmt: str) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [
        ("files", (f"{t}.{fmt}", (folder / f"{t}.{fmt}").read_bytes(), "application/octet-stream"))
        for t in ("holds", "officers", "agreements")
    ]


def bomb(rows: int) -> bytes:
    """A holds.parquet of one row repeated: tiny on the wire, `rows` rows once read."""
    table = pa.table({"record_id": pa.array(["r-1"] * rows), "agency_id": pa.array(["a"] * rows)})
    out = io.BytesIO()
    pq.write_table(table, out, compression="zstd")
    return out.getvalue()


def test_a_parquet_bomb_is_refused_from_its_footer(small: TestClient) -> None:
    csrf = sign_in(small, "auditor")
    data = bomb(200_000)
    assert len(data) < 20_000
    files = [("files", ("holds.parquet", data, "application/octet-stream"))]
    api = small.post("/api/console/audit", files=files, headers={"X-CSRF-Token": csrf})
    assert api.status_code == 400
    assert "200,000 rows" in api.json()["detail"] and "WSO_CONSOLE_AUDIT_MAX_ROWS" in api.json()["detail"]
    page = small.post("/console/audit", data={"csrf_token": csrf}, files=files)
    assert page.status_code == 400 and "wso audit run" in page.text


def test_a_csv_over_the_row_limit_is_refused(small: TestClient, tmp_path: Path) -> None:
    generate(tmp_path, MAX_ROWS + 50, seed=3, file_format="csv")
    csrf = sign_in(small, "auditor")
    answer = small.post("/api/console/audit", files=_files(tmp_path, "csv"), headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 400 and "more than 400 rows" in answer.json()["detail"]


def test_an_audit_within_the_limits_runs(small: TestClient, tmp_path: Path) -> None:
    generate(tmp_path, MAX_ROWS, seed=3, file_format="parquet")
    csrf = sign_in(small, "auditor")
    answer = small.post("/api/console/audit", files=_files(tmp_path, "parquet"), headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 200 and answer.json()["summary"]["holds"] == MAX_ROWS


def test_a_body_over_the_limit_is_refused_before_it_is_read(small: TestClient) -> None:
    csrf = sign_in(small, "auditor")
    files = [("files", ("holds.csv", b"x" * 2_100_000, "text/csv"))]
    answer = small.post("/api/console/audit", files=files, headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 413 and "larger than the server accepts" in answer.json()["detail"]


def test_a_chunked_body_over_the_limit_is_cut_off(small: TestClient) -> None:
    sign_in(small, "auditor")

    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"y" * 100_000

    answer = small.post("/api/console/me", content=chunks(), headers={"content-type": "application/octet-stream"})
    assert answer.status_code in (405, 413)  # a GET route: refused one way or the other, never read whole
    answer = small.post(
        "/api/console/audit", content=chunks(), headers={"content-type": "multipart/form-data; boundary=x"}
    )
    assert answer.status_code == 413


def test_an_upload_is_streamed_not_read_whole(tmp_path: Path) -> None:
    class OnlyChunks(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            assert size is not None and 0 < size <= 1024 * 1024, "read whole"
            return super().read(size)

    generate(tmp_path, 20, seed=3, file_format="csv")
    uploads = [
        Upload(f"{t}.csv", OnlyChunks((tmp_path / f"{t}.csv").read_bytes()))
        for t in ("holds", "officers", "agreements")
    ]
    from datetime import UTC, datetime

    report = audit_upload(uploads, datetime(2026, 1, 1, tzinfo=UTC), max_rows=10_000)
    assert report.summary["holds"] == 20


def test_refusals_name_no_server_path(small: TestClient, tmp_path: Path) -> None:
    csrf = sign_in(small, "auditor")
    generate(tmp_path, 10, seed=3, file_format="csv")
    only_officers = [("files", ("officers.csv", (tmp_path / "officers.csv").read_bytes(), "text/csv"))]
    holds_only = [("files", ("holds.csv", (tmp_path / "holds.csv").read_bytes(), "text/csv"))]
    for files in (only_officers, holds_only, [("files", ("holds.parquet", b"PAR1 not parquet", "x"))]):
        answer = small.post("/api/console/audit", files=files, headers={"X-CSRF-Token": csrf})
        assert answer.status_code == 400, answer.text
        detail = answer.json()["detail"]
        assert "/tmp" not in detail and "wso-web-audit" not in detail and str(tmp_path) not in detail, detail


def test_scrub_paths_keeps_file_names() -> None:
    said = "/tmp/wso-web-audit-x1: no officers.parquet; /tmp/wso-web-audit-x1/holds.csv row 3; /srv/wso/data/k.key"
    assert scrub_paths(said, "/tmp/wso-web-audit-x1") == (
        "the uploaded files: no officers.parquet; holds.csv row 3; k.key"
    )
    with pytest.raises(UploadError, match="no holds file"):
        audit_upload([], __import__("datetime").datetime(2026, 1, 1, tzinfo=__import__("datetime").UTC))


def test_rows_are_counted_whatever_ends_the_lines(tmp_path: Path) -> None:
    from wso.web.auditupload import count_rows

    for ending in (b"\n", b"\r\n", b"\r"):
        path = tmp_path / "holds.csv"
        path.write_bytes(b"record_id" + ending + ending.join(b"r%d" % i for i in range(50)) + ending)
        assert count_rows(path, 1000) == 50, ending
        path.write_bytes(b"record_id" + ending + ending.join(b"r%d" % i for i in range(50)))  # no final line end
        assert count_rows(path, 1000) == 50, ending
