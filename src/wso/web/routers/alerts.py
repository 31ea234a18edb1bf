"""Alerts: those raised on open holds (the server raises them on its own schedule, `wso.web.sweeper`), and a
sweep run from the console by a supervisor (each alert is raised once; the sweep is recorded in the journal with
its actor)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from wso.web.console import AlertsOut, CommandOut, NotAllowed, execute, raised_alerts
from wso.web.deps import (
    ApiUser,
    ApiWriter,
    ClockDep,
    ConsoleWriter,
    CustodyDep,
    DatabaseDep,
    DbSession,
    RemoteDep,
    SettingsDep,
)
from wso.web.rendering import render
from wso.web.routers.console import home_context, tolerance_of

router = APIRouter(tags=["console"])


@router.get("/api/console/alerts", response_model=AlertsOut)
def api_alerts(user: ApiUser, session: DbSession, clock: ClockDep) -> AlertsOut:
    """The alerts raised on open holds, newest first."""
    now = clock.now()
    return AlertsOut(now=now, alerts=raised_alerts(session, now))


@router.post("/api/console/alerts/sweep", response_model=CommandOut)
def api_sweep(user: ApiWriter, custody: CustodyDep, database: DatabaseDep, remote: RemoteDep) -> CommandOut:
    """Raise every alert now due, each once (through WSO_WEBHOOK_URL if set); answers with those raised."""
    try:
        return execute(custody, database, user, "sweep", {}, remote=remote)
    except NotAllowed as error:
        raise HTTPException(status_code=403, detail=str(error)) from None


@router.post("/console/alerts/sweep", response_class=HTMLResponse, include_in_schema=False)
def sweep_form(
    request: Request,
    user: ConsoleWriter,
    custody: CustodyDep,
    database: DatabaseDep,
    remote: RemoteDep,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
) -> HTMLResponse:
    try:
        result = execute(custody, database, user, "sweep", {}, remote=remote)
    except NotAllowed as error:
        raise HTTPException(status_code=403, detail=str(error)) from None
    context = home_context(session, clock.now(), user, tolerance=tolerance_of(settings))
    context["sweep"] = result
    return render(request, "console/home.html", context, user=user)
