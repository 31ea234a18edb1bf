"""Write findings as JSON, CSV, Parquet or an HTML report; rejects as CSV. Each file appears whole or not at all."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from wso.audit.engine import AuditResult
from wso.audit.rejects import Rejects
from wso.audit.report import render_html
from wso.program import hold_records as hr
from wso.program.cost import CostReport

Format = Literal["json", "csv", "parquet", "html"]
FORMATS: tuple[str, ...] = ("json", "csv", "parquet", "html")


def _atomic(path: Path, write: Callable[[Path], object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def findings_as_dicts(findings: pa.Table) -> list[dict[str, Any]]:
    out = []
    for row in findings.to_pylist():
        row["evidence"] = json.loads(row["evidence"])
        out.append(row)
    return out


def companion(out: Path, suffix: str) -> Path:
    """A file next to ``out``: findings.csv -> findings.summary.json, findings.rejects.csv."""
    return out.with_name(out.stem + suffix)


def write_output(
    result: AuditResult,
    summary: dict[str, Any],
    fmt: str,
    out: Path,
    rejects: list[Rejects] | None = None,
    cost: CostReport | None = None,
) -> list[Path]:
    """Write the findings in ``fmt`` to ``out`` (plus a summary for CSV/Parquet, and rejects if any); the HTML
    report draws ``cost`` (the unreimbursed bed-days by month) when given."""
    written: list[Path] = []
    if fmt == "json":
        doc = {"schema_version": hr.SCHEMA_VERSION, "summary": summary, "findings": findings_as_dicts(result.findings)}
        _atomic(out, lambda p: p.write_text(json.dumps(doc, indent=1, default=str) + "\n", encoding="utf-8"))
    elif fmt == "csv":
        _atomic(out, lambda p: pacsv.write_csv(result.findings, p))
    elif fmt == "parquet":
        _atomic(out, lambda p: pq.write_table(result.findings, p))
    elif fmt == "html":
        html = render_html(result, summary, cost)
        _atomic(out, lambda p: p.write_text(html, encoding="utf-8"))
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    written.append(out)
    if fmt in {"csv", "parquet"}:
        path = companion(out, ".summary.json")
        _atomic(path, lambda p: p.write_text(json.dumps(summary, indent=1, default=str) + "\n", encoding="utf-8"))
        written.append(path)
    for rej in rejects or []:
        path = companion(out, f".rejects.{rej.table}.csv")
        rows = rej.rows.cast(pa.schema([(f.name, pa.string()) for f in rej.rows.schema]))

        def write_rejects(p: Path, rows: pa.Table = rows) -> None:
            pacsv.write_csv(rows, p)

        _atomic(path, write_rejects)
        written.append(path)
    return written
