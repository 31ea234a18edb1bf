"""Synthetic hold records with known, planted violations, and the answer key.

The world: eight agencies with WSO agreements in states where state law permits them, one agency whose WSO
agreement lapsed (it keeps a JEM agreement), and one agency in a state whose law prohibits 287(g) agreements
(Washington). Releases (and so services) follow booking-like patterns by hour and weekday in each facility's
local time; most holds end in a transfer to ICE within a day, a tail within 24-47 hours, a few released;
some holds run under a detention agreement (lawfully past 48 hours: they moved onto it at the 48-hour point); a
few are still open at the audit time; some were released early on bond (an actual release before the scheduled
one, and service at it). Hold-record schema v2.

A share ``violation_rate`` of holds gets exactly one planted problem, chosen evenly among ``PLANTED``; the answer
key lists (record_id, rule_id) for each. Everything else is lawful, so a correct audit finds exactly the key.
Generation is vectorised (numpy, pyarrow) in chunks: ten million holds fit in a few hundred megabytes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from wso.program import ICE_NOTIFY_WINDOW, SERVICE_TOLERANCE, Model, eligibility
from wso.program import hold_records as hr

PLANTED: tuple[str, ...] = (
    "WSO-48H",
    "WSO-AUTHORIZED-OFFICER",
    "WSO-JAIL-ONLY",
    "WSO-WARRANT-FORMS",
    "WSO-SCHEDULED-RELEASE",
    "WSO-AGREEMENT-IN-FORCE",
    "STATE-LAW",
    "WSO-NOTIFY-ICE",
    "WSO-CITIZENSHIP-1H",
    "DETAINER-48H",
    "DATA-ENDED-BEFORE-SERVED",
    "DATA-FUTURE-TIME",
    "DATA-NO-OFFICER",
)

PERIOD_START = datetime(2025, 1, 6, tzinfo=UTC)  # a Monday
PERIOD_DAYS = 364
AS_OF = PERIOD_START + timedelta(days=PERIOD_DAYS + 3)
H = 3_600
MIN = 60
NONE = np.array(None, dtype=object)  # a null cell in object arrays

# (agency_id, name, state, tz, facilities)
AGENCIES: tuple[tuple[str, str, str, str, int], ...] = (
    ("FL-ORANGE", "Orange County Sheriff's Office", "FL", "America/New_York", 2),
    ("FL-COLLIER", "Collier County Sheriff's Office", "FL", "America/New_York", 1),
    ("TX-TARRANT", "Tarrant County Sheriff's Office", "TX", "America/Chicago", 2),
    ("GA-HALL", "Hall County Sheriff's Office", "GA", "America/New_York", 1),
    ("AZ-PINAL", "Pinal County Sheriff's Office", "AZ", "America/Phoenix", 1),
    ("OK-TULSA", "Tulsa County Sheriff's Office", "OK", "America/Chicago", 1),
    ("TN-KNOX", "Knox County Sheriff's Office", "TN", "America/New_York", 1),
    ("AK-ANCH", "Anchorage Correctional Complex (synthetic)", "AK", "America/Anchorage", 1),
)
LAPSED = ("SC-LAPSED", "Lapsed County Sheriff's Office", "SC", "America/New_York", 1)
PROHIBITED = ("WA-PROHIB", "Prohibited County Sheriff's Office", "WA", "America/Los_Angeles", 1)
ALL_AGENCIES = (*AGENCIES, LAPSED, PROHIBITED)
OFFICERS_PER_AGENCY = 8

# relative booking/release volume by local hour (0-23) and weekday (Mon-Sun)
HOUR_WEIGHTS = np.array(
    [2, 1.5, 1, 1, 1, 1.5, 3, 5, 7, 8, 8, 7.5, 7, 7, 7, 6.5, 6, 5.5, 5, 4.5, 4, 3.5, 3, 2.5], dtype=float
)
WEEKDAY_WEIGHTS = np.array([1.0, 1.0, 1.05, 1.1, 1.25, 0.85, 0.75], dtype=float)


@dataclass(frozen=True)
class SynthSummary:
    holds: int
    seed: int
    violation_rate: float
    planted: int
    as_of: str
    out: str
    format: str
    by_rule: dict[str, int]


def _check_world() -> None:
    for _, _, state, _, _ in AGENCIES:
        for on in (PERIOD_START.date(), (AS_OF + timedelta(days=400)).date()):
            v = eligibility(state, Model.WSO, on, agency_kind="county")
            if v.verdict == "prohibited":  # pragma: no cover - guards the world against law data changes
                raise RuntimeError(f"synthetic world: state law now prohibits WSO in {state} on {on}")
    v = eligibility(PROHIBITED[2], Model.WSO, PERIOD_START.date(), agency_kind="county", signed=date(2024, 3, 1))
    if v.verdict != "prohibited":  # pragma: no cover
        raise RuntimeError(f"synthetic world: {PROHIBITED[2]} no longer prohibits WSO")


def _officer_ids(agency: str) -> list[str]:
    return [f"{agency}-O{k:02d}" for k in range(OFFICERS_PER_AGENCY)]


def officers_table() -> pa.Table:
    rows: dict[str, list[object]] = {"officer_id": [], "agency_id": [], "authorized_from": [], "authorized_until": []}
    start = datetime(2024, 1, 2, 9, tzinfo=UTC)
    for agency, *_ in ALL_AGENCIES:
        for oid in _officer_ids(agency):
            rows["officer_id"].append(oid)
            rows["agency_id"].append(agency)
            rows["authorized_from"].append(start)
            rows["authorized_until"].append(None)
        # a withdrawn officer, and one whose authorization lapsed and was renewed (two windows)
        rows["officer_id"] += [f"{agency}-W", f"{agency}-R", f"{agency}-R"]
        rows["agency_id"] += [agency] * 3
        rows["authorized_from"] += [start, start, PERIOD_START - timedelta(days=20)]
        rows["authorized_until"] += [datetime(2024, 6, 30, tzinfo=UTC), PERIOD_START - timedelta(days=40), None]
    ts = pa.timestamp("us", tz="UTC")
    return pa.table(
        {
            "officer_id": pa.array(rows["officer_id"], pa.string()),
            "agency_id": pa.array(rows["agency_id"], pa.string()),
            "authorized_from": pa.array(rows["authorized_from"], ts),
            "authorized_until": pa.array(rows["authorized_until"], ts),
        }
    )


def agreements_table() -> pa.Table:
    rows: list[tuple[str, str, str, date, date | None, str, date, str]] = []
    for k, (agency, _, state, _, _) in enumerate(AGENCIES):
        # two of the agreements follow the 2019 template (its citizenship report: "in no case more than one hour")
        template = "2019" if k in (1, 4) else "2025"
        rows.append((agency, state, "WSO", date(2024, 1, 1), None, "county", date(2023, 12, 15), template))
    rows.append((LAPSED[0], LAPSED[2], "WSO", date(2023, 1, 1), date(2024, 12, 31), "county", date(2023, 1, 1), "2019"))
    rows.append((LAPSED[0], LAPSED[2], "JEM", date(2023, 1, 1), None, "county", date(2023, 1, 1), "2019"))
    rows.append((PROHIBITED[0], PROHIBITED[2], "WSO", date(2024, 3, 1), None, "county", date(2024, 3, 1), "2025"))
    cols = list(zip(*rows, strict=True))
    return pa.table(
        {
            "agency_id": pa.array(cols[0], pa.string()),
            "state": pa.array(cols[1], pa.string()),
            "model": pa.array(cols[2], pa.string()),
            "in_force_from": pa.array(cols[3], pa.date32()),
            "in_force_until": pa.array(cols[4], pa.date32()),
            "agency_kind": pa.array(cols[5], pa.string()),
            "signed_on": pa.array(cols[6], pa.date32()),
            "moa_template": pa.array(cols[7], pa.string()),
        }
    )


def _local_to_utc(local_s: np.ndarray, tz: str) -> np.ndarray:
    naive = pa.array(local_s, pa.timestamp("s"))
    aware = pc.assume_timezone(naive, timezone=tz, ambiguous="earliest", nonexistent="latest")
    result: np.ndarray = np.asarray(aware.cast(pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)
    return result


def _chunk(start: int, n: int, seed: int, rate: float, chunk_no: int) -> tuple[pa.Table, pa.Table]:
    rng = np.random.default_rng([seed, chunk_no])
    idx = np.arange(start, start + n, dtype=np.int64)
    n_agencies = len(AGENCIES)
    agency_weights = np.random.default_rng([seed, 10**6]).dirichlet(np.full(n_agencies, 3.0))
    agency = rng.choice(n_agencies, size=n, p=agency_weights)

    # local release time: a day weighted by weekday, an hour weighted by time of day, uniform minutes
    day_weights = WEEKDAY_WEIGHTS[np.arange(PERIOD_DAYS) % 7]
    day = rng.choice(PERIOD_DAYS, size=n, p=day_weights / day_weights.sum())
    hour = rng.choice(24, size=n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    local = int(PERIOD_START.timestamp()) + day * 86_400 + hour * H + rng.integers(0, H, size=n)
    release = np.empty(n, dtype=np.int64)
    for a, (_, _, _, tz, _) in enumerate(AGENCIES):
        m = agency == a
        if m.any():
            release[m] = _local_to_utc(local[m], tz)
    # served at the release, within the program's tolerance
    tol = int(SERVICE_TOLERANCE.total_seconds())
    served = release + rng.integers(0, min(10 * MIN, tol + 1), size=n)

    # kinds of hold: WSO warrant (I-200 / I-205), jail's own detainer hold (I-247A), judicial warrant
    kind = rng.choice(3, size=n, p=[0.95, 0.04, 0.01])
    instrument = np.where(
        kind == 0, np.where(rng.random(n) < 0.9, "I-200", "I-205"), np.where(kind == 1, "I-247A", "judicial")
    ).astype(object)
    officer_no = rng.integers(0, OFFICERS_PER_AGENCY, size=n)
    officer = np.array([f"{a}-O" for a, *_ in AGENCIES], dtype=object)[agency] + np.char.zfill(
        officer_no.astype(str), 2
    ).astype(object)
    officer = np.where(kind == 0, officer, NONE)

    # durations: most transfer within a day, a tail at 24-47 h, some released; detention agreements run long
    u = rng.random(n)
    dur = np.clip(rng.lognormal(np.log(10 * H), 0.7, size=n), 0.5 * H, 40 * H).astype(np.int64)
    dur = np.where(u > 0.80, rng.integers(24 * H, 47 * H, size=n), dur)
    reason = np.where(u > 0.93, "released", "transferred").astype(object)
    reason = np.where((u > 0.93) & (rng.random(n) < 0.3), "warrant_cancelled", reason)
    detention = (kind == 0) & (rng.random(n) < 0.03)
    dur = np.where(detention, rng.integers(60 * H, 400 * H, size=n), dur)
    ended = served + dur
    window = int(ICE_NOTIFY_WINDOW.total_seconds())
    notified = served + rng.integers(0, window + 1, size=n)
    has_claim = rng.random(n) < 0.01
    claim = served + (rng.random(n) * np.minimum(dur, 10 * H)).astype(np.int64)
    reported = claim + rng.integers(2 * MIN, 55 * MIN, size=n)
    reason = np.where(has_claim & (rng.random(n) < 0.2), "citizenship_verified", reason)
    inside = np.ones(n, dtype=bool)
    facility_no = rng.integers(0, 2, size=n)
    agency_ids = np.array([a for a, *_ in ALL_AGENCIES], dtype=object)
    agency_ix = agency.copy()

    # plant one problem in a share of holds (decided first: planted holds start from a closed, lawful WSO hold)
    as_of_s = int(AS_OF.timestamp())
    planted = rng.random(n) < rate
    which = np.where(planted, rng.integers(0, len(PLANTED), size=n), -1)

    # detention-agreement holds may still be open at the audit time (lawfully)
    ended = np.where(detention & (ended > as_of_s), -1, ended)
    # a few holds still open at the audit time, lawfully (served less than 46 h before it)
    open_ = (rng.random(n) < 0.002) & ~detention & ~planted
    shift = np.where(open_, as_of_s - rng.integers(2 * H, 46 * H, size=n) - served, 0)
    served, release, notified, claim, reported = (x + shift for x in (served, release, notified, claim, reported))
    ended = np.where(open_, -1, ended + shift)
    has_claim &= ~open_ | (claim <= as_of_s - 2 * H)

    wso_kind = kind == 0
    # planted holds start from a plain, closed, lawful WSO hold (no claim, no detention agreement)
    base = planted & (which != PLANTED.index("WSO-CITIZENSHIP-1H"))
    kind = np.where(planted, 0, kind)
    instrument = np.where(planted & ~wso_kind, "I-200", instrument)
    officer = np.where(planted & (officer == None), officer_default(agency, officer_no), officer)  # noqa: E711
    detention = detention & ~planted
    has_claim = has_claim & ~base
    dur_closed = np.minimum(dur, 40 * H)
    ended = np.where(planted, served + dur_closed, ended)

    def plant(rule_id: str) -> np.ndarray:
        mask: np.ndarray = np.equal(which, PLANTED.index(rule_id))
        return mask

    m = plant("WSO-48H")
    over = served + 48 * H + rng.integers(15 * MIN, 60 * H, size=n)
    still_open = m & (rng.random(n) < 0.3)
    ended = np.where(m, over, ended)
    open_shift = np.where(still_open, as_of_s - 48 * H - rng.integers(1 * H, 30 * H, size=n) - served, 0)
    served, release, notified = (x + open_shift for x in (served, release, notified))
    ended = np.where(still_open, -1, ended)
    open_ = open_ | still_open
    ended = np.where(m & (ended > as_of_s), -1, ended)
    open_ = open_ | (m & (ended == -1))

    m = plant("WSO-AUTHORIZED-OFFICER")
    pick = rng.integers(0, 4, size=n)
    own = agency_ids[agency_ix]
    other = agency_ids[(agency_ix + 1) % len(AGENCIES)]
    bad_officer = np.where(
        pick == 0,
        own + "-W",
        np.where(
            pick == 1, "UNKNOWN-" + idx.astype(str).astype(object), np.where(pick == 2, other + "-O00", own + "-R")
        ),
    )
    # the renewed officer's gap: move the service into it
    gap = m & (pick == 3)
    gap_shift = np.where(gap, int((PERIOD_START - timedelta(days=30)).timestamp()) - release, 0)
    served, release, notified, ended = (x + gap_shift for x in (served, release, notified, ended))
    officer = np.where(m, bad_officer, officer)

    inside = np.where(plant("WSO-JAIL-ONLY"), False, inside)

    m = plant("WSO-WARRANT-FORMS")
    instrument = np.where(m, "I-247A", instrument)

    m = plant("WSO-SCHEDULED-RELEASE")
    late = m & (rng.random(n) < 0.5)
    # half served before the release; half after the release and the tolerance, nobody holding the person (ended
    # within 47 hours of the release, so not late on the 48 hours too)
    release = np.where(m & ~late, served + rng.integers(1 * H, 72 * H, size=n), release)
    release = np.where(late, served - tol - rng.integers(1 * MIN, 6 * H, size=n), release)
    ended = np.where(late & (ended != -1), np.minimum(ended, release + 47 * H), ended)

    m = plant("WSO-AGREEMENT-IN-FORCE")
    agency_ix = np.where(m, len(AGENCIES), agency_ix)
    m2 = plant("STATE-LAW")
    agency_ix = np.where(m2, len(AGENCIES) + 1, agency_ix)
    moved = m | m2
    officer = np.where(moved, agency_ids[agency_ix] + "-O0" + (officer_no % 8).astype(str).astype(object), officer)
    facility_no = np.where(moved, 0, facility_no)

    m = plant("WSO-NOTIFY-ICE")
    never = m & (rng.random(n) < 0.5)
    notified = np.where(m, served + window + rng.integers(1 * MIN, 12 * H, size=n), notified)
    notified = np.where(never, -1, notified)

    m = plant("WSO-CITIZENSHIP-1H")
    has_claim = has_claim | m
    claim = np.where(m, served + (rng.random(n) * np.minimum(dur_closed, 5 * H)).astype(np.int64), claim)
    reported = np.where(m, claim + rng.integers(61 * MIN, 6 * H, size=n), reported)
    reported = np.where(m & (rng.random(n) < 0.3), -1, reported)
    reported = np.where(has_claim & ~m, claim + rng.integers(2 * MIN, 55 * MIN, size=n), reported)

    m = plant("DETAINER-48H")
    instrument = np.where(m, "I-247A", instrument)
    officer = np.where(m, NONE, officer)
    ended = np.where(m, served + 48 * H + rng.integers(15 * MIN, 100 * H, size=n), ended)
    ended = np.where(m & (ended > as_of_s), -1, ended)
    open_ = open_ | (m & (ended == -1))

    m = plant("DATA-ENDED-BEFORE-SERVED")
    ended = np.where(m, served - rng.integers(1 * H, 48 * H, size=n), ended)

    m = plant("DATA-FUTURE-TIME")
    # past the audit time for every hold of the period (a plain year would leave the first days of it before)
    ahead = int((AS_OF - PERIOD_START).total_seconds()) + 30 * 86_400
    served, release, notified, ended = (
        np.where(m & (x != -1), x + ahead, x) for x in (served, release, notified, ended)
    )

    m = plant("DATA-NO-OFFICER")
    officer = np.where(m, NONE, officer)

    # lawful detainer and judicial holds: no officer, closed within 47 hours (already)

    # hold-record schema v2: an actual release (bond posted) before the scheduled one for some lawful holds; the
    # moment a detention-agreement hold moved onto the agreement (48 hours after the release); interpreters
    bond = (rng.random(n) < 0.03) & ~planted & ~open_ & (release < as_of_s - 4 * 86_400)
    actual = np.where(bond, release, -1)
    release = np.where(bond, release + rng.integers(1 * H, 72 * H, size=n), release)
    moved = np.where(detention, np.where(actual != -1, actual, release) + 48 * H, -1)
    moved = np.where(moved > as_of_s, -1, moved)
    interpreter = np.where(rng.random(n) < 0.05, "Interpreter " + (idx % 7).astype(str).astype(object), NONE)
    reason = np.where(ended == -1, NONE, reason)
    reason = np.where(detention & (ended != -1), "detention_agreement", reason)

    second = np.array([f > 1 for *_, f in ALL_AGENCIES])[agency_ix] & (facility_no == 1)
    facility = agency_ids[agency_ix] + np.where(second, "-F2", "-F1").astype(object)

    states = np.array([s for _, _, s, _, _ in ALL_AGENCIES], dtype=object)[agency_ix]
    names = np.array([nm for _, nm, *_ in ALL_AGENCIES], dtype=object)[agency_ix]
    zones = np.array([tz for _, _, _, tz, _ in ALL_AGENCIES], dtype=object)[agency_ix]
    record_id = np.char.add("R", np.char.zfill(idx.astype(str), 10)).astype(object)
    # one person per hold (a person with two holds would make a planted late service a lawful one when a detainer
    # hold of theirs happened to be open at it)
    person = np.char.add("P", np.char.zfill(idx.astype(str), 9)).astype(object)
    person = np.char.add(person.astype(str), np.char.zfill(np.full(n, seed % 1000).astype(str), 3)).astype(object)

    def ts(values: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
        return pa.array(values * 1_000_000, pa.timestamp("us", tz="UTC"), mask=mask)

    holds = pa.table(
        {
            "record_id": pa.array(record_id, pa.string()),
            "state": pa.array(states, pa.string()),
            "agency_id": pa.array(agency_ids[agency_ix], pa.string()),
            "agency_name": pa.array(names, pa.string()),
            "facility_id": pa.array(facility, pa.string()),
            "facility_tz": pa.array(zones, pa.string()),
            "instrument": pa.array(instrument, pa.string()),
            "officer_id": pa.array(officer, pa.string()),
            "served_at": ts(served),
            "scheduled_release_at": ts(release),
            "criminal_release_at": ts(actual, actual == -1),
            "served_inside_facility": pa.array(inside, pa.bool_()),
            "ice_notified_at": ts(notified, notified == -1),
            "citizenship_claim_at": ts(claim, ~has_claim),
            "citizenship_reported_at": ts(reported, ~has_claim | (reported == -1)),
            "detention_agreement": pa.array(detention, pa.bool_()),
            "detention_agreement_from": ts(moved, moved == -1),
            "interpreter": pa.array(interpreter, pa.string()),
            "ended_at": ts(ended, ended == -1),
            "end_reason": pa.array(reason, pa.string()),
            "person_ref": pa.array(person, pa.string()),
        }
    )
    key_mask = which >= 0
    key = pa.table(
        {
            "record_id": pa.array(record_id[key_mask], pa.string()),
            "rule_id": pa.array(np.array(PLANTED, dtype=object)[which[key_mask]], pa.string()),
        }
    )
    return holds, key


def officer_default(agency: np.ndarray, officer_no: np.ndarray) -> np.ndarray:
    prefix = np.array([f"{a}-O" for a, *_ in AGENCIES], dtype=object)[agency]
    return np.asarray(prefix + np.char.zfill(officer_no.astype(str), 2).astype(object), dtype=object)


def _as_csv(table: pa.Table) -> pa.Table:
    cols = {}
    for name in table.column_names:
        col = table[name]
        if pa.types.is_timestamp(col.type):
            col = pc.strftime(col, format="%Y-%m-%dT%H:%M:%SZ")
        elif pa.types.is_boolean(col.type):
            col = pc.if_else(col, "true", "false")
        cols[name] = col
    return pa.table(cols)


def generate(
    out: Path,
    holds: int,
    seed: int,
    violation_rate: float = 0.02,
    file_format: Literal["parquet", "csv"] = "parquet",
    chunk_size: int = 1_000_000,
) -> SynthSummary:
    """Write holds, officers and agreements (and ``answer_key`` + ``synth.json``) to directory ``out``."""
    if holds < 0:
        raise ValueError("holds must be zero or more")
    if not 0 <= violation_rate <= 1:
        raise ValueError("violation rate must be between 0 and 1")
    _check_world()
    out.mkdir(parents=True, exist_ok=True)
    ext = file_format
    officers, agreements = officers_table(), agreements_table()
    by_rule: dict[str, int] = dict.fromkeys(PLANTED, 0)
    keys: list[pa.Table] = []
    writer: pq.ParquetWriter | None = None
    csv_writer: pacsv.CSVWriter | None = None
    try:
        for chunk_no, start in enumerate(range(0, max(holds, 1), chunk_size)):
            n = min(chunk_size, holds - start)
            if n <= 0:
                break
            table, key = _chunk(start, n, seed, violation_rate, chunk_no)
            keys.append(key)
            if ext == "parquet":
                if writer is None:
                    writer = pq.ParquetWriter(out / "holds.parquet", table.schema)
                writer.write_table(table)
            else:
                t = _as_csv(table)
                if csv_writer is None:
                    csv_writer = pacsv.CSVWriter(out / "holds.csv", t.schema)
                csv_writer.write_table(t)
    finally:
        if writer is not None:
            writer.close()
        if csv_writer is not None:
            csv_writer.close()
    if holds == 0:
        empty = _chunk(0, 1, seed, violation_rate, 0)[0].slice(0, 0)
        if ext == "parquet":
            pq.write_table(empty, out / "holds.parquet")
        else:
            pacsv.write_csv(_as_csv(empty), out / "holds.csv")
    if ext == "parquet":
        pq.write_table(officers, out / "officers.parquet")
        pq.write_table(agreements, out / "agreements.parquet")
    else:
        pacsv.write_csv(_as_csv(officers), out / "officers.csv")
        pacsv.write_csv(agreements, out / "agreements.csv")
    key = (
        pa.concat_tables(keys)
        if keys
        else pa.table({"record_id": pa.array([], pa.string()), "rule_id": pa.array([], pa.string())})
    )
    pacsv.write_csv(key, out / "answer_key.csv")
    for rid, count in zip(
        *np.unique(key["rule_id"].to_numpy(zero_copy_only=False).astype(str), return_counts=True), strict=True
    ):
        by_rule[str(rid)] = int(count)
    summary = SynthSummary(
        holds=holds,
        seed=seed,
        violation_rate=violation_rate,
        planted=key.num_rows,
        as_of=AS_OF.isoformat().replace("+00:00", "Z"),
        out=str(out),
        format=ext,
        by_rule=by_rule,
    )
    (out / "synth.json").write_text(
        json.dumps({**asdict(summary), "schema_version": hr.SCHEMA_VERSION}, indent=2) + "\n", encoding="utf-8"
    )
    return summary
