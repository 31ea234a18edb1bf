"""Atom feeds (RFC 4287) of the changes told: national, per state, per agency, per model; served by the web
application at /feeds/... and written as static files for a site without a server.

Each change is one entry whose id is a URN derived from the change's own id, so it never changes; a correction
is an entry of its own that links to the entry it corrects. A feed holds the latest `LIMIT` entries. Feeds carry
only what ICE published (agencies, models, dates): nothing about any subscriber."""

from __future__ import annotations

import os
import tempfile
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from wso.watch.filters import MODELS
from wso.watch.messages import MODEL_NAMES, Site, explanation, headline
from wso.watch.models import WatchEvent

LIMIT = 200
ATOM_NS = "http://www.w3.org/2005/Atom"
Scope = Literal["all", "states", "agencies", "models"]
_NAMESPACE = uuid.UUID("6f0c2a8e-2f6e-5c43-9a59-287028702870")


@dataclass(frozen=True)
class FeedRef:
    scope: Scope
    value: str | None = None

    @property
    def path(self) -> str:
        return "/feeds/all.atom" if self.scope == "all" else f"/feeds/{self.scope}/{self.value}.atom"


def urn(text: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, text)}"


def _events(session: Session, ref: FeedRef) -> list[WatchEvent]:
    stmt = select(WatchEvent).order_by(WatchEvent.seq.desc()).limit(LIMIT)
    if ref.scope == "states":
        stmt = stmt.where(WatchEvent.state == ref.value)
    elif ref.scope == "agencies":
        stmt = stmt.where(WatchEvent.agency_id == ref.value)
    elif ref.scope == "models":
        stmt = stmt.where(WatchEvent.model == ref.value)
    return list(session.scalars(stmt))


def _when(e: WatchEvent) -> datetime:
    """A change of the history recorded on the first run is dated by the publication that showed it; one seen
    by the watcher, when it was recorded."""
    return datetime.combine(e.new_published, time(), UTC) if e.history else e.recorded_at


def _title(ref: FeedRef, name: str | None) -> str:
    if ref.scope == "all":
        return "287(g) agreements: changes in ICE's lists"
    if ref.scope == "models":
        return f"287(g) {ref.value} ({MODEL_NAMES.get(str(ref.value), ref.value)}) agreements: changes in ICE's lists"
    return f"287(g) agreements in {name or ref.value}: changes in ICE's lists"


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    child = ET.SubElement(parent, tag, attrs)
    if text is not None:
        child.text = text
    return child


def _stamp(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def atom(session: Session, ref: FeedRef, *, site: Site, now: datetime, name: str | None = None) -> bytes:
    """The feed named by `ref`, as Atom XML, newest entry first. `now` dates a feed that has no entry yet."""
    events = _events(session, ref)
    feed = ET.Element("feed", xmlns=ATOM_NS)  # unprefixed: ElementTree cannot write a default namespace itself
    _add(feed, "id", urn(f"feed:{ref.path}"))
    _add(feed, "title", _title(ref, name))
    _add(feed, "updated", _stamp(max((_when(e) for e in events), default=now)))
    author = _add(feed, "author")
    _add(author, "name", "wso")
    _add(feed, "link", href=site.base + ref.path, rel="self", type="application/atom+xml")
    page = {"states": f"/states/{ref.value}", "agencies": f"/agencies/{ref.value}"}.get(ref.scope, "/")
    _add(feed, "link", href=site.base + page, rel="alternate", type="text/html")
    _add(feed, "generator", "wso")
    for e in events:
        entry = _add(feed, "entry")
        _add(entry, "id", urn(e.id))
        _add(entry, "title", headline(e))
        _add(entry, "updated", _stamp(_when(e)))
        _add(entry, "published", _stamp(_when(e)))
        _add(entry, "link", href=site.agency(e.agency_id), rel="alternate", type="text/html")
        if e.corrects:
            _add(entry, "link", href=urn(e.corrects), rel="related")
        _add(entry, "summary", explanation(e))
        _add(entry, "category", term=e.change, label=e.change.replace("_", " "))
        _add(entry, "category", term=e.model)
        _add(entry, "category", term=e.state)
    ET.indent(feed)
    data: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def feeds_to_write(session: Session) -> list[FeedRef]:
    """Every feed: all, each model, and each state and agency with at least one change."""
    states = session.scalars(select(WatchEvent.state).distinct())
    agencies = session.scalars(select(WatchEvent.agency_id).distinct())
    return [
        FeedRef("all"),
        *(FeedRef("models", m) for m in MODELS),
        *(FeedRef("states", s) for s in sorted(states)),
        *(FeedRef("agencies", a) for a in sorted(agencies)),
    ]


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_feeds(session: Session, out: Path, *, site: Site, now: datetime) -> list[Path]:
    """Write every feed under `out` (all.atom, states/TX.atom, agencies/<id>.atom, models/WSO.atom), each file
    whole or not at all. Returns the files written."""
    written = []
    for ref in feeds_to_write(session):
        path = out / ref.path.removeprefix("/feeds/")
        write_atomic(path, atom(session, ref, site=site, now=now))
        written.append(path)
    return written
