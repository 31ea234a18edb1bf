"""The life of each agreement: an agreement is one agency x one model x one signing date.

From the ordered snapshots: first and last listed (publication dates of participating snapshots), still active
(listed in the latest participating snapshot) or removed (with the publication date of the first participating
snapshot that no longer lists it), renewed (the same agency and model signed again later: the later agreement
names the earlier in `renewal_of`), and pending before it was signed (pending listings of the same agency and
model published before the agreement was listed, or while it was, within 30 days of its signing). Pending
listings that match no signed agreement form a pending agreement (signed = None) whose status is "pending"
while the latest pending snapshot lists it, "removed" otherwise.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from datetime import date, timedelta

PENDING_SLACK = timedelta(days=30)


@dataclass(frozen=True)
class SnapshotKey:
    id: str
    kind: str
    published: date
    order: int  # place in publication order among all snapshots


@dataclass(frozen=True)
class Listed:
    """A row that names a known agency and model."""

    snapshot: SnapshotKey
    row_number: int
    agency_id: str
    model: str
    signed: date | None
    moa_url: str | None


@dataclass
class AgreementLife:
    id: str
    agency_id: str
    model: str
    signed: date | None
    moa_url: str | None
    first_listed: date
    last_listed: date
    pending_since: date | None
    status: str
    removed_on: date | None
    renewal_of: str | None


def agreement_id(agency_id: str, model: str, signed: date | None) -> str:
    part = signed.isoformat() if signed else "unsigned"
    return "agr-" + hashlib.sha256(f"{agency_id}|{model}|{part}".encode()).hexdigest()[:16]


def pending_agreement_id(agency_id: str, model: str) -> str:
    return "agr-" + hashlib.sha256(f"{agency_id}|{model}|pending".encode()).hexdigest()[:16]


def _removal(last_order: int, ordered: list[SnapshotKey]) -> tuple[str, date | None]:
    """Status and removal date of something last listed in the snapshot at `last_order` of `ordered`."""
    later = [s for s in ordered if s.order > last_order]
    if not later:
        return "active", None
    return "removed", later[0].published


def build_lives(
    snapshots: list[SnapshotKey], listed: list[Listed]
) -> tuple[list[AgreementLife], list[tuple[str, int, str, str]]]:
    """Every agreement's life, and the listings (snapshot id, row number, agency id, agreement id)."""
    participating = sorted((s for s in snapshots if s.kind == "participating"), key=lambda s: s.order)
    pending_snaps = sorted((s for s in snapshots if s.kind == "pending"), key=lambda s: s.order)

    signed_rows: dict[str, list[Listed]] = {}
    pending_rows: list[Listed] = []
    for item in listed:
        if item.snapshot.kind == "participating":
            signed_rows.setdefault(agreement_id(item.agency_id, item.model, item.signed), []).append(item)
        else:
            pending_rows.append(item)

    lives: dict[str, AgreementLife] = {}
    last_order: dict[str, int] = {}
    listings: list[tuple[str, int, str, str]] = []
    for aid, items in signed_rows.items():
        items.sort(key=lambda i: (i.snapshot.order, i.row_number))
        first, last = items[0], items[-1]
        moa = next((i.moa_url for i in reversed(items) if i.moa_url), None)
        status, removed_on = _removal(last.snapshot.order, participating)
        lives[aid] = AgreementLife(
            id=aid,
            agency_id=first.agency_id,
            model=first.model,
            signed=first.signed,
            moa_url=moa,
            first_listed=first.snapshot.published,
            last_listed=last.snapshot.published,
            pending_since=None,
            status=status,
            removed_on=removed_on,
            renewal_of=None,
        )
        last_order[aid] = last.snapshot.order
        listings.extend((i.snapshot.id, i.row_number, i.agency_id, aid) for i in items)

    by_agency_model: dict[tuple[str, str], list[AgreementLife]] = {}
    for life in lives.values():
        by_agency_model.setdefault((life.agency_id, life.model), []).append(life)
    for group in by_agency_model.values():
        dated = sorted((life for life in group if life.signed), key=lambda life: (life.signed, life.id))
        for earlier, later in itertools.pairwise(dated):
            later.renewal_of = earlier.id

    unmatched: dict[tuple[str, str], list[Listed]] = {}
    for item in sorted(pending_rows, key=lambda i: (i.snapshot.order, i.row_number)):
        d = item.snapshot.published
        candidates = [
            life
            for life in by_agency_model.get((item.agency_id, item.model), [])
            if life.last_listed >= d and (life.signed is None or life.signed >= d - PENDING_SLACK)
        ]
        if candidates:
            target = min(candidates, key=lambda life: (life.first_listed, life.id))
            if target.pending_since is None or d < target.pending_since:
                target.pending_since = d
            listings.append((item.snapshot.id, item.row_number, item.agency_id, target.id))
        else:
            unmatched.setdefault((item.agency_id, item.model), []).append(item)

    for (agency, model), items in unmatched.items():
        pid = pending_agreement_id(agency, model)
        first, last = items[0], items[-1]
        status, removed_on = _removal(last.snapshot.order, pending_snaps)
        signed_before = [life for life in by_agency_model.get((agency, model), []) if life.signed]
        lives[pid] = AgreementLife(
            id=pid,
            agency_id=agency,
            model=model,
            signed=None,
            moa_url=None,
            first_listed=first.snapshot.published,
            last_listed=last.snapshot.published,
            pending_since=first.snapshot.published,
            status="pending" if status == "active" else "removed",
            removed_on=removed_on,
            renewal_of=max(signed_before, key=lambda life: (life.signed, life.id)).id if signed_before else None,
        )
        listings.extend((i.snapshot.id, i.row_number, i.agency_id, pid) for i in items)
    return sorted(lives.values(), key=lambda life: life.id), listings
