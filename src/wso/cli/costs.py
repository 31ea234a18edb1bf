"""The options and the output `wso custody cost` and `wso audit cost` share: the cost view as text, JSON or CSV."""

from __future__ import annotations

import csv
import sys
from typing import Annotated

import typer

from wso.cli.common import counted, emit_json, fail
from wso.program.cost import CostInputError, CostReport, Period, Rates, parse_period, parse_rates

FacilityOption = Annotated[str | None, typer.Option("--facility", help="Only this facility (its id).")]
FromOption = Annotated[
    str | None, typer.Option("--from", help="First day (YYYY-MM-DD) or month (YYYY-MM), in the facility's time.")
]
ToOption = Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD) or month (YYYY-MM), included.")]
MonthOption = Annotated[str | None, typer.Option("--month", help="One month (YYYY-MM) instead of --from/--to.")]
PerDiemOption = Annotated[
    str | None,
    typer.Option("--per-diem", help="The county's daily cost of a jail bed, e.g. 85.50 or 'USD 85.50' (no default)."),
]
ReimbursementOption = Annotated[
    str | None,
    typer.Option("--reimbursement", help="The detention agreement's daily fee, paid for reimbursed hours."),
]
CsvFlag = Annotated[bool, typer.Option("--csv", help="Print the months and totals as CSV.")]


def period_and_rates(since: str | None, until: str | None, month: str | None, per_diem: str | None,
                     reimbursement: str | None, *, json_out: bool, csv_out: bool) -> tuple[Period, Rates]:  # fmt: skip
    """The options parsed, or a one-line refusal naming the option, before any work is done."""
    if json_out and csv_out:
        fail("--json and --csv: choose one")
    try:
        return parse_period(since, until, month), parse_rates(per_diem, reimbursement)
    except CostInputError as error:
        fail(str(error))


def show(report: CostReport, *, json_out: bool, csv_out: bool, rejected_rows: int | None = None) -> None:
    """The report as text (a table, then each amount's arithmetic), JSON or CSV. `rejected_rows`: rows the
    audit's checks set aside (--lenient), said on stderr and in the JSON."""
    if rejected_rows:
        typer.echo(f"{counted(rejected_rows, 'row')} rejected by the checks and not counted (--lenient)", err=True)
    if json_out:
        extra = {} if rejected_rows is None else {"rejected_rows": rejected_rows}
        emit_json({**report.as_dict(), **extra})
        return
    if csv_out:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(report.csv_header())
        writer.writerows(report.csv_rows())
        return
    period = report.period
    within = ""
    if period.since or period.until:
        within = f", {period.since or 'the start'} to {period.until or 'the as-of time'}"
    as_of = report.as_of.isoformat().replace("+00:00", "Z")
    typer.echo(f"Holds in ICE custody at the jail, as of {as_of}{within} (hours: elapsed; months: local)")
    header = ("facility", "month", "holds", "hours", "unreimbursed", "reimbursed", "bed-days")
    rows = [(r.facility, r.month or "total", f"{r.holds:,}", f"{r.hours:,}", f"{r.unreimbursed_hours:,}",
             f"{r.reimbursed_hours:,}", f"{r.bed_days:,}") for r in (*report.months, *report.facilities)]  # fmt: skip
    if not rows:
        typer.echo("no hours in ICE custody in this period")
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]
    for cells in (header, *rows):
        aligned = (c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))
        typer.echo("  ".join(aligned))
    for row in (*report.months, *report.facilities):
        cost = row.cost
        if cost is None:
            continue
        lines = [(name, line) for name, line in (("unreimbursed", cost.unreimbursed), ("reimbursed beds",
                 cost.reimbursed_beds), ("reimbursement", cost.reimbursement)) if line is not None]  # fmt: skip
        typer.echo(f"{row.facility} {row.month or 'total'}:")
        for name, amount in lines:
            typer.echo(f"  {name:<16} {amount.arithmetic}")
        if cost.net is not None:
            typer.echo(f"  {'net':<16} {report.rates.show(cost.net)}")
    for aside in report.set_aside:
        typer.echo(f"set aside: {counted(aside.count, 'hold')}: {aside.reason} (e.g. {', '.join(aside.examples)})")
