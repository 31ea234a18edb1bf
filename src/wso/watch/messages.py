"""What a subscriber receives: a change as JSON (webhooks, signed the Standard Webhooks way) and as text
(e-mail, with a one-click unsubscribe under RFC 8058), and the confirmation request that comes first."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from email.header import Header
from email.message import Message
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit

from wso.watch.models import WatchEvent

UNFOLDED = compat32.clone(max_line_length=None)  # a long List-Unsubscribe URL stays on its header's line
MODEL_NAMES = {"TFM": "Task Force", "JEM": "Jail Enforcement", "WSO": "Warrant Service Officer"}


@dataclass(frozen=True)
class Site:
    """The public site's address, for every link a message or a feed carries."""

    url: str

    @property
    def base(self) -> str:
        return self.url.rstrip("/")

    @property
    def host(self) -> str:
        return urlsplit(self.base).hostname or "localhost"

    def agency(self, agency_id: str) -> str:
        return f"{self.base}/agencies/{agency_id}"

    def confirm(self, token: str) -> str:
        return f"{self.base}/watch/confirm/{token}"

    def unsubscribe(self, token: str) -> str:
        return f"{self.base}/watch/unsubscribe/{token}"


def _day(value: date | None) -> str:
    return value.isoformat() if value else "no date"


def headline(e: WatchEvent) -> str:
    """One line saying what changed."""
    who = f"{e.agency_name} ({e.state})"
    model = f"{e.model} ({MODEL_NAMES.get(e.model, e.model)})"
    text = {
        "signed": f"{who}: {model} agreement signed {_day(e.signed)}, now listed by ICE",
        "pending_signed": f"{who}: {model} agreement, listed as pending before, signed {_day(e.signed)}",
        "removed": f"{who}: {model} agreement signed {_day(e.signed)} no longer listed by ICE",
        "redated": f"{who}: {model} agreement re-dated by ICE from {_day(e.signed_before)} to {_day(e.signed)}",
        "pending_listed": f"{who}: listed by ICE as pending for a {model} agreement",
    }[e.change]
    if e.correction:
        return f"Correction: ICE's next list takes this back: {text}"
    return text


def explanation(e: WatchEvent) -> str:
    lists = f"ICE's {e.list_kind} list of {e.new_label}, compared with that of {e.old_label}"
    if e.correction:
        return (
            f"{lists}, says again what the list before said about this agreement: the change told earlier did not last."
        )
    return f"From {lists}."


def event_json(e: WatchEvent, site: Site) -> dict[str, Any]:
    """A change as a webhook carries it."""

    def publication(label: str, sha: str, published: date) -> dict[str, Any]:
        return {"kind": e.list_kind, "label": label, "published": published.isoformat(), "sha256": sha}

    return {
        "type": "change",
        "id": e.id,
        "change": e.change,
        "correction": e.correction,
        "corrects": e.corrects,
        "text": headline(e),
        "agreement": {
            "id": e.agreement_id,
            "model": e.model,
            "signed": e.signed.isoformat() if e.signed else None,
            "signed_before": e.signed_before.isoformat() if e.signed_before else None,
            "agency": {
                "id": e.agency_id,
                "name": e.agency_name,
                "state": e.state,
                "county": e.county,
                "url": site.agency(e.agency_id),
            },
        },
        "publications": {
            "old": publication(e.old_label, e.old_sha256, e.old_published),
            "new": publication(e.new_label, e.new_sha256, e.new_published),
        },
    }


