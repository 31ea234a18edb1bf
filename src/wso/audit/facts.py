"""What the audit takes from ``wso.program``: rule citations and severities, and the days state law barred a WSO
agreement or a hold on a detainer (as windows the rules inline)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import pyarrow as pa

from wso.audit.rules import LawWindow, LawWindows
from wso.program import (
    Model,
    StateLaw,
    UnknownValue,
    detainer_hold_bar,
    law,
    rule,
    state_laws,
    verdict_periods,
)

EPOCH = date(1970, 1, 1)

#: The program's rules this audit checks (ids from wso.program).
PROGRAM_RULES: tuple[str, ...] = (
    "WSO-48H",
    "WSO-AUTHORIZED-OFFICER",
    "WSO-JAIL-ONLY",
    "WSO-WARRANT-FORMS",
    "WSO-SCHEDULED-RELEASE",
    "WSO-AGREEMENT-IN-FORCE",
    "STATE-LAW",
    "WSO-NOTIFY-ICE",
    "WSO-CITIZENSHIP-1H",
    "DETAINER-48H",
    "WSO-COMPLAINT-48H",
)


@dataclass(frozen=True)
class DataRule:
    id: str
    title: str


#: Findings about the records themselves (severity "data"): impossible or missing facts, not the program's rules.
DATA_RULES: tuple[DataRule, ...] = (
    DataRule("DATA-ENDED-BEFORE-SERVED", "The hold ends before it was served."),
    DataRule("DATA-FUTURE-TIME", "A time lies after the audit time (--as-of)."),
    DataRule("DATA-NO-OFFICER", "A WSO warrant (I-200/I-205) with no serving officer recorded."),
)
DATA_CITATION = "wso audit data check (hold-record schema)"


def day_number(d: date) -> int:
    return (d - EPOCH).days


def rule_table() -> pa.Table:
    """rule_id, title, citation, severity for every rule the audit can report."""
    ids: list[str] = []
    titles: list[str] = []
    citations: list[str] = []
    severities: list[str] = []
    for rid in PROGRAM_RULES:
        r = rule(rid)
        ids.append(r.id)
        titles.append(r.title)
        citations.append(r.citation)
        severities.append(r.severity)
    for d in DATA_RULES:
        ids.append(d.id)
        titles.append(d.title)
        citations.append(DATA_CITATION)
        severities.append("data")
    return pa.table({"rule_id": ids, "title": titles, "citation": citations, "rule_severity": severities})


@dataclass(frozen=True)
class AgreementRow:
    """What the state-law windows need of an agreement row (hold-record schema v2; v1 rows leave the last two
    empty: a county agency, signed on its first day in force)."""

    agency_id: str
    state: str
    model: str
    in_force_from: date
    in_force_until: date | None
    agency_kind: str | None = None
    signed_on: date | None = None

    @property
    def kind(self) -> str:
        return self.agency_kind or "county"

    @property
    def signed(self) -> date:
        return self.signed_on or self.in_force_from


def _law_pool(state: str) -> tuple[StateLaw, ...]:
    return tuple(law for law in state_laws() if law.state == state)


def _prohibited(state: str, first: date, last: date, kind: str, signed: date | None) -> list[LawWindow]:
    """The days ``first``..``last`` on which ``eligibility`` prohibits a WSO agreement (signed on ``signed``) of an
    agency of ``kind`` in ``state``, as windows (until exclusive)."""
    out: list[LawWindow] = []
    try:
        periods = verdict_periods(state, Model.WSO, first, last, kind, signed=signed)
    except UnknownValue:
        return out
    for p in periods:
        if p.answer.verdict == "prohibited":
            ids = "; ".join(law.id for law in p.answer.laws)
            out.append((state, day_number(p.start), day_number(p.end + timedelta(days=1)), ids))
    return out


def _segments(first: date, last: date, cuts: Iterable[date]) -> list[tuple[date, date]]:
    """``first``..``last`` cut before each day of ``cuts`` inside it: (start, end) pairs, both included."""
    starts = sorted({first, *(c for c in cuts if first < c <= last)})
    return [(s, (starts[i + 1] - timedelta(days=1)) if i + 1 < len(starts) else last) for i, s in enumerate(starts)]


def wso_law_windows(states: Iterable[str], agreements: Iterable[AgreementRow], first: date, last: date) -> LawWindows:
    """Days on which state law prohibits WSO service (``wso.program.eligibility``): per agency from its own WSO
    agreement in force that day (its signing day for the grace periods, its kind), or with no agreement in force a
    new one; for agencies without agreement rows, a county agency's new agreement."""
    by_state: list[LawWindow] = []
    for state in sorted(set(states)):
        by_state += _prohibited(state, first, last, "county", None)
    rows = [r for r in agreements if any(law.stance == "prohibits" for law in _law_pool(r.state))]
    by_agency: list[LawWindow] = []
    own: dict[str, set[str]] = {}
    for agency in sorted({r.agency_id for r in rows}):
        mine = [r for r in rows if r.agency_id == agency]
        state = mine[0].state
        kind = next((r.agency_kind for r in mine if r.agency_kind), None) or "county"
        wso = [r for r in mine if r.model == "WSO"]
        cuts = [r.in_force_from for r in wso] + [r.in_force_until + timedelta(days=1) for r in wso if r.in_force_until]
        for start, end in _segments(first, last, cuts):
            live = [
                r for r in wso if r.in_force_from <= start and (r.in_force_until is None or start <= r.in_force_until)
            ]
            # several agreements in force: the one signed first (its grace period is the longest)
            chosen = min(live, key=lambda r: r.signed, default=None)
            signed = chosen.signed if chosen is not None else None
            windows = _prohibited(state, start, end, chosen.kind if chosen else kind, signed)
            by_agency += [(agency, f, u, ids) for _, f, u, ids in windows]
        own.setdefault(state, set()).add(agency)
    return LawWindows(tuple(by_agency), tuple(by_state), {k: tuple(sorted(v)) for k, v in own.items()})


