"""Reading one of ICE's files into the records an ingest stores (`parse_file`), without SQLAlchemy: the ingesting
process and the parsing workers (`wso.registry.pool`, started before the database layer is imported) share it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from typing import Any

from wso.registry.dates import read_capture_folder, read_file_name
from wso.registry.dating import Evidence, date_publication, local_day
from wso.registry.finding import IngestError
from wso.registry.headers import find_header
from wso.registry.readings import IssueRecord, ReadRow
from wso.registry.rows import RowCache, read_sheet
from wso.registry.sheets import OpenedFile, Table, is_csv_name, open_file
from wso.registry.sources import Corrections, Manifest, SourceError, empty_manifest, is_manifest, read_manifest


@dataclass
class Parsed:
    """One file read: its snapshot, rows, readings and issues as records (nothing written yet)."""

    snapshot: dict[str, Any]
    numbers: list[int]  # the row number of each data row
    reading_ids: list[str]  # the reading of each data row
    readings: dict[str, ReadRow]  # reading id -> the row as read
    issues: list[dict[str, Any]]

    @property
    def rows(self) -> list[tuple[str, int, str]]:
        """(snapshot id, row number, reading id) of every data row."""
        return list(zip(repeat(self.snapshot["id"]), self.numbers, self.reading_ids))


def file_issue(code: str, message: str, field: str | None = None, value: str | None = None) -> IssueRecord:
    return IssueRecord(None, code, field, value, message)


# the Internet Archive's address of a link: web.archive.org/web/<stamp, perhaps with a flag>/<the address>
_WAYBACK_RE = re.compile(r"^https?://web\.archive\.org/web/\d{4,14}[a-z_]*/(?=https?://)", re.I)


def _unwrap_archived_links(table: Table, column: int) -> int:
    """Cells of `column` that hold the Internet Archive's address of a link, replaced by the link itself (the
    web-page era's tables write ICE's MOA links so, each with its own capture's stamp); how many were."""
    count = 0
    for _number, cells in table.rows:
        if column < len(cells):
            cell = cells[column]
            if type(cell) is str and cell.startswith(("https://web.", "http://web.")):
                found = _WAYBACK_RE.match(cell)
                if found is not None:
                    cells[column] = cell[found.end() :]
                    count += 1
    return count


def content_kind(table: Table) -> str:
    """participating or pending by the content: a participating list has a SIGNED column with a value in it."""
    index, _header, columns = find_header(table)
    column = columns.get("signed")
    if column is None:
        return "pending"
    for _number, cells in table.rows[index + 1 :]:
        if column < len(cells) and cells[column] not in (None, ""):
            return "participating"
    return "pending"


def latest_signed(sheet_readings: Iterable[ReadRow], upper: date) -> date | None:
    """The latest SIGNED date of a list, among those not after `upper`."""
    latest: date | None = None
    for signed in {r.signed for r in sheet_readings}:
        if signed is not None and signed <= upper and (latest is None or signed > latest):
            latest = signed
    return latest


@dataclass(frozen=True)
class Sources:
    """What dates the files of one ingest besides their names: capture time given, manifest, corrections."""

    today: date
    captured_at: datetime | None = None
    manifest: Manifest | None = None
    corrections: Corrections | None = None


