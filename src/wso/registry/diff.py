"""What changed between two snapshots: agreements added, removed, and listed in both with different details."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from wso.registry.derive import ordered_snapshots
from wso.registry.models import Agency, Agreement, Listing, Row, Snapshot
from wso.registry.queries import UnknownSnapshot, snapshot_labels
from wso.registry.views import Change, Diff

COMPARED = ("name", "kind", "county", "moa_text", "moa_url", "addendum_url")


def resolve_snapshot(session: Session, ref: str) -> Snapshot:
    """The snapshot named by `ref`: a label (2025-06-27am, 2025-07-03pm#2; prefix 'pending:' for the pending
    list, participating is the default), a sha256 or its first 8+ characters, or the path of an ingested file."""
    labels = snapshot_labels(session)
    snaps = ordered_snapshots(session)
    text = ref.strip()
    kind = "participating"
    if ":" in text and text.split(":", 1)[0] in ("participating", "pending"):
        kind, text = text.split(":", 1)
    by_label = [s for s in snaps if labels[s.id] == text and s.kind == kind]
    if by_label:
        return by_label[0]
    if len(text) >= 8 and all(c in "0123456789abcdef" for c in text.lower()):
        by_hash = [s for s in snaps if s.id.startswith(text.lower())]
        if len(by_hash) == 1:
            return by_hash[0]
    path = Path(ref)
    if path.is_file():
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        found = next((s for s in snaps if s.id == sha), None)
        if found is not None:
            return found
        raise UnknownSnapshot(f"{ref}: this file has not been ingested; run `wso registry ingest {ref}` first")
    known = ", ".join(sorted({labels[s.id] for s in snaps if s.kind == kind})[-3:])
    raise UnknownSnapshot(
        f"{ref!r} names no stored snapshot; use a label such as {known or '2025-06-27am'}, a sha256, or a file path"
    )


def _listed(session: Session, snapshot_id: str) -> dict[str, dict[str, str | None]]:
    """agreement id -> the details of its (first) row in the snapshot."""
    stmt = (
        select(Listing.agreement_id, *(getattr(Row, c) for c in COMPARED))
        .join(Row, (Row.snapshot_id == Listing.snapshot_id) & (Row.row_number == Listing.row_number))
        .where(Listing.snapshot_id == snapshot_id)
        .order_by(Listing.row_number)
    )
    found: dict[str, dict[str, str | None]] = {}
    for row in session.execute(stmt):
        found.setdefault(row[0], dict(zip(COMPARED, row[1:], strict=True)))
    return found


def diff(session: Session, old: str, new: str) -> Diff:
    """Agreements listed in `new` but not `old` (added), in `old` but not `new` (removed), and in both with
    different details (changed: agency spelling, type, county, MOA text or links)."""
    old_snap, new_snap = resolve_snapshot(session, old), resolve_snapshot(session, new)
    before, after = _listed(session, old_snap.id), _listed(session, new_snap.id)
    ids = set(before) | set(after)
    agreements = {a.id: a for a in session.scalars(select(Agreement).where(Agreement.id.in_(ids)))} if ids else {}
    agency_ids = {a.agency_id for a in agreements.values()}
    agencies = {a.id: a for a in session.scalars(select(Agency).where(Agency.id.in_(agency_ids)))} if agency_ids else {}

    def change(aid: str, fields: dict[str, tuple[str | None, str | None]] | None = None) -> Change:
        agr = agreements[aid]
        agency = agencies[agr.agency_id]
        return Change(aid, agency.id, agency.name, agency.state, agr.model, agr.signed, fields or {})

    def order(c: Change) -> tuple[str, str, str, str]:
        return (c.state, c.agency_name, c.model, c.agreement_id)

    added = sorted((change(a) for a in after.keys() - before.keys()), key=order)
    removed = sorted((change(a) for a in before.keys() - after.keys()), key=order)
    changed = []
    for aid in before.keys() & after.keys():
        fields = {f: (before[aid][f], after[aid][f]) for f in COMPARED if before[aid][f] != after[aid][f]}
        if fields:
            changed.append(change(aid, fields))
    labels = snapshot_labels(session)
    return Diff(
        old=labels[old_snap.id],
        new=labels[new_snap.id],
        added=tuple(added),
        removed=tuple(removed),
        changed=tuple(sorted(changed, key=order)),
    )
