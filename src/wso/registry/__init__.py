"""The registry: ICE's 287(g) participating and pending spreadsheets over time, as agencies and agreements.

Other rooms use only the names exported here."""

from wso.registry.diff import correction_pairs, diff
from wso.registry.ingestion import IngestError, IngestReport, ingest
from wso.registry.queries import (
    UnknownSnapshot,
    active_agreements,
    agencies_in_state,
    agreement_in_force,
    find_agencies,
    get_agency,
    issues,
    latest_snapshot_date,
    stats,
    timeline,
)
from wso.registry.views import AgencyView, AgreementView, Diff, IssueView, Stats, TimelineEntry

__all__ = [
    "AgencyView",
    "AgreementView",
    "Diff",
    "IngestError",
    "IngestReport",
    "IssueView",
    "Stats",
    "TimelineEntry",
    "UnknownSnapshot",
    "active_agreements",
    "agencies_in_state",
    "agreement_in_force",
    "correction_pairs",
    "diff",
    "find_agencies",
    "get_agency",
    "ingest",
    "issues",
    "latest_snapshot_date",
    "stats",
    "timeline",
]
