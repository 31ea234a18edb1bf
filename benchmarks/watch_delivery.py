"""Benchmark: one new publication of ICE's participating list that changes 50 agreements, delivered to 10,000
subscriptions (half webhooks to a local receiver, half e-mail to a local SMTP server with STARTTLS).

Prints the time from the start of the fetch to the last delivery recorded (one `run_once` of the watcher: download
from a local ICE, ingest, record the changes, fill the outbox, send everything), the messages sent, the watcher's
peak memory (maximum resident set size of this process, and the Python heap's peak from tracemalloc during the
run), and a check that no subscription was sent anything twice: every webhook-id and every Message-ID the receivers
saw is distinct, and each (subscription, change) pair arrived once.

The publication: ICE's participating list of 2025-07-03 pm (the snapshot bundled with wso) before, and the same
workbook with 50 agreements' rows deleted (spread over the file) after: 50 agreements removed. The subscriptions'
filters are drawn (seeded) so that each matches at least one change: 60% by a state of a changed agreement, 25% by
its agency, 10% by model, 5% every change. The receivers run in child processes and count what arrives.

Run: PYTHONPATH=src python benchmarks/watch_delivery.py [--subscriptions 10000] [--changes 50] [--concurrency 32]
     [--database URL]   (default: a fresh SQLite file; a PostgreSQL URL works, with its own fresh schema)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import random
import resource
import secrets
import ssl
import sys
import tempfile
import threading
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from wso.clock import FixedClock
from wso.registry import get_agency, ingest
from wso.store import open_database
from wso.watch.changes import record_changes
from wso.watch.messages import Site
from wso.watch.models import Subscription
from wso.watch.outbox import Sender
from wso.watch.subscriptions import new_secret
from wso.watch.transports import HttpWebhooks, SmtpMail, Transports
from wso.watch.watcher import WatchConfig, run_once

BUNDLED = Path(__file__).resolve().parents[1] / "src" / "wso" / "registry" / "data" / "20250704T151659Z"
BEFORE = "participatingAgencies07032025pm.xlsx"
AFTER = "participatingAgencies07072025am.xlsx"
PENDING = "pendingAgencies07032025pm.xlsx"


def make_after(out: Path, changes: int) -> None:
    """ICE's 07-03 pm workbook with `changes` data rows deleted, evenly spread (one row per agreement there)."""
    import openpyxl

    book = openpyxl.load_workbook(BUNDLED / BEFORE)
    sheet = book.worksheets[0]
    last = sheet.max_row
    step = (last - 2) // changes
    for row in sorted((3 + i * step for i in range(changes)), reverse=True):
        sheet.delete_rows(row)
    book.save(out)


def webhook_receiver(port: int, done: Any, result: Any) -> None:
    """A minimal HTTP/1.1 receiver on asyncio (keep-alive, answers 204), as lean as a production one in a
    compiled language would be next to the watcher: the benchmark measures the watcher, not the receiver."""
    seen: dict[str, int] = {}
    pairs: dict[tuple[int, str], int] = {}

    class Receiver(asyncio.Protocol):
        def connection_made(self, transport: Any) -> None:
            self.transport = transport
            self.buffer = b""

        def data_received(self, data: bytes) -> None:
            self.buffer += data
            while True:
                head, sep, rest = self.buffer.partition(b"\r\n\r\n")
                if not sep:
                    return
                headers = {}
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    headers[name.strip().lower()] = value.strip()
                length = int(headers.get(b"content-length", b"0"))
                if len(rest) < length:
                    return
                body, self.buffer = rest[:length], rest[length:]
                key = headers[b"webhook-id"].decode()
                seen[key] = seen.get(key, 0) + 1
                data_ = json.loads(body)
                pair = (data_["subscription"], data_["id"])
                pairs[pair] = pairs.get(pair, 0) + 1
                self.transport.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(Receiver, "127.0.0.1", port)
        while not done.is_set():
            await asyncio.sleep(0.1)
        server.close()

    asyncio.run(serve())
    result.put(
        {
            "posts": sum(seen.values()),
            "ids": len(seen),
            "pairs": len(pairs),
            "subs": len({sub for sub, _ in pairs}),
            "cpu": sum(resource.getrusage(resource.RUSAGE_SELF)[:2]),
            "max": max(pairs.values(), default=0),
        }
    )


