"""The audit: the program's rules over many hold records at once, on DuckDB or any Ibis backend (PySpark, ...).

Public functions: ``load_records`` (check and type a directory of hold records), ``run_audit`` (findings on a
backend), ``summarize``, ``write_output``, ``audit_to_file`` (all of it, as ``wso audit run`` does), ``generate``
(synthetic records with planted violations and an answer key), ``load_mapping``, ``records_cost`` (what the holds
cost a county, per facility and month); the module ``engine`` is public too.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from wso.audit.cost import records_cost
from wso.audit.engine import BACKENDS, AuditResult, BackendError, run_audit, spark_session
from wso.audit.load import Records, RecordsError, Rejects, load_records
from wso.audit.mapping import Mapping, MappingError, load_mapping
from wso.audit.output import FORMATS, write_output
from wso.audit.summary import hold_counts, summarize
from wso.audit.synth import PLANTED, SynthSummary, generate
from wso.program import DEFAULT_DETAINER_READING, SERVICE_TOLERANCE

__all__ = [
    "BACKENDS",
    "FORMATS",
    "PLANTED",
    "AuditResult",
    "AuditRun",
    "BackendError",
    "Mapping",
    "MappingError",
    "Records",
    "RecordsError",
    "Rejects",
    "SynthSummary",
    "audit_to_file",
    "engine",
    "generate",
    "hold_counts",
    "load_mapping",
    "load_records",
    "records_cost",
    "run_audit",
    "spark_session",
    "summarize",
    "write_output",
]


def warm_imports() -> None:
    """Import what an audit on DuckDB imports on first use: Ibis's DuckDB backend (with every SQL compiler Ibis
    has), ``pyarrow.dataset`` (DuckDB's scans of Arrow tables import it, and pandas with it) and the holidays
    (``engine.local_plan`` imports every country's module, later, beside the backend's pass)."""
    import importlib

    for name in ("ibis.backends.duckdb", "pyarrow.dataset", "holidays"):
        importlib.import_module(name)


@dataclass
class AuditRun:
    result: AuditResult
    summary: dict[str, Any]
    written: list[Path]


def audit_to_file(
    records_dir: Path,
    out: Path,
    *,
    as_of: datetime,
    fmt: str = "json",
    backend: str = "duckdb",
    mapping: Mapping | None = None,
    lenient: bool = False,
    tolerance: timedelta = SERVICE_TOLERANCE,
    reading: str = DEFAULT_DETAINER_READING,
) -> AuditRun:
    """Load, check, audit and write. Nothing is written unless the records pass their checks (or ``lenient``)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        # what the engine will import, imported while DuckDB reads and checks the records (Python's import work
        # on one core beside DuckDB's scans)
        pool.submit(warm_imports)
        # the ids' proof of distinctness waits for a core the engine leaves idle (``run_audit`` settles it)
        records = load_records(records_dir, mapping, lenient=lenient, defer_ids=True)
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            # DuckDB counts the holds on a cursor of its own while the engine's Python builds and compiles the
            # rules (a core it would leave idle)
            counts = pool.submit(hold_counts, records)
            set_aside = records.rejected
            result = run_audit(records, as_of, backend, tolerance=tolerance, reading=reading)
            # repeated ids set aside once the audit ran: the holds are counted again, without them
            counted = counts.result() if records.rejected == set_aside else hold_counts(records)
            summary = summarize(result, counted)
        cost = records_cost(records, as_of, mapping=mapping) if fmt == "html" else None
        written = write_output(result, summary, fmt, out, records.rejects, cost)
    finally:
        records.con.close()
    return AuditRun(result=result, summary=summary, written=written)
