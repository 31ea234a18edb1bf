"""The notifier seam: where a raised alert goes. One method; log, webhook and an in-memory fake."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("wso.custody.alerts")


@dataclass(frozen=True)
class AlertMessage:
    """An alert as sent: no personal data, only ids, the kind and the times (UTC ISO 8601)."""

    kind: str
    hold: str
    warrant: str
    facility: str
    at: str
    due_at: str | None
    text: str


class Notifier(Protocol):
    def notify(self, alert: AlertMessage) -> None: ...


class LogNotifier:
    """Writes each alert to the `wso.custody.alerts` logger (WARNING)."""

    def notify(self, alert: AlertMessage) -> None:
        log.warning("%s %s %s: %s", alert.at, alert.kind, alert.warrant, alert.text)


class WebhookNotifier:
    """POSTs each alert as JSON to a URL (WSO_WEBHOOK_URL); a non-2xx answer raises `httpx.HTTPStatusError`."""

    def __init__(self, url: str, *, timeout: float = 10.0, client: httpx.Client | None = None) -> None:
        import httpx  # here, not at import: only a webhook needs it, and every custody command imports this

        self.url = url
        self.client = client or httpx.Client(timeout=timeout)

    def notify(self, alert: AlertMessage) -> None:
        response = self.client.post(self.url, json=asdict(alert))
        response.raise_for_status()


class MemoryNotifier:
    """Keeps every alert in a list. For tests and replays."""

    def __init__(self) -> None:
        self.sent: list[AlertMessage] = []

    def notify(self, alert: AlertMessage) -> None:
        self.sent.append(alert)
