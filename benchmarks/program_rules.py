"""How fast wso.program answers: detainer and WSO deadlines, business days, eligibility.

Run: PYTHONPATH=src python benchmarks/program_rules.py
"""

from __future__ import annotations

import random
import time
from datetime import UTC, date, datetime, timedelta

from wso.program import STATES, BusinessCalendar, Model, detainer_deadline, eligibility, state_laws, wso_hold_deadline


def timed(label: str, count: int, run: object) -> None:
    assert callable(run)
    began = time.perf_counter()
    run()
    elapsed = time.perf_counter() - began
    print(f"{label}: {count:,} in {elapsed:.3f} s ({count / elapsed:,.0f}/s)")


def main() -> None:
    rng = random.Random(287)
    base = datetime(2019, 1, 1, tzinfo=UTC)
    starts = [base + timedelta(minutes=rng.randrange(0, 8 * 365 * 24 * 60)) for _ in range(20_000)]
    zones = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"]
    calendar = BusinessCalendar()
    calendar.is_business_day(date(2019, 1, 1))  # load the holiday tables once

    timed(
        "detainer_deadline excluding",
        len(starts),
        lambda: [detainer_deadline(s, zones[i % 4], "excluding", calendar) for i, s in enumerate(starts)],
    )
    timed("detainer_deadline flat", len(starts), lambda: [detainer_deadline(s, zones[0], "flat") for s in starts])
    timed("wso_hold_deadline", len(starts), lambda: [wso_hold_deadline(s) for s in starts])
    days = [date(2019, 1, 1) + timedelta(days=rng.randrange(0, 8 * 365)) for _ in range(20_000)]
    texas = BusinessCalendar("TX")
    timed("add_business_days(d, 10), Texas", len(days), lambda: [texas.add_business_days(d, 10) for d in days])
    laws = state_laws()
    queries = [(code, model, day) for code in STATES for model in Model for day in days[:100]]
    timed("eligibility", len(queries), lambda: [eligibility(c, m, d, laws=laws) for c, m, d in queries])


if __name__ == "__main__":
    main()
