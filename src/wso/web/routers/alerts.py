"""Alerts: those raised on open holds (the server raises them on its own schedule, `wso.web.sweeper`), and a
sweep run from the console by a supervisor (each alert is raised once; the sweep is recorded in the journal with
its actor)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse

from wso.web.console import AlertsOut, CommandOut, NotAllowed, execute, raised_alerts
from wso.web.deps import ApiUser, ApiWriter, ClockDep, ConsoleWriter, CustodyDep, DatabaseDep, DbSession, RemoteDep

router = APIRouter(tags=["console"])


@router.get("/api/console/alerts", response_model=AlertsOut)
def api_alerts(user: ApiUser, session: DbSession, clock: ClockDep) -> AlertsOut:
    """The alerts raised on open holds, newest first."""
    now = clock.now()
    return AlertsOut(now=now, alerts=raised_alerts(session))


@router.post("/api/console/alerts/sweep", response_model=CommandOut)
def api_sweep(user: ApiWriter, custody: CustodyDep, database: DatabaseDep, remote: RemoteDep) -> CommandOut:
    """Raise every alert now due, each once (through WSO_WEBHOOK_URL if set); answers with those raised."""
    try:
        return execute(custody, database, user, "sweep", {}, remote=remote)
    except NotAllowed as error:
        raise HTTPException(status_code=403, detail=str(error)) from None


@router.post("/console/alerts/sweep", include_in_schema=False)
def sweep_form(user: ConsoleWriter, custody: CustodyDep, database: DatabaseDep, remote: RemoteDep) -> RedirectResponse:
    """Run a sweep, then back to the board with how many alerts it raised (Post/Redirect/Get: a refresh of the
    board never sweeps again)."""
    try:
        result = execute(custody, database, user, "sweep", {}, remote=remote)
    except NotAllowed as error:
        raise HTTPException(status_code=403, detail=str(error)) from None
    return RedirectResponse(f"/console?swept={len(result.alerts)}", status_code=303)
