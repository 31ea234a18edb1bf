"""What WSO costs a county: hours held in ICE custody at the jail, per facility and local month, unreimbursed or
reimbursed under a detention agreement, as bed-days, and as money only at the rates the user gives.

Pure and written once: the custody ledger (`wso custody cost`) and the audit (`wso audit cost`) both turn their
holds into spans and hand them to `CostTally`, so the same holds give the same numbers. Definitions (docs/cost.md):

- A hold in ICE custody at the jail runs from the later of service and the release from criminal custody
  (`custody_start`) to its end, or to the as-of time while it is open (an end after the as-of time counts to it).
- Hours are elapsed time, counted in whole UTC seconds: a local day with a daylight-saving change has 23 or 25.
- A hold spanning months splits at the facility's local month boundary; it counts as a hold in each month it has
  time in (a facility's total counts it once).
- Unreimbursed: the hours before `detention_agreement_from` (all of them when it is empty), WSO and detainer holds
  alike, and those from `detention_agreement_until` on (the agreement's cover ended: the jail's own hours, and
  unlawful ones, as the ledger and the audit count them late): the county bears them. Reimbursed: the hours from
  `detention_agreement_from` to `detention_agreement_until` (to the end when it is empty), held under a detention
  agreement in force.
- Money only at given rates: `hours / 24 × rate`, with the hours as shown (two decimals), rounded to the cent
  (half up), in the currency as given. No rate is ever assumed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from html import escape
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wso.program.custody import decision_second
from wso.program.detention import detention_agreement_from

HoldKind = Literal["wso", "detainer"]
HOLD_KINDS: tuple[HoldKind, ...] = ("wso", "detainer")

FIRST_YEAR, LAST_YEAR = 1970, 2199
"""The months a cost is counted in; a time outside them sets its hold aside (named, never dropped)."""
CENT = Decimal("0.01")
HOUR_S, DAY_S = 3_600, 86_400
EXAMPLES = 5
"""How many record ids a set-aside reason names."""


class CostInputError(ValueError):
    """A rate, a period or a facility the cost view cannot use; the message names the option."""


CLI_NAMES: Mapping[str, str] = {
    "per_diem": "--per-diem",
    "reimbursement": "--reimbursement",
    "from": "--from",
    "to": "--to",
    "month": "--month",
}
"""What the command line calls each option; a caller with other names (a web form) passes its own."""


# ---- the definitions the adapters share ----------------------------------------------------------------------------


Instant = TypeVar("Instant", datetime, int)


def custody_start(
    served_at: Instant, scheduled_release_at: Instant, criminal_release_at: Instant | None = None
) -> Instant:
    """When the county starts holding the person for ICE: the later of service and the release from criminal
    custody (`criminal_release`: the actual release when recorded, else the scheduled one); before the release the
    jail holds them on its own charges. Aware times, or UTC epoch seconds."""
    release = scheduled_release_at if criminal_release_at is None else criminal_release_at
    return max(served_at, release)


def v1_agreement_from(detention_agreement: bool, release_at: datetime) -> datetime | None:
    """Records without `detention_agreement_from` (a hold-record schema v1 file): a hold covered by a detention
    agreement moved onto it at the 48-hour point from the release from criminal custody
    (`detention_agreement_from`)."""
    return detention_agreement_from(release_at) if detention_agreement else None


# ---- rates -----------------------------------------------------------------------------------------------------


_AMOUNT = re.compile(
    r"^\s*(?P<pre>[^\d\s.,+-]*)\s*(?P<sign>[+-]?)\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"\s*(?P<post>[^\d\s.,+-]*)\s*$"
)


@dataclass(frozen=True, slots=True)
class Rate:
    """A daily amount as the user gave it: the number and its currency (a symbol or code, or none)."""

    amount: Decimal
    currency: str = ""
    currency_first: bool = True

    def show(self, amount: Decimal | None = None) -> str:
        value = f"{self.amount if amount is None else amount}"
        if not self.currency:
            return value
        gap = "" if len(self.currency) == 1 else " "
        return f"{self.currency}{gap}{value}" if self.currency_first else f"{value}{gap}{self.currency}"


def parse_rate(text: str, option: str) -> Rate:
    """`85.50`, `$85.50`, `USD 85.50`, `85,50 EUR` is refused (write 85.50 EUR); negative or not a number: refused."""
    found = _AMOUNT.match(text)
    if not found or (found["pre"] and found["post"]):
        raise CostInputError(
            f"{option} {text!r} is not an amount; write a number such as 85.50, with its currency if you like "
            "(USD 85.50, $85.50)"
        )
    if found["sign"] == "-" and Decimal(found["num"].replace(",", "")) != 0:
        raise CostInputError(f"{option} {text!r}: a daily rate cannot be negative")
    amount = Decimal(found["num"].replace(",", ""))
    currency = found["pre"] or found["post"]
    return Rate(amount=amount, currency=currency, currency_first=bool(found["pre"]) or not currency)


@dataclass(frozen=True, slots=True)
class Rates:
    """The county's own daily cost of a jail bed, and the detention agreement's daily fee; either may be absent."""

    per_diem: Rate | None = None
    reimbursement: Rate | None = None

    @property
    def given(self) -> bool:
        return self.per_diem is not None or self.reimbursement is not None

    @property
    def currency(self) -> str:
        return (self.per_diem.currency if self.per_diem else "") or (
            self.reimbursement.currency if self.reimbursement else ""
        )

    def show(self, amount: Decimal) -> str:
        """An amount in the currency as given (by whichever rate names one)."""
        for rate in (self.per_diem, self.reimbursement):
            if rate is not None and rate.currency:
                return rate.show(amount)
        return str(amount)


def parse_rates(per_diem: str | None, reimbursement: str | None, names: Mapping[str, str] = CLI_NAMES) -> Rates:
    """Both options parsed; two different currencies are refused (no exchange rate is assumed). `names`: what the
    caller calls each option (the command line's by default), for the messages."""
    rates = Rates(
        per_diem=None if per_diem is None else parse_rate(per_diem, names["per_diem"]),
        reimbursement=None if reimbursement is None else parse_rate(reimbursement, names["reimbursement"]),
    )
    a = rates.per_diem.currency if rates.per_diem else ""
    b = rates.reimbursement.currency if rates.reimbursement else ""
    if a and b and a != b:
        raise CostInputError(
            f"{names['reimbursement']} is in {b} but {names['per_diem']} in {a}; give both in one currency"
        )
    return rates


# ---- the period --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    """Local days of the facility, both ends included; None: open."""

    since: date | None = None
    until: date | None = None


def _month(text: str, option: str) -> tuple[int, int]:
    found = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not found or not 1 <= int(found[2]) <= 12:
        raise CostInputError(f"{option} {text!r} is not a month; write it as YYYY-MM")
    return int(found[1]), int(found[2])


def _last_day(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def _day(text: str, option: str, *, end: bool) -> date:
    value = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}", value):
        year, month = _month(value, option)
        return _last_day(year, month) if end else date(year, month, 1)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CostInputError(f"{option} {text!r} is not a day or a month; write YYYY-MM-DD or YYYY-MM") from None


def parse_period(
    since: str | None, until: str | None, month: str | None, names: Mapping[str, str] = CLI_NAMES
) -> Period:
    """`--from`/`--to` (a day or a month, both included) or `--month`; refused when both kinds are given."""
    if month is not None:
        if since is not None or until is not None:
            raise CostInputError(
                f"{names['month']} cannot be combined with {names['from']} or {names['to']}; give one or the other"
            )
        year, number = _month(month, names["month"])
        return Period(date(year, number, 1), _last_day(year, number))
    period = Period(
        None if since is None else _day(since, names["from"], end=False),
        None if until is None else _day(until, names["to"], end=True),
    )
    if period.since and period.until and period.until < period.since:
        raise CostInputError(f"{names['to']} {until} is before {names['from']} {since}")
    return period


def check_facility(facility: str | None, known: Iterable[str], option: str = "--facility") -> None:
    """An unknown `--facility` is refused, naming the option and the facilities there are."""
    names = sorted(set(known))
    if facility is not None and facility not in names:
        listed = ", ".join(names) if names else "none"
        raise CostInputError(f"{option} {facility!r}: no such facility; the facilities are: {listed}")


# ---- months of a time zone --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Months:
    starts: list[int]  # UTC epoch second of each local month's first instant, FIRST_YEAR-01 .. (LAST_YEAR+1)-01
    zone: ZoneInfo

    @staticmethod
    def label(index: int) -> str:
        return f"{FIRST_YEAR + index // 12:04d}-{index % 12 + 1:02d}"

    def day_start(self, day: date) -> int:
        return int(datetime(day.year, day.month, day.day, tzinfo=self.zone).timestamp())


@cache
def _months(tz: str) -> _Months:
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise CostInputError(f"unknown time zone {tz!r}; use an IANA time zone such as America/Chicago") from None
    starts = [
        int(datetime(year, month, 1, tzinfo=zone).timestamp())
        for year in range(FIRST_YEAR, LAST_YEAR + 2)
        for month in range(1, 13)
    ]
    return _Months(starts[: (LAST_YEAR + 1 - FIRST_YEAR) * 12 + 1], zone)


# ---- the tally ---------------------------------------------------------------------------------------------------


def _hours(secs: int) -> Decimal:
    return (Decimal(secs) / HOUR_S).quantize(CENT, ROUND_HALF_UP)


def _money(hours: Decimal, rate: Rate) -> Decimal:
    return (hours / 24 * rate.amount).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class CostLine:
    """One amount and the arithmetic that made it: hours / 24 × rate."""

    amount: Decimal
    hours: Decimal
    rate: Rate

    @property
    def arithmetic(self) -> str:
        return f"{self.hours} h / 24 × {self.rate.show()} = {self.rate.show(self.amount)}"


@dataclass(frozen=True, slots=True)
class Cost:
    """Money at the given rates. `unreimbursed`: unreimbursed hours at the county's per diem; `reimbursed_beds`:
    the reimbursed hours at the per diem (what those beds cost the county); `reimbursement`: the reimbursed hours
    at the agreement's fee (what ICE pays); `net`: what the county bears after the fee."""

    currency: str
    unreimbursed: CostLine | None
    reimbursed_beds: CostLine | None
    reimbursement: CostLine | None

    @property
    def net(self) -> Decimal | None:
        if self.unreimbursed is None or self.reimbursed_beds is None or self.reimbursement is None:
            return None
        return self.unreimbursed.amount + self.reimbursed_beds.amount - self.reimbursement.amount

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"currency": self.currency}
        for name in ("unreimbursed", "reimbursed_beds", "reimbursement"):
            line: CostLine | None = getattr(self, name)
            if line is not None:
                out[name] = {"amount": str(line.amount), "arithmetic": line.arithmetic}
        if self.net is not None:
            out["net"] = str(self.net)
        return out


