"""Subscribing, confirming, listing and removing: the library behind `wso watch subscribe/list/remove` and the
site's subscribe form.

An e-mail subscription is pending until its owner follows the link in the confirmation message; a webhook made
from the CLI (by the operator) is active at once, one made on the public site is pending until the link in the
signed confirmation request it receives is followed. A subscriber's target is personal data: a view carries it
only when the caller asks (`identified=True`)."""

from __future__ import annotations

import base64
import ipaddress
import json
import re
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from wso.clock import Clock
from wso.registry import get_agency
from wso.watch.filters import BadFilter, Filter
from wso.watch.models import Delivery, Subscription

CHANNELS = ("webhook", "email")
_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;.]+$")


class SubscriptionError(ValueError):
    """A subscription refused, or one that does not exist; nothing was written."""


class UnknownSubscription(SubscriptionError, LookupError):
    def __init__(self, subscription_id: int) -> None:
        super().__init__(f"no subscription with id {subscription_id}; `wso watch list` shows them")


@dataclass(frozen=True)
class SubscriptionView:
    id: int
    topic: str
    channel: str
    filter: Filter
    status: str
    origin: str
    created_at: datetime
    confirmed_at: datetime | None
    removed_at: datetime | None
    failures: int
    last_error: str | None
    pending: int  # deliveries waiting
    failed: int  # deliveries that failed for good
    target: str | None = None  # personal data: only when asked for


@dataclass(frozen=True)
class NewSubscription:
    subscription: SubscriptionView
    secret: str | None  # a webhook's signing secret: shown this once, never again
    needs_confirmation: bool


