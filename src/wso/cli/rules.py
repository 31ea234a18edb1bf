"""`wso rules`: The program's rules, state laws and who may (or must) sign what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from sqlalchemy.orm import Session

from wso.cli.common import JsonFlag, database, emit_json, fail, parse_date
from wso.clock import SystemClock
from wso.program import (
    AGENCY_KINDS,
    DETAINER_READINGS,
    STATES,
    BusinessCalendar,
    Eligibility,
    LawFileError,
    Model,
    ModelSpec,
    Rule,
    StateLaw,
    UnknownValue,
    detainer_answer,
    detainer_hold_bar,
    detainer_hold_restrictions,
    detention_agreement_bar,
    eligibility,
    model_spec,
    model_specs,
    parse_agency_kind,
    parse_model,
    parse_reading,
    parse_state,
    rule,
    rules,
    state_laws,
)
from wso.registry import latest_snapshot_date
from wso.registry.bundled import load_bundled_if_empty
from wso.registry.compliance import ConflictReport, Coverage, conflicts, coverage
from wso.settings import get_settings

app = typer.Typer(help="The program's rules, state laws and who may (or must) sign what.", no_args_is_help=True)

LawsOption = Annotated[
    Path | None,
    typer.Option("--laws", help="A CSV of state laws that adds to or overrides the packaged ones (or WSO_LAWS_FILE)."),
]
OnOption = Annotated[str | None, typer.Option("--on", help="The day (YYYY-MM-DD).")]
KindOption = Annotated[str, typer.Option("--agency-kind", help=f"One of {', '.join(AGENCY_KINDS)}.")]
SignedOption = Annotated[
    str | None,
    typer.Option("--signed", help="The agreement's signing day (YYYY-MM-DD); left out: a new agreement, no grace."),
]


def load_laws(path: Path | None) -> tuple[StateLaw, ...]:
    """The packaged laws plus the user's file (--laws, else WSO_LAWS_FILE); a bad file stops with exit 2."""
    chosen = path if path is not None else get_settings().laws_file
    try:
        return state_laws(chosen)
    except LawFileError as exc:
        fail(f"{'--laws' if path is not None else 'WSO_LAWS_FILE'}: {exc}")


def _state(text: str) -> str:
    try:
        return parse_state(text)
    except UnknownValue:
        fail(f"--state: unknown state {text!r}; accepted: a USPS code ({', '.join(STATES)}) or the state's name")


def _model(text: str) -> Model:
    try:
        return parse_model(text)
    except UnknownValue as exc:
        fail(f"--model: {exc}")


def _kind(text: str) -> str:
    try:
        return parse_agency_kind(text)
    except UnknownValue as exc:
        fail(f"--agency-kind: {exc}")


def _rule_lines(found: Rule) -> str:
    models = ", ".join(m.value for m in found.applies_to)
    return (
        f"{found.id}  {found.title}\n  {found.text}\n  citation: {found.citation}\n"
        f"  source: {found.source}; applies to: {models}; severity: {found.severity}"
    )


@app.command()
def show(
    rule_id: Annotated[str | None, typer.Argument(help="A rule id such as WSO-48H; all rules if left out.")] = None,
    json_out: JsonFlag = False,
) -> None:
    """Show one rule (or all): its text, citation and source."""
    if rule_id is None:
        chosen = rules()
    else:
        try:
            chosen = (rule(rule_id),)
        except UnknownValue as exc:
            fail(str(exc))
    if json_out:
        emit_json(chosen[0] if rule_id is not None else list(chosen))
        return
    typer.echo("\n\n".join(_rule_lines(r) for r in chosen))


def _model_text(spec: ModelSpec) -> str:
    lines = [f"{spec.model.value}  {spec.name}: {spec.where}", "  may:"]
    lines += [f"    {item}" for item in spec.authorizes]
    if spec.forbids:
        lines.append("  may not:")
        lines += [f"    {item}" for item in spec.forbids]
    lines.append(f"  training: {spec.training}")
    lines.append(f"  sources: {', '.join(spec.sources)}")
    return "\n".join(lines)


@app.command()
def models(
    model: Annotated[str | None, typer.Argument(help="TFM, JEM or WSO; all three if left out.")] = None,
    json_out: JsonFlag = False,
) -> None:
    """What each 287(g) model authorizes and forbids, where its officers act, and their training."""
    chosen = model_specs()
    if model is not None:
        try:
            chosen = (model_spec(model),)
        except UnknownValue as exc:
            fail(str(exc))
    if json_out:
        emit_json(list(chosen) if model is None else chosen[0])
        return
    typer.echo("\n\n".join(_model_text(spec) for spec in chosen))


