"""Rebuild what is derived (agencies, agreements, the agency and agreement of each reading, pending listings)
from every stored row.

Derivation reads only stored snapshots, rows and readings and sorts them by publication, so the result is the
same whatever order the files were ingested in. It works on readings (each distinct row content once) rather
than rows: a reading's rows only say where it was first and last listed, and how often."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from itertools import chain, repeat
from operator import attrgetter
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select, update
from sqlalchemy.orm import Session

from wso.registry.bulk import bulk_insert
from wso.registry.identity import Sighting, resolve_agencies
from wso.registry.lives import ROW_BITS, AgreementLife, PendingRow, Position, SignedReading, SnapshotKey, build_lives
from wso.registry.models import AGENCIES, AGREEMENTS, PENDING_LISTINGS, READINGS, ROWS, SNAPSHOTS, Snapshot
from wso.registry.readings import READING_FIELDS, ReadRow

HALF_ORDER = {"am": 0, "mid": 1, None: 1, "pm": 2}  # an unknown half sorts with midday


def snapshot_sort_key(published: date, half: str | None, captured_at: datetime, sha: str) -> tuple[object, ...]:
    """Publication order: date, then am before pm, then capture time, then content hash."""
    return (published, HALF_ORDER.get(half, 1), captured_at, sha)


def ordered_snapshots(session: Session) -> list[Snapshot]:
    snaps = list(session.scalars(select(Snapshot)))
    snaps.sort(key=lambda s: snapshot_sort_key(s.published, s.half, s.captured_at, s.id))
    return snaps


_SPELLINGS_JSON = json.JSONEncoder(ensure_ascii=False)  # as json.dumps(..., ensure_ascii=False), made once

AGREEMENT_COLUMNS = tuple(f.name for f in fields(AgreementLife))  # the agreements table, in AgreementLife's order

# what derivation needs of a reading: state, name, name key, kind, county, model, signed, MOA URL
_USED = ("state", "name", "name_key", "kind", "county", "model", "signed", "moa_url")


@dataclass
class Stored:
    """What derivation reads from the database (and the fresh rows and readings), before it computes."""

    keys: dict[str, SnapshotKey]  # every snapshot, with its place in publication order
    groups: dict[str, tuple[Sequence[int], Sequence[str]]]  # snapshot id -> row numbers ascending, reading ids
    met: list[Iterable[str]]  # every row's reading, in the order rows come (fresh ones first)
    met_listed: list[Iterable[str]]  # the same, participating snapshots only
    info: dict[str, tuple[Any, ...]]  # reading id -> the fields in _USED
    stored: dict[str, tuple[str | None, str | None]]  # stored reading id -> its agency and agreement as stored
    new: dict[str, ReadRow]  # fresh readings not stored yet


@dataclass
class Derived:
    """What derivation writes: rows of the derived tables, the new readings, and stored readings' new ids."""

    agencies: list[tuple[Any, ...]]
    agreements: list[tuple[Any, ...]]
    listings: list[tuple[str, int, str]]
    readings: list[tuple[Any, ...]]
    changed: list[dict[str, str | None]]


