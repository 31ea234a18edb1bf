"""Rebuild the derived tables (agencies, agreements, listings) from every stored row.

Derivation reads only stored snapshots and rows and sorts them by publication, so the result is the same
whatever order the files were ingested in."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from wso.registry.bulk import bulk_insert
from wso.registry.identity import Sighting, resolve_agencies
from wso.registry.lives import Listed, SnapshotKey, build_lives
from wso.registry.models import AGENCIES, AGREEMENTS, LISTINGS, ROWS, Snapshot

HALF_ORDER = {"am": 0, None: 1, "pm": 2}


def snapshot_sort_key(published: date, half: str | None, captured_at: datetime, sha: str) -> tuple[object, ...]:
    """Publication order: date, then am before pm, then capture time, then content hash."""
    return (published, HALF_ORDER.get(half, 1), captured_at, sha)


def ordered_snapshots(session: Session) -> list[Snapshot]:
    snaps = list(session.scalars(select(Snapshot)))
    snaps.sort(key=lambda s: snapshot_sort_key(s.published, s.half, s.captured_at, s.id))
    return snaps


_FIELDS = ("snapshot_id", "row_number", "state", "name", "name_key", "kind", "county", "model", "signed", "moa_url")


def rebuild(session: Session, fresh: Sequence[Mapping[str, Any]] = ()) -> None:
    """Recompute agencies, agreements and listings from every stored row. `fresh` may carry rows just inserted
    in this transaction, to spare reading them back; stored rows of other snapshots are read."""
    snaps = ordered_snapshots(session)
    keys = {s.id: SnapshotKey(s.id, s.kind, s.published, order) for order, s in enumerate(snaps)}
    fresh_ids = {r["snapshot_id"] for r in fresh}
    rows: list[tuple[Any, ...]] = [tuple(r[f] for f in _FIELDS) for r in fresh if r["state"] and r["name_key"]]
    if len(fresh_ids) < len(keys):
        stmt = select(*(ROWS.c[f] for f in _FIELDS)).where(ROWS.c.state.is_not(None), ROWS.c.name_key.is_not(None))
        if fresh_ids:
            stmt = stmt.where(ROWS.c.snapshot_id.not_in(fresh_ids))
        rows.extend(tuple(r) for r in session.execute(stmt))
    sightings = [
        Sighting((keys[sid].order, number), state, name, key, kind, county)
        for sid, number, state, name, key, kind, county, _m, _s, _u in rows
    ]
    agencies, index = resolve_agencies(sightings)
    listed = [
        Listed(keys[sid], number, index[(state, key)], model, signed, url)
        for sid, number, state, _n, key, _k, _c, model, signed, url in rows
        if model is not None
    ]
    lives, listings = build_lives(list(keys.values()), listed)

    connection = session.connection()
    connection.execute(delete(LISTINGS))
    connection.execute(delete(AGREEMENTS))
    connection.execute(delete(AGENCIES))
    if agencies:
        connection.execute(
            insert(AGENCIES),
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
        connection.execute(insert(AGREEMENTS), [vars(life) for life in lives])
    bulk_insert(
        connection,
        LISTINGS,
        [{"snapshot_id": s, "row_number": n, "agency_id": ag, "agreement_id": agr} for s, n, ag, agr in listings],
    )
