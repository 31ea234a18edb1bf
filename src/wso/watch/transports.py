"""The delivery seams, one method each: a webhook POST and an e-mail send; real ones and in-package fakes.

A transport raises `TransportError` for a message that did not go: `permanent` when sending it again cannot help
(a 4xx answer other than 408 and 429, an SMTP 5xx), `gone` when the receiver said the subscription should end
(HTTP 410)."""

from __future__ import annotations

import contextlib
import smtplib
import ssl
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

import httpx


class TransportError(RuntimeError):
    def __init__(self, message: str, *, permanent: bool = False, gone: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent or gone
        self.gone = gone


class WebhookTransport(Protocol):
    def post(self, url: str, body: bytes, headers: dict[str, str]) -> None: ...


class MailTransport(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class HttpWebhooks:
    """POSTs with httpx (one pooled client, safe across threads); any 2xx answer is a delivery."""

    def __init__(self, *, timeout: float = 15.0, client: httpx.Client | None = None) -> None:
        self.client = client or httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=False,
            headers={"User-Agent": "wso-watch"},
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
        )

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> None:
        try:
            response = self.client.post(url, content=body, headers={**headers, "Content-Type": "application/json"})
        except httpx.HTTPError as exc:
            raise TransportError(f"POST {url}: {exc.__class__.__name__}: {exc}") from exc
        if 200 <= response.status_code < 300:
            return
        reason = f"POST {url}: HTTP {response.status_code} {response.reason_phrase}".rstrip()
        if response.status_code == 410:
            raise TransportError(reason + " (the receiver ended the subscription)", gone=True)
        transient = response.status_code in (408, 429) or response.status_code >= 500
        raise TransportError(reason, permanent=not transient)

    def close(self) -> None:
        self.client.close()


@dataclass
class SmtpMail:
    """Sends over SMTP, one connection per sending thread, kept open between messages; STARTTLS is required
    unless `starttls` is False (for a server on the same machine)."""

    host: str
    port: int = 587
    username: str | None = None
    password: str | None = None
    starttls: bool = True
    ca_file: Path | None = None
    timeout: float = 30.0
    context: ssl.SSLContext | None = None
    _local: threading.local = field(default_factory=threading.local, repr=False)
    _all: list[smtplib.SMTP] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _connect(self) -> smtplib.SMTP:
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if self.starttls:
                if not smtp.has_extn("starttls"):
                    raise TransportError(f"SMTP {self.host}:{self.port} does not offer STARTTLS (WSO_SMTP_STARTTLS)")
                context = self.context or ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)
                smtp.starttls(context=context)
                smtp.ehlo()
            if self.username:
                smtp.login(self.username, self.password or "")
        except BaseException:
            smtp.close()
            raise
        with self._lock:
            self._all.append(smtp)
        return smtp

    def _drop(self) -> None:
        smtp = getattr(self._local, "smtp", None)
        self._local.smtp = None
        if smtp is not None:
            with contextlib.suppress(OSError):
                smtp.close()

    def send(self, message: EmailMessage) -> None:
        for attempt in (1, 2):  # a kept connection the server closed meanwhile is opened again, once
            try:
                smtp = getattr(self._local, "smtp", None)
                if smtp is None:
                    smtp = self._local.smtp = self._connect()
                smtp.send_message(message)
                return
            except smtplib.SMTPServerDisconnected as exc:
                self._drop()
                if attempt == 2:
                    raise TransportError(f"SMTP {self.host}:{self.port}: {exc}") from exc
            except smtplib.SMTPRecipientsRefused as exc:
                codes = [code for code, _ in exc.recipients.values()]
                permanent = all(c >= 500 for c in codes)
                raise TransportError(f"SMTP refused the recipient: {codes}", permanent=permanent) from exc
            except smtplib.SMTPResponseException as exc:
                if exc.smtp_code >= 500:
                    self._reset()
                raise TransportError(
                    f"SMTP {self.host}:{self.port}: {exc.smtp_code} {exc.smtp_error!r}", permanent=exc.smtp_code >= 500
                ) from exc
            except (OSError, smtplib.SMTPException) as exc:
                self._drop()
                raise TransportError(f"SMTP {self.host}:{self.port}: {exc.__class__.__name__}: {exc}") from exc

    def _reset(self) -> None:
        smtp = getattr(self._local, "smtp", None)
        try:
            if smtp is not None:
                smtp.rset()
        except (OSError, smtplib.SMTPException):
            self._drop()

    def close(self) -> None:
        with self._lock:
            conns, self._all = self._all, []
        for smtp in conns:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()


class NoMail:
    """What sends e-mail when no SMTP server is set: nothing; every message waits in the outbox."""

    def send(self, message: EmailMessage) -> None:
        raise TransportError("no SMTP server is set (WSO_SMTP_HOST): the message waits in the outbox")


@dataclass
class MemoryWebhooks:
    """Keeps every POST; `fail` maps a URL to the TransportError it raises. For tests."""

    posts: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)
    fail: dict[str, TransportError] = field(default_factory=dict)

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> None:
        if url in self.fail:
            raise self.fail[url]
        self.posts.append((url, body, headers))


@dataclass
class MemoryMail:
    """Keeps every message; `fail` maps an address to the TransportError it raises. For tests."""

    sent: list[EmailMessage] = field(default_factory=list)
    fail: dict[str, TransportError] = field(default_factory=dict)

    def send(self, message: EmailMessage) -> None:
        if str(message["To"]) in self.fail:
            raise self.fail[str(message["To"])]
        self.sent.append(message)


@dataclass(frozen=True)
class Transports:
    webhooks: WebhookTransport
    mail: MailTransport