def smtp_server(port: int, ca_file: str, ready: Any, done: Any, result: Any) -> None:
    import trustme
    from aiosmtpd.controller import Controller

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    ca.cert_pem.write_to_path(ca_file)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    ids: dict[str, int] = {}
    to: dict[str, int] = {}

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            head = envelope.content.split(b"\r\n\r\n", 1)[0].decode()
            mid = next(
                line.split(":", 1)[1].strip() for line in head.splitlines() if line.lower().startswith("message-id:")
            )
            ids[mid] = ids.get(mid, 0) + 1
            for rcpt in envelope.rcpt_tos:
                to[rcpt] = to.get(rcpt, 0) + 1
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True)
    controller.start()
    ready.set()
    done.wait()
    controller.stop()
    result.put(
        {
            "cpu": sum(resource.getrusage(resource.RUSAGE_SELF)[:2]),
            "messages": sum(ids.values()),
            "ids": len(ids),
            "recipients": len(to),
            "max": max(to.values(), default=0),
        }
    )


def ice_server(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    files = {"participating": folder / AFTER, "pending": BUNDLED / PENDING}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            path = files[self.path.strip("/")]
            data = path.read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Content-Disposition", f'attachment; filename="{path.name}"')
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def first_run(db: Any, clock: FixedClock) -> None:
    """The bundled lists as captured (2025-07-04), and the watcher's first run over them (history: told to none)."""
    with db.session() as session:
        captured = datetime(2025, 7, 4, 15, 16, 59, tzinfo=UTC)
        ingest(session, [BUNDLED / BEFORE, BUNDLED / PENDING], clock=clock, captured_at=captured)
        record_changes(session, clock=clock)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def subscriptions(session: Any, events: list[Any], count: int, hook: str, now: datetime) -> list[dict[str, Any]]:
    rng = random.Random(287)
    agencies = {e.agency_id: get_agency(session, e.agency_id) for e in events}
    states = sorted({e.state for e in events})
    ids = sorted(agencies)
    rows = []
    for n in range(count):
        channel = "webhook" if n % 2 == 0 else "email"
        draw = rng.random()
        row: dict[str, Any] = {"state": None, "county": None, "agency_id": None, "model": None, "change": None}
        if draw < 0.60:
            row["state"] = rng.choice(states)
        elif draw < 0.85:
            row["agency_id"] = rng.choice(ids)
        elif draw < 0.95:
            row["model"] = rng.choice(sorted({e.model for e in events}))
        rows.append(
            row
            | {
                "topic": "registry",
                "channel": channel,
                "target": hook if channel == "webhook" else f"reader{n}@example.org",
                "secret": new_secret() if channel == "webhook" else None,
                "status": "active",
                "origin": "cli",
                "token": secrets.token_urlsafe(32),
                "created_at": now,
                "confirmed_at": now,
                "failures": 0,
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--database", default=None)
    parser.add_argument("--tracemalloc", action="store_true", help="Also trace the Python heap (slows the run).")
    parser.add_argument("--profile", default=None, help="Write a cProfile of the run here.")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="wso-watch-bench-"))
    make_after(work / AFTER, args.changes)
    url = args.database or f"sqlite:///{work / 'wso.sqlite3'}"
    if args.database and args.database.startswith("postgresql"):
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        schema = f"bench_{secrets.token_hex(6)}"
        with create_engine(args.database).begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = (
            make_url(args.database)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    db = open_database(url)
    clock = FixedClock(datetime(2025, 7, 7, 15, 0, tzinfo=UTC))
    first_run(db, clock)
    ctx = mp.get_context("spawn")
    done, ready = ctx.Event(), ctx.Event()
    hook_result, smtp_result = ctx.Queue(), ctx.Queue()
    hook_port, smtp_port = free_port(), free_port()
    ca_file = str(work / "ca.pem")
    procs = [
        ctx.Process(target=webhook_receiver, args=(hook_port, done, hook_result)),
        ctx.Process(target=smtp_server, args=(smtp_port, ca_file, ready, done, smtp_result)),
    ]
    for p in procs:
        p.start()
    ready.wait(60)
    ice, ice_url = ice_server(work)
    # the subscriptions are drawn from the changes this publication will bring, computed on a copy first
    probe = open_database(f"sqlite:///{work / 'probe.sqlite3'}")
    first_run(probe, clock)
    with probe.session() as session:
        ingest(session, [work / AFTER], clock=clock, captured_at=clock.now())
        events, _ = record_changes(session, clock=clock)
        rows = subscriptions(session, events, args.subscriptions, f"http://127.0.0.1:{hook_port}/hook", clock.now())
    probe.dispose()
    with db.session() as session:
        session.execute(insert(Subscription), rows)
    clock.advance(timedelta(hours=1))
    webhooks = HttpWebhooks(timeout=30.0)
    mail = SmtpMail("127.0.0.1", smtp_port, ca_file=Path(ca_file))
    sender = Sender(
        Transports(webhooks, mail), Site("https://wso.example.org"), "wso <w@example.org>", concurrency=args.concurrency
    )
    config = WatchConfig(
        urls={"participating": f"{ice_url}/participating", "pending": f"{ice_url}/pending"}, data_dir=work / "data"
    )
    if args.tracemalloc:
        tracemalloc.start()
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        report = profiler.runcall(run_once, db, clock=clock, config=config, sender=sender)
        profiler.dump_stats(args.profile)
    else:
        report = run_once(db, clock=clock, config=config, sender=sender)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    watcher_cpu = after.ru_utime - cpu.ru_utime + after.ru_stime - cpu.ru_stime
    heap_peak = tracemalloc.get_traced_memory()[1] if args.tracemalloc else 0
    tracemalloc.stop()
    webhooks.close()
    mail.close()
    done.set()
    hooks, smtp = hook_result.get(timeout=60), smtp_result.get(timeout=60)
    for p in procs:
        p.join(30)
    ice.shutdown()
    db.dispose()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    when = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    print(f"watch delivery benchmark, {when}, {sys.platform}, database {url.split(':')[0]}")
    print(f"publication: {report.events} changes, {args.subscriptions:,} subscriptions, run {report.outcome}")
    d = report.delivery
    print(f"messages queued {report.queued:,}: sent {d.sent:,}, retrying {d.retrying}, failed {d.failed}")
    print(
        f"webhooks received {hooks['posts']:,}: distinct ids {hooks['ids']:,}, subscriptions {hooks['subs']:,}, "
        f"(subscription, change) pairs {hooks['pairs']:,}, most per pair {hooks['max']}"
    )
    print(
        f"e-mails received {smtp['messages']:,}: distinct Message-IDs {smtp['ids']:,}, "
        f"recipients {smtp['recipients']:,}, most per recipient {smtp['max']}"
    )
    reached = hooks["subs"] + smtp["recipients"]
    twice = hooks["posts"] != hooks["ids"] or hooks["max"] > 1 or smtp["messages"] != smtp["ids"] or smtp["max"] > 1
    print(f"subscriptions reached {reached:,} of {args.subscriptions:,}; nobody told twice: {'NO' if twice else 'yes'}")
    print(f"time from fetch to the last delivery: {seconds:.1f} s ({d.sent / seconds:,.0f} messages/s); goal < 60 s")
    heap = f", Python heap peak during the run {heap_peak / 2**20:,.0f} MiB" if args.tracemalloc else ""
    print(f"memory: peak RSS {rss:,.0f} MiB{heap}")
    print(
        f"CPU: the watcher {watcher_cpu:.1f} s; the receivers {hooks['cpu']:.1f} s (webhooks) and "
        f"{smtp['cpu']:.1f} s (SMTP, STARTTLS)"
    )
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the end")


if __name__ == "__main__":
    main()