def parse_file(
    path: Path,
    content: bytes | OpenedFile,
    sha: str,
    *,
    captured_at: datetime | None,
    ingested_at: datetime,
    cache: RowCache | None = None,
    sources: Sources | None = None,
) -> Parsed:
    """Read one file (its bytes, or the file as `open_file` opened them) into snapshot, row and issue records
    (nothing written yet), dated by `wso.registry.dating`. Raises SheetError/HeaderError."""
    opened = open_file(path.name, content) if isinstance(content, bytes) else content
    table = opened.table()
    info = read_file_name(path.name)
    if sources is None:
        sources = Sources(today=local_day(ingested_at), captured_at=captured_at)
    file_issues: list[IssueRecord] = []
    kind = content_kind(table)
    if info.kind is None:
        file_issues.append(
            file_issue("kind_from_header", f"file name does not say participating or pending; read as {kind}")
        )
    elif info.kind != kind:
        held = "SIGNED dates" if kind == "participating" else "no SIGNED dates"
        file_issues.append(
            file_issue(
                "kind_from_content",
                f"file name says {info.kind} but the list holds {held}: read as a {kind} list",
                "kind",
                info.kind,
            )
        )
    _index, _header, columns = find_header(table)
    if "moa" in columns and (unwrapped := _unwrap_archived_links(table, columns["moa"])):
        file_issues.append(
            file_issue(
                "moa_from_archive",
                f"{unwrapped} MOA cell(s) hold the Internet Archive's address of ICE's link "
                "(web.archive.org/web/<stamp>/...): read as ICE's address",
                "moa",
            )
        )
    sheet = read_sheet(table, kind, cache)

    # the capture: given, a stamp in the name, a stamp in the folder, a manifest, else the file's mtime
    manifest_entry = sources.manifest.get(path) if sources.manifest is not None else None
    if manifest_entry is not None and manifest_entry.sha256 and manifest_entry.sha256.lower() != sha:
        file_issues.append(
            file_issue(
                "manifest_mismatch",
                f"{manifest_entry.source} lists other bytes (sha256 {manifest_entry.sha256[:12]}...) under this "
                "name: its time is not used",
            )
        )
        manifest_entry = None
    captured_by: str
    if captured_at is None:
        captured_at = sources.captured_at
    if captured_at is not None:
        captured_by = "--captured-at"
    elif info.stamp is not None:
        captured_at, captured_by = info.stamp, "stamp in the file name"
    elif (folder_time := read_capture_folder(path.parent.name)) is not None:
        captured_at, captured_by = folder_time, f"folder {path.parent.name!r}"
    elif manifest_entry is not None:
        captured_at, captured_by = manifest_entry.at, manifest_entry.source
    else:
        captured_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        captured_by = "the file's modification time"
        file_issues.append(
            file_issue(
                "captured_from_mtime",
                f"neither the name nor folder {path.parent.name!r} carries a capture time, no manifest lists it and "
                f"no --captured-at was given; using the file's modification time {captured_at.isoformat()}",
            )
        )
    upper = local_day(captured_at)
    evidence = Evidence(
        name=info,
        today=sources.today,
        captured_at=captured_at,
        captured_by=captured_by,
        saved_at=opened.saved_at(),
        latest_signed=latest_signed(sheet.readings, upper),
        hand=sources.corrections.get(path, sha) if sources.corrections is not None else None,
    )
    dated = date_publication(evidence)
    file_issues.extend(dated.issues)
    all_issues = file_issues + sheet.issues
    snapshot: dict[str, Any] = {
        "id": sha,
        "kind": kind,
        "file_name": path.name,
        "source_path": str(path),
        "published": dated.published,
        "half": dated.half,
        "dated_by": dated.dated_by,
        "captured_at": captured_at,
        "ingested_at": ingested_at,
        "file_format": table.file_format,
        "header": json.dumps(sheet.header, ensure_ascii=False),
        "row_count": len(sheet.numbers),
        "blank_rows": sheet.blank_rows,
    }
    if sheet.blank_rows:
        all_issues.append(
            file_issue("blank_rows", f"{sheet.blank_rows} blank row(s) between the header and the last row skipped")
        )
    reading_ids = list(map(attrgetter("reading_id"), sheet.readings))
    readings = dict(zip(reading_ids, sheet.readings, strict=True))
    issues = [issue_record(sha, path.name, i) for i in all_issues]
    return Parsed(snapshot, sheet.numbers, reading_ids, readings, issues)


def issue_record(sha: str, file_name: str, i: IssueRecord) -> dict[str, Any]:
    return {
        "snapshot_id": sha,
        "file_name": file_name,
        "row_number": i.row_number,
        "code": i.code,
        "field": i.field,
        "value": i.value,
        "message": i.message,
    }


def split_manifests(files: Sequence[Path], manifest: Manifest | None) -> tuple[list[Path], list[Path], Manifest | None]:
    """The files that are not manifests, those that are, and the manifest grown by the latter (read first, as they
    date the lists). A manifest that does not read raises IngestError."""
    lists: list[Path] = []
    manifests: list[Path] = []
    for path in files:
        if is_csv_name(path.name) and is_manifest(path.read_bytes()[:4096]):
            try:
                found = read_manifest(path)
            except SourceError as exc:
                raise IngestError(str(exc)) from exc
            if manifest is None:
                manifest = empty_manifest()
            manifest.update(found)
            manifests.append(path)
        else:
            lists.append(path)
    return lists, manifests, manifest
