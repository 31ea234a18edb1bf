"""From ICE's publications to changes worth telling: signed, removed, redated, pending_listed, pending_signed.

The watcher keeps a cursor per list (participating, pending): the last publication it compared. Each publication
the registry holds after the cursor is compared with the one before it (`wso.registry.diff`), in the registry's
order, and each change is recorded once, under an id derived from what changed and the two publications (so
recording the same comparison again adds nothing).

- participating list: an agreement listed that was not is `signed`, or `pending_signed` when ICE listed it as
  pending before (the registry's `pending_since`); one no longer listed is `removed`; one whose SIGNED date ICE
  corrected (the registry pairs them) is `redated`;
- pending list: an agreement newly listed as pending is `pending_listed`.

A change that ICE reverts in its very next list is not told as a second, unrelated change: when the list after a
change says again, for that agency and model, exactly what the list before it said, the watcher records a
correction of the first change (`correction`, `corrects`) instead, and tells it to those who were told the first.
A pending listing that disappears because the agreement was signed (it is listed as participating since) is no
revert. The first run has nothing to compare with what anyone was told: it records the history the registry holds
(for the feeds) and tells nobody."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wso.clock import Clock
from wso.registry import AgencyView, AgreementView, Diff, TimelineEntry, diff, get_agency, timeline
from wso.watch.models import Cursor, WatchEvent

LISTS = ("participating", "pending")
Key = tuple[str, str]  # agency id, model


@dataclass(frozen=True)
class Draft:
    change: str
    agreement_id: str
    agency_id: str
    agency_name: str
    state: str
    model: str
    signed: date | None
    signed_before: date | None = None


class _Agencies:
    """Agency views, each fetched once per run."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[str, AgencyView | None] = {}

    def get(self, agency_id: str) -> AgencyView | None:
        if agency_id not in self.cache:
            self.cache[agency_id] = get_agency(self.session, agency_id)
        return self.cache[agency_id]

    def agreement(self, agency_id: str, agreement_id: str) -> AgreementView | None:
        agency = self.get(agency_id)
        return next((a for a in agency.agreements if a.id == agreement_id), None) if agency else None

    def county(self, agency_id: str) -> str | None:
        agency = self.get(agency_id)
        return agency.county if agency else None

    def listed_since(self, key: Key, day: date) -> bool:
        """Whether the agency has an agreement of the model that ICE lists as participating, first listed on or
        after `day`: a pending listing that ended so was signed, not withdrawn."""
        agency = self.get(key[0])
        return agency is not None and any(
            a.model == key[1] and a.status == "active" and a.first_listed >= day for a in agency.agreements
        )


def touched(d: Diff) -> set[Key]:
    """The (agency, model) pairs whose listing differs between the two publications of `d`."""
    found = {(c.agency_id, c.model) for c in (*d.added, *d.removed)}
    return found | {(c.agency_id, c.model) for c in d.changed if "signed" in c.fields}


def drafts(d: Diff, kind: str, agencies: _Agencies) -> list[Draft]:
    out: list[Draft] = []
    if kind == "pending":  # a listing re-dated or re-spelt within the pending list is no new pending agreement
        was = {(c.agency_id, c.model) for c in d.removed}
        return [
            Draft("pending_listed", c.agreement_id, c.agency_id, c.agency_name, c.state, c.model, c.signed)
            for c in d.added
            if (c.agency_id, c.model) not in was
        ]
    for c in d.added:
        view = agencies.agreement(c.agency_id, c.agreement_id)
        change = "pending_signed" if view is not None and view.pending_since is not None else "signed"
        out.append(Draft(change, c.agreement_id, c.agency_id, c.agency_name, c.state, c.model, c.signed))
    for c in d.removed:
        out.append(Draft("removed", c.agreement_id, c.agency_id, c.agency_name, c.state, c.model, c.signed))
    for c in d.changed:
        if "signed" in c.fields:
            before = c.fields["signed"][0]
            old_day = date.fromisoformat(before) if before else None
            out.append(
                Draft("redated", c.agreement_id, c.agency_id, c.agency_name, c.state, c.model, c.signed, old_day)
            )
    return out


def event_id(change: str, correction: bool, agreement_id: str, old: str, new: str) -> str:
    text = f"{change}|{'correction' if correction else ''}|{agreement_id}|{old}|{new}"
    return "ev_" + hashlib.sha256(text.encode()).hexdigest()[:32]