def body(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def signature(secret: str, msg_id: str, timestamp: int, payload: bytes) -> str:
    """The Standard Webhooks signature: v1, then base64 HMAC-SHA256 of 'id.timestamp.body' under the secret's
    bytes (the base64 after 'whsec_')."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + payload, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def webhook_headers(secret: str, msg_id: str, timestamp: int, payload: bytes) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, msg_id, timestamp, payload),
    }


@dataclass(frozen=True)
class Envelope:
    """What every e-mail to a subscriber needs besides its text: its idempotency key (the Message-ID), the site,
    the From and To addresses, the subscription's link token, and the time."""

    key: str
    site: Site
    sender: str
    to: str
    token: str
    now: datetime


def _mail(env: Envelope, subject: str, text: str) -> Message:
    """A plain-text message in UTF-8. Built with the email package's compat32 classes: the default policy parses
    every header it is given, about ten times the cost, and a run may send thousands."""
    message = MIMEText(text, "plain", "utf-8", policy=UNFOLDED)
    message["From"] = env.sender
    message["To"] = env.to
    message["Subject"] = subject if subject.isascii() else Header(subject, "utf-8").encode()
    message["Date"] = format_datetime(env.now)
    message["Message-ID"] = f"<{env.key}@{env.site.host}>"
    message["Auto-Submitted"] = "auto-generated"
    return message


def _with_unsubscribe(env: Envelope, subject: str, text: str) -> Message:
    """A message with RFC 8058's one-click unsubscribe: the URL to POST 'List-Unsubscribe=One-Click' to, and
    the header that says so."""
    message = _mail(env, subject, text)
    message["List-Unsubscribe"] = f"<{env.site.unsubscribe(env.token)}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


def paragraph(e: WatchEvent, site: Site) -> str:
    """A change as a digest tells it: what, from which lists, and the agency's page."""
    return f"{headline(e)}\n  {explanation(e)}\n  {site.agency(e.agency_id)}\n"


def digest_email(
    env: Envelope,
    events: list[WatchEvent],
    describe: str,
    paragraph: Callable[[WatchEvent, Site], str] = paragraph,
) -> Message:
    """The changes of one run that a subscription asked for, in one message (`paragraph` tells each)."""
    if len(events) == 1:
        subject = f"287(g): {headline(events[0])}"
    else:
        days = sorted({e.new_published for e in events})
        subject = f"287(g): {len(events)} changes in ICE's lists of {', '.join(d.isoformat() for d in days)}"
    parts = [paragraph(e, env.site) for e in events]
    text = (
        "\n".join(parts)
        + f"\nYou asked to be told of changes to ICE's 287(g) lists ({describe}).\n"
        + f"Stop these messages: {env.site.unsubscribe(env.token)}\n"
    )
    return _with_unsubscribe(env, subject, text)


def confirm_email(env: Envelope, describe: str) -> Message:
    text = (
        "Someone, we hope you, asked to be told by e-mail of changes to ICE's lists of 287(g) agreements "
        f"({describe}).\n\nTo start, confirm here: {env.site.confirm(env.token)}\n\n"
        "If it was not you, ignore this message: nothing more will be sent.\n"
    )
    return _mail(env, "Confirm: changes to 287(g) agreements", text)


def confirm_json(subscription_id: int, token: str, describe: str, site: Site) -> dict[str, Any]:
    return {
        "type": "subscription_confirmation",
        "subscription": subscription_id,
        "filter": describe,
        "confirm_url": site.confirm(token),
        "unsubscribe_url": site.unsubscribe(token),
    }


def reminder_email(env: Envelope, about: dict[str, Any]) -> Message:
    """A reminder that an agency's answer to a public-records request is due (or, where the law sets no
    deadline, that it is time to follow up)."""
    what = "must answer by" if about["kind"] == "due" else "has no deadline in the law; follow up on"
    subject = f"Records request {about['request']}: {about['agency']} {what} {about['when']}"
    text = (
        f"Your public-records request {about['request']} to {about['agency']} ({about['state']}), under "
        f"{about['law']} ({about['citation']}), sent {about['sent']}: the agency {what} {about['when']}.\n\n"
        "If it has answered, log it in the tracker (wso records log) and no more reminders will come for it.\n"
        f"Stop these reminders: {env.site.unsubscribe(env.token)}\n"
    )
    return _with_unsubscribe(env, subject, text)
