"""The watcher on the console (signed-in users): its latest runs, failed runs in a row and the alert, the outbox,
the subscriptions by status and the latest deliveries that failed for good; never a subscriber's address."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from wso.watch import WatchStatus, watch_status
from wso.web.deps import ApiUser, ConsoleUser, DbSession
from wso.web.rendering import render

router = APIRouter(tags=["console"])


@router.get("/console/watch", response_class=HTMLResponse, include_in_schema=False)
def console_watch(request: Request, user: ConsoleUser, session: DbSession) -> HTMLResponse:
    return render(request, "console/watch.html", {"w": watch_status(session, runs=20)}, user=user)


@router.get("/api/console/watch", response_model=WatchStatus)
def api_watch(user: ApiUser, session: DbSession) -> WatchStatus:
    """The watcher: latest runs (newest first), failed runs in a row, whether the alert is raised, the outbox and
    the subscriptions by status, the latest failed deliveries."""
    return watch_status(session, runs=20)
