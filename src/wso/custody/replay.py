"""Replay a day in a jail written as JSONL: one command per line, the clock set from each line's `at`.

A line is a JSON object with `at` (ISO 8601 with offset), `cmd` (a command of `wso.custody.catalogue`) and the
command's fields, either beside them or under `args`; optional `actor`, `key` (an idempotency key) and
`occurred_at` (when the act happened, if before `at`, the time it is recorded). Blank lines and lines starting with
`#` are skipped. The whole file is checked before anything runs; a bad line raises `ReplayError` naming
the file, line and field. Lines must not go back in time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from wso.clock import FixedClock
from wso.custody.catalogue import CATALOGUE
from wso.custody.commands import Custody
from wso.custody.notify import Notifier
from wso.custody.policy import DEFAULT_DETAINER_READING, SERVICE_TOLERANCE, DetainerReading, decision_second
from wso.custody.queries import holds
from wso.store import Database

RESERVED = ("at", "cmd", "args", "actor", "key", "occurred_at")


class ReplayError(ValueError):
    pass


@dataclass(frozen=True)
class Line:
    number: int
    at: datetime
    cmd: str
    args: dict[str, Any]
    actor: str
    key: str | None
    occurred_at: datetime | None = None


def parse(path: Path) -> list[Line]:
    """Every command line of `path`, checked."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ReplayError(f"{path}: cannot read: {error.strerror}") from None
    return parse_lines(text.splitlines(), str(path))


def parse_lines(lines: list[str], name: str = "<replay>") -> list[Line]:
    out: list[Line] = []
    previous: datetime | None = None
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        where = f"{name} line {number}"
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as error:
            raise ReplayError(f"{where}: not JSON ({error.msg} at column {error.colno})") from None
        if not isinstance(data, dict):
            raise ReplayError(f"{where}: a line must be a JSON object with 'at' and 'cmd'")
        cmd = data.get("cmd")
        if cmd not in CATALOGUE:
            raise ReplayError(f"{where}: field 'cmd' is {cmd!r}; known commands: {', '.join(CATALOGUE)}")
        at_text = data.get("at")
        at = _aware(where, "at", at_text).astimezone(UTC)
        if previous is not None and at < previous:
            raise ReplayError(f"{where}: field 'at' ({at_text}) goes back in time; order the lines by time")
        previous = at
        args = data.get("args", {})
        if not isinstance(args, dict):
            raise ReplayError(f"{where}: field 'args' must be an object")
        args = {**{k: v for k, v in data.items() if k not in RESERVED}, **args}
        missing = [f for f in CATALOGUE[cmd].required if args.get(f) is None]
        if missing:
            raise ReplayError(f"{where}: {cmd} needs field(s) {', '.join(repr(f) for f in missing)}")
        _check_times(where, cmd, args)
        key = data.get("key")
        occurred: datetime | None = None
        if data.get("occurred_at") is not None:
            occurred_text = data["occurred_at"]
            occurred = _aware(where, "occurred_at", occurred_text)
            if decision_second(occurred) > decision_second(at):  # the command's own test: to the second
                raise ReplayError(
                    f"{where}: field 'occurred_at' ({occurred_text}) is after 'at'; an act is recorded after it happens"
                )
        actor = str(data.get("actor") or "replay")
        out.append(Line(number, at, cmd, args, actor, None if key is None else str(key), occurred))
    return out


def _check_times(where: str, cmd: str, args: dict[str, Any]) -> None:
    """Each time field the catalogue lists for `cmd` (a moment, such as a booking's scheduled release) is ISO 8601
    with an offset."""
    for field in CATALOGUE[cmd].fields:
        if field.kind == "datetime" and args.get(field.name) is not None:
            _aware(where, field.name, args[field.name])


def _aware(where: str, name: str, value: Any) -> datetime:
    """A line's field that is a moment: ISO 8601 with an offset, or ReplayError naming the line and field."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise ReplayError(f"{where}: field {name!r} must be ISO 8601 with offset, got {value!r}") from None
    if moment.tzinfo is None:
        raise ReplayError(f"{where}: field {name!r} ({value}) has no UTC offset; add one, e.g. -05:00")
    return moment


def replay(
    lines: list[Line],
    db: Database,
    *,
    detainer_reading: DetainerReading = DEFAULT_DETAINER_READING,
    service_tolerance: timedelta = SERVICE_TOLERANCE,
    notifier: Notifier | None = None,
) -> dict[str, Any]:
    """Run every line; return `results`, `holds` and `alerts` (see docs/custody.md)."""
    if not lines:
        return {"results": [], "holds": [], "alerts": []}
    clock = FixedClock(lines[0].at)
    custody = Custody(
        db, clock, detainer_reading=detainer_reading, service_tolerance=service_tolerance, notifier=notifier
    )
    results: list[dict[str, Any]] = []
    alerts: list[dict[str, Any]] = []
    for line in lines:
        clock.set(line.at)
        result = custody.run(
            line.cmd, line.args, actor=line.actor, idempotency_key=line.key, occurred_at=line.occurred_at
        )
        entry: dict[str, Any] = {"line": line.number, "cmd": line.cmd, "status": result.status}
        if result.rule is not None:
            entry["rule"] = result.rule
        if result.law is not None:
            entry["law"] = result.law
        entry["message"] = result.message
        results.append(entry)
        alerts.extend({"kind": a["kind"], "warrant": a["warrant"], "at": a["at"]} for a in result.alerts)
    with db.session() as session:
        views = holds(session, clock.now())
    return {
        "results": results,
        "holds": [
            {
                "warrant": v.warrant,
                "kind": v.kind,
                "status": v.status,
                "deadline": v.deadline,
                "reading": v.reading,
                "rule": v.deadline_rule,
                "end_reason": v.end_reason,
            }
            for v in sorted(views, key=lambda v: v.warrant)
        ],
        "alerts": alerts,
    }
