"""What reading a sheet gives: each data row as read (a reading, identified by the hash of what it stores), the
issues met, and the sheet's header, row numbers and blank rows."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class IssueRecord:
    row_number: int | None
    code: str
    field: str | None
    value: str | None
    message: str


@dataclass
class ReadRow:
    row_number: int
    raw: dict[str, Any]
    state: str | None = None
    name: str | None = None
    name_key: str | None = None
    kind: str | None = None
    county: str | None = None
    model: str | None = None
    signed: date | None = None
    moa_text: str | None = None
    moa_url_raw: str | None = None
    moa_url: str | None = None
    addendum_url_raw: str | None = None
    addendum_url: str | None = None
    raw_text: str = ""  # `raw` as JSON, made once
    reading_id: str = ""  # made once, from the stored content (see `reading_id`)

    def values(self) -> tuple[Any, ...]:
        """What a reading stores, in the order of READING_FIELDS."""
        return (
            self.raw_text,
            self.state,
            self.name,
            self.name_key,
            self.kind,
            self.county,
            self.model,
            self.signed,
            self.moa_text,
            self.moa_url_raw,
            self.moa_url,
            self.addendum_url_raw,
            self.addendum_url,
        )

    def record(self) -> dict[str, Any]:
        """The row's reading as stored (without its derived agency and agreement)."""
        return {
            "id": self.reading_id,
            "raw": self.raw_text,
            "state": self.state,
            "name": self.name,
            "name_key": self.name_key,
            "kind": self.kind,
            "county": self.county,
            "model": self.model,
            "signed": self.signed,
            "moa_text": self.moa_text,
            "moa_url_raw": self.moa_url_raw,
            "moa_url": self.moa_url,
            "addendum_url_raw": self.addendum_url_raw,
            "addendum_url": self.addendum_url,
        }


READING_FIELDS = (
    "raw",
    "state",
    "name",
    "name_key",
    "kind",
    "county",
    "model",
    "signed",
    "moa_text",
    "moa_url_raw",
    "moa_url",
    "addendum_url_raw",
    "addendum_url",
)


def reading_id(values: Iterable[object]) -> str:
    """A reading's id: the hash of what it stores (READING_FIELDS, in order), so the same content read from any
    file, in any run, is one reading. Values are joined by a unit separator, None written as a lone NUL."""
    text = "\x1f".join(["\x00" if v is None else v.isoformat() if isinstance(v, date) else str(v) for v in values])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class ReadSheet:
    header: list[str]
    columns: dict[str, int]
    numbers: list[int] = field(default_factory=list)  # the row number of each data row
    readings: list[ReadRow] = field(default_factory=list)  # each data row as read (shared by equal rows)
    issues: list[IssueRecord] = field(default_factory=list)
    blank_rows: int = 0

    @property
    def rows(self) -> list[tuple[int, ReadRow]]:
        """(row number, the row as read) for every data row."""
        return list(zip(self.numbers, self.readings, strict=True))
