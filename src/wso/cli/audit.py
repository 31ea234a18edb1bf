"""`wso audit`: The program's rules over many hold records at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from wso.cli.common import JsonFlag, emit_json, fail
from wso.cli.costs import (
    CsvFlag,
    FacilityOption,
    FromOption,
    MonthOption,
    PerDiemOption,
    ReimbursementOption,
    ToOption,
    period_and_rates,
    show,
)
from wso.clock import SystemClock

app = typer.Typer(help="The program's rules over many hold records at once.", no_args_is_help=True)


def _parse_time(value: str, option: str) -> datetime:
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        fail(f"{option} {value!r} is not a time; write it as ISO 8601 with an offset, e.g. 2026-01-08T00:00:00Z")
    if t.tzinfo is None:
        fail(f"{option} {value!r} has no UTC offset; add one, e.g. {value}Z")
    return t.astimezone(UTC)


@app.command("run")
def run(
    records: Annotated[Path, typer.Argument(help="Directory with holds, officers, agreements (.parquet or .csv).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the findings.")],
    fmt: Annotated[str, typer.Option("--format", help="json, csv, parquet or html.")] = "json",
    mapping: Annotated[Path | None, typer.Option("--mapping", help="YAML or TOML mapping file.")] = None,
    backend: Annotated[
        str, typer.Option("--backend", help="duckdb (default), pyspark, or an Ibis connection URL (postgres://...).")
    ] = "duckdb",
    as_of: Annotated[str | None, typer.Option("--as-of", help="Audit time (ISO 8601); default: now.")] = None,
    lenient: Annotated[bool, typer.Option("--lenient", help="Set bad rows aside in a rejects file.")] = False,
    service_tolerance: Annotated[
        float | None,
        typer.Option(
            "--service-tolerance",
            help="Minutes after the release from criminal custody that service is still at the release "
            "(default: the program's, as in the ledger).",
        ),
    ] = None,
    detainer_reading: Annotated[
        str, typer.Option("--detainer-reading", help="Reading that decides DETAINER-48H: flat (default) or excluding.")
    ] = "flat",
    json_out: JsonFlag = False,
) -> None:
    """Audit hold records against the program's rules and write the findings."""
    from wso.audit import (
        BACKENDS,
        FORMATS,
        BackendError,
        MappingError,
        RecordsError,
        audit_to_file,
        load_mapping,
    )
    from wso.audit.engine import is_url

    if fmt not in FORMATS:
        fail(f"--format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if backend not in BACKENDS and not is_url(backend):
        fail(f"--backend {backend!r}: choose one of {', '.join(BACKENDS)}, or an Ibis connection URL")
    when = _parse_time(as_of, "--as-of") if as_of else SystemClock().now()
    from wso.program import DETAINER_READINGS, SERVICE_TOLERANCE

    if detainer_reading not in DETAINER_READINGS:
        fail(f"--detainer-reading {detainer_reading!r}: choose one of {', '.join(DETAINER_READINGS)}")
    if service_tolerance is not None and not 0 <= service_tolerance <= 24 * 60:
        fail(f"--service-tolerance {service_tolerance:g}: give minutes from 0 to 1440")
    tolerance = SERVICE_TOLERANCE if service_tolerance is None else timedelta(minutes=service_tolerance)
    try:
        spec = load_mapping(mapping) if mapping else None
        done = audit_to_file(
            records, out, as_of=when, fmt=fmt, backend=backend, mapping=spec, lenient=lenient,
            tolerance=tolerance, reading=detainer_reading,
        )  # fmt: skip
    except (RecordsError, MappingError, BackendError) as exc:
        fail(str(exc))
    s = done.summary
    if json_out:
        emit_json({**s, "written": [str(p) for p in done.written]})
        return
    typer.echo(
        f"{s['holds']:,} holds audited as of {s['as_of']} on {s['backend']}: {s['findings']:,} findings "
        f"in {s['records_with_findings']:,} holds"
        + (f"; {s['rejected_rows']:,} rows rejected" if s["rejected_rows"] else "")
    )
    for r in s["by_rule"]:
        if r["findings"]:
            typer.echo(f"  {r['rule_id']:<26} {r['findings']:>10,}  ({r['severity']})")
    for p in done.written:
        typer.echo(f"wrote {p}")


@app.command("cost")
def cost(
    records: Annotated[Path, typer.Argument(help="Directory with holds, officers, agreements (.parquet or .csv).")],
    facility: FacilityOption = None,
    since: FromOption = None,
    until: ToOption = None,
    month: MonthOption = None,
    per_diem: PerDiemOption = None,
    reimbursement: ReimbursementOption = None,
    mapping: Annotated[Path | None, typer.Option("--mapping", help="YAML or TOML mapping file.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Open holds count to this time; default: now.")] = None,
    lenient: Annotated[bool, typer.Option("--lenient", help="Set bad rows aside instead of stopping.")] = False,
    json_out: JsonFlag = False,
    csv_out: CsvFlag = False,
) -> None:
    """What the holds cost a county, per facility and month: hours, unreimbursed and reimbursed, bed-days, and
    money at the rates given (hours / 24 × rate). The same definitions as `wso custody cost`; see docs/cost.md."""
    from wso.audit import MappingError, RecordsError, load_mapping, load_records, records_cost
    from wso.program.cost import CostInputError

    period, rates = period_and_rates(since, until, month, per_diem, reimbursement, json_out=json_out, csv_out=csv_out)
    when = _parse_time(as_of, "--as-of") if as_of else SystemClock().now()
    try:
        spec = load_mapping(mapping) if mapping else None
        loaded = load_records(records, spec, lenient=lenient)
    except (RecordsError, MappingError) as exc:
        fail(str(exc))
    try:
        report = records_cost(loaded, when, facility=facility, period=period, rates=rates, mapping=spec)
    except CostInputError as exc:
        fail(str(exc))
    finally:
        loaded.con.close()
    show(report, json_out=json_out, csv_out=csv_out, rejected_rows=loaded.rejected)


@app.command("schema")
def schema(json_out: JsonFlag = False) -> None:
    """Print the hold-record schema (version, tables, columns, types, nullability, meaning)."""
    from wso.program import hold_records as hr

    if json_out:
        emit_json(hr.as_dict())
        return
    typer.echo(f"hold-record schema v{hr.SCHEMA_VERSION}")
    typer.echo("CSV: times ISO 8601 with offset, dates YYYY-MM-DD, booleans true/false; Parquet: UTC timestamps.")
    for t in hr.ALL_TABLES:
        optional = f" (optional, since v{t.since}: a directory without it has none)" if t.optional else ""
        typer.echo(f"\n{t.name}{optional}: {t.description}")
        for c in t.columns:
            null = "nullable" if c.nullable else "required"
            values = f" [{' | '.join(c.values)}]" if c.values else ""
            typer.echo(f"  {c.name:<26} {c.type:<10} {null:<9} {c.description}{values}")


@app.command("synth")
def synth(
    out: Annotated[Path, typer.Option("--out", help="Directory to write the records and answer key to.")],
    holds: Annotated[int, typer.Option("--holds", help="How many holds.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same records).")] = 0,
    violation_rate: Annotated[
        float, typer.Option("--violation-rate", help="Share of holds with a planted problem.")
    ] = 0.02,
    fmt: Annotated[str, typer.Option("--format", help="parquet or csv.")] = "parquet",
    json_out: JsonFlag = False,
) -> None:
    """Generate synthetic hold records with planted violations and their answer key."""
    from wso.audit import generate

    if fmt not in ("parquet", "csv"):
        fail(f"--format {fmt!r}: choose parquet or csv")
    if holds < 0:
        fail("--holds must be zero or more")
    if not 0 <= violation_rate <= 1:
        fail("--violation-rate must be between 0 and 1")
    summary = generate(out, holds, seed, violation_rate, "csv" if fmt == "csv" else "parquet")
    if json_out:
        emit_json(summary)
        return
    typer.echo(
        f"wrote {summary.holds:,} holds ({summary.planted:,} with a planted problem) to {out}; "
        f"audit them with --as-of {summary.as_of}"
    )
