"""Files beside ICE's lists that date them: a manifest (path and capture time of each file, as archives keep
them) and a corrections file (publication dates set by hand). Both are CSV; a bad line stops the ingest with a
message naming the file, the line and the field."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

from wso.registry.dating import HandDate

# a manifest's time column, by the names archives use; the first present is read
TIME_COLUMNS = ("captured_at", "capture_time", "captured", "first_committed", "committed_at", "timestamp", "time")
HALVES = ("am", "mid", "pm")


class SourceError(ValueError):
    """A manifest or corrections file that cannot be read (the message names file, line and field)."""


@dataclass(frozen=True)
class ManifestEntry:
    at: datetime  # the file existed then (UTC)
    sha256: str | None
    source: str  # "MANIFEST.csv line 4"


@dataclass
class Manifest:
    """Capture times by file: by resolved path, and by bare name when that name is listed once."""

    by_path: dict[Path, ManifestEntry]
    by_name: dict[str, ManifestEntry | None]  # None: the name is listed more than once

    def get(self, path: Path) -> ManifestEntry | None:
        found = self.by_path.get(resolved(path))
        return found if found is not None else self.by_name.get(path.name)

    def update(self, other: Manifest) -> None:
        self.by_path.update(other.by_path)
        for name, entry in other.by_name.items():
            self.by_name[name] = None if name in self.by_name else entry


@lru_cache(maxsize=256)
def _resolved_folder(folder: Path) -> Path:
    return folder.resolve()


@lru_cache(maxsize=256)
def _links_in(folder: Path) -> frozenset[str] | None:
    """The names of a folder's symbolic links, from one listing of it (not a system call per file); None when it
    cannot be listed."""
    try:
        with os.scandir(folder) as entries:
            return frozenset(entry.name for entry in entries if entry.is_symlink())
    except OSError:
        return None


def forget_folders() -> None:
    """Forget the folders `resolved` has resolved and listed (an ingest starts with none, so a link changed since
    counts)."""
    _resolved_folder.cache_clear()
    _links_in.cache_clear()


def resolved(path: Path) -> Path:
    """`path.resolve()`, its folder resolved once for all the files in it (a thousand files, a few folders); a
    file that is itself a symbolic link, or a name that is not one, is resolved whole."""
    if path.name in ("", ".", ".."):
        return path.resolve()
    links = _links_in(path.parent)
    if links is None or path.name in links:
        return path.resolve()
    return _resolved_folder(path.parent) / path.name


def empty_manifest() -> Manifest:
    return Manifest({}, {})


def _header(first_line: str) -> list[str]:
    return [cell.strip().lower() for cell in next(csv.reader([first_line]), [])]


def is_manifest(data: bytes) -> bool:
    """Whether a CSV file's header names a manifest: a `path` column and a time column."""
    first = data[:4096].decode("utf-8-sig", errors="replace").splitlines()[:1]
    columns = _header(first[0]) if first else []
    return "path" in columns and any(c in columns for c in TIME_COLUMNS)


def _time(text: str, where: str) -> datetime:
    try:
        at = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise SourceError(f"{where}: {text!r} is not a time (write it as 2025-04-29T17:27:47+05:45)") from None
    if at.tzinfo is None:
        raise SourceError(f"{where}: {text!r} has no time zone (add Z for UTC, or an offset)")
    return at.astimezone(UTC)


def _csv_records(path: Path, what: str) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """A CSV file's columns (lower case) and its records (line number, column -> stripped text)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: cannot be read as a CSV {what} ({exc})") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    records = (
        (number, {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()})
        for number, raw in enumerate(reader, start=2)
    )
    return columns, records


def read_manifest(path: Path) -> Manifest:
    """A manifest: a CSV file with `path` (relative to the manifest's folder) and a capture time column
    (TIME_COLUMNS; with its offset), and optionally `sha256`."""
    columns, records = _csv_records(path, "manifest")
    time_column = next((c for c in TIME_COLUMNS if c in columns), None)
    if "path" not in columns or time_column is None:
        raise SourceError(f"{path}: a manifest needs a `path` column and one of {', '.join(TIME_COLUMNS)}")
    manifest = empty_manifest()
    for number, record in records:
        where = f"{path.name} line {number}"
        if not record.get("path"):
            raise SourceError(f"{path} line {number}: field path is empty")
        at = _time(record[time_column], f"{path} line {number}: field {time_column}")
        entry = ManifestEntry(at, record.get("sha256") or None, where)
        target = resolved(path.parent / record["path"])
        manifest.by_path[target] = entry
        name = Path(record["path"]).name
        manifest.by_name[name] = None if name in manifest.by_name else entry
    return manifest


@dataclass
class Corrections:
    """Publication dates set by hand: by file name, by path as written, or by sha256 (8 digits or more)."""

    entries: list[tuple[str, HandDate]]

    def get(self, path: Path, sha: str) -> HandDate | None:
        for key, hand in self.entries:
            if key in (path.name, str(path)) or (len(key) >= 8 and sha.startswith(key.lower())):
                return hand
            if "/" in key and str(path).endswith("/" + key.lstrip("/")):
                return hand
        return None


def read_corrections(path: Path) -> Corrections:
    """A corrections file: CSV with `file` (a file name, a path, or a sha256 of 8 digits or more),
    `published` (YYYY-MM-DD), and optionally `half` (am, mid, pm or empty) and `why`."""
    columns, records = _csv_records(path, "corrections file")
    if "file" not in columns or "published" not in columns:
        raise SourceError(f"{path}: a corrections file needs the columns file and published (half, why optional)")
    entries: list[tuple[str, HandDate]] = []
    for number, record in records:
        where = f"{path} line {number}"
        if not record.get("file"):
            raise SourceError(f"{where}: field file is empty")
        try:
            published = date.fromisoformat(record.get("published", ""))
        except ValueError:
            raise SourceError(f"{where}: field published {record.get('published')!r} is not YYYY-MM-DD") from None
        half = record.get("half", "").lower() or None
        if half is not None and half not in HALVES:
            raise SourceError(f"{where}: field half {half!r}: use am, mid, pm or leave it empty")
        entries.append((record["file"], HandDate(published, half, f"{path.name} line {number}", record.get("why"))))
    return Corrections(entries)