def _barred(state: str, first: date, last: date, kind: str) -> list[LawWindow]:
    """The days on which ``detainer_hold_bar`` names a law for an agency of ``kind`` in ``state``, as windows."""
    pool = [law for law in _law_pool(state) if law.scope == "detainer_holds"]
    if not pool:
        return []
    cuts = [law.effective for law in pool]
    out: list[LawWindow] = []
    for start, end in _segments(first, last, cuts):
        bar = detainer_hold_bar(state, start, kind)
        if bar is not None:
            out.append((state, day_number(start), day_number(end + timedelta(days=1)), bar.id))
    return out


def detainer_law_windows(
    states: Iterable[str], agreements: Iterable[AgreementRow], first: date, last: date
) -> LawWindows:
    """Days on which state law bars holds on I-247A detainers (``wso.program.detainer_hold_bar``): for a county
    agency by state, and for the agencies whose agreement rows name another kind."""
    by_state: list[LawWindow] = []
    for state in sorted(set(states)):
        try:
            by_state += _barred(state, first, last, "county")
        except UnknownValue:
            continue
    by_agency: list[LawWindow] = []
    own: dict[str, set[str]] = {}
    kinds = {(r.agency_id, r.state): r.agency_kind for r in agreements if r.agency_kind and r.agency_kind != "county"}
    for (agency, state), kind in sorted(kinds.items()):
        try:
            by_agency += [(agency, f, u, ids) for _, f, u, ids in _barred(state, first, last, kind)]
        except UnknownValue:
            continue
        own.setdefault(state, set()).add(agency)
    return LawWindows(tuple(by_agency), tuple(by_state), {k: tuple(sorted(v)) for k, v in own.items()})


@cache
def law_citations(ids: str) -> str:
    """The citations of the laws named in ``ids`` ("A; B"), in the same order."""
    out = []
    for law_id in ids.split("; "):
        try:
            out.append(law(law_id, state_laws()).citation)
        except UnknownValue:
            out.append(law_id)
    return "; ".join(out)