def _law_line(law: StateLaw) -> str:
    end = f"; existing agreements end {law.existing_agreements_end}" if law.existing_agreements_end else ""
    if law.existing_agreements == "continue":
        end = "; existing agreements may continue"
    comply = f"; comply by {law.comply_by}" if law.comply_by else ""
    scope = "287(g) " + "/".join(m.value for m in law.models) if law.scope == "287g" else law.scope
    return (
        f"  {law.id} ({law.stance} {scope}, binds {law.binds}, confidence {law.confidence}): {law.citation}; "
        f"effective {law.effective}{end}{comply}"
    )


def _eligibility_text(answer: Eligibility) -> str:
    signed = f" (agreement signed {answer.signed})" if answer.signed else " (a new agreement)"
    lines = [
        f"{answer.state} {answer.model.value} on {answer.on} for a {answer.agency_kind} agency{signed}: "
        f"{answer.verdict}" + (f" (confidence {answer.confidence})" if answer.confidence else "")
    ]
    lines += [_law_line(law) for law in answer.laws] or ["  no state law decides it"]
    lines += [f"  {law.requirement()}" for law in answer.laws if law.stance == "mandates"]
    for law in answer.grace:
        until = f"until {law.existing_end()}" if law.existing_end() else "for as long as it runs"
        lines.append(f"  grace period: signed before {law.id} took effect, it may run {until}")
        lines.append(_law_line(law))
    if answer.next_change:
        lines.append(f"  the verdict changes on {answer.next_change}")
    return "\n".join(lines)


@app.command()
def check(
    state: Annotated[str, typer.Option("--state", help="USPS code or name of the state.")],
    model: Annotated[str, typer.Option("--model", help="TFM, JEM or WSO (or ICE's long name).")],
    on: Annotated[str, typer.Option("--on", help="The day (YYYY-MM-DD).")],
    agency_kind: KindOption = "county",
    signed: SignedOption = None,
    laws: LawsOption = None,
    json_out: JsonFlag = False,
) -> None:
    """May (or must) an agency of this kind in this state hold an agreement of this model on this day?"""
    code = _state(state)
    chosen = _model(model)
    day = parse_date(on, option="--on")
    kind = _kind(agency_kind)
    signing = parse_date(signed, option="--signed") if signed is not None else None
    answer = eligibility(code, chosen, day, kind, laws=load_laws(laws), signed=signing)
    if json_out:
        emit_json(answer)
        return
    typer.echo(_eligibility_text(answer))


@dataclass(frozen=True)
class Bars:
    """The two other questions state law answers for a jail on a day (None: no law bars it)."""

    state: str
    on: date
    agency_kind: str
    signed: date | None
    detainer_holds: StateLaw | None
    detention_agreements: StateLaw | None
    #: laws that restrict holds on detainers without barring them (exceptions on the person's record)
    detainer_holds_restricted_by: tuple[StateLaw, ...] = ()


def _bar_line(what: str, law: StateLaw | None, restricting: tuple[StateLaw, ...] = ()) -> str:
    if law is None:
        if restricting:
            return f"  {what}: not barred, restricted\n" + "\n".join(_law_line(r) for r in restricting)
        return f"  {what}: no state law bars them"
    return f"  {what}: barred\n{_law_line(law)}"


@app.command()
def bars(
    state: Annotated[str, typer.Option("--state", help="USPS code or name of the state.")],
    on: Annotated[str, typer.Option("--on", help="The day (YYYY-MM-DD).")],
    agency_kind: KindOption = "county",
    signed: Annotated[
        str | None, typer.Option("--signed", help="The detention agreement's signing day (default: a new one).")
    ] = None,
    laws: LawsOption = None,
    json_out: JsonFlag = False,
) -> None:
    """Does state law bar holds on I-247A detainers, or an agreement to detain for a fee (IGSA, USMS), that day?"""
    code = _state(state)
    day = parse_date(on, option="--on")
    kind = _kind(agency_kind)
    signing = parse_date(signed, option="--signed") if signed is not None else None
    chosen = load_laws(laws)
    answer = Bars(
        state=code,
        on=day,
        agency_kind=kind,
        signed=signing,
        detainer_holds=detainer_hold_bar(code, day, kind, chosen),
        detention_agreements=detention_agreement_bar(code, day, kind, chosen, signed=signing),
        detainer_holds_restricted_by=detainer_hold_restrictions(code, day, kind, chosen),
    )
    if json_out:
        emit_json(answer)
        return
    typer.echo(
        f"{code} on {day} for a {kind} agency:\n"
        + _bar_line(
            "holds on I-247A detainers without a judicial warrant",
            answer.detainer_holds,
            answer.detainer_holds_restricted_by,
        )
        + "\n"
        + _bar_line("detention agreements (IGSA, U.S. Marshals)", answer.detention_agreements)
    )


@app.command("laws")
def list_laws(
    state: Annotated[str | None, typer.Option("--state", help="Only this state's laws.")] = None,
    laws: LawsOption = None,
    json_out: JsonFlag = False,
) -> None:
    """List the state laws (packaged, plus the user's file)."""
    chosen = load_laws(laws)
    if state is not None:
        code = _state(state)
        chosen = tuple(law for law in chosen if law.state == code)
    if json_out:
        emit_json(list(chosen))
        return
    typer.echo("\n".join(f"{law.state}{_law_line(law)}" for law in chosen) or "no laws")


