"""The delivery seams, one method each: a webhook POST and an e-mail send; real ones and in-package fakes.

A transport raises `TransportError` for a message that did not go: `permanent` when sending it again cannot help
(a 4xx answer other than 408 and 429, an SMTP 5xx), `gone` when the receiver said the subscription should end
(HTTP 410)."""

from __future__ import annotations

import contextlib
import email
import email.policy
import http.client
import smtplib
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit


class TransportError(RuntimeError):
    def __init__(self, message: str, *, permanent: bool = False, gone: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent or gone
        self.gone = gone


class WebhookTransport(Protocol):
    def post(self, url: str, body: bytes, headers: dict[str, str]) -> None: ...


class MailTransport(Protocol):
    def send(self, message: Message) -> None: ...


class HttpWebhooks:
    """POSTs over the standard library's http.client, one kept-alive connection per sending thread and origin;
    any 2xx answer is a delivery. (httpx, which the rest of wso uses, costs about four times the CPU per request,
    and a run may send tens of thousands.) TLS is verified with the system's CAs, redirects are not followed."""

    def __init__(self, *, timeout: float = 15.0, context: ssl.SSLContext | None = None) -> None:
        self.timeout = timeout
        self.context = context or ssl.create_default_context()
        self._local = threading.local()
        self._all: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def _connection(self, scheme: str, host: str, port: int | None) -> tuple[http.client.HTTPConnection, bool]:
        pool: dict[tuple[str, str, int | None], http.client.HTTPConnection] = self._local.__dict__.setdefault(
            "pool", {}
        )
        key = (scheme, host, port)
        if key in pool:
            return pool[key], True
        if scheme == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                host, port, timeout=self.timeout, context=self.context
            )
        else:
            conn = http.client.HTTPConnection(host, port, timeout=self.timeout)
        conn.connect()
        # http.client may write a request's headers and body apart: Nagle's algorithm would hold the body back
        # until the receiver's delayed ACK (about 40 ms a message on Linux)
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pool[key] = conn
        with self._lock:
            self._all.append(conn)
        return conn, False

    def _forget(self, scheme: str, host: str, port: int | None) -> None:
        pool = self._local.__dict__.get("pool", {})
        conn = pool.pop((scheme, host, port), None)
        if conn is not None:
            conn.close()

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> None:
        parts = urlsplit(url)
        scheme, host, port = parts.scheme, parts.hostname or "", parts.port
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        sent = {**headers, "Content-Type": "application/json", "User-Agent": "wso-watch", "Host": parts.netloc}
        for attempt in (1, 2):
            try:
                conn, reused = self._connection(scheme, host, port)
                conn.request("POST", target, body=body, headers=sent)
                response = conn.getresponse()
                response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self._forget(scheme, host, port)
                if attempt == 1 and reused:  # a kept connection the receiver had closed: once more, on a new one
                    continue
                raise TransportError(f"POST {url}: {exc.__class__.__name__}: {exc}") from exc
            except (OSError, http.client.HTTPException) as exc:
                self._forget(scheme, host, port)
                raise TransportError(f"POST {url}: {exc.__class__.__name__}: {exc}") from exc
            if response.will_close:
                self._forget(scheme, host, port)
            break
        status = response.status
        if 200 <= status < 300:
            return
        reason = f"POST {url}: HTTP {status} {response.reason}".rstrip()
        if status == 410:
            raise TransportError(reason + " (the receiver ended the subscription)", gone=True)
        transient = status in (408, 429) or status >= 500
        raise TransportError(reason, permanent=not transient)

    def close(self) -> None:
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            conn.close()


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
        if smtp.sock is not None:  # each command is a round trip: do not let Nagle's algorithm hold one back
            smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
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

    def send(self, message: Message) -> None:
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

    def send(self, message: Message) -> None:
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
    """Keeps every message as a receiver reads it (parsed again from its bytes); `fail` maps an address to the
    TransportError it raises. For tests."""

    sent: list[EmailMessage] = field(default_factory=list)
    fail: dict[str, TransportError] = field(default_factory=dict)

    def send(self, message: Message) -> None:
        if str(message["To"]) in self.fail:
            raise self.fail[str(message["To"])]
        parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.sent.append(parsed)


@dataclass(frozen=True)
class Transports:
    webhooks: WebhookTransport
    mail: MailTransport
