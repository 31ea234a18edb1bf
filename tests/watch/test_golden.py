"""Golden: five real publications of ICE's lists (May 19-23, 2025), served one pair per tick by a local ICE, watched
by the real watcher, delivered to a local webhook receiver and a local SMTP server (STARTTLS). Each subscriber
gets exactly the notifications in golden/may-2025.json, each once.

The ticks cover every kind of change: pending agreements listed (05-19pm, 05-21pm), signed after being pending
(05-19pm, 05-20pm), signed and removed (ICE renamed 'City of Melbourne Police Department' and the University of
West Florida's agency on 05-20pm: the registry counts them as other agencies), re-dated (Hillsborough County, NH:
SIGNED 2025-05-16 corrected to 2025-05-22 on 05-23am), and two pending listings that ICE's very next list dropped
without signing them (East Donegal and Pleasant Township Constables, PA: listed 05-21pm, gone 05-23am), which go
out as corrections to those told of them, not as new changes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from standardwebhooks.webhooks import Webhook

from tests.watch.servers import FakeIce, SmtpSink, WebhookReceiver
from wso.clock import FixedClock
from wso.registry import find_agencies
from wso.store import Database
from wso.watch import confirm_subscription, make_filter, remove_subscription, subscribe
from wso.watch.outbox import Sender
from wso.watch.watcher import WatchConfig, run_once

GOLDEN = Path(__file__).parent / "golden" / "may-2025.json"
TICKS = [
    ("participatingAgencies05192025am.xlsx", "pendingAgencies05192025am.xlsx"),
    ("participatingAgencies05192025pm.xlsx", "pendingAgencies05192025pm.xlsx"),
    ("participatingAgencies05202025pm.xlsx", "pendingAgencies05202025pm.xlsx"),
    ("participatingAgencies05202025pm.xlsx", "pendingAgencies05212025pm.xlsx"),
    ("participatingAgencies05232025am.xlsx", "pendingAgencies05232025am.xlsx"),
]


def _change(data: dict[str, Any]) -> list[Any]:
    agreement = data["agreement"]
    return [
        data["publications"]["new"]["label"],
        data["change"],
        data["correction"],
        agreement["agency"]["state"],
        agreement["agency"]["name"],
        agreement["model"],
        agreement["signed"],
    ]


def _mail_lines(message: EmailMessage) -> list[str]:
    body = message.get_body(("plain",))
    assert body is not None
    return [line for line in body.get_content().splitlines() if line and not line.startswith((" ", "You ", "Stop "))]


def test_the_watcher_tells_each_subscriber_exactly_what_changed_once(
    db: Database,
    ice: FakeIce,
    receiver: WebhookReceiver,
    smtp: SmtpSink,
    clock: FixedClock,
    config: WatchConfig,
    sender: Sender,
) -> None:
    def tick(n: int) -> None:
        ice.tick(*TICKS[n])
        report = run_once(db, clock=clock, config=config, sender=sender, sleep=lambda _: None)
        assert report.outcome == "ok", report.error
        assert report.delivery.failed == 0 and report.delivery.retrying == 0, report.delivery.errors
        clock.advance(timedelta(hours=1))

    tick(0)  # the first run: ICE's lists as they stand are history, told to nobody
    with db.session() as session:
        hillsborough = find_agencies(session, "Hillsborough County Sheriff", state="NH")[0].id
        subs = {
            "all": subscribe(session, clock=clock, filter=make_filter(), webhook=receiver.url("/all")),
            "PA": subscribe(session, clock=clock, filter=make_filter(state="pa"), webhook=receiver.url("/pa")),
            "hillsborough": subscribe(
                session, clock=clock, filter=make_filter(agency=hillsborough), webhook=receiver.url("/nh")
            ),
            "gone": subscribe(session, clock=clock, filter=make_filter(), webhook=receiver.url("/gone")),
            "WY": subscribe(session, clock=clock, filter=make_filter(state="Wyoming"), email="wy@example.org"),
            "redated": subscribe(session, clock=clock, filter=make_filter(change="redated"), email="r@example.org"),
            "lawrence-jem": subscribe(
                session,
                clock=clock,
                filter=make_filter(state="AL", county="lawrence", model="jem"),
                email="al@example.org",
            ),
            "unconfirmed": subscribe(session, clock=clock, filter=make_filter(), email="never@example.org"),
        }
    assert all(s.secret and s.secret.startswith("whsec_") for k, s in subs.items() if k in ("all", "PA", "gone"))
    assert [s.needs_confirmation for s in subs.values()] == [False] * 4 + [True] * 4

    tick(0)  # the same lists again: no change, only the four confirmation requests go out
    assert receiver.posts == []
    confirmations = {str(m["To"]): m for m in smtp.messages}
    assert sorted(confirmations) == ["al@example.org", "never@example.org", "r@example.org", "wy@example.org"]
    for address in ("al@example.org", "r@example.org", "wy@example.org"):
        text = confirmations[address].get_body(("plain",)).get_content()  # type: ignore[union-attr]
        token = text.split("/watch/confirm/")[1].split()[0]
        with db.session() as session:
            assert confirm_subscription(session, token, clock=clock) is not None
    smtp.messages.clear()

    for n in range(1, len(TICKS)):
        if n == 2:
            with db.session() as session:
                remove_subscription(session, subs["gone"].subscription.id, clock=clock)
        tick(n)

    got: dict[str, list[list[Any]]] = {}
    secrets = {
        f"/{k}": s.secret
        for k, s in (("all", subs["all"]), ("pa", subs["PA"]), ("nh", subs["hillsborough"]), ("gone", subs["gone"]))
    }
    for post in receiver.posts:
        # the signature, checked by the Standard Webhooks library (at the message's own time: the clock is 2025's)
        sent_at = datetime.fromtimestamp(int(post.headers["webhook-timestamp"]), UTC)
        expected_signature = Webhook(str(secrets[post.path])).sign(
            post.headers["webhook-id"], sent_at, post.body.decode()
        )
        assert post.headers["webhook-signature"] == expected_signature
        got.setdefault(post.path.strip("/"), []).append(_change(json.loads(post.body)))
    for message in smtp.messages:
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert str(message["List-Unsubscribe"]).startswith("<https://wso.example.org/watch/unsubscribe/")
        got.setdefault(str(message["To"]), []).append(_mail_lines(message))

    # nobody is told twice: every message has its own key
    assert len(receiver.unique()) == len(receiver.posts)
    assert len(smtp.unique()) == len(smtp.messages)
    assert all(smtp.tls_seen)
    got = {k: sorted(v, key=json.dumps) for k, v in sorted(got.items())}  # deliveries go out concurrently
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))
