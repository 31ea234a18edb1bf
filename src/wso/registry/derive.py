"""Rebuild the derived tables (agencies, agreements, listings) from every stored row.

Derivation reads only stored snapshots and rows and sorts them by publication, so the result is the same
whatever order the files were ingested in."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from wso.registry.identity import Sighting, resolve_agencies
from wso.registry.lives import Listed, SnapshotKey, build_lives
from wso.registry.models import Agency, Agreement, Listing, Row, Snapshot

HALF_ORDER = {"am": 0, None: 1, "pm": 2}


def snapshot_sort_key(published: date, half: str | None, captured_at: datetime, sha: str) -> tuple[object, ...]:
    """Publication order: date, then am before pm, then capture time, then content hash."""
    return (published, HALF_ORDER.get(half, 1), captured_at, sha)


def ordered_snapshots(session: Session) -> list[Snapshot]:
    snaps = list(session.scalars(select(Snapshot)))
    snaps.sort(key=lambda s: snapshot_sort_key(s.published, s.half, s.captured_at, s.id))
    return snaps


def rebuild(session: Session) -> None:
    snaps = ordered_snapshots(session)
    keys = {s.id: SnapshotKey(s.id, s.kind, s.published, order) for order, s in enumerate(snaps)}
    rows = session.execute(
        select(
            Row.snapshot_id, Row.row_number, Row.state, Row.name, Row.name_key, Row.kind, Row.county, Row.model,
            Row.signed, Row.moa_url,
        ).where(Row.state.is_not(None), Row.name_key.is_not(None))
    ).all()  # fmt: skip
    sightings = [
        Sighting((keys[r.snapshot_id].order, r.row_number), r.state, r.name, r.name_key, r.kind, r.county) for r in rows
    ]
    agencies, index = resolve_agencies(sightings)
    listed = [
        Listed(keys[r.snapshot_id], r.row_number, index[(r.state, r.name_key)], r.model, r.signed, r.moa_url)
        for r in rows
        if r.model is not None
    ]
    lives, listings = build_lives(list(keys.values()), listed)

    session.execute(delete(Listing))
    session.execute(delete(Agreement))
    session.execute(delete(Agency))
    if agencies:
        session.execute(
            insert(Agency),
            [
                {
                    "id": a.id,
                    "state": a.state,
                    "name": a.name,
                    "name_key": a.key,
                    "kind": a.kind,
                    "county": a.county,
                    "spellings": json.dumps(list(a.spellings), ensure_ascii=False),
                }
                for a in agencies
            ],
        )
    if lives:
        session.execute(insert(Agreement), [vars(life) for life in lives])
    if listings:
        session.execute(
            insert(Listing),
            [{"snapshot_id": s, "row_number": n, "agency_id": ag, "agreement_id": agr} for s, n, ag, agr in listings],
        )