@dataclass(frozen=True, slots=True)
class CostRow:
    """One facility in one local month (`month` "YYYY-MM"), or over the whole period (`month` None)."""

    facility: str
    month: str | None
    holds: int
    seconds: int
    unreimbursed_seconds: int
    reimbursed_seconds: int
    rates: Rates = field(default_factory=Rates)

    @property
    def hours(self) -> Decimal:
        return _hours(self.seconds)

    @property
    def unreimbursed_hours(self) -> Decimal:
        return _hours(self.unreimbursed_seconds)

    @property
    def reimbursed_hours(self) -> Decimal:
        return _hours(self.reimbursed_seconds)

    @property
    def bed_days(self) -> Decimal:
        return (self.hours / 24).quantize(CENT, ROUND_HALF_UP)

    @property
    def unreimbursed_bed_days(self) -> Decimal:
        return (self.unreimbursed_hours / 24).quantize(CENT, ROUND_HALF_UP)

    @property
    def cost(self) -> Cost | None:
        r = self.rates
        if not r.given:
            return None
        return Cost(
            currency=r.currency,
            unreimbursed=None if r.per_diem is None else CostLine(
                _money(self.unreimbursed_hours, r.per_diem), self.unreimbursed_hours, r.per_diem
            ),
            reimbursed_beds=None if r.per_diem is None else CostLine(
                _money(self.reimbursed_hours, r.per_diem), self.reimbursed_hours, r.per_diem
            ),
            reimbursement=None if r.reimbursement is None else CostLine(
                _money(self.reimbursed_hours, r.reimbursement), self.reimbursed_hours, r.reimbursement
            ),
        )  # fmt: skip

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"facility": self.facility}
        if self.month is not None:
            out["month"] = self.month
        out |= {
            "holds": self.holds,
            "hours": float(self.hours),
            "unreimbursed_hours": float(self.unreimbursed_hours),
            "reimbursed_hours": float(self.reimbursed_hours),
            "bed_days": float(self.bed_days),
        }
        cost = self.cost
        if cost is not None:
            out["cost"] = cost.as_dict()
        return out


