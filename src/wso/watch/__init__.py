"""Watch: tell subscribers when ICE's 287(g) lists change, and remind requesters of public-records due dates.

Public functions (the CLI and the web application call only these):

- subscriptions: `make_filter(...)` -> `Filter` (raises `BadFilter`), `subscribe(session, clock=, filter=,
  email=|webhook=, origin=)` -> `NewSubscription` (a webhook's secret, shown once), `list_subscriptions`,
  `remove_subscription`, `confirm_subscription(session, token, clock=)`, `unsubscribe(session, token, clock=)`,
  `by_token`; refusals raise `SubscriptionError`;
- the watcher: `run_once_with_settings(database, settings, clock)`, `run_forever_with_settings(...)`,
  `start_in_background(...)` (for `wso serve`), `watch_status(session)`;
- feeds: `atom(session, FeedRef(scope, value), site=, now=)`, `write_feeds(session, out, site=, now=)`;
- records reminders: `issue_calendar(session, email, clock=)` (a token, shown once), `calendar_owner(session,
  token)`, `records_calendar(session, email, site=, now=, reminder_days=)`.

The parts (`changes`, `outbox`, `transports`, `watcher`) are importable for tests and benchmarks that wire the
transports by hand."""

from wso.watch.feeds import FeedRef, atom, write_feeds
from wso.watch.filters import CHANGES, MODELS, BadFilter, Filter, make_filter
from wso.watch.messages import Site
from wso.watch.reminders import calendar_owner, issue_calendar, records_calendar
from wso.watch.service import run_forever_with_settings, run_once_with_settings, start_in_background
from wso.watch.status import WatchStatus, watch_status
from wso.watch.subscriptions import (
    NewSubscription,
    SubscriptionError,
    SubscriptionView,
    UnknownSubscription,
    by_token,
    confirm_subscription,
    list_subscriptions,
    remove_subscription,
    subscribe,
    unsubscribe,
)
from wso.watch.watcher import RunReport

__all__ = [
    "CHANGES",
    "MODELS",
    "BadFilter",
    "FeedRef",
    "Filter",
    "NewSubscription",
    "RunReport",
    "Site",
    "SubscriptionError",
    "SubscriptionView",
    "UnknownSubscription",
    "WatchStatus",
    "atom",
    "by_token",
    "calendar_owner",
    "confirm_subscription",
    "issue_calendar",
    "list_subscriptions",
    "make_filter",
    "records_calendar",
    "remove_subscription",
    "run_forever_with_settings",
    "run_once_with_settings",
    "start_in_background",
    "subscribe",
    "unsubscribe",
    "watch_status",
    "write_feeds",
]
