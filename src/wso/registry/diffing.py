"""What changed between two snapshots: agreements added, removed, and listed in both with different details.

An agreement whose SIGNED date ICE corrected (see `wso.registry.lives`) is reported as changed, not as one
agreement removed and another added: the change names the new agreement, `corrects` the old one, and `fields`
holds `signed` (old, new) with any other detail that changed."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from wso.registry.models import Agency, Agreement, PendingListing, Reading, Row, Snapshot
from wso.registry.queries import UnknownSnapshot, session_memo, snapshot_index, snapshot_labels
from wso.registry.views import Change, Diff

COMPARED = ("name", "kind", "county", "moa_text", "moa_url", "addendum_url")


def resolve_snapshot(session: Session, ref: str) -> Snapshot:
    """The snapshot named by `ref`: a label (2025-06-27am, 2025-07-03pm#2; prefix 'pending:' for the pending
    list, participating is the default), a sha256 or its first 8+ characters, or the path of an ingested file."""
    index = snapshot_index(session)
    text = ref.strip()
    kind = "participating"
    if ":" in text and text.split(":", 1)[0] in ("participating", "pending"):
        kind, text = text.split(":", 1)
    by_label = index.by_label.get((kind, text))
    if by_label is not None:
        return by_label
    if len(text) >= 8 and all(c in "0123456789abcdef" for c in text.lower()):
        exact = index.by_id.get(text.lower())  # a whole sha256, as the watcher names them
        by_hash = [exact] if exact is not None else [s for i, s in index.by_id.items() if i.startswith(text.lower())]
        if len(by_hash) == 1:
            return by_hash[0]
    path = Path(ref)
    if path.is_file():
        found = index.by_id.get(hashlib.sha256(path.read_bytes()).hexdigest())
        if found is not None:
            return found
        raise UnknownSnapshot(f"{ref}: this file has not been ingested; run `wso registry ingest {ref}` first")
    known = ", ".join(sorted({label for k, label in index.by_label if k == kind})[-3:])
    raise UnknownSnapshot(
        f"{ref!r} names no stored snapshot; use a label such as {known or '2025-06-27am'}, a sha256, or a file path"
    )


def _listed(session: Session, snapshot: Snapshot) -> dict[str, dict[str, str | None]]:
    """agreement id -> the details of its (first) row in the snapshot; the last two read are kept for the session
    (comparing each publication with the one before reads each once, not twice)."""
    memo: dict[str, dict[str, dict[str, str | None]]] = session_memo(session).setdefault("listed", {})
    found = memo.get(snapshot.id)
    if found is None:
        found = memo[snapshot.id] = _read_listed(session, snapshot)
        while len(memo) > 2:
            del memo[next(iter(memo))]
    return found


def _read_listed(session: Session, snapshot: Snapshot) -> dict[str, dict[str, str | None]]:
    details = [getattr(Reading, c) for c in COMPARED]
    if snapshot.kind == "participating":
        stmt = (
            select(Reading.agreement_id, *details)
            .join(Row, Row.reading_id == Reading.id)
            .where(Row.snapshot_id == snapshot.id, Reading.agreement_id.is_not(None))
            .order_by(Row.row_number)
        )
    else:
        stmt = (
            select(PendingListing.agreement_id, *details)
            .join(Row, (Row.snapshot_id == PendingListing.snapshot_id) & (Row.row_number == PendingListing.row_number))
            .join(Reading, Reading.id == Row.reading_id)
            .where(PendingListing.snapshot_id == snapshot.id)
            .order_by(PendingListing.row_number)
        )
    found: dict[str, dict[str, str | None]] = {}
    for row in session.execute(stmt):
        found.setdefault(row[0], dict(zip(COMPARED, row[1:], strict=True)))
    return found


def correction_pairs(session: Session, added: set[str], removed: set[str]) -> list[tuple[str, str]]:
    """(new, old) pairs of an added and a removed agreement where one corrects the other's SIGNED date, directly
    or through agreements listed between the two snapshots (in either direction, so a diff read backwards pairs
    them too)."""
    corrects: dict[str, str | None] = {
        aid: old
        for aid, old in session.execute(select(Agreement.id, Agreement.corrects).where(Agreement.corrects.is_not(None)))
    }
    pairs: list[tuple[str, str]] = []
    taken: set[str] = set()

    def chain(start: str) -> list[str]:
        out, at = [], corrects.get(start)
        while at is not None and at not in out:
            out.append(at)
            at = corrects.get(at)
        return out

    for new in sorted(added):
        old = next((x for x in chain(new) if x in removed and x not in taken), None)
        if old is None:
            old = next((r for r in sorted(removed) if r not in taken and new in chain(r)), None)
        if old is not None:
            pairs.append((new, old))
            taken.add(old)
    return pairs


def diff(session: Session, old: str, new: str) -> Diff:
    """Agreements listed in `new` but not `old` (added), in `old` but not `new` (removed), and in both with
    different details (changed: agency spelling, type, county, MOA text or links, or a corrected SIGNED date)."""
    old_snap, new_snap = resolve_snapshot(session, old), resolve_snapshot(session, new)
    before, after = _listed(session, old_snap), _listed(session, new_snap)
    added_ids, removed_ids = after.keys() - before.keys(), before.keys() - after.keys()
    kept: dict[str, dict[str, tuple[str | None, str | None]]] = {}
    for aid in before.keys() & after.keys():
        fields = {f: (before[aid][f], after[aid][f]) for f in COMPARED if before[aid][f] != after[aid][f]}
        if fields:
            kept[aid] = fields
    # only what changed is read: two lists of 1,400 agreements differ in a handful
    ids = added_ids | removed_ids | kept.keys()
    agreements = {a.id: a for a in session.scalars(select(Agreement).where(Agreement.id.in_(ids)))} if ids else {}
    agency_ids = {a.agency_id for a in agreements.values()}
    agencies = {a.id: a for a in session.scalars(select(Agency).where(Agency.id.in_(agency_ids)))} if agency_ids else {}

    def change(
        aid: str, fields: dict[str, tuple[str | None, str | None]] | None = None, was: str | None = None
    ) -> Change:
        agr = agreements[aid]
        agency = agencies[agr.agency_id]
        return Change(aid, agency.id, agency.name, agency.state, agr.model, agr.signed, fields or {}, was)

    def order(c: Change) -> tuple[str, str, str, str]:
        return (c.state, c.agency_name, c.model, c.agreement_id)

    changed: list[Change] = []
    for new_id, old_id in correction_pairs(session, set(added_ids), set(removed_ids)):
        old_signed, new_signed = agreements[old_id].signed, agreements[new_id].signed
        redated: dict[str, tuple[str | None, str | None]] = {
            "signed": (old_signed.isoformat() if old_signed else None, new_signed.isoformat() if new_signed else None)
        }
        redated |= {f: (before[old_id][f], after[new_id][f]) for f in COMPARED if before[old_id][f] != after[new_id][f]}
        changed.append(change(new_id, redated, was=old_id))
        added_ids.discard(new_id)
        removed_ids.discard(old_id)
    added = sorted((change(a) for a in added_ids), key=order)
    removed = sorted((change(a) for a in removed_ids), key=order)
    changed.extend(change(aid, fields) for aid, fields in kept.items())
    labels = snapshot_labels(session)
    return Diff(
        old=labels[old_snap.id],
        new=labels[new_snap.id],
        added=tuple(added),
        removed=tuple(removed),
        changed=tuple(sorted(changed, key=order)),
    )
