"""`wso moa`: the signed MOAs read (OCR where scanned), compared with their templates, and searched."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wso import moa
from wso.cli.common import JsonFlag, counted, database, emit_json, fail
from wso.clock import SystemClock
from wso.program import UnknownValue

app = typer.Typer(
    help="The signed MOAs: read (OCR where scanned), compared clause by clause, searched.", no_args_is_help=True
)

IdArgument = Annotated[str, typer.Argument(help="An MOA's id, sha256 (8+ characters) or file name.")]
EXIT_REFUSED = 1


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="PDF files, or folders to read recursively.")],
    workers: Annotated[int, typer.Option("--workers", help="OCR processes (default: one per core, at most 4).")] = 0,
    as_json: JsonFlag = False,
) -> None:
    """Store each PDF by sha256 with its pages' text (text layer where good, else OCR) and what it says.
    Exits 1 if any file was refused (the others are stored)."""
    try:
        report = moa.ingest(database(), paths, SystemClock(), workers=workers or moa.default_workers())
    except moa.OcrUnavailable as exc:
        fail(str(exc))
    if as_json:
        emit_json(report)
    else:
        typer.echo(
            f"{counted(len(report.read), 'file')} read, {counted(len(report.cached), 'file')} already stored, "
            f"{counted(len(report.refused), 'file')} refused"
        )
        if report.pages:
            typer.echo("pages read: " + ", ".join(f"{n} by {m}" for m, n in sorted(report.pages.items())))
        if report.skipped:
            typer.echo(f"not PDFs, skipped: {', '.join(report.skipped)}")
        for refusal in report.refused:
            typer.echo(f"refused: {refusal.path}: {refusal.reason}", err=True)
    if report.refused:
        raise typer.Exit(EXIT_REFUSED)


@app.command("list")
def list_(
    model: Annotated[str | None, typer.Option("--model", help="Only this model (WSO, JEM, TFM).")] = None,
    state: Annotated[str | None, typer.Option("--state", help="Only this state (USPS code).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Every stored MOA: file, sha256, model, agency, state, signed, template, pages, how read, characters."""
    with database().session() as session:
        try:
            found = moa.list_documents(session, model=model, state=state)
        except UnknownValue as exc:  # a filter none of the program's: refused, never an empty list
            fail(f"--{exc.what}: {exc}")
    if as_json:
        emit_json(found)
        return
    for d in found:
        typer.echo(
            f"{d.id:4d} {d.model or '?':3} {d.state or '??'} {d.signed or '          '} {(d.template or '?'):15} "
            f"{d.pages:2d}p {d.how_read[:28]:28} {d.label[:40]:40} {d.file}"
        )


@app.command()
def show(
    ident: IdArgument,
    text: Annotated[bool, typer.Option("--text", help="Include each page's text.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """One MOA: each field with where it came from and how sure, its pages as read, its clauses."""
    with database().session() as session:
        try:
            detail = moa.show(session, ident, with_text=text)
        except moa.UnknownDocument as exc:
            fail(str(exc))
    if as_json:
        emit_json(detail)
        return
    s = detail.summary
    typer.echo(f"{s.file}  (id {s.id}, sha256 {s.sha256})")
    for name in ("model", "agency", "state", "signed", "template", "addendum"):
        found = detail.fields.get(name) or {}
        where = (
            f"page {found.get('page')}" + (f" line {found['line']}" if found.get("line") else "")
            if found.get("page")
            else ""
        )
        typer.echo(
            f"  {name:9} {found.get('value') or '-'}  [{found.get('source')}{', ' + where if where else ''}, "
            f"sure {found.get('confidence', 0):.2f}] {found.get('note') or ''}".rstrip()
        )
    registry = detail.fields.get("registry")
    if registry:
        typer.echo(f"  registry  {registry['agency_id']} ({registry['how']}); ICE's copy: {registry['ice_url'] or '-'}")
    for reason in detail.missing:
        typer.echo(f"  not read: {reason}")
    typer.echo(
        f"  read: {s.how_read}; {s.pages} pages, {s.characters:,} characters"
        f"{'; born digital' if s.born_digital else ''}{'; encrypted (empty password)' if s.encrypted else ''}"
    )
    for p in detail.pages:
        ocr = f", OCR confidence {p.ocr_confidence:.0f}" if p.ocr_confidence is not None else ""
        typer.echo(
            f"    page {p.number:2d}: {p.method:10} layer {p.layer_verdict:7} "
            f"({p.dictionary_share:.0%} words){ocr}{' scan' if p.scanned else ''}"
        )
        if p.text is not None:
            typer.echo(p.text)
    _print_clauses(detail.clauses)
    for check in detail.rule_checks:
        typer.echo(
            f"  rule {check.rule:22} {'ok' if check.ok else 'DEVIATES'}  "
            f"({check.found:.0%} of its words in {check.clause})"
        )


def _print_clauses(clauses: tuple[moa.ClauseView, ...]) -> None:
    for c in clauses:
        similarity = f"{c.similarity:.2f}" if c.similarity is not None else "    "
        rules = f"  rules: {', '.join(c.rules)}" if c.rules else ""
        typer.echo(f"  {c.clause:10} {c.status:12} {similarity}  {c.title[:50]}{rules}")
        for change in c.changes[:8]:
            typer.echo(f"      - {change.template[:100]}")
            typer.echo(f"      + {change.document[:100]}")


@app.command()
def diff(
    ident: IdArgument,
    against: Annotated[
        str | None, typer.Option("--against", help="Another MOA to compare with (default: its template).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """The MOA clause by clause against its template (or another MOA): missing, added, changed beyond OCR noise."""
    with database().session() as session:
        try:
            result = moa.diff(session, ident, against)
        except moa.UnknownDocument as exc:
            fail(str(exc))
    if as_json:
        emit_json(result)
        return
    typer.echo(f"{result.document.file} against {result.against_kind} {result.against}")
    if result.against_kind == "template" and result.document.template is None:
        typer.echo(f"  not compared: its template version was not read (wso moa show {result.document.id})")
    _print_clauses(result.clauses)
    for check in result.rule_checks:
        if not check.ok:
            typer.echo(f"  rule {check.rule} deviates: {check.found:.0%} of {check.phrase!r} in {check.clause}")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='Words to find (all required); "quoted phrases" kept together.')],
    limit: Annotated[int, typer.Option("--limit", help="At most this many pages.")] = 20,
    as_json: JsonFlag = False,
) -> None:
    """Full-text search over every MOA's pages: the page and a snippet."""
    with database().session() as session:
        try:
            hits = moa.search(session, query, limit=limit)
        except moa.BadQuery as exc:
            fail(str(exc))
    if as_json:
        emit_json([{k: v for k, v in hit.__dict__.items() if k != "parts"} for hit in hits])
        return
    if not hits:
        typer.echo(f"no MOA page matches {query!r}")
    for hit in hits:
        typer.echo(f"{hit.file} p.{hit.page} ({hit.label}, {hit.state or '??'}): {hit.snippet}")