class _Recorder:
    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now
        self.seq = session.scalar(select(func.max(WatchEvent.seq))) or 0
        self.added: list[WatchEvent] = []

    def add(
        self,
        kind: str,
        old: TimelineEntry,
        new: TimelineEntry,
        draft: Draft,
        county: str | None,
        history: bool,
        corrects: str | None = None,
    ) -> None:
        eid = event_id(draft.change, corrects is not None, draft.agreement_id, old.sha256, new.sha256)
        if self.session.get(WatchEvent, eid) is not None:
            return
        self.seq += 1
        row = WatchEvent(
            id=eid,
            seq=self.seq,
            change=draft.change,
            correction=corrects is not None,
            corrects=corrects,
            agreement_id=draft.agreement_id,
            agency_id=draft.agency_id,
            agency_name=draft.agency_name,
            state=draft.state,
            county=county,
            model=draft.model,
            signed=draft.signed,
            signed_before=draft.signed_before,
            list_kind=kind,
            old_label=old.label,
            old_sha256=old.sha256,
            old_published=old.published,
            new_label=new.label,
            new_sha256=new.sha256,
            new_published=new.published,
            history=history,
            recorded_at=self.now,
        )
        self.session.add(row)
        self.added.append(row)


def _as_draft(e: WatchEvent) -> Draft:
    return Draft(e.change, e.agreement_id, e.agency_id, e.agency_name, e.state, e.model, e.signed, e.signed_before)


def compare(
    session: Session,
    kind: str,
    old: TimelineEntry,
    new: TimelineEntry,
    recorder: _Recorder,
    agencies: _Agencies,
    *,
    history: bool,
) -> None:
    """Record the changes from `old` to `new` (one list), and corrections of the changes into `old` it reverts."""
    d = diff(session, old.sha256, new.sha256)
    found = drafts(d, kind, agencies)
    keys = touched(d)
    earlier = list(
        session.scalars(
            select(WatchEvent)
            .where(WatchEvent.new_sha256 == old.sha256, WatchEvent.list_kind == kind, WatchEvent.correction.is_(False))
            .order_by(WatchEvent.seq)
        )
    )
    earlier = [e for e in earlier if (e.agency_id, e.model) in keys]
    reverted: set[Key] = set()
    if earlier:
        before = touched(diff(session, earlier[0].old_sha256, new.sha256))
        for e in earlier:
            key = (e.agency_id, e.model)
            if key in before:
                continue  # the list after is not the list before, for this agreement: no revert
            if kind == "pending" and agencies.listed_since(key, e.new_published):
                continue  # no longer pending because it was signed
            reverted.add(key)
            recorder.add(kind, old, new, _as_draft(e), e.county, history, corrects=e.id)
    for draft in found:
        if (draft.agency_id, draft.model) not in reverted:
            recorder.add(kind, old, new, draft, agencies.county(draft.agency_id), history)


def _publications(session: Session, kind: str) -> list[TimelineEntry]:
    return timeline(session, kind=kind)


def record_changes(session: Session, *, clock: Clock, kinds: Iterable[str] = LISTS) -> tuple[list[WatchEvent], int]:
    """Compare every publication after each list's cursor with the one before it; record the changes and move the
    cursors. Returns the changes recorded to be told (none on the first run: that is history) and how many new
    publications were compared."""
    now = clock.now()
    recorder = _Recorder(session, now)
    agencies = _Agencies(session)
    compared = 0
    for kind in kinds:
        pubs = _publications(session, kind)
        if not pubs:
            continue
        cursor = session.get(Cursor, kind)
        history = cursor is None
        if cursor is None:
            cursor = Cursor(kind=kind, sha256=pubs[0].sha256, previous_sha256=None, updated_at=now)
            session.add(cursor)
        at = next((i for i, p in enumerate(pubs) if p.sha256 == cursor.sha256), None)
        if at is None:  # the publication the cursor names is gone: start again from the latest, telling nothing
            cursor.previous_sha256, cursor.sha256, cursor.updated_at = cursor.sha256, pubs[-1].sha256, now
            continue
        for old, new in zip(pubs[at:], pubs[at + 1 :], strict=False):
            compare(session, kind, old, new, recorder, agencies, history=history)
            cursor.previous_sha256, cursor.sha256, cursor.updated_at = old.sha256, new.sha256, now
            compared += 0 if history else 1
    session.flush()
    return [e for e in recorder.added if not e.history], compared
