"""What the audit takes from ``wso.program``: rule citations and severities, and when state law prohibited WSO."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import pyarrow as pa

from wso.program import Model, UnknownValue, eligibility, rule

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
DATA_CITATION = "wso audit data check (hold-record schema v1)"


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


def prohibited_windows(states: Iterable[str], first: date, last: date) -> pa.Table:
    """(state, from_day, until_day, law_ids, law_citations): days on which state law prohibited a WSO agreement
    for a county agency (``until_day`` exclusive, null when open), from ``wso.program.eligibility``."""
    rows: dict[str, list[object]] = {"state": [], "from_day": [], "until_day": [], "law_ids": [], "law_citations": []}
    for state in sorted(set(states)):
        on = first
        while on <= last:
            try:
                verdict = eligibility(state, Model.WSO, on, agency_kind="county")
            except UnknownValue:
                break
            nxt = verdict.next_change
            if nxt is not None and nxt <= on:
                nxt = on + timedelta(days=1)
            if verdict.verdict == "prohibited":
                rows["state"].append(state)
                rows["from_day"].append(day_number(on))
                rows["until_day"].append(day_number(nxt) if nxt is not None else None)
                rows["law_ids"].append("; ".join(law.id for law in verdict.laws))
                rows["law_citations"].append("; ".join(law.citation for law in verdict.laws))
            if nxt is None:
                break
            on = nxt
    return pa.table(
        {
            "state": pa.array(rows["state"], pa.string()),
            "from_day": pa.array(rows["from_day"], pa.int64()),
            "until_day": pa.array(rows["until_day"], pa.int64()),
            "law_ids": pa.array(rows["law_ids"], pa.string()),
            "law_citations": pa.array(rows["law_citations"], pa.string()),
        }
    )
