"""Questions asked of the registry: agencies, agreements, what was in force on a day, snapshots over time."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Select, delete, func, insert, select
from sqlalchemy.orm import Session

from wso.program import UnknownValue
from wso.registry.derive import ordered_snapshots
from wso.registry.issue_codes import ISSUE_CODES
from wso.registry.kinds import MODELS
from wso.registry.models import ANSWERS, Agency, Agreement, Issue, PendingListing, Reading, Row, Snapshot
from wso.registry.states import read_state
from wso.registry.text import name_key
from wso.registry.views import AgencyView, AgreementView, IssueView, Stats, TimelineEntry


class UnknownSnapshot(LookupError):
    """A snapshot label, hash or path that names no stored snapshot."""


def _state_code(state: str) -> str:
    reading = read_state(state)
    if reading.code is None:
        raise ValueError(f"{state!r} is not a state (give a USPS code such as TX or a name such as Texas)")
    return reading.code


_SNAPSHOTS_KEY = "wso.registry.snapshots"  # session.info: the snapshots in order and their labels, read once


def known_snapshots(session: Session) -> tuple[list[Snapshot], dict[str, str]]:
    """Every snapshot in publication order, and sha256 -> label, read once per session (until `forget_snapshots`):
    comparing each of a thousand publications with the one before (the watcher's first run over the history) names
    two snapshots per comparison, and reading them all each time made that quadratic."""
    cached: tuple[list[Snapshot], dict[str, str]] | None = session.info.get(_SNAPSHOTS_KEY)
    if cached is None:
        snaps = ordered_snapshots(session)
        labels: dict[str, str] = {}
        seen: Counter[tuple[str, str]] = Counter()
        for snap in snaps:
            base = f"{snap.published.isoformat()}{snap.half or ''}"
            seen[(snap.kind, base)] += 1
            n = seen[(snap.kind, base)]
            labels[snap.id] = base if n == 1 else f"{base}#{n}"
        cached = session.info[_SNAPSHOTS_KEY] = (snaps, labels)
    return cached


_INDEX_KEY = "wso.registry.snapshot_index"  # session.info: `snapshot_index`, made once
_LISTED_KEY = "wso.registry.listed"  # session.info: what `wso.registry.diffing` read of the last snapshots


class SnapshotIndex(NamedTuple):
    by_id: dict[str, Snapshot]  # sha256 -> snapshot
    by_label: dict[tuple[str, str], Snapshot]  # (kind, label) -> the first snapshot in order with that label


def snapshot_index(session: Session) -> SnapshotIndex:
    """`known_snapshots` by sha256 and by kind and label, made once per session (until `forget_snapshots`), so
    naming a snapshot costs a look-up, not a pass over a thousand of them."""
    cached: SnapshotIndex | None = session.info.get(_INDEX_KEY)
    if cached is None:
        snaps, labels = known_snapshots(session)
        by_label: dict[tuple[str, str], Snapshot] = {}
        for snap in snaps:
            by_label.setdefault((snap.kind, labels[snap.id]), snap)
        cached = session.info[_INDEX_KEY] = SnapshotIndex({snap.id: snap for snap in snaps}, by_label)
    return cached


def session_memo(session: Session) -> dict[str, Any]:
    """A memo of derived answers for this session, emptied by `forget_snapshots` (a diff's listings)."""
    memo: dict[str, Any] = session.info.setdefault(_LISTED_KEY, {})
    return memo


def forget_snapshots(session: Session) -> None:
    """Drop what `known_snapshots`, `snapshot_index` and `session_memo` kept: to be called by whatever adds or
    re-dates snapshots or derives agencies and agreements anew."""
    for key in (_SNAPSHOTS_KEY, _INDEX_KEY, _LISTED_KEY):
        session.info.pop(key, None)


def snapshot_labels(session: Session) -> dict[str, str]:
    """sha256 -> label such as 2025-05-16am; a second file published under the same name and half-day gets
    '#2' (2025-07-03pm#2), in capture order."""
    return known_snapshots(session)[1]


def _agreement_views(session: Session, agreements: Iterable[Agreement]) -> list[AgreementView]:
    items = list(agreements)
    ids = {a.agency_id for a in items}
    names: dict[str, tuple[str, str]] = {}
    if ids:
        for agency in session.execute(select(Agency.id, Agency.name, Agency.state).where(Agency.id.in_(ids))):
            names[agency.id] = (agency.name, agency.state)
    return [_view(a, *names[a.agency_id]) for a in items]


def _view(a: Agreement, name: str, state: str) -> AgreementView:
    return AgreementView(
        id=a.id,
        agency_id=a.agency_id,
        agency_name=name,
        state=state,
        model=a.model,
        signed=a.signed,
        moa_url=a.moa_url,
        first_listed=a.first_listed,
        last_listed=a.last_listed,
        pending_since=a.pending_since,
        status=a.status,
        removed_on=a.removed_on,
        renewal_of=a.renewal_of,
        corrects=a.corrects,
    )


def _agency_views(session: Session, agencies: list[Agency]) -> list[AgencyView]:
    by_agency: dict[str, list[AgreementView]] = {a.id: [] for a in agencies}
    if agencies:
        names = {a.id: (a.name, a.state) for a in agencies}
        rows = session.scalars(select(Agreement).where(Agreement.agency_id.in_(list(by_agency))))
        for agr in rows:
            by_agency[agr.agency_id].append(_view(agr, *names[agr.agency_id]))
    views = []
    for a in agencies:
        agreements = sorted(by_agency[a.id], key=lambda v: (v.model, v.signed or date.max, v.first_listed, v.id))
        views.append(
            AgencyView(
                id=a.id,
                name=a.name,
                state=a.state,
                kind=a.kind,
                county=a.county,
                agreements=tuple(agreements),
                spellings=tuple(json.loads(a.spellings)),
            )
        )
    return views


def find_agencies(session: Session, query: str, state: str | None = None) -> list[AgencyView]:
    """Agencies whose name (any spelling ICE used) contains every word of `query`, spelling-insensitively; an
    agency id matches itself. Sorted by state, then name."""
    stmt = select(Agency)
    if state is not None:
        stmt = stmt.where(Agency.state == _state_code(state))
    words = name_key(query).split()
    found = []
    for agency in session.scalars(stmt):
        if agency.id == query.strip():
            found.append(agency)
            continue
        haystacks = [agency.name_key, *(name_key(s) for s in json.loads(agency.spellings))]
        if words and any(all(w in h for w in words) for h in haystacks):
            found.append(agency)
    found.sort(key=lambda a: (a.state, a.name, a.id))
    return _agency_views(session, found)


def get_agency(session: Session, agency_id: str) -> AgencyView | None:
    agency = session.get(Agency, agency_id)
    return _agency_views(session, [agency])[0] if agency is not None else None


def agency_names(session: Session, agency_ids: Iterable[str]) -> dict[str, str]:
    """The names of these agencies (by id), in one query; ids the registry does not hold are left out."""
    wanted = sorted(set(agency_ids))
    if not wanted:
        return {}
    return {
        agency_id: name
        for agency_id, name in session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(wanted)))
    }


