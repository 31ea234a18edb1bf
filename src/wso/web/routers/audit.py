"""The audit of uploaded hold records: the program's rules over a jail's holds, officers and agreements (schema
v1, as `wso custody export` writes them or a public-records production supplies them), on DuckDB. Any signed-in
role may audit (it writes nothing); the files are streamed to a temporary folder, not kept, and a table of more
rows than WSO_CONSOLE_AUDIT_MAX_ROWS is refused before the audit reads it (the request's size is capped by
WSO_MAX_REQUEST_BYTES)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse

from wso.web.console import AuditReportOut, Upload, UploadError, audit_upload, parse_occurred_at
from wso.web.deps import BAD_INPUT, ApiSubmitter, ClockDep, ConsoleSubmitter, ConsoleUser, SettingsDep
from wso.web.rendering import render

router = APIRouter(tags=["console"])


def _as_of(text: str | None, now: datetime) -> datetime:
    try:
        given = parse_occurred_at(text)
    except ValueError as error:
        raise UploadError(str(error).replace("occurred_at", "as_of")) from None
    return given or now


def _uploads(files: list[UploadFile]) -> list[Upload]:
    return [Upload(f.filename or "", f.file) for f in files]


@router.post("/api/console/audit", response_model=AuditReportOut, responses=BAD_INPUT)
def api_audit(
    user: ApiSubmitter,
    clock: ClockDep,
    settings: SettingsDep,
    files: Annotated[list[UploadFile], File(description="holds, officers and agreements (.csv or .parquet)")],
    as_of: Annotated[str | None, Form(description="Audit time, ISO 8601 with offset (default: now)")] = None,
) -> AuditReportOut:
    """Audit uploaded hold records; the summary by rule and agency, and the first 500 findings."""
    try:
        return audit_upload(_uploads(files), _as_of(as_of, clock.now()), max_rows=settings.console_audit_max_rows)
    except UploadError as error:
        raise HTTPException(status_code=400, detail=str(error)) from None


@router.get("/console/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(request: Request, user: ConsoleUser) -> HTMLResponse:
    return render(request, "console/audit.html", {"report": None, "error": None}, user=user)


@router.post("/console/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_form(
    request: Request,
    user: ConsoleSubmitter,
    clock: ClockDep,
    settings: SettingsDep,
    files: Annotated[list[UploadFile], File()],
    as_of: Annotated[str | None, Form()] = None,
) -> HTMLResponse:
    try:
        report = audit_upload(_uploads(files), _as_of(as_of, clock.now()), max_rows=settings.console_audit_max_rows)
    except UploadError as error:
        return render(request, "console/audit.html", {"report": None, "error": str(error)}, user=user, status_code=400)
    return render(request, "console/audit.html", {"report": report, "error": None}, user=user)
