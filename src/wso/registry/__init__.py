"""The registry: ICE's 287(g) participating and pending spreadsheets over time, as agencies and agreements.

Other rooms and the doors use only the names exported here (`__all__`), and of its modules only those `__all__`
names: `bundled`, `compliance`, `ingestion`, `pack` (the history in compact form) and `ready` (answers kept
ready, read without SQLAlchemy), `export`
(CSV, Parquet, JSON: loads pyarrow) and `fetch` (downloads ICE's files: loads an HTTP client).

Every name is loaded when first used (PEP 562), so `import wso.registry.ready` costs no more than that module:
`wso registry stats --json` prints its answer kept ready without importing SQLAlchemy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wso.registry import bundled, compliance, export, fetch, ingestion, pack, ready
    from wso.registry.bundled import load_bundled_if_empty
    from wso.registry.compliance import (
        Conflict,
        ConflictReport,
        CountyCoverage,
        Coverage,
        conflicts,
        coverage,
        runs_a_jail,
    )
    from wso.registry.diffing import correction_pairs, diff
    from wso.registry.finding import IngestError
    from wso.registry.ingestion import IngestReport, ingest
    from wso.registry.issue_codes import ISSUE_CODES
    from wso.registry.pool import HeadStart, head_start
    from wso.registry.queries import (
        UnknownSnapshot,
        active_agreements,
        agencies_in_state,
        agency_names,
        agreement_in_force,
        find_agencies,
        get_agency,
        issues,
        latest_snapshot_date,
        stats,
        timeline,
    )
    from wso.registry.views import AgencyView, AgreementView, Diff, IssueView, Stats, TimelineEntry

# where each exported name lives (a module of its own for the module names)
_HOMES: dict[str, str] = {
    **dict.fromkeys(("correction_pairs", "diff"), "wso.registry.diffing"),
    **dict.fromkeys(("IngestReport", "ingest"), "wso.registry.ingestion"),
    # without SQLAlchemy: `wso registry ingest` starts its workers, and may fail, before loading it
    "IngestError": "wso.registry.finding",
    **dict.fromkeys(("HeadStart", "head_start"), "wso.registry.pool"),
    **dict.fromkeys(
        (
            "UnknownSnapshot",
            "active_agreements",
            "agencies_in_state",
            "agreement_in_force",
            "agency_names",
            "find_agencies",
            "get_agency",
            "issues",
            "latest_snapshot_date",
            "stats",
            "timeline",
        ),
        "wso.registry.queries",
    ),
    **dict.fromkeys(
        ("AgencyView", "AgreementView", "Diff", "IssueView", "Stats", "TimelineEntry"), "wso.registry.views"
    ),
    "load_bundled_if_empty": "wso.registry.bundled",
    "ISSUE_CODES": "wso.registry.issue_codes",
    **dict.fromkeys(
        ("Conflict", "ConflictReport", "CountyCoverage", "Coverage", "conflicts", "coverage", "runs_a_jail"),
        "wso.registry.compliance",
    ),
}
_MODULES = frozenset({"bundled", "compliance", "export", "fetch", "ingestion", "pack", "ready"})

__all__ = [
    "ISSUE_CODES",
    "AgencyView",
    "AgreementView",
    "Conflict",
    "ConflictReport",
    "CountyCoverage",
    "Coverage",
    "Diff",
    "HeadStart",
    "IngestError",
    "IngestReport",
    "IssueView",
    "Stats",
    "TimelineEntry",
    "UnknownSnapshot",
    "active_agreements",
    "agencies_in_state",
    "agency_names",
    "agreement_in_force",
    "bundled",
    "compliance",
    "conflicts",
    "correction_pairs",
    "coverage",
    "diff",
    "export",
    "fetch",
    "find_agencies",
    "get_agency",
    "head_start",
    "ingest",
    "ingestion",
    "issues",
    "latest_snapshot_date",
    "load_bundled_if_empty",
    "pack",
    "ready",
    "runs_a_jail",
    "stats",
    "timeline",
]


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f"wso.registry.{name}")
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'wso.registry' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
