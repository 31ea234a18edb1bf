"""Watch fixtures: local ICE, webhook receiver and SMTP server; a database and a watcher wired to them."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.watch.servers import FakeIce, SmtpSink, WebhookReceiver
from wso.clock import FixedClock
from wso.watch.messages import Site
from wso.watch.outbox import Sender
from wso.watch.transports import HttpWebhooks, SmtpMail, Transports
from wso.watch.watcher import WatchConfig

START = datetime(2025, 5, 23, 16, 0, tzinfo=UTC)
SITE = Site("https://wso.example.org")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def ice() -> Iterator[FakeIce]:
    server = FakeIce()
    yield server
    server.close()


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver()
    yield server
    server.close()


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[SmtpSink]:
    sink = SmtpSink(ca_file=tmp_path / "ca.pem")
    sink.start(tmp_path)
    yield sink
    sink.close()


@pytest.fixture
def config(ice: FakeIce, tmp_path: Path) -> WatchConfig:
    return WatchConfig(urls=ice.urls, data_dir=tmp_path / "data", fetch_timeout=5.0, fetch_attempts=2)


@pytest.fixture
def sender(smtp: SmtpSink) -> Iterator[Sender]:
    webhooks = HttpWebhooks(timeout=5.0)
    mail = SmtpMail("127.0.0.1", smtp.port, ca_file=smtp.ca_file)
    yield Sender(Transports(webhooks, mail), SITE, "wso <watch@wso.example.org>", rng=random.Random(7))
    webhooks.close()
    mail.close()
