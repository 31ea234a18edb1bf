"""`wso serve`: open the default database, load the bundled snapshot if it holds none, start the scheduled alert
sweeps (and the watcher if asked), run uvicorn."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn
from sqlalchemy.engine import make_url

from wso.accounts import list_users
from wso.clock import SystemClock
from wso.registry.bundled import load_bundled_if_empty
from wso.settings import get_settings
from wso.store import open_database
from wso.web.app import create_app
from wso.web.deps import notifier_for
from wso.web.sweeper import start_alert_sweeps


@dataclass(frozen=True)
class Prepared:
    """What `prepare` found: the database, whether the bundled snapshot was loaded now, how many users exist."""

    url: str
    loaded: bool
    users: int
    wide: list[str] = field(default_factory=list)


def wide_files(data_dir: Path, url: str, *, limit: int = 10) -> list[str]:
    """Warnings for the app's files and folders that others than their owner may read (the database and its WAL,
    keys, captures): what `wso serve` finds, each with the chmod that mends it."""
    places: list[Path] = []
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        db = Path(parsed.database).expanduser()
        places += [db.parent, db, Path(f"{db}-wal"), Path(f"{db}-shm")]
    if data_dir.is_dir():
        places.append(data_dir)
        for root, dirs, files in os.walk(data_dir):
            places += [Path(root) / d for d in dirs] + [Path(root) / f for f in files]
            if len(places) > 20_000:
                break
    found: list[str] = []
    for place in dict.fromkeys(places):
        try:
            mode = stat.S_IMODE(place.lstat().st_mode)
        except OSError:
            continue
        if place.is_symlink() or not mode & 0o077:
            continue
        want = 0o700 if place.is_dir() else 0o600
        found.append(f"wso: warning: {place} has mode {mode:04o}: others may read it; chmod {want:o} {place}")
    if len(found) > limit:
        return [*found[:limit], f"wso: warning: and {len(found) - limit} more; chmod -R go-rwx {data_dir}"]
    return found


def prepare(url: str | None = None) -> Prepared:
    """Open (and migrate) the database; load the bundled snapshot on first run."""
    settings = get_settings()
    target = url or settings.resolved_database_url()
    database = open_database(target)
    try:
        with database.session() as session:
            report = load_bundled_if_empty(session, clock=SystemClock())
            users = len(list_users(session))
    finally:
        database.dispose()
    return Prepared(
        url=target, loaded=report is not None, users=users, wide=wide_files(Path(settings.data_dir), target)
    )


def startup_lines(prepared: Prepared, host: str, port: int) -> list[str]:
    """What `wso serve` tells the person who started it."""
    lines = []
    if prepared.loaded:
        lines.append(f"wso: first run: bundled snapshot of ICE's spreadsheets loaded into {prepared.url}")
    if prepared.users == 0:
        lines.append(
            "wso: no console users yet; create the first admin with: wso users add NAME --role admin "
            "(then sign in at /signin)"
        )
    lines += prepared.wide
    lines.append(f"wso: serving on http://{host}:{port}/ (API: http://{host}:{port}/api/docs)")
    return lines


def serve(host: str = "127.0.0.1", port: int = 8000, log_level: str = "info") -> None:
    settings = get_settings()
    prepared = prepare()
    for line in startup_lines(prepared, host, port):
        print(line, flush=True)
    database = open_database(prepared.url)
    clock = SystemClock()
    app = create_app(settings, database, clock)
    app.state.notifier = notifier_for(settings)  # one notifier for the console's commands and the scheduled sweeps
    sweeps = start_alert_sweeps(database, settings, clock, app.state.notifier)
    if sweeps is not None:
        print(
            f"wso: raising custody alerts every {settings.alert_sweep_seconds} s (WSO_ALERT_SWEEP_SECONDS)", flush=True
        )
    stop = None
    if settings.watch_in_serve:  # a one-machine install: the watcher on a thread of this process
        from wso.watch import start_in_background

        _, stop = start_in_background(database, settings, SystemClock())
        print(f"wso: watching ICE's lists every {settings.watch_interval} s (WSO_WATCH_IN_SERVE)", flush=True)
    try:
        uvicorn.run(app, host=host, port=port, log_level=log_level, proxy_headers=True)
    finally:
        if stop is not None:
            stop.set()
        if sweeps is not None:
            sweeps[1].set()