def new_secret() -> str:
    """A webhook secret in the Standard Webhooks form: whsec_ and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def check_email(address: str) -> str:
    text = address.strip()
    if not _EMAIL.match(text) or len(text) > 254:
        raise SubscriptionError(f"--email {address!r} is not an e-mail address (write it as name@example.org)")
    return text


def is_private_host(host: str) -> bool:
    """Whether `host` is, or resolves to, an address on this machine or a private network."""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global:
            return True
    return False


def check_webhook_url(url: str, *, public: bool) -> str:
    """A webhook URL: http(s) with a host; from the public site, https to a host that is not private."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SubscriptionError(f"--webhook {url!r} is not an http(s) URL (write it as https://example.org/hook)")
    if public and (parts.scheme != "https" or is_private_host(parts.hostname)):
        raise SubscriptionError(
            f"{url!r}: a webhook made on the public site must be https and reachable on the internet"
        )
    return text


def _views(session: Session, rows: list[Subscription], identified: bool) -> list[SubscriptionView]:
    counts: dict[tuple[int, str], int] = {}
    if rows:
        stmt = (
            select(Delivery.subscription_id, Delivery.status, func.count())
            .where(Delivery.subscription_id.in_([r.id for r in rows]), Delivery.status.in_(("pending", "failed")))
            .group_by(Delivery.subscription_id, Delivery.status)
        )
        counts = {(sid, status): n for sid, status, n in session.execute(stmt)}
    return [
        SubscriptionView(
            id=r.id,
            topic=r.topic,
            channel=r.channel,
            filter=Filter(r.state, r.county, r.agency_id, r.model, r.change),
            status=r.status,
            origin=r.origin,
            created_at=r.created_at,
            confirmed_at=r.confirmed_at,
            removed_at=r.removed_at,
            failures=r.failures,
            last_error=r.last_error,
            pending=counts.get((r.id, "pending"), 0),
            failed=counts.get((r.id, "failed"), 0),
            target=r.target if identified else None,
        )
        for r in rows
    ]


def view(session: Session, row: Subscription, identified: bool = False) -> SubscriptionView:
    return _views(session, [row], identified)[0]


def enqueue(session: Session, row: Subscription, *, key: str, kind: str, payload: object, at: datetime) -> bool:
    """Add one message to the outbox unless its key is already there (so doing it twice sends it once)."""
    if session.scalar(select(Delivery.id).where(Delivery.key == key)) is not None:
        return False
    session.add(
        Delivery(
            key=key,
            subscription_id=row.id,
            kind=kind,
            payload=json.dumps(payload),
            status="pending",
            attempts=0,
            next_attempt_at=at,
            created_at=at,
        )
    )
    return True


def subscribe(
    session: Session,
    *,
    clock: Clock,
    filter: Filter,
    email: str | None = None,
    webhook: str | None = None,
    origin: str = "cli",
) -> NewSubscription:
    """A new subscription to changes in ICE's lists, by e-mail or webhook (exactly one)."""
    if (email is None) == (webhook is None):
        raise SubscriptionError("give one of --webhook URL or --email ADDRESS")
    if filter.agency_id is not None and get_agency(session, filter.agency_id) is None:
        raise BadFilter(f"--agency {filter.agency_id!r} names no agency; find ids with `wso registry agency NAME`")
    now = clock.now()
    channel = "email" if email is not None else "webhook"
    target = check_email(email) if email is not None else check_webhook_url(str(webhook), public=origin == "web")
    same = session.scalars(
        select(Subscription).where(
            Subscription.topic == "registry",
            Subscription.channel == channel,
            Subscription.target == target,
            Subscription.status != "removed",
        )
    )
    for existing in same:
        if Filter(existing.state, existing.county, existing.agency_id, existing.model, existing.change) == filter:
            if origin == "web":  # the site answers alike whether or not the address was subscribed already
                return NewSubscription(view(session, existing), None, existing.status == "pending")
            raise SubscriptionError(f"subscription {existing.id} already sends this ({filter.describe()}) there")
    confirm = channel == "email" or origin == "web"
    row = Subscription(
        topic="registry",
        channel=channel,
        target=target,
        secret=new_secret() if channel == "webhook" else None,
        state=filter.state,
        county=filter.county,
        agency_id=filter.agency_id,
        model=filter.model,
        change=filter.change,
        status="pending" if confirm else "active",
        origin=origin,
        token=secrets.token_urlsafe(32),
        created_at=now,
        confirmed_at=None if confirm else now,
        failures=0,
    )
    session.add(row)
    session.flush()
    if confirm:
        enqueue(session, row, key=f"confirm-{row.id}", kind="confirm", payload={}, at=now)
    return NewSubscription(view(session, row), row.secret, confirm)


def list_subscriptions(
    session: Session, *, identified: bool = False, status: str | None = None, topic: str | None = "registry"
) -> list[SubscriptionView]:
    stmt = select(Subscription).order_by(Subscription.id)
    if status is not None:
        stmt = stmt.where(Subscription.status == status)
    if topic is not None:
        stmt = stmt.where(Subscription.topic == topic)
    return _views(session, list(session.scalars(stmt)), identified)


def _end(session: Session, row: Subscription, now: datetime) -> None:
    row.status = "removed"
    row.removed_at = now
    session.execute(
        update(Delivery)
        .where(Delivery.subscription_id == row.id, Delivery.status == "pending")
        .values(status="dropped", last_error="the subscription was removed")
    )


def remove_subscription(session: Session, subscription_id: int, *, clock: Clock) -> SubscriptionView:
    """End a subscription: nothing more is sent to it (messages waiting in the outbox are dropped)."""
    row = session.get(Subscription, subscription_id)
    if row is None:
        raise UnknownSubscription(subscription_id)
    if row.status != "removed":
        _end(session, row, clock.now())
    return view(session, row)


def by_token(session: Session, token: str) -> Subscription | None:
    if not token or len(token) > 64:
        return None
    return session.scalar(select(Subscription).where(Subscription.token == token))


def confirm_subscription(session: Session, token: str, *, clock: Clock) -> SubscriptionView | None:
    """Follow a confirmation link: a pending subscription becomes active. None for a token that names none."""
    row = by_token(session, token)
    if row is None:
        return None
    if row.status == "pending":
        row.status = "active"
        row.confirmed_at = clock.now()
    return view(session, row)


def unsubscribe(session: Session, token: str, *, clock: Clock) -> SubscriptionView | None:
    """Follow an unsubscribe link (RFC 8058 one-click, or the page's button). None for an unknown token."""
    row = by_token(session, token)
    if row is None:
        return None
    if row.status != "removed":
        _end(session, row, clock.now())
    return view(session, row)