CSV_COLUMNS = ("facility", "month", "holds", "hours", "unreimbursed_hours", "reimbursed_hours", "bed_days")
CSV_COST_COLUMNS = ("currency", "unreimbursed_cost", "reimbursed_bed_cost", "reimbursement", "net_cost")


@dataclass(frozen=True, slots=True)
class SetAside:
    """Holds the tally could not count, with why: never dropped in silence."""

    reason: str
    count: int
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CostReport:
    as_of: datetime
    period: Period
    rates: Rates
    months: tuple[CostRow, ...]
    facilities: tuple[CostRow, ...]
    set_aside: tuple[SetAside, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "from": None if self.period.since is None else self.period.since.isoformat(),
            "to": None if self.period.until is None else self.period.until.isoformat(),
            "rates": {
                "per_diem": None if self.rates.per_diem is None else self.rates.per_diem.show(),
                "reimbursement": None if self.rates.reimbursement is None else self.rates.reimbursement.show(),
            },
            "months": [row.as_dict() for row in self.months],
            "facilities": [row.as_dict() for row in self.facilities],
            "set_aside": [{"reason": s.reason, "holds": s.count, "examples": list(s.examples)} for s in self.set_aside],
        }

    def csv_rows(self) -> list[list[str]]:
        """The months, then each facility's total (month `total`), as CSV rows under `csv_header()`."""
        out = []
        for row in (*self.months, *self.facilities):
            line = [row.facility, row.month or "total", str(row.holds), str(row.hours), str(row.unreimbursed_hours),
                    str(row.reimbursed_hours), str(row.bed_days)]  # fmt: skip
            cost = row.cost
            if cost is not None:
                amounts = (cost.unreimbursed, cost.reimbursed_beds, cost.reimbursement)
                line += [cost.currency, *("" if a is None else str(a.amount) for a in amounts)]
                line.append("" if cost.net is None else str(cost.net))
            out.append(line)
        return out

    def csv_header(self) -> list[str]:
        return [*CSV_COLUMNS, *(CSV_COST_COLUMNS if self.rates.given else ())]


