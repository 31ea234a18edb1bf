"""Rebuild what is derived (agencies, agreements, the agency and agreement of each reading, pending listings)
from every stored row.

Derivation reads only stored snapshots, rows and readings and sorts them by publication, so the result is the
same whatever order the files were ingested in. It works on readings (each distinct row content once) rather
than rows: a reading's rows only say where it was first and last listed, and how often."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select, update
from sqlalchemy.orm import Session

from wso.registry.bulk import bulk_insert
from wso.registry.identity import Sighting, resolve_agencies
from wso.registry.lives import AgreementLife, PendingRow, SignedReading, SnapshotKey, build_lives, position
from wso.registry.models import AGENCIES, AGREEMENTS, PENDING_LISTINGS, READINGS, ROWS, SNAPSHOTS, Snapshot
from wso.registry.rows import READING_FIELDS, ReadRow

HALF_ORDER = {"am": 0, None: 1, "pm": 2}


def snapshot_sort_key(published: date, half: str | None, captured_at: datetime, sha: str) -> tuple[object, ...]:
    """Publication order: date, then am before pm, then capture time, then content hash."""
    return (published, HALF_ORDER.get(half, 1), captured_at, sha)


def ordered_snapshots(session: Session) -> list[Snapshot]:
    snaps = list(session.scalars(select(Snapshot)))
    snaps.sort(key=lambda s: snapshot_sort_key(s.published, s.half, s.captured_at, s.id))
    return snaps


# what derivation needs of a reading: state, name, name key, kind, county, model, signed, MOA URL
_USED = ("state", "name", "name_key", "kind", "county", "model", "signed", "moa_url")


def rebuild(
    connection: Connection,
    fresh_rows: Sequence[tuple[str, int, str]] = (),
    fresh_readings: Mapping[str, ReadRow] | None = None,
) -> None:
    """Recompute everything derived from every stored row. `fresh_rows` (snapshot id, row number, reading id)
    and `fresh_readings` are rows and readings read in this run and not stored yet: the new readings are
    inserted here (rows referring to them may be inserted after), with their agency and agreement."""
    fresh_readings = fresh_readings or {}
    snaps = sorted(
        connection.execute(
            select(SNAPSHOTS.c.id, SNAPSHOTS.c.kind, SNAPSHOTS.c.published, SNAPSHOTS.c.half, SNAPSHOTS.c.captured_at)
        ),
        key=lambda s: snapshot_sort_key(s.published, s.half, s.captured_at, s.id),
    )
    keys = {s.id: SnapshotKey(s.id, s.kind, s.published, order) for order, s in enumerate(snaps)}

    rows: list[Any] = list(fresh_rows)
    fresh_ids = {sid for sid, _n, _r in fresh_rows}
    if len(fresh_ids) < len(keys):
        stmt = select(ROWS.c.snapshot_id, ROWS.c.row_number, ROWS.c.reading_id)
        if fresh_ids:
            stmt = stmt.where(ROWS.c.snapshot_id.not_in(fresh_ids))
        rows.extend(connection.execute(stmt))

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

    # where each reading was listed: first and last place in publication order, and how many rows
    seen: dict[str, list[int]] = {}  # reading id -> [first, last, count], every snapshot
    listed: dict[str, list[int]] = {}  # reading id -> [first, last], participating snapshots only
    pending: list[tuple[SnapshotKey, int, str]] = []
    for sid, number, rid in rows:
        key = keys[sid]
        pos = position(key.order, number)
        a = seen.get(rid)
        if a is None:
            seen[rid] = [pos, pos, 1]
        else:
            if pos < a[0]:
                a[0] = pos
            elif pos > a[1]:
                a[1] = pos
            a[2] += 1
        if key.kind == "participating":
            b = listed.get(rid)
            if b is None:
                listed[rid] = [pos, pos]
            elif pos < b[0]:
                b[0] = pos
            elif pos > b[1]:
                b[1] = pos
        else:
            pending.append((key, number, rid))

    sightings = []
    for rid, (first, last, count) in seen.items():
        state, name, key_, kind, county = info[rid][:5]
        if state and key_:
            sightings.append(Sighting(first, last, count, state, name, key_, kind, county))
    agencies, index = resolve_agencies(sightings)
    agency_of = {rid: index[(v[0], v[2])] for rid, v in info.items() if v[0] and v[2] and (v[0], v[2]) in index}

    signed = [
        SignedReading(rid, agency_of[rid], info[rid][5], info[rid][6], info[rid][7], first, last)
        for rid, (first, last) in listed.items()
        if rid in agency_of and info[rid][5] is not None
    ]
    pending_rows = [
        PendingRow(key, number, agency_of[rid], info[rid][5])
        for key, number, rid in pending
        if rid in agency_of and info[rid][5] is not None
    ]
    lives, agreement_of, listings = build_lives(list(keys.values()), signed, pending_rows)

    connection.execute(delete(PENDING_LISTINGS))
    connection.execute(delete(AGREEMENTS))
    connection.execute(delete(AGENCIES))
    bulk_insert(
        connection,
        AGENCIES,
        [
            (a.id, a.state, a.name, a.key, a.kind, a.county, json.dumps(list(a.spellings), ensure_ascii=False))
            for a in agencies
        ],
        columns=("id", "state", "name", "name_key", "kind", "county", "spellings"),
    )
    names = [f.name for f in fields(AgreementLife)]
    bulk_insert(connection, AGREEMENTS, [tuple(getattr(life, n) for n in names) for life in lives], columns=names)
    bulk_insert(
        connection, PENDING_LISTINGS, listings, columns=("snapshot_id", "row_number", "agreement_id"), plain=True
    )
    bulk_insert(
        connection,
        READINGS,
        [(*r.values(), rid, agency_of.get(rid), agreement_of.get(rid)) for rid, r in new.items()],
        columns=(*READING_FIELDS, "id", "agency_id", "agreement_id"),
    )
    changed = [
        {"rid": rid, "agency": agency_of.get(rid), "agreement": agreement_of.get(rid)}
        for rid, old in stored.items()
        if old != (agency_of.get(rid), agreement_of.get(rid))
    ]
    if changed:
        connection.execute(
            update(READINGS)
            .where(READINGS.c.id == bindparam("rid"))
            .values(agency_id=bindparam("agency"), agreement_id=bindparam("agreement")),
            changed,
        )
