"""Benchmark of the custody ledger on PostgreSQL (goals: >= 2,000 events/s; due-soon < 50 ms).

Prints, in one run:
- appends with 8 concurrent writers (separate processes, each its own connection) recording the facts of one set
  of open holds, served before the timing: events per second, in three modes:
  - per command: `Custody.run`, each command its own transaction (and its own fsync'd commit);
  - grouped: in each writer 8 clerk threads each send one command at a time and wait for its answer, through a
    `GroupWriter` (one writer thread commits whatever the clerks sent meanwhile in one transaction);
  - batched: `Custody.apply_many`, each writer committing its clerks' commands in groups of 50;
  a hold's facts are each recorded once (the ledger refuses a second ICE notification, claim, report or end of
  one hold), so the writers share holds this way: the holds are taken in rounds of one hold per writer, and in
  each round a writer records its own hold's citizenship claim, the claim's report and the transfer to ICE (in
  that order) while another writer, a different one each round, tells ICE of the same hold at about the same
  moment; two writers therefore contend for every chain head, and over the rounds every writer with every other;
  every command carries an idempotency key and one in ten is sent again with the same key (a retried request);
  afterwards the run checks that nothing was lost or duplicated (one event per key, per writer exactly the
  events its results report, every hold exactly the facts sent for it, seqs 1..n in every chain, no key twice)
  and that every chain verifies. (Until 2026-12-04 the writers sent repeated `ice.notify` to 400 shared holds,
  which the ledger now refuses.)
- the due-soon query: 1,000,000 open holds bulk-loaded (generate_series, outside the timing), then the
  library's `due_within(now, 4 h)` timed: median of several runs, with how many holds it returned and the
  server's own execution time (EXPLAIN ANALYZE). Two cases: 1,000 of the holds due within 4 hours (the rest
  4 to 48 hours ahead), and deadlines spread evenly over 48 hours (so 1 in 12, 83,334 holds, are due: that
  case measures mostly the transfer of 83,334 rows to Python);
- a sweep with a backlog: 100,000 open holds (ICE notified), deadlines spread over 48 hours, none alerted yet (as
  after an outage): the time to raise the 25,000 deadline alerts due, and of the same sweep again (raising none).

Durability stays on (synchronous_commit as the server has it; the run prints it). The machine the figures in the
README came from was shared with other jobs: see the load averages printed.

Usage: python benchmarks/custody_bench.py [--postgres URL] [--writers 8] [--commands N] [--batch B]
                                          [--holds H] [--open-holds 1000000] [--runs R] [--sweep-holds N]
                                          [--skip-append|--skip-due|--skip-sweep]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from wso.clock import FixedClock
from wso.custody import Command, Custody, GroupWriter, Result, due_within, verify
from wso.custody.models import Hold, HoldEvent, IdempotencyKey
from wso.custody.sweep import raise_alerts
from wso.store import Database, open_database

DEFAULT_POSTGRES = os.environ.get("WSO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SETUP_AT = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
RELEASE = datetime(2026, 3, 6, 14, 0, tzinfo=UTC)
NOW = RELEASE + timedelta(minutes=30)


@contextmanager
def scratch_schema(base: str) -> Iterator[str]:
    """A fresh schema on the server, dropped afterwards; yields a URL that uses it."""
    schema = f"bench_custody_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield (
            make_url(base)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def must(results: list[Result]) -> None:
    refused = [r for r in results if not r.accepted]
    if refused:
        raise SystemExit(f"setup refused: {refused[0]}")


def furnish(db: Database, holds: int) -> list[str]:
    """A jail with one authorized WSO and `holds` open holds; returns their warrants."""
    clock = FixedClock(SETUP_AT)
    custody = Custody(db, clock)
    must(
        custody.apply_many(
            [
                Command("agency", {"id": "AG", "name": "Bench County Sheriff", "state": "FL"}),
                Command("agreement", {"agency": "AG", "model": "WSO", "signed": "2025-01-01"}),
                Command("facility", {"id": "JAIL", "agency": "AG", "name": "Jail", "tz": "America/New_York"}),
                Command("officer.nominate", {"id": "O1", "agency": "AG", "name": "Deputy", "us_citizen": True}),
                Command("officer.exam", {"id": "O1", "score": 90}),
                Command("officer.certify", {"id": "O1"}),
                Command("officer.authorize", {"id": "O1"}),
            ]
        )
    )
    warrants = [f"W{n:05d}" for n in range(holds)]
    for start in range(0, holds, 200):
        chunk = warrants[start : start + 200]
        batch: list[Command] = []
        for w in chunk:
            batch.append(
                Command("booking", {"id": f"B{w}", "facility": "JAIL", "scheduled_release": RELEASE.isoformat()})
            )
            batch.append(Command("warrant.receive", {"id": w, "booking": f"B{w}", "form": "I-200"}))
        must(custody.apply_many(batch))
    clock.set(RELEASE)
    for start in range(0, holds, 200):
        must(
            custody.apply_many(
                [
                    Command("warrant.serve", {"warrant": w, "officer": "O1", "facility": "JAIL"})
                    for w in warrants[start : start + 200]
                ]
            )
        )
    return warrants


#: what a writer records on its own hold in each round, in this order (a report follows its claim, and the
#: transfer ends the hold); ICE is told of the hold by another writer, which the transfer does not prevent
OWN_FACTS = ("citizenship.claim", "citizenship.report", "custody.transfer")
#: commands per writer per round: its own hold's three facts and the notification of another writer's hold
PER_ROUND = len(OWN_FACTS) + 1


def rounds_for(commands: int) -> int:
    return -(-commands // PER_ROUND)


def holds_for(writers: int, commands: int) -> int:
    """The holds an append run takes: one per writer per round (each hold's facts are recorded once)."""
    return writers * rounds_for(commands)


@dataclass(frozen=True)
class Plan:
    url: str
    writer: int
    commands: int
    batch: int  # 1: per command (Custody.run); 0: clerk threads through a GroupWriter
    writers: int
    mode: str
    clerks: int = 8


def warrant_of(writers: int, round_: int, writer: int) -> str:
    return f"W{round_ * writers + writer:05d}"


def notified(writers: int, round_: int, writer: int) -> int:
    """The writer whose hold `writer` tells ICE of in `round_`: another one, a different one each round (a
    rotation, so every hold of the round is notified once); with one writer, its own."""
    shift = 1 + round_ % (writers - 1) if writers > 1 else 0
    return (writer + shift) % writers


def plan_rounds(plan: Plan) -> list[list[Command]]:
    """The writer's commands, round by round: its own hold's claim, report and transfer, and the notification of
    the hold another writer records the rest of; every tenth command sent twice. `commands` distinct commands
    in all (the last round may stop early, its facts still in order)."""
    out: list[list[Command]] = []
    n = 0
    for r in range(rounds_for(plan.commands)):
        own = warrant_of(plan.writers, r, plan.writer)
        facts = [
            (OWN_FACTS[0], own),
            ("ice.notify", warrant_of(plan.writers, r, notified(plan.writers, r, plan.writer))),
            (OWN_FACTS[1], own),
            (OWN_FACTS[2], own),
        ]
        this_round: list[Command] = []
        for name, warrant in facts:
            if n == plan.commands:
                break
            command = Command(
                name, {"warrant": warrant}, actor=f"{plan.mode}-w{plan.writer}", key=f"{plan.mode}-{plan.writer}-{n}"
            )
            this_round.append(command)
            if n % 10 == 9:
                this_round.append(command)  # the clerk's retry of a request whose answer it did not get
            n += 1
        out.append(this_round)
    return out


def writer(plan: Plan, ready: Any, go: Any, answers: Any) -> None:
    db = open_database(plan.url, migrate=False)
    custody = Custody(db, FixedClock(NOW))
    rounds = plan_rounds(plan)
    commands = [command for this_round in rounds for command in this_round]
    custody.run("sweep")  # warm the connection
    ready.wait()
    go.wait()
    start = time.perf_counter()
    results: list[Result] = []
    if plan.batch == 1:
        for command in commands:
            results.append(custody.run(command.command, command.args, actor=command.actor, idempotency_key=command.key))
    elif plan.batch == 0:
        # Clerks at their desks: each thread sends one command and waits for its answer; one writer thread
        # commits whatever they sent meanwhile in one transaction. A clerk takes whole rounds, so a hold's claim,
        # report and transfer keep their order.
        with GroupWriter(custody) as group, ThreadPoolExecutor(plan.clerks) as pool:
            desks = [[c for this_round in rounds[n :: plan.clerks] for c in this_round] for n in range(plan.clerks)]

            def desk(mine: list[Command]) -> list[Result]:
                return [group.submit(command).result() for command in mine]

            results = [r for answers in pool.map(desk, desks) for r in answers]
    else:
        for at in range(0, len(commands), plan.batch):
            results.extend(custody.apply_many(commands[at : at + plan.batch]))
    end = time.perf_counter()
    db.dispose()
    events = sorted({e for r in results for e in r.events})
    answers.put((plan.writer, start, end, len(commands), sum(not r.accepted for r in results), events))


def append_run(
    base: str, writers: int, commands: int, batch: int, holds: int, mode: str, clerks: int
) -> dict[str, Any]:
    with scratch_schema(base) as url:
        db = open_database(url)
        furnish(db, holds)
        with db.session() as session:
            before = session.execute(select(func.count()).select_from(HoldEvent)).scalar_one()
        ctx = multiprocessing.get_context("spawn")
        ready, go, answers = ctx.Barrier(writers + 1), ctx.Barrier(writers + 1), ctx.Queue()
        procs = [
            ctx.Process(target=writer, args=(Plan(url, w, commands, batch, writers, mode, clerks), ready, go, answers))
            for w in range(writers)
        ]
        # The events each hold must end with: its service, and each fact sent for it (once, whatever the retries).
        expected = Counter({f"W{n:05d}": 1 for n in range(holds)})
        for w in range(writers):
            sent_for = {
                c.key: c.args["warrant"] for r in plan_rounds(Plan(url, w, commands, batch, writers, mode)) for c in r
            }
            expected.update(sent_for.values())
        for proc in procs:
            proc.start()
        ready.wait()
        go.wait()
        got = [answers.get() for _ in procs]
        for proc in procs:
            proc.join()
            if proc.exitcode != 0:
                raise SystemExit(f"a writer failed (exit {proc.exitcode})")
        elapsed = max(g[2] for g in got) - min(g[1] for g in got)
        appended = sum(len(g[5]) for g in got)
        refused = sum(g[4] for g in got)
        sent = sum(g[3] for g in got)
        # Nothing lost, nothing duplicated: the events in the ledger are exactly those the writers were told of.
        with db.session() as session:
            total = session.execute(select(func.count()).select_from(HoldEvent)).scalar_one()
            per_actor = dict(
                session.execute(
                    select(HoldEvent.actor, func.count())
                    .where(HoldEvent.actor.like(f"{mode}-w%"))
                    .group_by(HoldEvent.actor)
                ).all()
            )
            keys = session.execute(
                select(func.count()).select_from(IdempotencyKey).where(IdempotencyKey.key.like(f"{mode}-%"))
            ).scalar_one()
            gaps = session.execute(
                text(
                    "SELECT count(*) FROM (SELECT hold_id, max(seq) AS m, count(*) AS c, count(DISTINCT seq) AS d "
                    "FROM custody_hold_events GROUP BY hold_id) s WHERE m <> c OR c <> d"
                )
            ).scalar_one()
            per_hold = dict(
                session.execute(
                    select(Hold.warrant_id, func.count(HoldEvent.seq))
                    .join(HoldEvent, HoldEvent.hold_id == Hold.id)
                    .group_by(Hold.warrant_id)
                ).all()
            )
            check = verify(session)
        db.dispose()
        # Each distinct command (key) must have appended exactly one event: a retried key adds none.
        lost_or_duplicated = abs((total - before) - writers * commands) + abs(appended - writers * commands)
        for w, _, _, _, _, events in got:
            lost_or_duplicated += abs(per_actor.get(f"{mode}-w{w}", 0) - commands) + abs(len(events) - commands)
        lost_or_duplicated += abs(keys - writers * commands)
        # Every hold holds exactly its facts: none lost, none twice (the ledger refuses a second one).
        lost_or_duplicated += sum(abs(per_hold.get(w, 0) - n) for w, n in expected.items())
        lost_or_duplicated += sum(n for w, n in per_hold.items() if w not in expected)
        return {
            "mode": mode,
            "sent": sent,
            "appended": appended,
            "refused": refused,
            "keys": keys,
            "elapsed": elapsed,
            "rate": appended / elapsed,
            "lost_or_duplicated": lost_or_duplicated,
            "broken_chains": len(check.broken) + gaps,
            "verified": check.ok and gaps == 0,
        }


def load_open_holds(db: Database, open_holds: int, ahead: str, due: int, *, notified: bool) -> None:
    """Bulk-load `open_holds` open WSO holds outside the library (and any timing): hold g's deadline lies
    `ahead` seconds after NOW (an SQL expression of g, :n and :due); ICE notified of each at service or not."""
    notified_at = "d - interval '48 hours'" if notified else "NULL"
    with db.engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))  # skip FK checks while loading
        conn.execute(
            text(
                "INSERT INTO custody_bookings (id, facility_id, scheduled_release) "
                "SELECT 'b' || g, 'JAIL', :now FROM generate_series(1, :n) g"
            ),
            {"n": open_holds, "now": NOW},
        )
        conn.execute(
            text(
                "INSERT INTO custody_warrants (id, booking_id, form, received_at) "
                "SELECT 'w' || g, 'b' || g, 'I-200', :now FROM generate_series(1, :n) g"
            ),
            {"n": open_holds, "now": NOW},
        )
        conn.execute(
            text(
                "INSERT INTO custody_holds (id, warrant_id, booking_id, facility_id, agency_id, kind, officer_id, "
                "opened_at, clock_start, deadline, deadline_rule, deadline_reading, status, last_seq, last_hash, "
                "ice_notified_at) "
                "SELECT 'hold-w' || g, 'w' || g, 'b' || g, 'JAIL', 'AG', 'wso', 'O1', d - interval '48 hours', "
                "d - interval '48 hours', d, 'WSO-48H', 'flat', 'open', 0, repeat('0', 64), "
                f"{notified_at} "
                f"FROM (SELECT g, :now + make_interval(secs => {ahead}) AS d FROM generate_series(1, :n) g) t"
            ),
            {"n": open_holds, "now": NOW, "due": due},
        )
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE custody_holds"))