def read_stored(
    connection: Connection,
    fresh_rows: Mapping[str, tuple[Sequence[int], Sequence[str]]] | None = None,
    fresh_readings: Mapping[str, ReadRow] | None = None,
) -> Stored:
    """Everything derivation needs from every stored row, before anything is computed or written. `fresh_rows`
    (snapshot id -> its row numbers in ascending order and the reading id of each) and `fresh_readings` are rows
    and readings read in this run and not stored yet: `write_derived` inserts the new readings, with their agency
    and agreement (rows referring to them may be inserted before or after, in the same transaction).

    Rebuilding is `write_derived(connection, derive(read_stored(connection, ...)))`; the steps are apart so that
    the pure `derive` can run while PostgreSQL stores the rows."""
    fresh_rows = fresh_rows or {}
    fresh_readings = fresh_readings or {}
    snaps = sorted(
        connection.execute(
            select(SNAPSHOTS.c.id, SNAPSHOTS.c.kind, SNAPSHOTS.c.published, SNAPSHOTS.c.half, SNAPSHOTS.c.captured_at)
        ),
        key=lambda s: snapshot_sort_key(s.published, s.half, s.captured_at, s.id),
    )
    keys = {s.id: SnapshotKey(s.id, s.kind, s.published, order) for order, s in enumerate(snaps)}

    # each snapshot's rows (row numbers ascending, reading ids); and every row's reading in the order rows come,
    # fresh ones first (which reading is met first decides ties in identity, as it always has)
    groups: dict[str, tuple[Sequence[int], Sequence[str]]] = dict(fresh_rows)
    met: list[Iterable[str]] = [rids for _numbers, rids in fresh_rows.values()]
    met_listed: list[Iterable[str]] = [
        rids for sid, (_numbers, rids) in fresh_rows.items() if keys[sid].kind == "participating"
    ]
    if len(fresh_rows) < len(keys):
        stmt = select(ROWS.c.snapshot_id, ROWS.c.row_number, ROWS.c.reading_id)
        if fresh_rows:
            stmt = stmt.where(ROWS.c.snapshot_id.not_in(list(fresh_rows)))
        stored_rows = connection.execute(stmt).all()
        stored_groups: dict[str, list[tuple[int, str]]] = {}
        for sid, number, rid in stored_rows:
            stored_groups.setdefault(sid, []).append((number, rid))
        for sid, pairs in stored_groups.items():
            pairs.sort()
            groups[sid] = ([number for number, _rid in pairs], [rid for _number, rid in pairs])
        # lists, not generators: a `Stored` may be derived more than once
        met.append([row.reading_id for row in stored_rows])
        met_listed.append([row.reading_id for row in stored_rows if keys[row.snapshot_id].kind == "participating"])

    # what each reading says, and its derived ids as stored
    info: dict[str, tuple[Any, ...]] = {}
    stored: dict[str, tuple[str | None, str | None]] = {}
    columns = [READINGS.c[f] for f in _USED]
    for rid, agency, agreement, *values in connection.execute(
        select(READINGS.c.id, READINGS.c.agency_id, READINGS.c.agreement_id, *columns)
    ):
        info[rid] = tuple(values)
        stored[rid] = (agency, agreement)
    new = {rid: r for rid, r in fresh_readings.items() if rid not in stored}
    for rid, r in new.items():
        info[rid] = (r.state, r.name, r.name_key, r.kind, r.county, r.model, r.signed, r.moa_url)
    return Stored(keys, groups, met, met_listed, info, stored, new)


def derive(data: Stored) -> Derived:
    """Agencies, agreements, pending listings and each reading's agency and agreement, from `data` (pure: reads
    and writes nothing)."""
    keys, groups, info = data.keys, data.groups, data.info
    # where each reading was listed: first and last place in publication order, and how many rows (every
    # snapshot), and first and last place in participating snapshots; by set operations over whole snapshots
    ordered = [(keys[sid], groups[sid]) for sid in sorted(groups, key=lambda sid: keys[sid].order)]
    count = Counter(chain.from_iterable(rids for _key, (_numbers, rids) in ordered))
    first, last, listed_first, listed_last = first_and_last(ordered)
    pending: list[tuple[SnapshotKey, int, str]] = []
    for key, (numbers, rids) in ordered:
        if key.kind != "participating":
            pending.extend(zip(repeat(key), numbers, rids))

    sightings = []
    for rid in dict.fromkeys(chain.from_iterable(data.met)):
        state, name, key_, kind, county = info[rid][:5]
        if state and key_:
            sightings.append(Sighting(first[rid], last[rid], count[rid], state, name, key_, kind, county))
    agencies, index = resolve_agencies(sightings)
    agency_of = {rid: index[(v[0], v[2])] for rid, v in info.items() if v[0] and v[2] and (v[0], v[2]) in index}

    signed = [
        SignedReading(
            rid, agency_of[rid], info[rid][5], info[rid][6], info[rid][7], listed_first[rid], listed_last[rid]
        )
        for rid in dict.fromkeys(chain.from_iterable(data.met_listed))
        if rid in agency_of and info[rid][5] is not None
    ]
    pending_rows = [
        PendingRow(key, number, agency_of[rid], info[rid][5])
        for key, number, rid in pending
        if rid in agency_of and info[rid][5] is not None
    ]
    lives, agreement_of, listings = build_lives(list(keys.values()), signed, pending_rows)

    return Derived(
        agencies=[
            (a.id, a.state, a.name, a.key, a.kind, a.county, _SPELLINGS_JSON.encode(list(a.spellings)))
            for a in agencies
        ],
        agreements=list(map(attrgetter(*AGREEMENT_COLUMNS), lives)),
        listings=listings,
        readings=[(*r.values(), rid, agency_of.get(rid), agreement_of.get(rid)) for rid, r in data.new.items()],
        changed=[
            {"rid": rid, "agency": agency_of.get(rid), "agreement": agreement_of.get(rid)}
            for rid, old in data.stored.items()
            if old != (agency_of.get(rid), agreement_of.get(rid))
        ],
    )


