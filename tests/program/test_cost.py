"""The cost view's one definition, on hand-computed holds: a month end, daylight-saving nights, a hold that moves
onto a detention agreement, a detainer hold; rates, periods and what is refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wso.program.cost import (
    CostInputError,
    CostReport,
    CostTally,
    Period,
    Rate,
    check_facility,
    custody_start,
    month_chart,
    parse_period,
    parse_rate,
    parse_rates,
    v1_agreement_from,
)

NY, CHICAGO = ZoneInfo("America/New_York"), ZoneInfo("America/Chicago")
AS_OF = datetime(2026, 12, 31, tzinfo=UTC)


def local(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone)  # type: ignore[misc]


def tally_of(*holds: tuple[str, str, datetime, datetime | None, datetime | None], **kw: object) -> CostReport:
    tally = CostTally(AS_OF, **kw)  # type: ignore[arg-type]
    for i, (tz, kind, start, end, moved) in enumerate(holds):
        tally.add_times(f"r{i}", "jail", tz, kind, start, end, moved)
    return tally.report()


def months(report: CostReport) -> dict[str, tuple[int, str, str, str, str]]:
    return {
        str(r.month): (r.holds, str(r.hours), str(r.unreimbursed_hours), str(r.reimbursed_hours), str(r.bed_days))
        for r in report.months
    }


def test_a_hold_across_a_month_end_splits_at_the_facilitys_local_midnight() -> None:
    # 31 January 20:00 EST to 1 February 08:00 EST: 4 hours in January, 8 in February (local time), although in
    # UTC (01:00Z to 13:00Z on 1 February) all of it falls in February
    start, end = local(NY, 2026, 1, 31, 20), local(NY, 2026, 2, 1, 8)
    report = tally_of(("America/New_York", "wso", start, end, None))
    assert months(report) == {
        "2026-01": (1, "4.00", "4.00", "0.00", "0.17"),
        "2026-02": (1, "8.00", "8.00", "0.00", "0.33"),
    }
    (whole,) = report.facilities
    assert (whole.holds, whole.hours, whole.bed_days) == (1, Decimal("12.00"), Decimal("0.50"))


def test_a_daylight_saving_night_counts_23_or_25_hours() -> None:
    spring = (local(CHICAGO, 2026, 3, 8), local(CHICAGO, 2026, 3, 9))  # 2 a.m. becomes 3 a.m.
    autumn = (local(CHICAGO, 2026, 11, 1), local(CHICAGO, 2026, 11, 2))  # 2 a.m. comes twice
    report = tally_of(("America/Chicago", "wso", *spring, None), ("America/Chicago", "wso", *autumn, None))
    assert months(report) == {
        "2026-03": (1, "23.00", "23.00", "0.00", "0.96"),
        "2026-11": (1, "25.00", "25.00", "0.00", "1.04"),
    }


def test_a_hold_that_moves_onto_a_detention_agreement_splits_its_hours() -> None:
    # released 30 March 10:00 EDT and served then; the 48 hours pass 1 April 10:00 EDT at a facility with an
    # agreement in force: March 38 h (14 + 24) unreimbursed; April 10 h unreimbursed, then 24 h reimbursed
    release = local(NY, 2026, 3, 30, 10)
    moved = v1_agreement_from(True, release)
    assert moved == local(NY, 2026, 4, 1, 10)
    end = local(NY, 2026, 4, 2, 10)
    rates = parse_rates("85.50", "90")
    report = tally_of(("America/New_York", "wso", release, end, moved), rates=rates)
    assert months(report) == {
        "2026-03": (1, "38.00", "38.00", "0.00", "1.58"),
        "2026-04": (1, "34.00", "10.00", "24.00", "1.42"),
    }
    april = report.months[1].cost
    assert april is not None and april.unreimbursed and april.reimbursed_beds and april.reimbursement
    # 10 / 24 × 85.50 = 35.625 -> 35.63; 24 / 24 × 85.50 = 85.50; 24 / 24 × 90 = 90.00
    assert april.unreimbursed.arithmetic == "10.00 h / 24 × 85.50 = 35.63"
    assert (april.reimbursed_beds.amount, april.reimbursement.amount) == (Decimal("85.50"), Decimal("90.00"))
    assert april.net == Decimal("31.13")
    (whole,) = report.facilities
    assert (whole.hours, whole.unreimbursed_hours, whole.reimbursed_hours) == (72, 48, 24)
    cost = whole.cost
    assert cost is not None and cost.unreimbursed is not None
    assert cost.unreimbursed.arithmetic == "48.00 h / 24 × 85.50 = 171.00"


def test_hours_after_the_detention_agreements_cover_ended_are_unreimbursed() -> None:
    # as above, but the agreement's last day is 1 April: its cover ends when 2 April begins in New York (04:00Z).
    # The 10 hours after it to the transfer are the jail's own (unlawful, late ones), not reimbursed: April 34 h,
    # 20 unreimbursed (10 before the move, 10 after the cover's end), 14 reimbursed
    release = local(NY, 2026, 3, 30, 10)
    moved, until, end = local(NY, 2026, 4, 1, 10), local(NY, 2026, 4, 2), local(NY, 2026, 4, 2, 10)
    tally = CostTally(AS_OF)
    tally.add_times("r0", "jail", "America/New_York", "wso", release, end, moved, until)
    # a cover that ends in the next month: the hours after it are unreimbursed in that month only
    tally.add_times("r1", "jail", "America/New_York", "wso", local(NY, 2026, 5, 29, 10), local(NY, 2026, 6, 2, 10),
                    local(NY, 2026, 5, 31, 10), local(NY, 2026, 6, 1))  # fmt: skip
    # a cover that ended before the move counts nothing as reimbursed; one after the end changes nothing
    tally.add_times("r2", "jail", "UTC", "wso", datetime(2026, 8, 1, tzinfo=UTC), datetime(2026, 8, 4, tzinfo=UTC),
                    datetime(2026, 8, 3, tzinfo=UTC), datetime(2026, 8, 2, tzinfo=UTC))  # fmt: skip
    tally.add_times("r3", "jail", "UTC", "wso", datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 9, 4, tzinfo=UTC),
                    datetime(2026, 9, 3, tzinfo=UTC), datetime(2026, 9, 9, tzinfo=UTC))  # fmt: skip
    assert months(tally.report()) == {
        "2026-03": (1, "38.00", "38.00", "0.00", "1.58"),
        "2026-04": (1, "34.00", "20.00", "14.00", "1.42"),
        "2026-05": (1, "62.00", "48.00", "14.00", "2.58"),  # 29 May 10:00 to 1 June: 48 h, then 14 h covered
        "2026-06": (1, "34.00", "34.00", "0.00", "1.42"),  # from 1 June 00:00 EDT on: the cover has ended
        "2026-08": (1, "72.00", "72.00", "0.00", "3.00"),
        "2026-09": (1, "72.00", "48.00", "24.00", "3.00"),
    }


def test_a_detainer_hold_is_unreimbursed_from_the_release() -> None:
    # detainer lodged 15:00, released from criminal custody 17:00 EST, transferred next day 11:00 EST: 18 hours
    served, release = local(NY, 2026, 3, 6, 15), local(NY, 2026, 3, 6, 17)
    start = custody_start(served, release)
    assert start == release
    report = tally_of(("America/New_York", "detainer", start, local(NY, 2026, 3, 7, 11), None))
    assert months(report) == {"2026-03": (1, "18.00", "18.00", "0.00", "0.75")}


def test_v1_records_move_onto_the_agreement_at_48_hours_from_the_release() -> None:
    release = datetime(2026, 5, 4, 13, tzinfo=UTC)
    assert v1_agreement_from(False, release) is None
    moved = v1_agreement_from(True, release)
    short = ("America/New_York", "wso", release, release + timedelta(hours=30), moved)
    long = ("America/New_York", "wso", release, release + timedelta(hours=50), moved)
    report = tally_of(short, long)
    assert months(report) == {"2026-05": (2, "80.00", "78.00", "2.00", "3.33")}


def test_an_open_hold_counts_to_the_as_of_time_and_a_later_end_is_cut_there() -> None:
    start = AS_OF - timedelta(hours=5)
    report = tally_of(("UTC", "wso", start, None, None), ("UTC", "detainer", start, AS_OF + timedelta(days=3), None))
    assert months(report) == {"2026-12": (2, "10.00", "10.00", "0.00", "0.42")}


def test_what_cannot_be_counted_is_set_aside_by_reason_never_dropped() -> None:
    t = datetime(2026, 6, 1, tzinfo=UTC)
    tally = CostTally(AS_OF)
    tally.add_times("backwards", "jail", "UTC", "wso", t, t - timedelta(hours=1), None)
    tally.add_times("judicial-1", "jail", "UTC", "judicial", t, t + timedelta(hours=1), None)
    tally.add_times("future", "jail", "UTC", "wso", AS_OF + timedelta(hours=1), None, None)
    tally.add_times("ok", "jail", "UTC", "wso", t, t, None)  # a zero-length hold is still a hold
    report = tally.report()
    assert [(s.reason, s.count, s.examples) for s in report.set_aside] == [
        ("begins after the as-of time", 1, ("future",)),
        ("ends before it begins", 1, ("backwards",)),
        ("not an ICE hold (kind 'judicial'; a cost counts WSO and detainer holds)", 1, ("judicial-1",)),
    ]
    assert months(report) == {"2026-06": (1, "0.00", "0.00", "0.00", "0.00")}
    assert report.as_dict()["set_aside"][0] == {  # type: ignore[index]
        "reason": "begins after the as-of time",
        "holds": 1,
        "examples": ["future"],
    }


def test_a_period_clips_hours_to_its_local_days() -> None:
    start, end = local(NY, 2026, 1, 31, 20), local(NY, 2026, 2, 1, 8)
    hold = ("America/New_York", "wso", start, end, None)
    assert months(tally_of(hold, period=parse_period(None, None, "2026-02"))) == {
        "2026-02": (1, "8.00", "8.00", "0.00", "0.33")
    }
    assert months(tally_of(hold, period=parse_period("2026-01-01", "2026-01-31", None))) == {
        "2026-01": (1, "4.00", "4.00", "0.00", "0.17")
    }
    assert months(tally_of(hold, period=parse_period("2026-03", None, None))) == {}


def test_periods_are_parsed_and_refused_naming_the_option() -> None:
    assert parse_period("2026-01", "2026-03", None) == Period(date(2026, 1, 1), date(2026, 3, 31))
    assert parse_period(None, None, "2024-02") == Period(date(2024, 2, 1), date(2024, 2, 29))
    assert parse_period(None, "2026-12", None) == Period(None, date(2026, 12, 31))
    for args, option in (
        (("2026-13", None, None), "--from"),
        ((None, "soon", None), "--to"),
        ((None, None, "March"), "--month"),
        (("2026-01", None, "2026-02"), "--month"),
        (("2026-03", "2026-01", None), "--to"),
    ):
        with pytest.raises(CostInputError, match=option):
            parse_period(*args)


def test_rates_keep_their_currency_as_given() -> None:
    assert parse_rate("85.50", "--per-diem") == Rate(Decimal("85.50"))
    assert parse_rate("$85.50", "--per-diem").show(Decimal("12.00")) == "$12.00"
    assert parse_rate("USD 85.50", "--per-diem").show() == "USD 85.50"
    assert parse_rate("85.50 EUR", "--per-diem").show() == "85.50 EUR"
    assert parse_rate("1,200", "--per-diem").amount == Decimal("1200")
    assert parse_rate("0", "--per-diem").amount == 0
    assert parse_rates("USD 80", "70").currency == "USD"


@pytest.mark.parametrize("text", ["-5", "-0.01", "abc", "NaN", "Infinity", "85,50", "", "1e3", "$ 5 USD", "5..0"])
def test_a_negative_or_non_numeric_rate_is_refused_naming_the_option(text: str) -> None:
    with pytest.raises(CostInputError, match=r"^--reimbursement"):
        parse_rates(None, text)


def test_two_currencies_are_refused() -> None:
    with pytest.raises(CostInputError, match="--reimbursement is in EUR but --per-diem in USD"):
        parse_rates("USD 80", "EUR 70")


def test_an_unknown_facility_is_refused_naming_the_option() -> None:
    check_facility(None, [])
    check_facility("jail", ["jail"])
    with pytest.raises(CostInputError, match=r"^--facility 'gaol': no such facility; the facilities are: a, jail"):
        check_facility("gaol", ["jail", "a"])


def test_without_rates_there_is_no_cost_and_csv_has_no_money_columns() -> None:
    report = tally_of(("UTC", "wso", datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 6, 2, tzinfo=UTC), None))
    row = report.as_dict()["months"][0]  # type: ignore[index]
    assert row == {
        "facility": "jail",
        "month": "2026-06",
        "holds": 1,
        "hours": 24.0,
        "unreimbursed_hours": 24.0,
        "reimbursed_hours": 0.0,
        "bed_days": 1.0,
    }
    assert report.csv_header()[-1] == "bed_days"
    assert report.csv_rows() == [
        ["jail", "2026-06", "1", "24.00", "24.00", "0.00", "1.00"],
        ["jail", "total", "1", "24.00", "24.00", "0.00", "1.00"],
    ]


def test_the_chart_draws_every_month_between_the_first_and_the_last() -> None:
    a = ("UTC", "wso", datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 3, tzinfo=UTC), None)
    b = ("UTC", "wso", datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=UTC), None)
    svg = month_chart(tally_of(a, b).months)
    assert svg.startswith("<svg") and svg.count("<rect") == 3
    assert "2026-01: 2.00 bed-days" in svg and "2026-02: 0 bed-days" in svg and "2026-03: 1.00 bed-days" in svg
    assert "No hours" in month_chart(())


ZONES = st.sampled_from(["America/New_York", "America/Chicago", "America/Phoenix", "Pacific/Honolulu", "UTC"])
TIMES = st.integers(int(datetime(2025, 1, 1, tzinfo=UTC).timestamp()), int(AS_OF.timestamp()))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(ZONES, TIMES, st.integers(0, 90 * 86_400), st.none() | st.integers(0, 90 * 86_400))))
def test_months_add_up_to_each_hold_and_hours_split_exactly(holds: list[tuple[str, int, int, int | None]]) -> None:
    tally = CostTally(AS_OF)
    expected = 0
    for i, (tz, start, length, moved) in enumerate(holds):
        tally.add(f"r{i}", f"f-{tz}", tz, "wso", start, start + length, None if moved is None else start + moved)
        expected += min(start + length, int(AS_OF.timestamp())) - start
    report = tally.report()
    assert sum(r.seconds for r in report.months) == sum(r.seconds for r in report.facilities) == expected
    for row in (*report.months, *report.facilities):
        assert row.unreimbursed_seconds + row.reimbursed_seconds == row.seconds
    assert sum(r.holds for r in report.facilities) == len(holds)
    assert report.set_aside == ()
