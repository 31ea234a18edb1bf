"""The console's audit results, kept per session so that a person pages through every finding and downloads
the findings and the report without uploading again.

Bounds: a result is kept for KEEP (one hour) after its upload, in the server's memory only (never on disk,
never under an address anyone else could open: it is found by the session, or by the API token's hash); a
session keeps its latest result only, and signing out drops it; a result whose findings take more than
MAX_RESULT_BYTES is not kept (its first page is shown, and `wso audit run` is the way for it), and all results
together take at most MAX_TOTAL_BYTES (the oldest are dropped first). The findings hold no personal data: the
hold-record schema names a person only by a pseudonym (`person_ref`), which no finding carries."""

from __future__ import annotations

import hashlib
import json
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from wso.web.auditupload import AuditDone, IgnoredOut

KEEP = timedelta(hours=1)
MAX_RESULT_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
PAGE_SIZE = 100
# what can be downloaded: the findings as the CLI writes them, the report as HTML or, through WeasyPrint, PDF
DOWNLOADS: dict[str, tuple[str, str]] = {
    "findings.csv": ("csv", "text/csv; charset=utf-8"),
    "findings.parquet": ("parquet", "application/vnd.apache.parquet"),
    "report.html": ("html", "text/html; charset=utf-8"),
    "report.pdf": ("pdf", "application/pdf"),
}


class PageError(ValueError):
    """A page or rule of a kept result that does not exist; the message says which exist."""


@dataclass
class Kept:
    """One audit result kept for its session."""

    done: AuditDone
    as_of_text: str
    stored_at: datetime
    nbytes: int
    files: dict[str, bytes] = field(default_factory=dict)  # downloads made once (the PDF takes seconds)

    @property
    def until(self) -> datetime:
        return self.stored_at + KEEP


class AuditStore:
    """The kept results, by key (a session's or a token's); safe to use from several threads."""

    def __init__(self, keep: timedelta = KEEP, max_result: int = MAX_RESULT_BYTES, max_total: int = MAX_TOTAL_BYTES):
        self.keep, self.max_result, self.max_total = keep, max_result, max_total
        self._kept: dict[str, Kept] = {}
        self._lock = threading.Lock()

    def put(self, key: str, done: AuditDone, as_of_text: str, now: datetime) -> Kept | None:
        """Keep `done` for `key` (replacing its last result); None when it is too large to keep."""
        nbytes = int(done.result.findings.nbytes)
        with self._lock:
            self._kept.pop(key, None)
            self._expire(now)
            if nbytes > self.max_result:
                return None
            kept = Kept(done, as_of_text, now, nbytes)
            self._kept[key] = kept
            while sum(k.nbytes for k in self._kept.values()) > self.max_total:
                oldest = min(self._kept, key=lambda k: self._kept[k].stored_at)
                del self._kept[oldest]
            return kept

    def get(self, key: str, now: datetime) -> Kept | None:
        with self._lock:
            self._expire(now)
            return self._kept.get(key)

    def __len__(self) -> int:
        with self._lock:
            return len(self._kept)

    def drop(self, key: str) -> None:
        with self._lock:
            self._kept.pop(key, None)

    def _expire(self, now: datetime) -> None:
        for key in [k for k, v in self._kept.items() if now >= v.stored_at + self.keep]:
            del self._kept[key]


def forget_session(state: Any, session_id: str) -> None:
    """Drop the result kept for a session that ends (sign-out), if the app keeps any (`state.audits`)."""
    store: AuditStore | None = getattr(state, "audits", None)
    if store is not None:
        store.drop("session:" + session_id)


def store_key(via: str, session_id: object, bearer: str | None) -> str | None:
    """Where a principal's result is kept: its session, or the hash of its API token (never the token)."""
    if via == "session" and isinstance(session_id, str):
        return "session:" + session_id
    if bearer:
        return "token:" + hashlib.sha256(bearer.encode()).hexdigest()
    return None


class AuditReportOut(BaseModel):
    """A page of an audit's findings, with the summary by rule and agency and what was ignored."""

    summary: dict[str, Any]
    findings: list[dict[str, Any]]
    findings_total: int
    matching: int
    page: int
    pages: int
    page_size: int
    rule: str | None = None
    as_of: str
    ignored: list[IgnoredOut]
    tables: list[str]
    cost: bool
    kept_until: datetime | None
    downloads: dict[str, str]


def _finding(row: dict[str, Any]) -> dict[str, Any]:
    row["evidence"] = json.loads(row["evidence"])
    return row


def report_page(
    done: AuditDone, as_of_text: str, kept_until: datetime | None, *, page: int = 1, rule: str | None = None
) -> AuditReportOut:
    """Page `page` (from 1) of the findings, all of them or of `rule` only."""
    import pyarrow.compute as pc

    findings = done.result.findings
    if rule:
        known = {str(r["rule_id"]) for r in done.summary["by_rule"]}
        if rule not in known:
            raise PageError(f"rule {rule!r} is not one of the audit's: {', '.join(sorted(known))}")
        findings = findings.filter(pc.equal(findings["rule_id"], rule))
    pages = max(1, -(-findings.num_rows // PAGE_SIZE))
    if not 1 <= page <= pages:
        raise PageError(f"page {page}: the findings have {pages} page{'s' if pages > 1 else ''} (from 1)")
    rows = findings.slice((page - 1) * PAGE_SIZE, PAGE_SIZE).to_pylist()
    return AuditReportOut(
        summary=json.loads(json.dumps(done.summary, default=str)),
        findings=[_finding(r) for r in rows],
        findings_total=done.result.findings.num_rows,
        matching=findings.num_rows,
        page=page,
        pages=pages,
        page_size=PAGE_SIZE,
        rule=rule or None,
        as_of=as_of_text,
        ignored=done.ignored,
        tables=done.tables,
        cost=done.cost is not None,
        kept_until=kept_until,
        downloads={name: name for name in DOWNLOADS} if kept_until else {},
    )


def download(done: AuditDone, name: str) -> bytes:
    """The file `name` (one of DOWNLOADS) of a result, written by the audit's own writer (`wso audit run
    --format`); the PDF is the HTML report through WeasyPrint. KeyError for another name."""
    from wso.audit import write_output

    fmt, _ = DOWNLOADS[name]
    with tempfile.TemporaryDirectory(prefix="wso-web-report-") as tmp:
        out = Path(tmp) / ("report.html" if fmt == "pdf" else name)
        write_output(done.result, done.summary, "html" if fmt == "pdf" else fmt, out, None, done.cost)
        if fmt != "pdf":
            return out.read_bytes()
        import weasyprint

        pdf: bytes = weasyprint.HTML(filename=str(out)).write_pdf()
        return pdf


def kept_file(kept: Kept, name: str) -> bytes:
    """`download` of a kept result, made on the first request and kept with it (counted in its bytes)."""
    data = kept.files.get(name)
    if data is None:
        data = kept.files[name] = download(kept.done, name)
        kept.nbytes += len(data)
    return data


def evidence_fields(evidence: dict[str, Any]) -> list[tuple[str, str]]:
    """A finding's evidence as labelled fields: "served at" -> "2026-01-08 04:00:00 UTC"."""
    out = []
    for key, value in evidence.items():
        text = "—" if value is None or value == "" else str(value)
        if isinstance(value, str) and len(value) == 20 and value.endswith("Z") and value[10] == "T":
            text = f"{value[:10]} {value[11:19]} UTC"  # the engine's UTC times
        out.append((key.replace("_", " "), text))
    return out
