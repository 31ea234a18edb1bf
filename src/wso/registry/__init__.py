"""The registry: ICE's 287(g) participating and pending spreadsheets over time, as agencies and agreements.

Other rooms and the doors use only the names exported here (`__all__`), and of its modules only those `__all__`
names: `bundled`, `compliance` and `ingestion` (imported here), `export` (CSV, Parquet, JSON: loads pyarrow) and
`fetch` (downloads ICE's files: loads an HTTP client), which stay out of `import wso.registry` and are imported by
the commands that need them.
"""

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

# isort: split
# last: compliance imports the names above from `wso.registry`
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

__all__ = [
    "AgencyView",
    "AgreementView",
    "Conflict",
    "ConflictReport",
    "CountyCoverage",
    "Coverage",
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
    "ingest",
    "ingestion",
    "issues",
    "latest_snapshot_date",
    "load_bundled_if_empty",
    "runs_a_jail",
    "stats",
    "timeline",
]
