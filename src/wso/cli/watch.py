"""`wso watch`: tell subscribers when ICE's 287(g) lists change (webhooks, e-mail, Atom feeds), and remind
public-records requesters of their due dates."""

from __future__ import annotations

import signal
import threading
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from wso.cli.common import JsonFlag, counted, database, emit_json, fail
from wso.clock import SystemClock
from wso.settings import get_settings

if TYPE_CHECKING:
    from wso.watch import RunReport, SubscriptionView

app = typer.Typer(
    help="Watch ICE's 287(g) lists and tell subscribers what changed (`wso watch` runs on its schedule).",
    invoke_without_command=True,
)


def _report_json(report: RunReport) -> dict[str, Any]:
    return {
        "run": report.run_id,
        "outcome": report.outcome,
        "error": report.error,
        "new_publications": report.new_publications,
        "changes": report.events,
        "queued": report.queued,
        "sent": report.delivery.sent,
        "retrying": report.delivery.retrying,
        "failed": report.delivery.failed,
        "errors": report.delivery.errors,
        "alerted": report.alerted,
        "feeds": [str(p) for p in report.feeds],
    }


@app.callback()
def watch(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="One fetch-and-deliver cycle, then exit.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Fetch ICE's lists on the schedule (WSO_WATCH_INTERVAL, with jitter), record what changed, and deliver it
    to every matching subscription; with --once, one cycle. The URLs are those of `wso registry fetch`."""
    if ctx.invoked_subcommand is not None:
        return
    from wso.watch import run_forever_with_settings, run_once_with_settings

    settings = get_settings()
    db = database()
    try:
        if once:
            report = run_once_with_settings(db, settings, SystemClock())
            if as_json:
                emit_json(_report_json(report))
            else:
                typer.echo(
                    f"{report.outcome}: {counted(report.new_publications, 'new publication')}, "
                    f"{counted(report.events, 'change')}, {counted(report.delivery.sent, 'message')} sent, "
                    f"{report.delivery.retrying} to retry, {report.delivery.failed} failed"
                )
            for line in report.delivery.errors:
                typer.echo(f"error: {line}", err=True)
            if report.outcome == "failed":
                typer.echo(f"error: {report.error}", err=True)
                raise typer.Exit(1)
            if report.outcome == "busy":
                typer.echo(f"error: {report.error}", err=True)
                raise typer.Exit(3)
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        typer.echo(f"wso watch: every {settings.watch_interval} s (+ up to {settings.watch_jitter} s); Ctrl-C stops")
        try:
            run_forever_with_settings(db, settings, SystemClock(), stop)
        except KeyboardInterrupt:
            stop.set()
    finally:
        db.dispose()


def _sub_json(view: SubscriptionView) -> dict[str, Any]:
    data = asdict(view)
    data["filter"] = {k: v for k, v in asdict(view.filter).items()}
    if view.target is None:
        data.pop("target")
    return data


def _sub_line(view: SubscriptionView) -> str:
    extra = f" ({view.failed} failed, last error: {view.last_error})" if view.failed else ""
    target = f" to {view.target}" if view.target else ""
    return f"{view.id:>5}  {view.channel:<7} {view.status:<8} {view.filter.describe()}{target}{extra}"


@app.command()
def subscribe(
    webhook: Annotated[str | None, typer.Option("--webhook", help="A URL to POST each change to (JSON).")] = None,
    email: Annotated[str | None, typer.Option("--email", help="An address to e-mail the changes to.")] = None,
    state: Annotated[str | None, typer.Option("--state", help="Only this state (USPS code or name).")] = None,
    county: Annotated[str | None, typer.Option("--county", help="Only agencies of this county (with --state).")] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="Only this agency (its registry id).")] = None,
    model: Annotated[str | None, typer.Option("--model", help="Only this model: TFM, JEM or WSO.")] = None,
    change: Annotated[
        str | None,
        typer.Option("--change", help="Only this kind: signed, removed, redated, pending_listed, pending_signed."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Subscribe a webhook or an e-mail address to changes in ICE's lists. A webhook's secret is printed once:
    keep it to check the signatures. An e-mail address is sent a confirmation link first."""
    from wso.watch import BadFilter, SubscriptionError, make_filter
    from wso.watch import subscribe as add

    db = database()
    try:
        with db.session() as session:
            made = add(
                session,
                clock=SystemClock(),
                filter=make_filter(state=state, county=county, agency=agency, model=model, change=change),
                email=email,
                webhook=webhook,
            )
    except (BadFilter, SubscriptionError) as exc:
        fail(str(exc))
    finally:
        db.dispose()
    view = made.subscription
    if as_json:
        emit_json(_sub_json(view) | {"secret": made.secret, "needs_confirmation": made.needs_confirmation})
        return
    typer.echo(f"subscription {view.id}: {view.channel}, {view.filter.describe()}, {view.status}")
    if made.secret:
        typer.echo(f"secret (shown this once; it signs every webhook): {made.secret}")
    if made.needs_confirmation:
        typer.echo("a confirmation link goes out with the watcher's next run; nothing is sent before it is followed")


@app.command("list")
def list_(
    identified: Annotated[
        bool, typer.Option("--identified", help="Also print each subscriber's address or URL (personal data).")
    ] = False,
    status: Annotated[str | None, typer.Option("--status", help="pending, active or removed.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """The subscriptions: channel, filter, status, deliveries waiting and failed (never a secret)."""
    from wso.watch import list_subscriptions

    if status is not None and status not in ("pending", "active", "removed"):
        fail(f"--status {status!r}: give pending, active or removed")
    db = database()
    try:
        with db.session() as session:
            views = list_subscriptions(session, identified=identified, status=status)
    finally:
        db.dispose()
    if as_json:
        emit_json([_sub_json(v) for v in views])
        return
    for v in views:
        typer.echo(_sub_line(v))
    typer.echo(counted(len(views), "subscription"))


@app.command()
def remove(
    subscription_id: Annotated[int, typer.Argument(help="The subscription's id.")], as_json: JsonFlag = False
) -> None:
    """End a subscription: nothing more is sent to it."""
    from wso.watch import UnknownSubscription, remove_subscription

    db = database()
    try:
        with db.session() as session:
            view = remove_subscription(session, subscription_id, clock=SystemClock())
    except UnknownSubscription as exc:
        fail(str(exc))
    finally:
        db.dispose()
    if as_json:
        emit_json(_sub_json(view))
    else:
        typer.echo(f"subscription {view.id} removed")


@app.command()
def status(as_json: JsonFlag = False) -> None:
    """The watcher's latest runs, failed runs in a row and its alert, the outbox and the subscriptions."""
    from wso.watch import watch_status

    db = database()
    try:
        with db.session() as session:
            found = watch_status(session)
    finally:
        db.dispose()
    if as_json:
        emit_json(found)
        return
    if found.alert:
        typer.echo(f"ALERT: {found.failed_in_a_row} runs in a row failed to read ICE's lists")
    for run in found.runs:
        typer.echo(
            f"run {run.id} {run.started_at:%Y-%m-%d %H:%M}Z {run.outcome}: {run.new_publications} new, "
            f"{run.events} changes, {run.sent} sent{f' ({run.error})' if run.error else ''}"
        )
    typer.echo(f"outbox: {found.outbox or 'empty'}; subscriptions: {found.subscriptions or 'none'}")


@app.command()
def feeds(
    out: Annotated[Path, typer.Option("--out", help="The folder to write the Atom feeds into.")],
    as_json: JsonFlag = False,
) -> None:
    """Write every Atom feed (all.atom, states/ST.atom, agencies/ID.atom, models/M.atom) as static files."""
    from wso.watch import Site, write_feeds

    db = database()
    try:
        with db.session() as session:
            written = write_feeds(session, out, site=Site(get_settings().public_url), now=SystemClock().now())
    finally:
        db.dispose()
    if as_json:
        emit_json([str(p) for p in written])
    else:
        typer.echo(f"{counted(len(written), 'feed')} written under {out}")


@app.command()
def calendar(
    email: Annotated[str, typer.Argument(help="The requester's e-mail address, as the records tracker holds it.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the .ics file here instead of making a link.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """A requester's public-records due dates as iCalendar: a private feed address (printed once), or a file."""
    from wso.watch import Site, SubscriptionError, issue_calendar, records_calendar

    settings = get_settings()
    site = Site(settings.public_url)
    db = database()
    try:
        with db.session() as session:
            if out is not None:
                data = records_calendar(
                    session, email, site=site, now=SystemClock().now(), reminder_days=settings.records_reminder_days
                )
                out.write_bytes(data)
                result: dict[str, Any] = {"file": str(out)}
            else:
                token = issue_calendar(session, email, clock=SystemClock())
                result = {"url": f"{site.base}/feeds/records/{token}.ics"}
    except SubscriptionError as exc:
        fail(str(exc))
    finally:
        db.dispose()
    if as_json:
        emit_json(result)
    elif out is not None:
        typer.echo(f"written: {out}")
    else:
        typer.echo(f"calendar feed (shown this once; anyone with it sees these due dates): {result['url']}")
