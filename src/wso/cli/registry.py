"""`wso registry`: ICE's 287(g) spreadsheets over time: agencies, agreements, snapshots.

Importing this module loads Typer and nothing of the registry: `wso.registry` loads each name when first used, and
what a command needs beyond it (SQLAlchemy through the database, the settings, pyarrow) it imports when it runs.
`wso registry stats --json` does not even get here when its answer is kept ready (`wso.registry.ready.ANSWERS`).
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from wso import registry
from wso.cli.common import JsonFlag, counted, database, emit_json, fail, parse_date
from wso.clock import SystemClock
from wso.program import UnknownValue

if TYPE_CHECKING:
    from wso.registry import HeadStart
    from wso.registry.ingestion import IngestReport

app = typer.Typer(help="ICE's 287(g) spreadsheets over time: agencies, agreements, snapshots.", no_args_is_help=True)

KindOption = Annotated[str | None, typer.Option("--kind", help="participating or pending.")]
StateOption = Annotated[str | None, typer.Option("--state", help="A state: USPS code (TX) or name.")]


def _parse_captured_at(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        fail(f"--captured-at {value!r} is not a time; write it as 2025-07-04T15:16:59Z")
    if parsed.tzinfo is None:
        fail(f"--captured-at {value!r} has no time zone; add Z for UTC")
    return parsed.astimezone(UTC)


def _print_report(report: IngestReport, as_json: bool) -> None:
    if as_json:
        emit_json({"added": report.added, "skipped": report.skipped, "rows": report.rows, "files": report.files})
    else:
        for f in report.files:
            if f.status == "added":
                typer.echo(
                    f"added   {f.kind} {f.label}: {counted(f.rows, 'row')}, {counted(f.issues, 'issue')}  ({f.path})"
                )
            elif f.status == "skipped":
                typer.echo(f"skipped {f.path}: {f.message}")
            elif f.status == "ignored":
                typer.echo(f"ignored {f.path}: {f.message}")
        typer.echo(
            f"{report.added} added, {report.skipped} skipped, "
            + (f"{len(report.ignored)} ignored, " if report.ignored else "")
            + f"{counted(report.rows, 'row')}, {counted(report.issues, 'issue')}"
        )
    for f in report.failed:
        typer.echo(f"error: {f.message}", err=True)
    if report.failed:
        raise typer.Exit(1)


def _ingest(
    paths: list[Path],
    files: list[Path],
    when: datetime | None,
    manifest: Path | None,
    corrections: Path | None,
    processes: int,
    started: HeadStart | None,
    as_json: bool,
) -> IngestReport:
    """`wso registry ingest` once its options are checked (and its workers perhaps started), with a progress bar
    on a terminal."""
    run = partial(
        registry.ingest,
        clock=SystemClock(),
        captured_at=when,
        manifest=manifest,
        corrections=corrections,
        workers=processes,
        started=started,
    )
    with database().session() as session:
        if sys.stdout.isatty() and not as_json:
            from rich.progress import Progress

            with Progress(transient=True) as bar:
                task = bar.add_task("ingesting", total=len(files))
                return run(session, paths, progress=lambda _p: bar.advance(task))
        return run(session, paths)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively) of .xlsx or .csv.")],
    captured_at: Annotated[
        str | None, typer.Option("--captured-at", help="Capture time (UTC) when folder names do not carry it.")
    ] = None,
    manifest: Annotated[
        Path | None,
        typer.Option(
            "--manifest", help="CSV with path and capture time of each file (a MANIFEST.csv in a folder is read too)."
        ),
    ] = None,
    corrections: Annotated[
        Path | None,
        typer.Option("--corrections", help="CSV of publication dates set by hand: file, published, half, why."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", help="Processes that parse the files (default: the CPU count; 1: no extra process)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Ingest ICE's participating/pending spreadsheets; files already ingested (same bytes) are skipped, files that
    are not ICE lists are listed as ignored with the reason."""
    when = _parse_captured_at(captured_at)
    if workers is not None and workers < 1:
        fail(f"--workers {workers}: give 1 or more")
    processes = workers if workers is not None else (os.cpu_count() or 1)
    for option, given in (("--manifest", manifest), ("--corrections", corrections)):
        if given is not None and not given.is_file():
            fail(f"{option} {given}: no such file")
    started = None
    try:
        if processes > 1 and manifest is None and corrections is None:
            # the workers parse while this process loads SQLAlchemy and opens the database (an SQLite file)
            started = registry.head_start(paths, workers=processes, clock=SystemClock(), captured_at=when)
        files = started.files if started is not None else registry.ingestion.discover(paths)
        report = _ingest(paths, files, when, manifest, corrections, processes, started, as_json)
    except registry.IngestError as exc:
        fail(str(exc))
    finally:
        if started is not None:
            started.close()
    _print_report(report, as_json)