def sweep_backlog(base: str, open_holds: int) -> dict[str, Any]:
    """Time one sweep that finds a backlog: `open_holds` open holds (ICE notified of each), deadlines spread
    evenly over the next 48 hours, none alerted yet (a sweep after an outage), so a quarter are due a deadline
    alert; then a second sweep at the same moment, which must raise nothing."""
    with scratch_schema(base) as url:
        db = open_database(url)
        furnish(db, 0)
        load_open_holds(db, open_holds, "g * 172800.0 / :n", 0, notified=True)
        timings, raised = [], []
        for _ in range(2):
            with db.session() as session:
                start = time.perf_counter()
                raised.append(len(raise_alerts(session, NOW)))
                session.commit()
                timings.append(time.perf_counter() - start)
        db.dispose()
        return {"first": timings[0], "raised": raised[0], "again": timings[1], "raised_again": raised[1]}


def due_soon(base: str, open_holds: int, due: int | None, runs: int) -> dict[str, Any]:
    """Time `due_within(now, 4 h)` among `open_holds` open holds, `due` of them due within 4 hours (the others
    4 to 48 hours ahead), or, when `due` is None, all of them due evenly over the next 48 hours."""
    with scratch_schema(base) as url:
        db = open_database(url)
        furnish(db, 0)
        load = time.perf_counter()
        # Seconds from NOW to the deadline of hold g (1..n).
        if due is None:
            ahead = "g * 172800.0 / :n"
        else:
            ahead = "CASE WHEN g <= :due THEN g * 14400.0 / :due ELSE 14400 + (g - :due) * 158400.0 / (:n - :due) END"
        load_open_holds(db, open_holds, ahead, due or 0, notified=False)
        loaded = time.perf_counter() - load
        timings: list[float] = []
        found = 0
        with db.session() as session:
            for _ in range(runs + 1):  # the first run warms the cache and is not counted
                start = time.perf_counter()
                found = len(due_within(session, NOW, timedelta(hours=4)))
                timings.append(time.perf_counter() - start)
            plan = list(
                session.execute(
                    text(
                        "EXPLAIN ANALYZE SELECT id, deadline FROM custody_holds WHERE status = 'open' "
                        "AND deadline IS NOT NULL AND deadline <= :t ORDER BY deadline"
                    ),
                    {"t": NOW + timedelta(hours=4)},
                ).scalars()
            )
            total = session.execute(text("SELECT count(*) FROM custody_holds WHERE status = 'open'")).scalar_one()
        db.dispose()
        measured = timings[1:]
        return {
            "open": total,
            "found": found,
            "loaded": loaded,
            "median_ms": statistics.median(measured) * 1000,
            "min_ms": min(measured) * 1000,
            "max_ms": max(measured) * 1000,
            "scan": plan[0].split("  (")[0].strip(),
            "server": next((line.strip() for line in plan if line.startswith("Execution Time")), "?"),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--commands", type=int, default=1000, help="commands per writer (batched mode)")
    parser.add_argument("--per-command", type=int, default=300, help="commands per writer (per-command mode)")
    parser.add_argument("--batch", type=int, default=50, help="commands per transaction (batched mode)")
    parser.add_argument("--clerks", type=int, default=8, help="clerk threads per writer (grouped mode)")
    parser.add_argument(
        "--holds",
        type=int,
        default=None,
        help="open holds served before each append run, which the writers share (default and least: what the "
        "run takes, one per writer for every 4 commands, since each hold's facts are recorded once)",
    )
    parser.add_argument("--open-holds", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=1_000, help="open holds due within 4 h (first due-soon case)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of the due-soon query")
    parser.add_argument("--skip-append", action="store_true")
    parser.add_argument("--skip-due", action="store_true")
    parser.add_argument("--sweep-holds", type=int, default=100_000, help="open holds for the sweep backlog case")
    parser.add_argument("--skip-sweep", action="store_true")
    args = parser.parse_args()
    runs = [
        ("per-command", args.per_command, 1),
        ("grouped", args.commands, 0),
        ("batched", args.commands, args.batch),
    ]
    for mode, commands, _ in runs:
        need = holds_for(args.writers, commands)
        if not args.skip_append and args.holds is not None and args.holds < need:
            parser.error(
                f"--holds {args.holds} is too few for the {mode} run: {args.writers} writers x {commands} "
                f"commands take {need} holds (each hold's claim, report, transfer and notification are "
                "recorded once); give at least that many, or leave --holds out"
            )
    engine = create_engine(args.postgres)
    with engine.connect() as conn:
        sync = conn.execute(text("SHOW synchronous_commit")).scalar_one()
        fsync = conn.execute(text("SHOW fsync")).scalar_one()
        version = conn.execute(text("SHOW server_version")).scalar_one()
    engine.dispose()
    print(f"PostgreSQL {version}, synchronous_commit={sync}, fsync={fsync}; {os.cpu_count()} CPUs")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if not args.skip_append:
        for mode, commands, batch in runs:
            holds = args.holds if args.holds is not None else holds_for(args.writers, commands)
            r = append_run(args.postgres, args.writers, commands, batch, holds, mode, args.clerks)
            what = {
                1: "Custody.run, one transaction per command",
                0: f"{args.clerks} clerk threads per writer, one command at a time each, through a GroupWriter",
            }.get(batch, f"Custody.apply_many, {batch} per transaction")
            goal = "meets" if r["rate"] >= 2000 else "misses"
            print(
                f"append, {args.writers} writers, {mode} ({what}): {r['appended']} events in {r['elapsed']:.2f} s = "
                f"{r['rate']:,.0f} events/s ({goal} the 2,000/s goal); {r['sent']} commands sent incl. retries, "
                f"{r['refused']} refused, {r['keys']} keys; lost or duplicated: {r['lost_or_duplicated']}; "
                f"chains verify: {'yes' if r['verified'] else 'NO'}"
            )
            print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if not args.skip_due:
        for due, what in (
            (args.due, f"{args.due:,} of them due within 4 h, the rest 4 to 48 h ahead"),
            (None, "deadlines spread evenly over the next 48 h"),
        ):
            d = due_soon(args.postgres, args.open_holds, due, args.runs)
            goal = "meets" if d["median_ms"] < 50 else "misses"
            print(
                f"due within 4 h among {d['open']:,} open holds ({what}; bulk load {d['loaded']:.1f} s): "
                f"{d['found']:,} holds returned, median {d['median_ms']:.1f} ms (min {d['min_ms']:.1f}, max "
                f"{d['max_ms']:.1f}) over {args.runs} runs ({goal} the 50 ms goal); server: {d['scan']}, "
                f"{d['server']}"
            )
            print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    if not args.skip_sweep:
        w = sweep_backlog(args.postgres, args.sweep_holds)
        print(
            f"sweep with a backlog ({args.sweep_holds:,} open holds, deadlines over 48 h, none alerted yet): "
            f"{w['raised']:,} alerts raised in {w['first']:.2f} s ({w['raised'] / w['first']:,.0f}/s); the same "
            f"sweep again raised {w['raised_again']} in {w['again']:.2f} s"
        )


if __name__ == "__main__":
    main()
