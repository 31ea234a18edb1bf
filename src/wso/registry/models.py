"""The registry's tables.

What ICE published, exactly as read: `registry_snapshots` (one per distinct file, keyed by the sha256 of its
bytes), `registry_rows` (every data row of every snapshot, by its row number, pointing to its reading),
`registry_readings` (each distinct row content once: its raw cells and what could be read from them; ICE's files
repeat most rows from one publication to the next, so 13,768 rows of the shared files hold 1,923 readings) and
`registry_issues` (what could not be read cleanly, per row or per file).

Derived from those and rebuilt after every ingest that adds a snapshot: `registry_agencies`,
`registry_agreements`, the agency and agreement of each reading (a participating row lists the agreement of its
reading) and `registry_pending_listings` (which agreement each pending row lists: that depends on the day the
pending list was published, so it is kept per row).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from wso.store import Base, UTCDateTime


class Snapshot(Base):
    __tablename__ = "registry_snapshots"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the file's bytes
    kind: Mapped[str] = mapped_column(String(16))  # participating | pending
    file_name: Mapped[str] = mapped_column(String(255))
    source_path: Mapped[str] = mapped_column(Text)
    published: Mapped[date] = mapped_column(Date)
    half: Mapped[str | None] = mapped_column(String(4))  # am | mid | pm | None
    # how `published` was found: name | capture | corrected (by rule) | hand (a corrections file); see dating.py
    dated_by: Mapped[str | None] = mapped_column(String(16))
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    file_format: Mapped[str] = mapped_column(String(8))  # xlsx | csv
    header: Mapped[str] = mapped_column(Text)  # JSON list of the header cells as written
    row_count: Mapped[int] = mapped_column(Integer)  # data rows (blank rows excluded)
    blank_rows: Mapped[int] = mapped_column(Integer)


class Row(Base):
    """One data row of one snapshot. No foreign keys, by choice: only `ingest` writes rows, in the transaction
    that writes their snapshot and readings, and nothing deletes them; checking two keys for each of the 13,768
    rows of the shared files cost PostgreSQL more than writing them (tests check that every row's snapshot and
    reading exist)."""

    __tablename__ = "registry_rows"
    __table_args__ = ({"sqlite_with_rowid": False},)  # SQLite: one B-tree, keyed as the primary key, not two

    snapshot_id: Mapped[str] = mapped_column(String(64), primary_key=True)  # registry_snapshots.id
    row_number: Mapped[int] = mapped_column(Integer, primary_key=True)  # as the spreadsheet numbers it
    reading_id: Mapped[str] = mapped_column(String(16))  # registry_readings.id


class Reading(Base):
    __tablename__ = "registry_readings"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # hash of the stored content below
    raw: Mapped[str] = mapped_column(Text)  # JSON object: header -> cell as text, and hyperlinks
    state: Mapped[str | None] = mapped_column(String(2))
    name: Mapped[str | None] = mapped_column(Text)
    name_key: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(16))
    county: Mapped[str | None] = mapped_column(Text)
    model: Mapped[str | None] = mapped_column(String(3))
    signed: Mapped[date | None] = mapped_column(Date)
    moa_text: Mapped[str | None] = mapped_column(Text)
    moa_url_raw: Mapped[str | None] = mapped_column(Text)
    moa_url: Mapped[str | None] = mapped_column(Text)
    addendum_url_raw: Mapped[str | None] = mapped_column(Text)
    addendum_url: Mapped[str | None] = mapped_column(Text)
    agency_id: Mapped[str | None] = mapped_column(String(24))  # derived
    agreement_id: Mapped[str | None] = mapped_column(String(24))  # derived: listed by participating rows


class Issue(Base):
    __tablename__ = "registry_issues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    snapshot_id: Mapped[str] = mapped_column(ForeignKey("registry_snapshots.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    row_number: Mapped[int | None] = mapped_column(Integer)  # None: about the whole file
    code: Mapped[str] = mapped_column(String(48))
    field: Mapped[str | None] = mapped_column(String(32))
    value: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)


class Agency(Base):
    __tablename__ = "registry_agencies"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    state: Mapped[str] = mapped_column(String(2), index=True)
    name: Mapped[str] = mapped_column(Text)  # the latest spelling ICE used
    name_key: Mapped[str] = mapped_column(Text)  # the canonical key the id derives from
    kind: Mapped[str] = mapped_column(String(16))
    county: Mapped[str | None] = mapped_column(Text)
    spellings: Mapped[str] = mapped_column(Text)  # JSON list of every spelling seen


class Agreement(Base):
    """One agreement: agency x model x signing date, with its life. Derived, like the agencies and the pending
    listings: only `write_derived` writes these tables, wholly, in the transaction that writes what they derive
    from. So, like `registry_rows`, they carry no per-row foreign keys (PostgreSQL's check of each of the 860
    agreements' agency and the 1,734 listings' snapshot cost more than writing them; migration registry_0003);
    tests check that every agreement's agency and every listing's snapshot and row exist."""

    __tablename__ = "registry_agreements"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    agency_id: Mapped[str] = mapped_column(String(24), index=True)  # registry_agencies.id
    model: Mapped[str] = mapped_column(String(3))
    signed: Mapped[date | None] = mapped_column(Date)
    moa_url: Mapped[str | None] = mapped_column(Text)
    first_listed: Mapped[date] = mapped_column(Date)
    last_listed: Mapped[date] = mapped_column(Date)
    pending_since: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # active | removed | pending | corrected
    removed_on: Mapped[date | None] = mapped_column(Date)
    renewal_of: Mapped[str | None] = mapped_column(String(24))
    corrects: Mapped[str | None] = mapped_column(String(24))  # the agreement whose SIGNED date this one corrects


class PendingListing(Base):
    __tablename__ = "registry_pending_listings"

    snapshot_id: Mapped[str] = mapped_column(String(64), primary_key=True)  # registry_rows.snapshot_id
    row_number: Mapped[int] = mapped_column(Integer, primary_key=True)  # registry_rows.row_number
    agreement_id: Mapped[str] = mapped_column(String(24))  # registry_agreements.id


class Answer(Base):
    """An answer kept ready as text (`wso.registry.ready`), rewritten whenever the registry changes."""

    __tablename__ = "registry_answers"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SeenFile(Base):
    """A file ingest has read or skipped: where it was, its size and times then, and the sha256 of its bytes. A
    repeated ingest skips a file whose path, size and times are unchanged and whose sha256 is a stored snapshot,
    without reading it (`wso.registry.seen`)."""

    __tablename__ = "registry_files"

    path: Mapped[str] = mapped_column(Text, primary_key=True)  # absolute, as ingest found it
    size: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    ctime_ns: Mapped[int] = mapped_column(BigInteger)  # changes with any write, even one that restores the mtime
    sha256: Mapped[str] = mapped_column(String(64))


SNAPSHOTS = cast(Table, Snapshot.__table__)
ROWS = cast(Table, Row.__table__)
READINGS = cast(Table, Reading.__table__)
ISSUES = cast(Table, Issue.__table__)
AGENCIES = cast(Table, Agency.__table__)
AGREEMENTS = cast(Table, Agreement.__table__)
PENDING_LISTINGS = cast(Table, PendingListing.__table__)
ANSWERS = cast(Table, Answer.__table__)
SEEN_FILES = cast(Table, SeenFile.__table__)