@app.command()
def timeline(kind: KindOption = None, state: StateOption = None, as_json: JsonFlag = False) -> None:
    """One entry per snapshot: published date, am/pm, capture time, sha256, kind, total, by model."""
    if kind is not None and kind not in ("participating", "pending"):
        fail(f"--kind {kind!r}: use participating or pending")
    with database().session() as session:
        try:
            entries = registry.timeline(session, kind=kind, state=state)
        except ValueError as exc:
            fail(f"--state: {exc}")
    if as_json:
        emit_json(entries)
        return
    for e in entries:
        models = " ".join(f"{m} {n:4d}" for m, n in e.by_model.items())
        typer.echo(f"{e.label:15} {e.kind:13} {e.total:5d}  {models}  {e.sha256[:12]}")


@app.command()
def stats(
    on: Annotated[str | None, typer.Option("--on", help="A date (YYYY-MM-DD); default: the latest.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Active agreements by model and state (loads the bundled snapshot into an empty database first)."""
    day = parse_date(on, option="--on") if on is not None else None
    with database().session() as session:
        registry.load_bundled_if_empty(session, clock=SystemClock())
        result = registry.stats(session, on=day)
    if as_json:  # as the answer kept ready prints it (`wso.registry.ready`), which `wso.cli.main` prints instead
        typer.echo(registry.ready.stats_text(result))
        return
    if result.snapshot is None:
        typer.echo("no participating snapshot published on or before that day")
        return
    typer.echo(f"ICE participating agencies, snapshot {result.snapshot}: {result.total} agreements")
    typer.echo("  " + ", ".join(f"{m} {n}" for m, n in result.by_model.items()))
    typer.echo(f"  {result.agencies} agencies in {len(result.by_state)} states; {result.pending} pending")
    for state, counts in result.by_state.items():
        typer.echo(f"  {state}  " + " ".join(f"{k} {v:3d}" for k, v in counts.items()))


@app.command()
def agency(
    query: Annotated[str, typer.Argument(help="Words of the agency's name, or its id.")],
    state: StateOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Matching agencies and the lives of their agreements."""
    with database().session() as session:
        try:
            found = registry.find_agencies(session, query, state=state)
        except ValueError as exc:
            fail(f"--state: {exc}")
    if as_json:
        emit_json(found)
        return
    if not found:
        typer.echo(f"no agency matches {query!r}")
        return
    for a in found:
        typer.echo(f"{a.name} ({a.state}, {a.kind}{', ' + a.county if a.county else ''})  {a.id}")
        signed_on = {g.id: g.signed for g in a.agreements}
        for g in a.agreements:
            signed = g.signed.isoformat() if g.signed else "unsigned"
            ended = f", {'corrected' if g.status == 'corrected' else 'removed'} {g.removed_on}" if g.removed_on else ""
            fixes = f" (corrects SIGNED {signed_on.get(g.corrects)})" if g.corrects else ""
            typer.echo(
                f"  {g.model} signed {signed}: {g.status}, listed {g.first_listed}..{g.last_listed}{ended}{fixes}"
            )


@app.command("issues")
def issues_command(
    code: Annotated[str | None, typer.Option("--code", help="Only issues with this code.")] = None,
    snapshot: Annotated[str | None, typer.Option("--snapshot", help="Only this snapshot (label or sha256).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """What could not be read cleanly: code, file, row number, message."""
    with database().session() as session:
        try:
            found = registry.issues(session, code=code, snapshot=snapshot)
        except registry.UnknownSnapshot as exc:
            fail(f"--snapshot: {exc.args[0]}")
        except UnknownValue as exc:  # a code none of the registry's: refused, never "0 issues"
            fail(f"--code: {exc}")
    if as_json:
        emit_json(found)
        return
    for i in found:
        where = f"row {i.row_number}" if i.row_number is not None else "file"
        typer.echo(f"{i.code:22} {i.file_name} ({i.snapshot}) {where}: {i.message}")
    typer.echo(counted(len(found), "issue"))


@app.command("diff")
def diff_command(
    old: Annotated[str, typer.Argument(help="Old snapshot: label (2025-06-27am), sha256, or file path.")],
    new: Annotated[str, typer.Argument(help="New snapshot: label (2025-07-03pm#2), sha256, or file path.")],
    as_json: JsonFlag = False,
) -> None:
    """Agreements added, removed and changed between two snapshots."""
    with database().session() as session:
        try:
            result = registry.diff(session, old, new)
        except registry.UnknownSnapshot as exc:
            fail(str(exc.args[0]))
    if as_json:
        emit_json(result)
        return
    typer.echo(
        f"{result.old} -> {result.new}: {len(result.added)} added, {len(result.removed)} removed, "
        f"{len(result.changed)} changed"
    )
    for sign, items in (("+", result.added), ("-", result.removed)):
        for c in items:
            typer.echo(f"{sign} {c.state} {c.agency_name} {c.model} signed {c.signed or 'unsigned'}")
    for c in result.changed:
        detail = "; ".join(f"{k}: {a!r} -> {b!r}" for k, (a, b) in c.fields.items())
        typer.echo(f"~ {c.state} {c.agency_name} {c.model}: {detail}")


@app.command("export")
def export_command(
    path: Annotated[Path, typer.Argument(help="Folder to write one file per table into.")],
    fmt: Annotated[str, typer.Option("--format", help="csv, parquet or json.")] = "csv",
    as_json: JsonFlag = False,
) -> None:
    """Export snapshots, rows, issues, agencies, agreements and listings."""
    if fmt not in registry.export.FORMATS:
        fail(f"--format {fmt!r}: use csv, parquet or json")
    with database().session() as session:
        files = registry.export.export(session, fmt, path)
    if as_json:
        emit_json([str(f) for f in files])
        return
    for f in files:
        typer.echo(str(f))


@app.command("pack")
def pack_command(
    path: Annotated[Path, typer.Argument(help="The file to write (xz-compressed JSON), e.g. history.json.xz.")],
    as_json: JsonFlag = False,
) -> None:
    """Write the whole registry in compact form (what the package ships as its history)."""
    from wso.registry.pack import write_pack

    with database().session() as session:
        summary = write_pack(session.connection(), path)
    if as_json:
        emit_json(summary)
        return
    typer.echo(
        f"{path}: {summary.snapshots} snapshots, {counted(summary.rows, 'row')}, {summary.readings} readings, "
        f"latest {summary.latest}, {summary.bytes:,} bytes"
    )


@app.command("fetch")
def fetch_command(as_json: JsonFlag = False) -> None:
    """Download ICE's current participating and pending spreadsheets, keep them as a capture, ingest them."""
    from wso.registry.fetch import FetchError, fetch  # here: it loads an HTTP client no other command needs
    from wso.settings import get_settings

    settings = get_settings()
    urls = {"participating": settings.fetch_participating_url, "pending": settings.fetch_pending_url}
    with database().session() as session:
        try:
            fetched, report = fetch(session, clock=SystemClock(), data_dir=settings.data_dir, urls=urls)
        except FetchError as exc:
            fail(str(exc), code=1)
    if not as_json:
        for f in fetched:
            typer.echo(f"fetched {f.url} -> {f.path}")
    _print_report(report, as_json)
