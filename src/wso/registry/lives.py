"""The life of each agreement: an agreement is one agency x one model x one signing date.

From the ordered snapshots: first and last listed (publication dates of participating snapshots), still active
(listed in the latest participating snapshot) or removed (with the publication date of the first participating
snapshot that no longer lists it), renewed (the same agency and model signed again later: the later agreement
names the earlier in `renewal_of`), and pending before it was signed (pending listings of the same agency and
model published before the agreement was listed, or while it was, within 30 days of its signing). Pending
listings that match no signed agreement form a pending agreement (signed = None) whose status is "pending"
while the latest pending snapshot lists it, "removed" otherwise.

A corrected signing date: ICE sometimes fixes a typo in SIGNED. Agreement B corrects agreement A when both are
of the same agency and model, both dated, their SIGNED dates differ by at most 31 days, and ICE's listing went
straight from one to the other: A was last listed in the participating snapshot just before the one that first
lists B (so the two are never listed together). B names A in `corrects`; A's status is "corrected" (its
`removed_on` is the day B replaced it). A corrected agreement is no renewal, and a later renewal follows on from
B. Two dated agreements listed side by side, or with a gap between them, are two agreements.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

PENDING_SLACK = timedelta(days=30)
CORRECTION_WINDOW = timedelta(days=31)

Position = int  # a place in publication order: snapshot order << ROW_BITS | row number
ROW_BITS = 32


def position(order: int, row_number: int) -> Position:
    return order << ROW_BITS | row_number


def order_of(place: Position) -> int:
    """The snapshot order of a position."""
    return place >> ROW_BITS


# Small immutable records made by the thousand in every rebuild are named tuples: cheaper to make than frozen
# dataclasses, and of atomic values only, so the garbage collector stops tracking them.


class SnapshotKey(NamedTuple):
    id: str
    kind: str
    published: date
    order: int  # place in publication order among all snapshots


class SignedReading(NamedTuple):
    """A reading listed in participating snapshots, with where it was first and last listed."""

    reading_id: str
    agency_id: str
    model: str
    signed: date | None
    moa_url: str | None
    first: Position
    last: Position


class PendingRow(NamedTuple):
    """A row of a pending snapshot that names a known agency and model."""

    snapshot: SnapshotKey
    row_number: int
    agency_id: str
    model: str


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
    corrects: str | None = None


def agreement_id(agency_id: str, model: str, signed: date | None) -> str:
    part = signed.isoformat() if signed else "unsigned"
    return "agr-" + hashlib.sha256(f"{agency_id}|{model}|{part}".encode()).hexdigest()[:16]


def pending_agreement_id(agency_id: str, model: str) -> str:
    return "agr-" + hashlib.sha256(f"{agency_id}|{model}|pending".encode()).hexdigest()[:16]


def _removal(last_order: int, orders: list[int], published: dict[int, date]) -> tuple[str, date | None]:
    """Status and removal date of something last listed in the snapshot at `last_order`, among the snapshots of
    one kind at `orders` (sorted)."""
    later = bisect.bisect_right(orders, last_order)
    if later == len(orders):
        return "active", None
    return "removed", published[orders[later]]


def build_lives(
    snapshots: list[SnapshotKey], signed: list[SignedReading], pending: list[PendingRow]
) -> tuple[list[AgreementLife], dict[str, str], list[tuple[str, int, str]]]:
    """Every agreement's life; the agreement each participating reading lists (reading id -> agreement id); and
    the agreement each pending row lists (snapshot id, row number, agreement id)."""
    published = {s.order: s.published for s in snapshots}
    participating = sorted(s.order for s in snapshots if s.kind == "participating")
    pending_orders = sorted(s.order for s in snapshots if s.kind == "pending")

    same: dict[tuple[str, str, date | None], list[SignedReading]] = {}  # by agency, model and signing date
    for reading in signed:
        same.setdefault((reading.agency_id, reading.model, reading.signed), []).append(reading)
    groups: dict[str, list[SignedReading]] = {}  # by agreement id (each id hashed once, not once per reading)
    for (agency, model, signed_on), readings in same.items():
        groups.setdefault(agreement_id(agency, model, signed_on), []).extend(readings)

    lives: dict[str, AgreementLife] = {}
    first_order: dict[str, int] = {}
    last_order: dict[str, int] = {}
    reading_agreement: dict[str, str] = {}
    for aid, items in groups.items():
        first = min(i.first for i in items)
        last = max(i.last for i in items)
        with_moa = [i for i in items if i.moa_url]
        moa = max(with_moa, key=lambda i: i.last).moa_url if with_moa else None
        status, removed_on = _removal(order_of(last), participating, published)
        lives[aid] = AgreementLife(
            id=aid,
            agency_id=items[0].agency_id,
            model=items[0].model,
            signed=items[0].signed,
            moa_url=moa,
            first_listed=published[order_of(first)],
            last_listed=published[order_of(last)],
            pending_since=None,
            status=status,
            removed_on=removed_on,
            renewal_of=None,
        )
        first_order[aid], last_order[aid] = order_of(first), order_of(last)
        for i in items:
            reading_agreement[i.reading_id] = aid

    by_agency_model: dict[tuple[str, str], list[AgreementLife]] = {}
    for life in lives.values():
        by_agency_model.setdefault((life.agency_id, life.model), []).append(life)
    for group in by_agency_model.values():
        _corrections(group, first_order, last_order, participating)
        chain = sorted((life for life in group if life.signed and life.status != "corrected"), key=_by_signing)
        for earlier, later in itertools.pairwise(chain):
            later.renewal_of = earlier.id

    listings: list[tuple[str, int, str]] = []
    unmatched: dict[tuple[str, str], list[PendingRow]] = {}
    for item in sorted(pending, key=lambda i: (i.snapshot.order, i.row_number)):
        d = item.snapshot.published
        candidates = [
            life
            for life in by_agency_model.get((item.agency_id, item.model), [])
            if life.status != "corrected"
            and life.last_listed >= d
            and (life.signed is None or life.signed >= d - PENDING_SLACK)
        ]
        if candidates:
            target = min(candidates, key=lambda life: (life.first_listed, life.id))
            if target.pending_since is None or d < target.pending_since:
                target.pending_since = d
            listings.append((item.snapshot.id, item.row_number, target.id))
        else:
            unmatched.setdefault((item.agency_id, item.model), []).append(item)

    for (agency, model), rows in unmatched.items():
        pid = pending_agreement_id(agency, model)
        first_row, last_row = rows[0], rows[-1]
        status, removed_on = _removal(last_row.snapshot.order, pending_orders, published)
        signed_before = [
            life for life in by_agency_model.get((agency, model), []) if life.signed and life.status != "corrected"
        ]
        lives[pid] = AgreementLife(
            id=pid,
            agency_id=agency,
            model=model,
            signed=None,
            moa_url=None,
            first_listed=first_row.snapshot.published,
            last_listed=last_row.snapshot.published,
            pending_since=first_row.snapshot.published,
            status="pending" if status == "active" else "removed",
            removed_on=removed_on,
            renewal_of=max(signed_before, key=_by_signing).id if signed_before else None,
        )
        listings.extend((i.snapshot.id, i.row_number, pid) for i in rows)
    return sorted(lives.values(), key=lambda life: life.id), reading_agreement, listings


def _by_signing(life: AgreementLife) -> tuple[date, str]:
    return (life.signed or date.min, life.id)


def _corrections(
    group: list[AgreementLife], first_order: dict[str, int], last_order: dict[str, int], participating: list[int]
) -> None:
    """Mark the corrected signing dates among one agency's agreements of one model (see the module's note)."""
    dated = sorted((life for life in group if life.signed), key=lambda life: (first_order[life.id], life.id))
    corrected: set[str] = set()
    for later in dated:
        at = bisect.bisect_left(participating, first_order[later.id])
        if at == 0:
            continue
        before = participating[at - 1]
        signed = later.signed
        assert signed is not None
        candidates = [
            earlier
            for earlier in dated
            if earlier.id not in corrected
            and earlier.id != later.id
            and last_order[earlier.id] == before
            and earlier.signed is not None
            and earlier.signed != later.signed
            and abs(earlier.signed - signed) <= CORRECTION_WINDOW
        ]
        if candidates:
            earlier = min(candidates, key=lambda e: (abs((e.signed or signed) - signed), e.id))
            later.corrects = earlier.id
            earlier.status = "corrected"
            corrected.add(earlier.id)
