"""The tracker's tables: one row per public-records request, and its append-only history of events."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wso.store import Base, UTCDateTime


class RecordsRequest(Base):
    """A public-records request and where it stands. The requester's fields are personal data: never public."""

    __tablename__ = "records_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agency_name: Mapped[str] = mapped_column(String(300))
    agency_id: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(2), index=True)
    law_name: Mapped[str] = mapped_column(String(300))
    citation: Mapped[str] = mapped_column(String(300))
    deadline_kind: Mapped[str] = mapped_column(String(10))
    deadline_days: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(24), index=True)
    sent_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    set_ids: Mapped[str] = mapped_column(String(500))
    lang: Mapped[str] = mapped_column(String(2))
    requester_name: Mapped[str | None] = mapped_column(String(300))
    requester_email: Mapped[str | None] = mapped_column(String(300))
    requester_address: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    events: Mapped[list[RecordsRequestEvent]] = relationship(
        back_populates="request", order_by="RecordsRequestEvent.seq", cascade="all, delete-orphan"
    )


class RecordsRequestEvent(Base):
    """One thing that happened to a request: sent, acknowledged, extended (with its new due date), ..."""

    __tablename__ = "records_request_events"
    __table_args__ = (UniqueConstraint("request_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("records_requests.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    event: Mapped[str] = mapped_column(String(24))
    occurred_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    request: Mapped[RecordsRequest] = relationship(back_populates="events")
