"""Run a jail history through both engines: replay it into the custody ledger, read what the ledger decided, export
the hold records (schema v2), audit them, and compare.

The ledger's verdicts on a history are its own answers: each command's refusal and rule id, each hold's deadline
(as the ledger computed it), the alerts its sweeps raised, which acts its answers called late when it recorded them
(``answered_late``), and which holds it holds late or unlawful at the audit time (``ledger_late``: from its stored
deadlines, ends, notifications and reports, with the program's windows).
The audit's verdicts are its findings on the exported records.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from wso.audit import load_records, run_audit
from wso.custody.export import export_hold_records
from wso.custody.models import Complaint
from wso.custody.queries import holds
from wso.custody.replay import Line, parse_lines, replay
from wso.program import CITIZENSHIP_REPORT, DEFAULT_DETAINER_READING, ICE_NOTIFY_WINDOW, decision_second, elapsed
from wso.store import Database

KEY = b"conformance"


@dataclass(frozen=True)
class LedgerVerdicts:
    refused: list[tuple[int, str]]  # (line, rule id) of every refused command
    deadlines: dict[str, str]  # warrant -> deadline (UTC, Z)
    alerts: list[tuple[str, str]]  # (kind, warrant) of every alert the sweeps raised, in order
    late: set[tuple[str, str]]  # (hold id, rule id): what the ledger holds late or unlawful at the audit time
    #: (hold or complaint id, rule id) of every act the ledger's answer called late as it recorded it
    answered: set[tuple[str, str]] = field(default_factory=set)


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _at(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text.replace("Z", "+00:00"))


def run_ledger(db: Database, text: str, as_of: datetime, name: str = "<history>") -> LedgerVerdicts:
    """Replay ``text`` (JSONL) into ``db`` under the program's default detainer reading; the ledger's verdicts."""
    lines = parse_lines(text.splitlines(), name)
    answer = replay(lines, db, detainer_reading=DEFAULT_DETAINER_READING)
    refused = [(r["line"], str(r.get("rule"))) for r in answer["results"] if r["status"] != "accepted"]
    deadlines = {h["warrant"]: h["deadline"] for h in answer["holds"] if h["deadline"] is not None}
    alerts = [(a["kind"], a["warrant"]) for a in answer["alerts"]]
    return LedgerVerdicts(refused, deadlines, alerts, ledger_late(db, as_of), answered_late(lines, answer["results"]))


#: the ledger's answer to an act it records late: the act's command, the words, and the rule (None: named after
#: "after the deadline by ...: ", the hold's own deadline rule)
_LATE_WORDS = {
    "ice.notify": ("(late:", "WSO-NOTIFY-ICE"),
    "citizenship.report": ("(late:", "WSO-CITIZENSHIP-1H"),
    "complaint.report": ("(late:", "WSO-COMPLAINT-48H"),
    "custody.transfer": ("after the deadline by", None),
    "custody.release": ("after the deadline by", None),
}


def answered_late(lines: list[Line], results: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """(hold or complaint id, rule id) of every accepted act whose answer says it is late (a hold's id is
    ``hold-WARRANT``)."""
    out: set[tuple[str, str]] = set()
    for line, result in zip(lines, results, strict=True):
        words = _LATE_WORDS.get(line.cmd)
        if result["status"] != "accepted" or words is None or words[0] not in result["message"]:
            continue
        ref = str(line.args["id"]) if line.cmd == "complaint.report" else f"hold-{line.args['warrant']}"
        named = re.search(r"after the deadline by [^:]*: ([A-Z0-9-]+)\)", result["message"])
        out.add((ref, words[1] or (named.group(1) if named else "?")))
    return out


def answered_findings(rows: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """The audit's findings about an act the ledger recorded (and so answered): ICE told late, a citizenship claim
    reported late, a complaint reported late, a hold ended past its deadline (not one still open at the audit
    time)."""
    recorded = {
        "WSO-NOTIFY-ICE": "ice_notified_at",
        "WSO-CITIZENSHIP-1H": "citizenship_reported_at",
        "WSO-COMPLAINT-48H": "reported_at",
        "WSO-48H": "ended_at",
    }
    out: set[tuple[str, str]] = set()
    for r in rows:
        rule, evidence = r["rule_id"], r["evidence"]
        ended_detainer = rule == "DETAINER-48H" and evidence.get("status") == "ended"
        if ended_detainer or (rule in recorded and evidence.get(recorded[rule]) is not None):
            out.add((r["record_id"], rule))
    return out


def ledger_late(db: Database, as_of: datetime) -> set[tuple[str, str]]:
    """Every (hold, rule) the ledger holds late or unlawful at ``as_of``, from what it stored: a hold that ended
    (or, open, is still held) after the deadline the ledger gave it, unless it moved onto a detention agreement by
    then and was not held after that agreement stopped covering it; ICE told later than the program's window after
    service, or not yet; a citizenship claim on a WSO hold reported more than an hour after it, or not yet; a
    complaint reported after the due time the ledger gave it, or not yet. Every comparison is on whole seconds,
    floored (``decision_second``, ``elapsed``), as every rule decides."""
    out: set[tuple[str, str]] = set()
    with db.session() as session:
        views = holds(session, as_of)
    for v in views:
        opened = _at(v.opened_at)
        assert opened is not None
        moved = _at(getattr(v, "detention_agreement_from", None))  # schema v2 ledgers record it
        until = _at(getattr(v, "detention_agreement_until", None))  # when that agreement stops covering it
        deadline, ended = _at(v.deadline), _at(v.ended_at)
        end = ended if ended is not None else as_of
        counted = end
        if moved is not None and decision_second(moved) < decision_second(end):
            counted = moved
        if deadline is not None and decision_second(counted) > decision_second(deadline):
            out.add((v.hold, v.deadline_rule))
        if moved is not None and until is not None and decision_second(end) > decision_second(until):
            out.add((v.hold, v.deadline_rule))  # held on after the agreement stopped covering it
        if v.kind == "wso":
            notified = _at(v.ice_notified_at)
            if elapsed(opened, notified or as_of) > ICE_NOTIFY_WINDOW:
                out.add((v.hold, "WSO-NOTIFY-ICE"))
        claim, reported = _at(v.citizenship_claim_at), _at(v.citizenship_reported_at)
        if claim is not None and v.kind == "wso" and elapsed(claim, reported or as_of) > CITIZENSHIP_REPORT:
            out.add((v.hold, "WSO-CITIZENSHIP-1H"))
    with db.session() as session:
        for complaint in session.execute(select(Complaint)).scalars():
            # the due time the ledger gave the complaint (48 hours, weekends excluded)
            if decision_second(min(complaint.reported_at or as_of, as_of)) > decision_second(complaint.due_at):
                out.add((complaint.id, "WSO-COMPLAINT-48H"))
    return out


def run_audit_of_export(
    db: Database, out: Path, as_of: datetime, backend: str = "duckdb", spark: Any = None
) -> list[dict[str, Any]]:
    """Export the ledger (hold ids kept, so findings name the ledger's holds) and audit it as of ``as_of``."""
    with db.session() as session:
        export_hold_records(session, out, KEY, identified=True)
    records = load_records(out)
    try:
        rows = run_audit(records, as_of, backend, spark=spark).findings.to_pylist()
    finally:
        records.con.close()
    for r in rows:
        r["evidence"] = json.loads(r["evidence"])
    return rows


def finding_set(rows: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(r["record_id"], r["rule_id"]) for r in rows}


def read_case(path: Path) -> tuple[str, dict[str, Any]]:
    """A corpus case: the history (``NAME.jsonl``) and the verdicts it must produce (``NAME.expected.json``)."""
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    return path.read_text(encoding="utf-8"), expected


__all__ = [
    "LedgerVerdicts",
    "answered_findings",
    "answered_late",
    "finding_set",
    "ledger_late",
    "read_case",
    "run_audit_of_export",
    "run_ledger",
]