def _default_day(on: str | None) -> date | None:
    return parse_date(on, option="--on") if on is not None else None


@app.command()
def detainer(
    start: Annotated[str, typer.Option("--start", help="When the hold began, ISO 8601 with offset.")],
    tz: Annotated[str, typer.Option("--tz", help="The facility's IANA time zone, such as America/Chicago.")],
    reading: Annotated[
        str | None, typer.Option("--reading", help="excluding or flat (default: WSO_DETAINER_READING).")
    ] = None,
    state: Annotated[str | None, typer.Option("--state", help="Also skip this state's public holidays.")] = None,
    json_out: JsonFlag = False,
) -> None:
    """When an I-247A detainer hold must end, under the reading in force (which the answer names)."""
    try:
        began = datetime.fromisoformat(start)
    except ValueError:
        fail(f"--start {start!r} is not a time; write it as ISO 8601 with an offset, e.g. 2026-03-06T13:00-05:00")
    if began.tzinfo is None:
        fail(f"--start {start!r} has no UTC offset; add one, e.g. {start}-05:00")
    try:
        chosen = parse_reading(reading if reading is not None else get_settings().detainer_reading)
    except UnknownValue:
        fail(f"--reading: unknown reading {reading!r}; accepted: {', '.join(DETAINER_READINGS)}")
    calendar = BusinessCalendar(_state(state)) if state is not None else None
    try:
        answer = detainer_answer(began, tz, chosen, calendar)
    except UnknownValue as exc:
        fail(f"--tz: {exc}")
    if json_out:
        emit_json(answer)
        return
    local = answer.deadline.astimezone(ZoneInfo(tz))
    typer.echo(f"{local.isoformat()} ({answer.reading} reading: {answer.citation})")


def _registry_day(session: Session, on: str | None) -> date:
    """--on, else the latest snapshot date in the registry.

    An empty database first gets the bundled snapshot, as `wso registry stats` does, so a new user sees real answers.
    """
    load_bundled_if_empty(session, clock=SystemClock())
    if on is not None:
        return parse_date(on, option="--on")
    latest = latest_snapshot_date(session)
    if latest is None:
        fail("the registry holds no snapshot yet, so --on has no default; ingest ICE's spreadsheets or give --on")
    return latest


def _conflicts_text(report: ConflictReport) -> str:
    head = f"{len(report.conflicts)} conflict(s) on {report.on} among {report.agreements_checked} listed agreements"
    if report.snapshot is None:
        head += " (no snapshot on or before that day)"
    else:
        head += f" (ICE listing of {report.snapshot}" + (", carried forward)" if report.carried_forward else ")")
    lines = [head]
    for c in report.conflicts:
        signed = c.signed or "unknown"
        lines.append(f"  {c.state} {c.agency_name} {c.model} (signed {signed}): {c.law_id}, {c.citation}; {c.reason}")
    return "\n".join(lines)


@app.command("conflicts")
def conflicts_command(on: OnOption = None, laws: LawsOption = None, json_out: JsonFlag = False) -> None:
    """Agreements ICE lists as active on a day in a state whose law forbids them that day."""
    chosen = load_laws(laws)
    with database().session() as session:
        day = _registry_day(session, on)
        report = conflicts(session, day, chosen)
    if json_out:
        emit_json(report)
        return
    typer.echo(_conflicts_text(report))


def _coverage_text(answer: Coverage) -> str:
    lines = [f"{answer.state} on {answer.on}: {answer.reason}"]
    for law in answer.laws:
        lines.append(_law_line(law))
    if answer.can_tell:
        late = ", overdue" if answer.overdue and answer.uncovered else ""
        lines.append(f"  counties without an agreement ({len(answer.uncovered)}; due by {answer.comply_by}{late}):")
        lines += [f"    {county}" for county in answer.uncovered] or ["    none"]
        if answer.not_counted:
            lines.append(f"  not counted (no county jail): {', '.join(answer.not_counted)}")
        if answer.unmatched_agencies:
            lines.append(f"  county not recognised: {', '.join(answer.unmatched_agencies)}")
    return "\n".join(lines)


@app.command("coverage")
def coverage_command(
    state: Annotated[str, typer.Option("--state", help="USPS code or name of the state.")],
    on: OnOption = None,
    laws: LawsOption = None,
    json_out: JsonFlag = False,
) -> None:
    """Which counties a state's mandate covers on a day, and which have no agreement (where the registry can tell)."""
    code = _state(state)
    chosen = load_laws(laws)
    with database().session() as session:
        day = _registry_day(session, on)
        answer = coverage(session, code, day, chosen)
    if json_out:
        emit_json(answer)
        return
    typer.echo(_coverage_text(answer))
