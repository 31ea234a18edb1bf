"""What the registry answers with: frozen views of agencies and agreements (the contract other rooms use)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

AgencyKind = Literal["county", "municipal", "state"]
AgreementStatus = Literal["active", "removed", "pending", "corrected"]


@dataclass(frozen=True)
class AgreementView:
    id: str
    agency_id: str
    agency_name: str
    state: str
    model: str  # TFM | JEM | WSO
    signed: date | None
    moa_url: str | None
    first_listed: date
    last_listed: date
    pending_since: date | None
    status: str  # active | removed | pending | corrected (ICE corrected its SIGNED date: see `corrects`)
    removed_on: date | None
    renewal_of: str | None
    corrects: str | None = None  # the agreement whose SIGNED date this one corrects


@dataclass(frozen=True)
class AgencyView:
    id: str
    name: str
    state: str
    kind: str  # county | municipal | state
    county: str | None
    agreements: tuple[AgreementView, ...] = ()
    spellings: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class TimelineEntry:
    label: str
    published: date
    half: str | None
    captured_at: datetime
    sha256: str
    kind: str
    file_name: str
    total: int
    by_model: dict[str, int]
    unreadable_model: int
    blank_rows: int
    issues: int
    dated_by: str | None = None  # name | capture | corrected | hand (None: stored before dating was recorded)
    # distinct agreements a participating snapshot lists, by model (ICE sometimes lists one agreement twice, under
    # two spellings of its agency: rows count both, this counts it once; what `stats` counts); zeros for pending
    agreements: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Stats:
    on: date | None
    snapshot: str | None  # label of the participating snapshot the figures come from
    published: date | None
    total: int
    by_model: dict[str, int]
    by_state: dict[str, dict[str, int]]
    agencies: int
    pending: int  # agreements listed in the latest pending snapshot published on or before `on`


@dataclass(frozen=True)
class Change:
    agreement_id: str
    agency_id: str
    agency_name: str
    state: str
    model: str
    signed: date | None
    fields: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    corrects: str | None = None  # in `changed`: the agreement listed before, when ICE corrected SIGNED


@dataclass(frozen=True)
class Diff:
    old: str
    new: str
    added: tuple[Change, ...]
    removed: tuple[Change, ...]
    changed: tuple[Change, ...]


@dataclass(frozen=True)
class IssueView:
    file_name: str
    snapshot: str  # label, e.g. 2025-05-16am
    sha256: str
    row_number: int | None
    code: str
    field: str | None
    value: str | None
    message: str