def write_derived(connection: Connection, derived: Derived) -> None:
    """Replace the derived tables with `derived`, insert the new readings and update the stored ones."""
    connection.execute(delete(PENDING_LISTINGS))
    connection.execute(delete(AGREEMENTS))
    connection.execute(delete(AGENCIES))
    bulk_insert(
        connection,
        AGENCIES,
        derived.agencies,
        columns=("id", "state", "name", "name_key", "kind", "county", "spellings"),
    )
    bulk_insert(connection, AGREEMENTS, derived.agreements, columns=AGREEMENT_COLUMNS)
    bulk_insert(
        connection,
        PENDING_LISTINGS,
        derived.listings,
        columns=("snapshot_id", "row_number", "agreement_id"),
        plain=True,
    )
    bulk_insert(connection, READINGS, derived.readings, columns=(*READING_FIELDS, "id", "agency_id", "agreement_id"))
    if derived.changed:
        connection.execute(
            update(READINGS)
            .where(READINGS.c.id == bindparam("rid"))
            .values(agency_id=bindparam("agency"), agreement_id=bindparam("agreement")),
            derived.changed,
        )


Places = dict[str, Position]


def first_and_last(
    ordered: Sequence[tuple[SnapshotKey, tuple[Sequence[int], Sequence[str]]]],
) -> tuple[Places, Places, Places, Places]:
    """Each reading's first and last place among the rows of `ordered` (snapshots in publication order, each with
    its row numbers ascending and the reading of each row): among every snapshot, and among participating ones."""
    participating = [(key, group) for key, group in ordered if key.kind == "participating"]
    listed_first, listed_last = _places(participating, first=True), _places(participating, first=False)
    others = [(key, group) for key, group in ordered if key.kind != "participating"]
    if not others:
        return listed_first, listed_last, listed_first, listed_last
    other_first, other_last = _places(others, first=True), _places(others, first=False)
    first, last = {**other_first, **listed_first}, {**other_last, **listed_last}
    for rid in other_first.keys() & listed_first.keys():  # listed in both kinds: the earlier, the later place
        first[rid] = min(other_first[rid], listed_first[rid])
        last[rid] = max(other_last[rid], listed_last[rid])
    return first, last, listed_first, listed_last


def _places(
    ordered: Sequence[tuple[SnapshotKey, tuple[Sequence[int], Sequence[str]]]], *, first: bool
) -> dict[str, Position]:
    """Each reading's first (or last) place among the rows of `ordered` (snapshots in publication order, each
    with its row numbers ascending). Filled by dict updates (C loops), the place that must win written last."""
    places: dict[str, Position] = {}
    for key, (numbers, rids) in reversed(ordered) if first else ordered:
        base = key.order << ROW_BITS
        if first:
            places.update(zip(reversed(rids), map(base.__or__, reversed(numbers)), strict=True))
        else:
            places.update(zip(rids, map(base.__or__, numbers), strict=True))
    return places
