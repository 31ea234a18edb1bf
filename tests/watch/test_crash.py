"""A watcher killed (SIGKILL) between sending a message and recording that it went tells nobody twice: started
again, it sends what was not recorded under the same idempotency keys (webhook-id, Message-ID), and the receiver,
which keeps the keys it has seen, acts on each message once. Real processes: `wso watch --once`, killed by the
webhook receiver or the SMTP server itself while the watcher waits for its answer."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.watch.servers import FakeIce, Received, SmtpSink, WebhookReceiver
from tests.watch.test_golden import TICKS
from wso.clock import FixedClock
from wso.store import open_database
from wso.watch import confirm_subscription, make_filter, subscribe
from wso.watch.models import Delivery, WatchEvent
from wso.watch.outbox import Sender, deliver_due
from wso.watch.watcher import WatchConfig, run_once

pytestmark = pytest.mark.slow


def _watch_once(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "wso", "watch", "--once", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.parametrize("killed_by", ["webhook", "email"])
def test_a_watcher_killed_between_sending_and_recording_tells_nobody_twice(
    killed_by: str,
    tmp_path: Path,
    ice: FakeIce,
    receiver: WebhookReceiver,
    smtp: SmtpSink,
    clock: FixedClock,
    config: WatchConfig,
    sender: Sender,
) -> None:
    url = f"sqlite:///{tmp_path / 'wso.sqlite3'}"
    db = open_database(url)
    ice.tick(*TICKS[0])
    assert run_once(db, clock=clock, config=config, sender=sender, sleep=lambda _: None).outcome == "ok"
    clock.advance(timedelta(hours=1))
    with db.session() as session:
        for path in ("/a", "/b"):
            subscribe(session, clock=clock, filter=make_filter(), webhook=receiver.url(path))
        subscribe(session, clock=clock, filter=make_filter(state="WY"), webhook=receiver.url("/wy"))
        subscribe(session, clock=clock, filter=make_filter(), email="reader@example.org")
    deliver_due(db, clock=clock, sender=sender)  # its confirmation request, followed at once
    (request,) = smtp.messages
    token = request.get_body(("plain",)).get_content().split("/watch/confirm/")[1].split()[0]  # type: ignore[union-attr]
    with db.session() as session:
        assert confirm_subscription(session, token, clock=clock) is not None
    smtp.messages.clear()
    ice.tick(*TICKS[1])  # 05-19pm: 15 changes, 7 + 8
    env = {k: v for k, v in os.environ.items() if not k.startswith("WSO_") or k == "WSO_TEST_POSTGRES_URL"}
    env |= {
        "WSO_DATA_DIR": str(tmp_path / "data"),
        "WSO_DATABASE_URL": url,
        "WSO_FETCH_PARTICIPATING_URL": ice.urls["participating"],
        "WSO_FETCH_PENDING_URL": ice.urls["pending"],
        "WSO_SMTP_HOST": "127.0.0.1",
        "WSO_SMTP_PORT": str(smtp.port),
        "WSO_SMTP_CA_FILE": str(smtp.ca_file),
        "WSO_WATCH_CONCURRENCY": "1",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
    }
    first = _watch_once(env)
    killed: list[Received] = []

    killed_mail: list[EmailMessage] = []

    def kill_on_the_tenth(post: Received) -> None:
        if len(receiver.posts) == 10 and not killed:
            killed.append(post)
            os.kill(first.pid, signal.SIGKILL)  # the watcher sent it and waits for this answer: it never comes

    def kill_on_the_digest(message: EmailMessage) -> None:
        if not killed_mail:
            killed_mail.append(message)
            os.kill(first.pid, signal.SIGKILL)  # the message arrived; the watcher never hears the server's 250

    if killed_by == "webhook":
        receiver.on_post = kill_on_the_tenth
    else:
        smtp.on_data = kill_on_the_digest
    first.communicate(timeout=120)
    assert first.returncode == -signal.SIGKILL and (killed or killed_mail)
    receiver.on_post, smtp.on_data = None, None
    sent_before = len(receiver.posts)

    second = _watch_once(env)
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err.decode()
    report = json.loads(out)
    assert report["failed"] == 0 and report["new_publications"] == 0  # the kill came after the changes were recorded

    with db.session() as session:
        events = list(session.scalars(select(WatchEvent).where(WatchEvent.history.is_(False))))
        deliveries = list(session.scalars(select(Delivery)))
    assert len(events) == 15
    wyoming = [e for e in events if e.state == "WY"]
    assert len(wyoming) == 1  # Laramie County listed as pending
    expected_keys = {f"{e.id}.{s}" for e in events for s in (1, 2)} | {f"{e.id}.3" for e in wyoming}
    digests = [d for d in deliveries if d.kind == "digest"]
    assert {d.key for d in deliveries if d.kind == "event"} == expected_keys and len(digests) == 1
    assert all(d.status == "sent" for d in deliveries)
    unique = receiver.unique()
    assert set(unique) == expected_keys  # every subscriber told every change once, by key
    mails = smtp.unique()
    assert list(mails) == [f"<{digests[0].key}@127.0.0.1>"]  # the e-mail subscriber too, by Message-ID
    if killed_by == "webhook":
        resent = len(receiver.posts) - len(unique)
        assert 1 <= resent <= sent_before  # the message in flight at the kill (and any not yet recorded) went again
        assert killed[0].headers["webhook-id"] in {p.headers["webhook-id"] for p in receiver.posts[sent_before:]}
    else:
        assert len(smtp.messages) == 2  # the digest in flight at the kill went again, under the same Message-ID
        assert len(receiver.posts) >= len(unique)
    db.dispose()