class CostTally:
    """Add hold spans; `report()` gives the cost per facility and local month within the period, as of a time."""

    def __init__(self, as_of: datetime, period: Period | None = None, rates: Rates | None = None) -> None:
        self.as_of = as_of
        self.as_of_s = decision_second(as_of)
        self.period = period or Period()
        self.rates = rates or Rates()
        # per (facility, month index): holds, seconds, unreimbursed seconds
        self._cells: dict[tuple[str, int], list[int]] = {}
        # per facility: how many more months than holds were counted (a hold spanning months counts in each)
        self._again: dict[str, int] = {}
        self._zones: dict[str, _Months] = {}
        self._bounds: dict[str, tuple[int, int]] = {}
        self._aside: dict[str, int] = {}
        self._examples: dict[str, list[str]] = {}

    def _window(self, tz: str, months: _Months) -> tuple[int, int]:
        found = self._bounds.get(tz)
        if found is None:
            lo = months.starts[0] if self.period.since is None else months.day_start(self.period.since)
            hi = months.starts[-1]
            if self.period.until is not None:
                hi = min(hi, months.day_start(self.period.until + timedelta(days=1)))
            found = self._bounds[tz] = (lo, hi)
        return found

    def set_aside(self, record: str, reason: str) -> None:
        """Count a hold the tally cannot use, under its reason (the first few ids are kept as examples)."""
        self._aside[reason] = self._aside.get(reason, 0) + 1
        examples = self._examples.setdefault(reason, [])
        if len(examples) < EXAMPLES:
            examples.append(record)

    def add_times(
        self,
        record: str,
        facility: str,
        tz: str,
        kind: str,
        start: datetime,
        end: datetime | None,
        agreement_from: datetime | None,
        agreement_until: datetime | None = None,
    ) -> None:
        """One hold from aware times (see `add`)."""
        self.add(
            record,
            facility,
            tz,
            kind,
            decision_second(start),
            None if end is None else decision_second(end),
            None if agreement_from is None else decision_second(agreement_from),
            None if agreement_until is None else decision_second(agreement_until),
        )

    def add(
        self,
        record: str,
        facility: str,
        tz: str,
        kind: str,
        start: int,
        end: int | None,
        agreement_from: int | None,
        agreement_until: int | None = None,
    ) -> None:
        """One hold: its UTC epoch seconds from `start` to `end` (None: still held, counted to the as-of time),
        moved onto a detention agreement at `agreement_from` (None: never) whose cover ended at `agreement_until`
        (None: it never did); only the hours between the two are reimbursed. Called once per hold of a file of
        millions: the common case (one month) takes the short way."""
        months = self._zones.get(tz)
        if months is None:
            months = self._zones[tz] = _months(tz)
        as_of = self.as_of_s
        if start > as_of:
            self.set_aside(record, "begins after the as-of time")
            return
        stop = as_of if end is None or end > as_of else end
        if stop < start:
            self.set_aside(record, "ends before it begins")
            return
        starts = months.starts
        if start < starts[0] or stop >= starts[-1]:
            self.set_aside(record, f"a time outside {FIRST_YEAR}-{LAST_YEAR}")
            return
        lo, hi = self._bounds.get(tz) or self._window(tz, months)
        a = start if start > lo else lo
        b = stop if stop < hi else hi
        if b <= a and (b < a or not lo <= start < hi):
            return  # outside the period
        if kind not in HOLD_KINDS:
            self.set_aside(record, f"not an ICE hold (kind {kind!r}; a cost counts WSO and detainer holds)")
            return
        moved = (
            b if agreement_from is None else (a if agreement_from < a else b if agreement_from > b else agreement_from)
        )
        # the cover's end: from it the hours are unreimbursed again (never before the move)
        back = b if agreement_from is None or agreement_until is None else min(b, max(moved, agreement_until))
        i = bisect_right(starts, a) - 1
        if b <= starts[i + 1]:  # within one local month
            cell = self._cells.get((facility, i))
            if cell is None:
                cell = self._cells[(facility, i)] = [0, 0, 0]
            cell[0] += 1
            cell[1] += b - a
            cell[2] += moved - a + b - back
            return
        while True:  # month by month; the hold counts in each
            s_lo = a if a > starts[i] else starts[i]
            s_hi = b if b < starts[i + 1] else starts[i + 1]
            if s_hi > s_lo:
                cell = self._cells.get((facility, i))
                if cell is None:
                    cell = self._cells[(facility, i)] = [0, 0, 0]
                cell[0] += 1
                cell[1] += s_hi - s_lo
                cell[2] += max(0, min(s_hi, moved) - s_lo) + max(0, s_hi - max(s_lo, back))
                self._again[facility] = self._again.get(facility, 0) + 1
            if b <= starts[i + 1]:
                break
            i += 1
        self._again[facility] -= 1  # the first month is not "again"

    def report(self) -> CostReport:
        """The months with hours, each facility's total (its holds counted once), and what was set aside."""
        months = tuple(
            _row(facility, _Months.label(i), cell, self.rates) for (facility, i), cell in sorted(self._cells.items())
        )
        totals: dict[str, list[int]] = {}
        for (facility, _), (holds, total, unpaid) in sorted(self._cells.items()):
            whole = totals.setdefault(facility, [-self._again.get(facility, 0), 0, 0])
            whole[0] += holds
            whole[1] += total
            whole[2] += unpaid
        facilities = tuple(_row(facility, None, cell, self.rates) for facility, cell in totals.items())
        aside = tuple(
            SetAside(reason, count, tuple(self._examples[reason])) for reason, count in sorted(self._aside.items())
        )
        return CostReport(self.as_of, self.period, self.rates, months, facilities, aside)