def agencies_in_state(session: Session, state: str) -> list[AgencyView]:
    agencies = list(session.scalars(select(Agency).where(Agency.state == _state_code(state))))
    agencies.sort(key=lambda a: (a.name, a.id))
    return _agency_views(session, agencies)


def latest_snapshot(session: Session, on: date | None = None, kind: str = "participating") -> Snapshot | None:
    """The latest snapshot of `kind` published on or before `on` (any date when None)."""
    snaps = [s for s in ordered_snapshots(session) if s.kind == kind and (on is None or s.published <= on)]
    return snaps[-1] if snaps else None


def latest_snapshot_date(session: Session) -> date | None:
    """The publication date of the latest participating snapshot, or None when there is none."""
    snap = latest_snapshot(session)
    return snap.published if snap is not None else None


def listed_ids(snapshot: Snapshot) -> Select[Any]:
    """The ids of the agreements `snapshot` lists, as a query: a participating row lists its reading's
    agreement, a pending row the agreement its pending listing names."""
    if snapshot.kind == "participating":
        return (
            select(Reading.agreement_id)
            .join(Row, Row.reading_id == Reading.id)
            .where(Row.snapshot_id == snapshot.id, Reading.agreement_id.is_not(None))
        )
    return select(PendingListing.agreement_id).where(PendingListing.snapshot_id == snapshot.id)


def _listed_in(session: Session, snapshot: Snapshot) -> list[Agreement]:
    stmt = select(Agreement).where(Agreement.id.in_(listed_ids(snapshot))).order_by(Agreement.id)
    return list(session.scalars(stmt))


def active_agreements(session: Session, on: date, state: str | None = None) -> list[AgreementView]:
    """Agreements listed as participating in the latest participating snapshot published on or before `on`
    (none before the first snapshot). Sorted by state, agency name, model."""
    snap = latest_snapshot(session, on)
    if snap is None:
        return []
    views = _agreement_views(session, _listed_in(session, snap))
    if state is not None:
        code = _state_code(state)
        views = [v for v in views if v.state == code]
    views.sort(key=lambda v: (v.state, v.agency_name, v.model, v.signed or date.min, v.id))
    return views


def agreement_in_force(session: Session, agency_id: str, model: str, on: date) -> bool:
    """Whether the latest participating snapshot published on or before `on` lists an agreement of this agency
    and model that was signed on or before `on` (or whose signing date is unreadable)."""
    snap = latest_snapshot(session, on)
    if snap is None:
        return False
    wanted = model.strip().upper()
    for agreement in _listed_in(session, snap):
        if (
            agreement.agency_id == agency_id
            and agreement.model == wanted
            and (agreement.signed is None or agreement.signed <= on)
        ):
            return True
    return False


