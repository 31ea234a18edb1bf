"""The custody ledger's tables.

Personal data (a person's name, date of birth, A-number) lives only in `custody_bookings`.

`custody_hold_events` is the ledger: append-only (a database trigger refuses UPDATE and DELETE on PostgreSQL and
SQLite), one hash chain per hold, `UNIQUE(hold_id, seq)` so two writers can never fork a chain; so is
`custody_officer_events`, one chain per officer, its head (`last_seq`, `last_hash`) on `custody_officers`.
`custody_holds` is the projection of each hold's chain (its status, deadline and chain head) that commands lock
(`SELECT ... FOR UPDATE`) before they append; it can always be rebuilt from the events.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from wso.store import Base, UTCDateTime

GENESIS = "0" * 64  # the `prev_hash` of a chain's first event


class Agency(Base):
    """An agency as custody knows it (entered by hand, or mirrored from the registry by id)."""

    __tablename__ = "custody_agencies"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str | None] = mapped_column(String(10), nullable=True)  # county | municipal | state


class Facility(Base):
    __tablename__ = "custody_facilities"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("custody_agencies.id"))
    name: Mapped[str] = mapped_column(String(300))
    tz: Mapped[str] = mapped_column(String(64))
    detention_agreement: Mapped[bool] = mapped_column(Boolean)  # entered with one (replay's old form); see below
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Agreement(Base):
    """A hand-entered agreement; a later row for the same (agency, model, signed) supersedes an earlier one."""

    __tablename__ = "custody_agreements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("custody_agencies.id"))
    model: Mapped[str] = mapped_column(String(3))
    signed: Mapped[date] = mapped_column(Date)
    ended: Mapped[date | None] = mapped_column(Date, nullable=True)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    moa_template: Mapped[str | None] = mapped_column(String(4), nullable=True)  # "2019" | "2025"


class DetentionAgreement(Base):
    """An agreement to keep detaining people for ICE for a fee (IGSA, USMS) or a BOA, and the facilities it covers
    (`custody_detention_covers`). `in_force_until` is the last day in force (None: open-ended)."""

    __tablename__ = "custody_detentions"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("custody_agencies.id"))
    kind: Mapped[str] = mapped_column(String(4))
    in_force_from: Mapped[date] = mapped_column(Date)
    in_force_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    signed: Mapped[date | None] = mapped_column(Date, nullable=True)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DetentionAgreementFacility(Base):
    __tablename__ = "custody_detention_covers"

    agreement_id: Mapped[str] = mapped_column(ForeignKey("custody_detentions.id"), primary_key=True)
    facility_id: Mapped[str] = mapped_column(ForeignKey("custody_facilities.id"), primary_key=True)


class Complaint(Base):
    """A complaint about a participating officer, to be reported to ICE within 48 hours excluding weekends."""

    __tablename__ = "custody_complaints"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("custody_agencies.id"))
    officer_id: Mapped[str] = mapped_column(ForeignKey("custody_officers.id"))
    facility_id: Mapped[str] = mapped_column(ForeignKey("custody_facilities.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Officer(Base):
    """An officer's current designation; its history is in `custody_officer_events`."""

    __tablename__ = "custody_officers"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("custody_agencies.id"))
    name: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20))
    exam_attempts: Mapped[int] = mapped_column(Integer, default=0)
    exam_passed: Mapped[bool] = mapped_column(Boolean, default=False)
    # The head of the officer's chain of events (as a hold's): `last_seq` 0 and 64 zeros before the first.
    last_seq: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS, server_default=GENESIS)


class OfficerEvent(Base):
    """An officer's history (nominated, exam, ..., interview). Append-only, one hash chain per officer, as a hold's
    events (`UNIQUE(officer_id, seq)`); its head is on `custody_officers`."""

    __tablename__ = "custody_officer_events"
    __table_args__ = (UniqueConstraint("officer_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    officer_id: Mapped[str] = mapped_column(ForeignKey("custody_officers.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(120))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Booking(Base):
    """A person booked into a facility. The only table with personal data."""

    __tablename__ = "custody_bookings"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    facility_id: Mapped[str] = mapped_column(ForeignKey("custody_facilities.id"))
    scheduled_release: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    booked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # the actual release from criminal custody
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    person_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True)
    a_number: Mapped[str | None] = mapped_column(String(20), nullable=True)


class Warrant(Base):
    __tablename__ = "custody_warrants"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    booking_id: Mapped[str] = mapped_column(ForeignKey("custody_bookings.id"), index=True)
    form: Mapped[str] = mapped_column(String(10))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Hold(Base):
    """One hold per warrant (or detainer): the projection of its event chain."""

    __tablename__ = "custody_holds"
    __table_args__ = (
        Index(
            "ix_custody_holds_open_deadline",
            "deadline",
            postgresql_where=text("status = 'open'"),
            sqlite_where=text("status = 'open'"),
        ),
    )

    id: Mapped[str] = mapped_column(String(130), primary_key=True)
    warrant_id: Mapped[str] = mapped_column(ForeignKey("custody_warrants.id"), unique=True)
    booking_id: Mapped[str] = mapped_column(ForeignKey("custody_bookings.id"))
    facility_id: Mapped[str] = mapped_column(ForeignKey("custody_facilities.id"))
    agency_id: Mapped[str] = mapped_column(ForeignKey("custody_agencies.id"))
    kind: Mapped[str] = mapped_column(String(10))  # "wso" | "detainer"
    officer_id: Mapped[str | None] = mapped_column(ForeignKey("custody_officers.id"), nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    clock_start: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    deadline_rule: Mapped[str] = mapped_column(String(20))
    deadline_reading: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    end_reason: Mapped[str | None] = mapped_column(String(30), nullable=True)
    ice_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    citizenship_claim_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    citizenship_reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
    interpreter: Mapped[str | None] = mapped_column(String(300), nullable=True)
    detention_agreement_from: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class HoldEvent(Base):
    """The ledger. Append-only; each event's `hash` covers the one before it in its hold."""

    __tablename__ = "custody_hold_events"
    __table_args__ = (UniqueConstraint("hold_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    hold_id: Mapped[str] = mapped_column(ForeignKey("custody_holds.id"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(120))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class IdempotencyKey(Base):
    """A command applied under a key; a retry with the same key gets this stored result back."""

    __tablename__ = "custody_idempotency_keys"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    command: Mapped[str] = mapped_column(String(40))
    result: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Alert(Base):
    """An alert raised by the sweep; unique per (hold, kind) so each is raised once."""

    __tablename__ = "custody_alerts"
    __table_args__ = (UniqueConstraint("hold_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    hold_id: Mapped[str] = mapped_column(ForeignKey("custody_holds.id"))
    kind: Mapped[str] = mapped_column(String(30))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
