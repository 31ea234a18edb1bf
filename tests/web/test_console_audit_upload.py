"""The console's audit upload: any case of file names, other files ignored and listed, the as-of kept, every
finding paged through, downloads of the findings and the report, the result kept per session for an hour."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web.conftest import NOW, sign_in
from wso.audit import generate
from wso.clock import FixedClock
from wso.store import Database
from wso.web.auditstore import PAGE_SIZE, AuditStore, kept_file
from wso.web.auditupload import AuditDone, audit_upload, ignored_because

AS_OF = "2026-01-01T00:00:00Z"
TABLES = ("holds", "officers", "agreements")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder as `wso audit generate` writes it (with its answer key and synth.json), and a README."""
    out = tmp_path_factory.mktemp("records")
    generate(out, 400, seed=5, violation_rate=0.6, file_format="csv")
    (out / "README.md").write_text("Records produced under the public-records act.\n", encoding="utf-8")
    return out


def _files(folder: Path, names: dict[str, str] | None = None) -> list[tuple[str, tuple[str, bytes, str]]]:
    names = names or {p.name: p.name for p in sorted(folder.iterdir())}
    return [("files", (sent, (folder / name).read_bytes(), "application/octet-stream")) for name, sent in names.items()]


def _upload(client: TestClient, csrf: str, files: Any, **form: str) -> Any:
    return client.post("/console/audit", data={"csrf_token": csrf, "as_of": AS_OF, **form}, files=files)


def test_upper_case_file_names_are_accepted(client: TestClient, folder: Path) -> None:
    names = {"holds.csv": "HOLDS.CSV", "officers.csv": "Officers.Csv", "agreements.csv": "AGREEMENTS.csv"}
    csrf = sign_in(client, "auditor")
    sent = _upload(client, csrf, _files(folder, names))
    assert sent.status_code == 303 and sent.headers["location"] == "/console/audit"  # Post/Redirect/Get
    page = client.get("/console/audit")
    found = re.search(r'<h2 id="audit-summary">(\d+) holds', page.text)
    assert found and int(found.group(1)) == 400
    twice = [*_files(folder, names), ("files", ("holds.csv", (folder / "holds.csv").read_bytes(), "text/csv"))]
    refused = _upload(client, csrf, twice)
    assert refused.status_code == 400 and "uploaded twice" in refused.text


def test_files_the_audit_does_not_read_are_ignored_and_listed(client: TestClient, folder: Path) -> None:
    csrf = sign_in(client, "auditor")
    assert _upload(client, csrf, _files(folder)).status_code == 303
    page = client.get("/console/audit").text
    ignored = re.search(r'<section class="notice" id="audit-ignored">(.*?)</section>', page, flags=re.S)
    assert ignored, page[-2000:]
    listed = dict(re.findall(r"<li><code>([^<]+)</code>: ([^<]+)</li>", ignored.group(1)))
    assert set(listed) == {"answer_key.csv", "synth.json", "README.md"}
    assert "answer key" in listed["answer_key.csv"] and "not a table" in listed["README.md"]
    assert "not one of the audit&#39;s tables" in listed["synth.json"]
    assert "Read: holds, officers, agreements." in page
    api = client.post("/api/console/audit", files=_files(folder), headers={"X-CSRF-Token": csrf}).json()
    assert {i["name"] for i in api["ignored"]} == set(listed) and api["summary"]["holds"] == 400


def test_a_table_in_a_format_the_audit_cannot_read_is_refused_not_ignored() -> None:
    assert ignored_because("Holds.CSV") is None and ignored_because("complaints.parquet") is None
    with pytest.raises(ValueError, match=r"holds.xlsx: the holds table must be .csv or .parquet"):
        ignored_because("holds.xlsx")


def test_the_as_of_stays_in_the_form_after_the_upload_and_after_a_refusal(client: TestClient, folder: Path) -> None:
    csrf = sign_in(client, "auditor")
    _upload(client, csrf, _files(folder))
    assert f'name="as_of" value="{AS_OF}"' in client.get("/console/audit").text
    bad = {"csrf_token": csrf, "as_of": "2026-13-40"}
    refused = client.post("/console/audit", data=bad, files=_files(folder, {"holds.csv": "holds.csv"}))
    assert refused.status_code == 400 and 'name="as_of" value="2026-13-40"' in refused.text