def timeline(session: Session, kind: str | None = None, state: str | None = None) -> list[TimelineEntry]:
    """One entry per snapshot in publication order: its rows in total and by model (of `state` only if given)."""
    labels = snapshot_labels(session)
    code = _state_code(state) if state is not None else None
    counts: dict[str, Counter[str | None]] = {}
    listed: dict[str, Counter[str | None]] = {}
    stmt = (
        select(Row.snapshot_id, Reading.model, func.count(), func.count(Reading.agreement_id.distinct()))
        .join(Reading, Reading.id == Row.reading_id)
        .group_by(Row.snapshot_id, Reading.model)
    )
    if code is not None:
        stmt = stmt.where(Reading.state == code)
    for sid, model, n, agreements in session.execute(stmt):
        counts.setdefault(sid, Counter())[model] += n
        listed.setdefault(sid, Counter())[model] += agreements
    issue_counts: dict[str, int] = {
        sid: n for sid, n in session.execute(select(Issue.snapshot_id, func.count()).group_by(Issue.snapshot_id))
    }
    entries = []
    for snap in ordered_snapshots(session):
        if kind is not None and snap.kind != kind:
            continue
        c = counts.get(snap.id, Counter())
        a = listed.get(snap.id, Counter())
        entries.append(
            TimelineEntry(
                label=labels[snap.id],
                published=snap.published,
                half=snap.half,
                captured_at=snap.captured_at,
                sha256=snap.id,
                kind=snap.kind,
                file_name=snap.file_name,
                total=sum(c.values()),
                by_model={m: c.get(m, 0) for m in MODELS},
                unreadable_model=c.get(None, 0),
                blank_rows=snap.blank_rows,
                issues=issue_counts.get(snap.id, 0),
                dated_by=snap.dated_by,
                agreements={m: a.get(m, 0) for m in MODELS},
            )
        )
    return entries


def stats(session: Session, on: date | None = None) -> Stats:
    """Agreements listed in the latest participating snapshot published on or before `on` (default: the latest),
    by model and by state."""
    snap = latest_snapshot(session, on)
    if snap is None:
        return Stats(on, None, None, 0, {m: 0 for m in MODELS}, {}, 0, 0)
    views = active_agreements(session, snap.published if on is None else on)
    by_model = Counter(v.model for v in views)
    by_state: dict[str, dict[str, int]] = {}
    for v in views:
        entry = by_state.setdefault(v.state, {m: 0 for m in MODELS} | {"total": 0})
        entry[v.model] += 1
        entry["total"] += 1
    pending_snap = latest_snapshot(session, on, kind="pending")
    pending = len(_listed_in(session, pending_snap)) if pending_snap is not None else 0
    return Stats(
        on=on,
        snapshot=snapshot_labels(session)[snap.id],
        published=snap.published,
        total=len(views),
        by_model={m: by_model.get(m, 0) for m in MODELS},
        by_state=dict(sorted(by_state.items())),
        agencies=len({v.agency_id for v in views}),
        pending=pending,
    )


def remember_answers(session: Session) -> None:
    """Store the answers kept ready (`wso.registry.ready`) as the registry now stands, in the caller's
    transaction: to be called by whatever changes the registry."""
    from wso.registry.ready import STATS, stats_text

    forget_snapshots(session)
    connection = session.connection()
    connection.execute(delete(ANSWERS).where(ANSWERS.c.key == STATS))
    connection.execute(insert(ANSWERS).values(key=STATS, value=stats_text(stats(session))))


def issues(session: Session, code: str | None = None, snapshot: str | None = None) -> list[IssueView]:
    """Every recorded issue, in publication order of its file, then row. A `snapshot` (label or sha256) that names
    no stored snapshot raises UnknownSnapshot, and a `code` none of ``ISSUE_CODES`` UnknownValue, never an empty
    list."""
    if code is not None and code not in ISSUE_CODES:
        raise UnknownValue("issue code", code, ISSUE_CODES)
    labels = snapshot_labels(session)
    if snapshot is not None and snapshot not in labels and snapshot not in labels.values():
        raise UnknownSnapshot(
            f"no snapshot {snapshot!r}: give a label such as 2025-06-27am or a sha256 (see wso registry timeline)"
        )
    order = {s.id: i for i, s in enumerate(ordered_snapshots(session))}
    stmt = select(Issue)
    if code is not None:
        stmt = stmt.where(Issue.code == code)
    found = [i for i in session.scalars(stmt) if snapshot is None or snapshot in (labels[i.snapshot_id], i.snapshot_id)]
    found.sort(key=lambda i: (order[i.snapshot_id], i.row_number or 0, i.id))
    return [
        IssueView(i.file_name, labels[i.snapshot_id], i.snapshot_id, i.row_number, i.code, i.field, i.value, i.message)
        for i in found
    ]
