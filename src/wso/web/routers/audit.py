"""The audit of uploaded hold records: the program's rules over a jail's holds, officers and agreements (schema
v1 or v2, as `wso custody export` writes them or a public-records production supplies them), on DuckDB. Any
signed-in role may audit (it writes nothing). The files are streamed to a temporary folder and deleted after the
audit; files that are not the audit's tables are ignored and listed; a table of more rows than
WSO_CONSOLE_AUDIT_MAX_ROWS is refused before the audit reads it (the request's size is capped by
WSO_MAX_REQUEST_BYTES). The result is kept for the session (wso.web.auditstore: an hour, bounded in bytes) to
page through every finding and download the findings (CSV, Parquet) and the report (HTML, PDF)."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from wso.accounts import Principal
from wso.web.auditstore import (
    DOWNLOADS,
    AuditReportOut,
    AuditStore,
    Kept,
    PageError,
    evidence_fields,
    kept_file,
    report_page,
    store_key,
)
from wso.web.auditupload import AuditDone, Upload, UploadError, audit_upload
from wso.web.console import parse_occurred_at
from wso.web.deps import (
    BAD_INPUT,
    ApiSubmitter,
    ApiUser,
    ConsoleSubmitter,
    ConsoleUser,
    session_data,
)
from wso.web.rendering import render

router = APIRouter(tags=["console"])
PAGE = "console/audit.html"
FILES = "holds, officers, agreements (and complaints), .csv or .parquet; other files are ignored and listed"
FilesField = Annotated[list[UploadFile], File(description=FILES)]
AsOfField = Annotated[str | None, Form(description="Audit time, ISO 8601 with offset (default: now)")]
CostField = Annotated[bool, Form(description="Also tally what the holds cost (for the report; slower)")]
PageQuery = Annotated[int, Query(ge=1, description="The page of findings, from 1")]
RuleQuery = Annotated[str | None, Query(description="Only the findings of this rule")]


_MAKING = threading.Lock()  # two first uploads at once make one store


def _store(request: Request) -> AuditStore:
    with _MAKING:
        store: AuditStore | None = getattr(request.app.state, "audits", None)
        if store is None:
            store = request.app.state.audits = AuditStore()
    return store


def _key(request: Request, user: Principal) -> str:
    header = request.headers.get("authorization", "")
    bearer = header.partition(" ")[2].strip() if header.lower().startswith("bearer ") else None
    key = store_key(user.via, session_data(request).get("sid"), bearer)
    if key is None:  # pragma: no cover - a principal comes from a session or a token
        raise HTTPException(status_code=401, detail="sign in or send an API token")
    return key


def _as_of(text: str | None, now: datetime) -> datetime:
    try:
        given = parse_occurred_at(text)
    except ValueError as error:
        raise UploadError(str(error).replace("occurred_at", "as_of")) from None
    return given or now


def _audit(
    request: Request, user: Principal, files: list[UploadFile], as_of: str | None, cost: bool
) -> Kept | AuditDone:
    """Audit the upload and keep its result for `user`'s session or token; the result itself if too large to keep."""
    clock, settings = request.app.state.clock, request.app.state.settings
    # a file input left empty (the folder one, or the files one) sends a part without a name: nothing chosen
    uploads = [Upload(f.filename, f.file) for f in files if f.filename]
    when = _as_of(as_of, clock.now())
    done = audit_upload(uploads, when, max_rows=settings.console_audit_max_rows, with_cost=cost)
    kept = _store(request).put(_key(request, user), done, (as_of or "").strip() or when.isoformat(), clock.now())
    return kept if kept is not None else done


def _page(kept: Kept | AuditDone, page: int, rule: str | None) -> AuditReportOut:
    if isinstance(kept, Kept):
        return report_page(kept.done, kept.as_of_text, kept.until, page=page, rule=rule)
    return report_page(kept, str(kept.summary["as_of"]), None, page=page, rule=rule)


def _kept(request: Request, user: Principal) -> Kept | None:
    return _store(request).get(_key(request, user), request.app.state.clock.now())


@router.post("/api/console/audit", response_model=AuditReportOut, responses=BAD_INPUT)
def api_audit(
    request: Request, user: ApiSubmitter, files: FilesField, as_of: AsOfField = None, cost: CostField = False
) -> AuditReportOut:
    """Audit uploaded hold records; the summary by rule and agency, the files ignored, and the first page of
    findings. The result is kept an hour for this session or token: GET /api/console/audit pages through it."""
    try:
        return _page(_audit(request, user, files, as_of, cost), 1, None)
    except UploadError as error:
        raise HTTPException(status_code=400, detail=str(error)) from None


@router.get("/api/console/audit", response_model=AuditReportOut, responses=BAD_INPUT)
def api_audit_page(request: Request, user: ApiUser, page: PageQuery = 1, rule: RuleQuery = None) -> AuditReportOut:
    """A page of the last audit's findings (kept an hour for this session or token), all or of one rule."""
    kept = _kept(request, user)
    if kept is None:
        raise HTTPException(status_code=404, detail="no audit kept for you: upload the records again")
    try:
        return _page(kept, page, rule)
    except PageError as error:
        raise HTTPException(status_code=400, detail=str(error)) from None


def _download(request: Request, user: Principal, name: str) -> Response:
    if name not in DOWNLOADS:
        raise HTTPException(status_code=404, detail=f"no download {name!r}; there are {', '.join(DOWNLOADS)}")
    kept = _kept(request, user)
    if kept is None:
        raise HTTPException(status_code=404, detail="no audit kept for you (an hour at most): upload the records again")
    stamp = kept.stored_at.strftime("%Y%m%dT%H%M%SZ")
    disposition = f'attachment; filename="audit-{stamp}-{name}"'
    headers = {"Content-Disposition": disposition}
    return Response(kept_file(kept, name), media_type=DOWNLOADS[name][1], headers=headers)


@router.get("/api/console/audit/{name}", responses={404: {"description": "No such file, or no audit kept"}})
def api_audit_download(request: Request, user: ApiUser, name: str) -> Response:
    """The last audit's findings.csv, findings.parquet, report.html or report.pdf."""
    return _download(request, user, name)


def _render(
    request: Request, user: Principal, report: AuditReportOut | None, as_of: str, error: str | None = None
) -> HTMLResponse:
    context = {"report": report, "error": error, "as_of": as_of, "fields": evidence_fields}
    return render(request, PAGE, context, user=user, status_code=400 if error else 200)


@router.get("/console/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(request: Request, user: ConsoleUser, page: PageQuery = 1, rule: RuleQuery = None) -> HTMLResponse:
    kept = _kept(request, user)
    try:
        report = _page(kept, page, rule) if kept is not None else None
    except PageError as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    return _render(request, user, report, report.as_of if report else "")


@router.post("/console/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_form(
    request: Request,
    user: ConsoleSubmitter,
    files: Annotated[list[UploadFile], File()],
    as_of: Annotated[str | None, Form()] = None,
    cost: Annotated[bool, Form()] = False,
) -> Response:
    try:
        kept = _audit(request, user, files, as_of, cost)
    except UploadError as error:
        return _render(request, user, None, as_of or "", error=str(error))
    if isinstance(kept, Kept):  # Post/Redirect/Get: a refresh shows the result again, it does not re-upload
        return RedirectResponse("/console/audit", status_code=303)
    return _render(request, user, _page(kept, 1, None), as_of or "")


@router.get("/console/audit/{name}", include_in_schema=False)
def audit_download(request: Request, user: ConsoleUser, name: str) -> Response:
    return _download(request, user, name)
