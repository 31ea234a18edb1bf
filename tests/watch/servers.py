"""Local stand-ins for the outside world, on loopback only: ICE publishing its lists one tick at a time, a webhook
receiver and an SMTP server (aiosmtpd, with STARTTLS from a test CA) that keep what arrives."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.conftest import SHEETS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet(name: str) -> Path:
    """One of ICE's files in tests/data/ice-287g-sheets, by its name (each name is there once)."""
    found = sorted(SHEETS.glob(f"*/{name}"))
    assert len(found) == 1, f"{name}: {len(found)} files"
    return found[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 resets connections when the watcher opens 16 at once


def _start(handler: type[BaseHTTPRequestHandler]) -> tuple[_Server, str]:
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class FakeIce:
    """ICE's two URLs; `tick(participating, pending)` publishes the named files (served under ICE's names, in
    Content-Disposition, as ICE's server does); `down` answers 503, `slow` waits before answering."""

    def __init__(self) -> None:
        self.files: dict[str, Path] = {}
        self.down = False
        self.slow = 0.0
        self.requests = 0
        ice = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                ice.requests += 1
                kind = self.path.strip("/").removesuffix(".xlsx")
                if ice.slow:
                    time.sleep(ice.slow)
                if ice.down or kind not in ice.files:
                    self.send_error(503 if ice.down else 404)
                    return
                path = ice.files[kind]
                data = path.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", XLSX)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Content-Disposition", f'attachment; filename="{path.name}"')
                self.end_headers()
                self.wfile.write(data)

        self.server, self.base = _start(Handler)

    def tick(self, participating: str, pending: str) -> None:
        self.files = {"participating": sheet(participating), "pending": sheet(pending)}

    @property
    def urls(self) -> dict[str, str]:
        return {"participating": f"{self.base}/participating.xlsx", "pending": f"{self.base}/pending.xlsx"}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class WebhookReceiver:
    """Keeps every POST; answers `status` (200); `on_post` runs before answering (a test may stop the sender
    there). A receiver dedupes on webhook-id: `unique()` is what it acts on."""

    def __init__(self) -> None:
        self.posts: list[Received] = []
        self.status = 200
        self.on_post: Callable[[Received], None] | None = None
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                got = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, data)
                with receiver.lock:
                    receiver.posts.append(got)
                if receiver.on_post is not None:
                    receiver.on_post(got)
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server, self.base = _start(Handler)

    def url(self, path: str = "/hook") -> str:
        return self.base + path

    def unique(self) -> dict[str, Received]:
        with self.lock:
            return {p.headers["webhook-id"]: p for p in self.posts}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class SmtpSink:
    """aiosmtpd on a free loopback port, STARTTLS required, with a certificate from a test CA (trustme)."""

    ca_file: Path
    messages: list[EmailMessage] = field(default_factory=list)
    on_data: Callable[[EmailMessage], None] | None = None
    controller: Any = None
    port: int = 0
    tls_seen: list[bool] = field(default_factory=list)

    def start(self, cert_dir: Path) -> None:
        import trustme
        from aiosmtpd.controller import Controller

        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        ca.cert_pem.write_to_path(str(self.ca_file))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                message = email.message_from_bytes(envelope.content, policy=email.policy.default)
                assert isinstance(message, EmailMessage)
                sink.tls_seen.append(session.ssl is not None)
                sink.messages.append(message)
                if sink.on_data is not None:
                    sink.on_data(message)
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(
            Handler(), hostname="127.0.0.1", port=self.port, tls_context=context, require_starttls=True
        )
        self.controller.start()

    def unique(self) -> dict[str, EmailMessage]:
        return {str(m["Message-ID"]): m for m in self.messages}

    def close(self) -> None:
        self.controller.stop()