def _row(facility: str, month: str | None, cell: list[int], rates: Rates) -> CostRow:
    holds, total, unpaid = cell
    return CostRow(facility, month, holds, total, unpaid, total - unpaid, rates)


# ---- the chart -----------------------------------------------------------------------------------------------------


def month_chart(rows: Sequence[CostRow], *, title: str = "Unreimbursed bed-days by month") -> str:
    """Unreimbursed bed-days per local month (every facility summed), as inline SVG columns: every month from the
    first to the last is drawn, an empty one as a gap. The same numbers as the rows' `unreimbursed_hours` / 24."""
    per_month: dict[str, Decimal] = {}
    for row in rows:
        if row.month is not None:
            per_month[row.month] = per_month.get(row.month, Decimal(0)) + row.unreimbursed_bed_days
    labels = _month_range(sorted(per_month))
    width, height, left, bottom, top = 720, 240, 56, 44, 16
    if not labels:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart cost" role="img" viewBox="0 0 {width} 40" '
            f'width="100%" style="max-width:{width}px"><title>{escape(title)}</title>'
            '<text x="8" y="24" font-size="14">No hours in ICE custody in this period.</text></svg>'
        )
    peak = max(per_month.values()) or Decimal(1)
    plot_w, plot_h = width - left - 10, height - top - bottom
    step = plot_w / len(labels)
    bar_w = max(2.0, step * 0.7)
    every = max(1, len(labels) // 12)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart cost" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px"><title>{escape(title)}</title>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="#555"/>',
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" font-size="12">{peak}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" font-size="12">0</text>',
    ]
    for i, label in enumerate(labels):
        value = per_month.get(label, Decimal(0))
        h = float(value / peak) * plot_h
        x = left + i * step + (step - bar_w) / 2
        out.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="#b2182b">'
            f"<title>{escape(label)}: {value} bed-days</title></rect>"
        )
        if i % every == 0:
            out.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                f'font-size="12">{escape(label)}</text>'
            )
    out.append("</svg>")
    return "".join(out)


def _month_range(labels: Sequence[str]) -> list[str]:
    if not labels:
        return []
    year, month = (int(p) for p in labels[0].split("-"))
    out = []
    while True:
        label = f"{year:04d}-{month:02d}"
        out.append(label)
        if label >= labels[-1]:
            return out
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