def _all_pages(client: TestClient, rule: str | None = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    first = client.get("/api/console/audit", params={"rule": rule} if rule else {}).json()
    rows = list(first["findings"])
    for page in range(2, first["pages"] + 1):
        params: dict[str, Any] = {"page": page, **({"rule": rule} if rule else {})}
        rows += client.get("/api/console/audit", params=params).json()["findings"]
    return rows, first


def test_every_finding_is_paged_through_and_the_counts_by_rule_add_up(client: TestClient, folder: Path) -> None:
    csrf = sign_in(client, "auditor")
    _upload(client, csrf, _files(folder))
    rows, first = _all_pages(client)
    total = first["findings_total"]
    assert total > 2 * PAGE_SIZE, "the fixture should need several pages"
    assert len(rows) == total == first["summary"]["findings"] and first["pages"] == -(-total // PAGE_SIZE)
    assert len({(r["record_id"], r["rule_id"], str(r["evidence"])) for r in rows}) == total  # no page repeats
    by_rule = {r["rule_id"]: r["findings"] for r in first["summary"]["by_rule"]}
    assert sum(by_rule.values()) == total
    for rule, count in by_rule.items():
        if count:
            of_rule, answer = _all_pages(client, rule)
            assert len(of_rule) == count == answer["matching"] and {r["rule_id"] for r in of_rule} == {rule}
    # the page: the last page's rows, the totals row, a pager; a page past the last is a clear 404
    last = client.get(f"/console/audit?page={first['pages']}").text
    assert f"of {total} (page {first['pages']} of {first['pages']})" in last
    assert f'<td class="num" id="by-rule-total">{total}</td>' in last
    assert 'rel="prev"' in last and 'rel="next"' not in last
    beyond = client.get(f"/console/audit?page={first['pages'] + 1}", headers={"accept": "text/html"})
    assert beyond.status_code == 404 and f"the findings have {first['pages']} pages" in beyond.text
    assert client.get("/api/console/audit", params={"rule": "NO-SUCH"}).status_code == 400


def test_evidence_is_shown_as_labelled_fields(client: TestClient, folder: Path) -> None:
    csrf = sign_in(client, "auditor")
    _upload(client, csrf, _files(folder))
    page = client.get("/console/audit").text
    assert '<dl class="evidence"><dt>' in page and re.search(r"<dd>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC</dd>", page)
    assert "{&#39;" not in page and "{'" not in page  # no Python dict


def test_the_findings_and_the_report_download_in_four_formats(client: TestClient, folder: Path) -> None:
    csrf = sign_in(client, "auditor")
    _upload(client, csrf, _files(folder))
    total = client.get("/api/console/audit").json()["findings_total"]
    csv = client.get("/console/audit/findings.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.headers["content-disposition"].startswith('attachment; filename="audit-')
    assert pacsv.read_csv(io.BytesIO(csv.content)).num_rows == total
    parquet = client.get("/console/audit/findings.parquet")
    assert pq.read_table(io.BytesIO(parquet.content)).num_rows == total
    html = client.get("/console/audit/report.html")
    assert html.status_code == 200 and "<html" in html.text and 'id="cost"' not in html.text  # cost not asked
    pdf = client.get("/console/audit/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    assert client.get("/console/audit/report.exe", headers={"accept": "text/html"}).status_code == 404


def test_the_cost_is_tallied_only_when_asked(folder: Path) -> None:
    def done(with_cost: bool) -> AuditDone:
        from wso.web.auditupload import Upload

        uploads = [Upload(f"{t}.csv", (folder / f"{t}.csv").open("rb")) for t in TABLES]
        return audit_upload(uploads, datetime(2026, 1, 1, tzinfo=UTC), with_cost=with_cost)

    assert done(False).cost is None
    assert done(True).cost is not None


def test_the_report_carries_the_cost_when_asked(client: TestClient, folder: Path) -> None:
    csrf = sign_in(client, "auditor")
    _upload(client, csrf, _files(folder), cost="true")
    assert client.get("/api/console/audit").json()["cost"] is True
    assert 'id="cost"' in client.get("/console/audit/report.html").text


def test_a_result_is_kept_for_its_session_only(app: FastAPI, client: TestClient, folder: Path) -> None:
    csrf = sign_in(client, "auditor")
    _upload(client, csrf, _files(folder))
    with TestClient(app, follow_redirects=False) as other:
        sign_in(other, "clerk")
        assert 'id="audit-summary"' not in other.get("/console/audit").text
        assert other.get("/console/audit/findings.csv").status_code == 404
        assert other.get("/api/console/audit").status_code == 404
    assert client.get("/console/audit/findings.csv").status_code == 200


def test_a_result_is_kept_an_hour(client: TestClient, clock: FixedClock, folder: Path) -> None:
    csrf = sign_in(client, "auditor")
    _upload(client, csrf, _files(folder))
    for _ in range(2):  # the session stays alive (a request every 25 minutes), the result ages
        clock.advance(timedelta(minutes=25))
        assert 'id="audit-summary"' in client.get("/console/audit").text
    clock.advance(timedelta(minutes=11))
    assert 'id="audit-summary"' not in client.get("/console/audit").text
    assert client.get("/console/audit/report.html").status_code == 404


def test_the_findings_carry_no_person(client: TestClient, folder: Path) -> None:
    persons = {row["person_ref"] for row in pacsv.read_csv(folder / "holds.csv").to_pylist()}
    csrf = sign_in(client, "auditor")
    _upload(client, csrf, _files(folder))
    texts = [client.get(f"/console/audit?page={p}").text for p in (1, 2)]
    texts += [client.get("/console/audit/findings.csv").text, client.get("/console/audit/report.html").text]
    for text in texts:
        assert not [p for p in persons if p and p in text]


def test_the_store_is_bounded_in_bytes_and_replaces_a_sessions_last_result(folder: Path) -> None:
    from wso.web.auditupload import Upload

    uploads = [Upload(f"{t}.csv", (folder / f"{t}.csv").open("rb")) for t in TABLES]
    done = audit_upload(uploads, datetime(2026, 1, 1, tzinfo=UTC))
    size = int(done.result.findings.nbytes)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    store = AuditStore(max_result=size, max_total=2 * size)
    assert store.put("a", done, AS_OF, now) and store.put("b", done, AS_OF, now + timedelta(seconds=1))
    assert store.put("c", done, AS_OF, now + timedelta(seconds=2))
    assert store.get("a", now) is None and store.get("b", now) and store.get("c", now)  # the oldest went
    assert store.put("b", done, "again", now + timedelta(seconds=3))
    kept = store.get("b", now + timedelta(seconds=3))
    assert kept is not None and kept.as_of_text == "again"
    assert AuditStore(max_result=size - 1).put("d", done, AS_OF, now) is None  # too large to keep
    # a download is made once and kept with the result, its bytes counted
    before = kept.nbytes
    first = kept_file(kept, "findings.csv")
    assert kept_file(kept, "findings.csv") is first and kept.nbytes == before + len(first)


def test_an_api_token_keeps_its_own_result(client: TestClient, sqlite_db: Database, folder: Path) -> None:
    from wso.accounts import create_token

    with sqlite_db.session() as session:
        bearer = create_token(session, "auditor", "audits", now=NOW)
    headers = {"Authorization": f"Bearer {bearer}"}
    sent = client.post("/api/console/audit", files=_files(folder), headers=headers, data={"as_of": AS_OF})
    assert sent.status_code == 200 and sent.json()["downloads"]
    assert client.get("/api/console/audit", params={"page": 2}, headers=headers).json()["page"] == 2
    assert client.get("/api/console/audit/findings.csv", headers=headers).status_code == 200
    sign_in(client, "auditor")  # the same user in a browser: another session, no result of its own yet
    assert client.get("/api/console/audit").status_code == 404


def test_signing_out_drops_the_sessions_result(app: FastAPI, client: TestClient, folder: Path) -> None:
    csrf = sign_in(client, "auditor")
    _upload(client, csrf, _files(folder))
    assert len(app.state.audits) == 1
    assert client.post("/signout", data={"csrf_token": csrf}).status_code == 303
    assert len(app.state.audits) == 0
