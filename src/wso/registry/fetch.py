"""Download ICE's current spreadsheets, keep them as a new capture, and ingest them.

Files land in <data dir>/captures/<UTC capture time, YYYYMMDDTHHMMSSZ>/<name>, where the name is the one the
server gives (Content-Disposition), else the URL's last segment; a name without ICE's MMDDYYYY date gets one
made from the capture time in US Eastern time (ICE's am/pm), e.g. participatingAgencies07042025am.xlsx.
Nothing is written unless every download succeeds, and nothing at all when every file's bytes are already stored
(ICE's lists often stay the same for days)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from wso.clock import Clock
from wso.registry.dates import capture_folder_name
from wso.registry.dating import ICE_TIME_ZONE
from wso.registry.ingestion import FileResult, IngestError, IngestReport, ingest
from wso.registry.models import SNAPSHOTS

TIMEOUT = httpx.Timeout(60.0, connect=15.0)


class FetchError(RuntimeError):
    """A download that failed: the message names the URL and what went wrong."""


@dataclass(frozen=True)
class Fetched:
    kind: str
    url: str
    path: Path


def _name_from_headers(response: httpx.Response) -> str | None:
    header = response.headers.get("content-disposition")
    if not header:
        return None
    message = Message()
    message["content-disposition"] = header
    name = message.get_filename()
    return PurePosixPath(name).name if name else None


def file_name_for(kind: str, url: str, response: httpx.Response, captured_at: datetime) -> str:
    name = _name_from_headers(response) or PurePosixPath(unquote(urlsplit(url).path)).name
    name = re.sub(r"[^\w.\-]+", "_", name).strip("._") or f"{kind}Agencies.xlsx"
    if not name.lower().endswith((".xlsx", ".csv")):
        name += ".xlsx"
    if kind not in name.lower():
        name = f"{kind}Agencies_{name}"
    if not re.search(r"\d{8}", name):
        local = captured_at.astimezone(ICE_TIME_ZONE)
        stem, dot, ext = name.rpartition(".")
        name = f"{stem}{local:%m%d%Y}{'am' if local.hour < 12 else 'pm'}{dot}{ext}"
    return name


def download(client: httpx.Client, url: str) -> httpx.Response:
    try:
        response = client.get(url)
    except httpx.HTTPError as exc:
        raise FetchError(f"GET {url}: {exc.__class__.__name__}: {exc}") from exc
    if response.status_code >= 400:
        raise FetchError(f"GET {url}: HTTP {response.status_code} {response.reason_phrase}".rstrip())
    if not response.content:
        raise FetchError(f"GET {url}: the server sent an empty file")
    return response


def fetch(
    session: Session,
    *,
    clock: Clock,
    data_dir: Path,
    urls: dict[str, str],
    client: httpx.Client | None = None,
) -> tuple[list[Fetched], IngestReport]:
    """Download each of `urls` (kind -> URL: participating, pending) into a new capture folder and ingest it."""
    captured_at = clock.now()
    own = client is None
    http = client or httpx.Client(follow_redirects=True, timeout=TIMEOUT, headers={"User-Agent": "wso-registry"})
    try:
        responses = [(kind, url, download(http, url)) for kind, url in urls.items()]
    finally:
        if own:
            http.close()
    # bytes already stored are not kept again: when nothing changed, no capture folder is written at all
    known = set(session.scalars(select(SNAPSHOTS.c.id)))
    unchanged = IngestReport()
    fresh = []
    for kind, url, response in responses:
        sha = hashlib.sha256(response.content).hexdigest()
        if sha in known:
            unchanged.files.append(
                FileResult(url, sha, "skipped", kind=kind, message="same bytes as a stored snapshot: not kept again")
            )
        else:
            fresh.append((kind, url, response))
    if not fresh:
        return [], unchanged
    folder = data_dir / "captures" / capture_folder_name(captured_at)
    folder.mkdir(parents=True, exist_ok=True)
    fetched = []
    for kind, url, response in fresh:
        path = folder / file_name_for(kind, url, response, captured_at)
        path.write_bytes(response.content)
        fetched.append(Fetched(kind, url, path))
    try:
        report = ingest(session, [f.path for f in fetched], clock=clock, captured_at=captured_at)
    except IngestError as exc:
        raise FetchError(f"{exc} (the downloaded files are kept in {folder})") from exc
    report.files[:0] = unchanged.files
    return fetched, report
