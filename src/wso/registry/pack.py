"""The registry's history in compact form: every stored table as read (snapshots, readings, rows, issues) and as
derived (agencies, agreements, pending listings), written to one xz-compressed JSON file and loaded back as is.

The package ships one (`data/history.json.xz`, made by `wso registry pack` from the public archive and the shared
captures), so a first run opens on the latest list the package knows with the whole trend. A pack holds the
registry's own distinct readings, not the workbooks: each snapshot's rows are runs of row numbers and the index
of each row's reading, which repeat from one publication to the next and compress to little.
"""

from __future__ import annotations

import json
import lzma
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Any

from sqlalchemy import Connection, Date, Table, insert, select

from wso.registry.bulk import bulk_insert
from wso.registry.models import AGENCIES, AGREEMENTS, ISSUES, PENDING_LISTINGS, READINGS, ROWS, SNAPSHOTS
from wso.store import UTCDateTime

FORMAT = 1
# the tables a pack holds besides the rows (issues without their serial id), in the order they are loaded
TABLES: tuple[Table, ...] = (SNAPSHOTS, READINGS, ISSUES, AGENCIES, AGREEMENTS, PENDING_LISTINGS)


class PackError(ValueError):
    """A file that is not a registry pack this version can load."""


@dataclass(frozen=True)
class PackSummary:
    snapshots: int
    rows: int
    readings: int
    latest: str | None  # the latest participating publication, e.g. 2026-02-27am
    bytes: int


def _columns(table: Table) -> list[str]:
    return [c.name for c in table.columns if not (table is ISSUES and c.name == "id")]


def _encode(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _runs(numbers: Sequence[int]) -> list[list[int]]:
    """Row numbers as [first, count] runs of consecutive numbers."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and runs[-1][0] + runs[-1][1] == n:
            runs[-1][1] += 1
        else:
            runs.append([n, 1])
    return runs


def write_pack(connection: Connection, path: Path) -> PackSummary:
    """Every registry table of the database behind `connection`, packed into `path` (xz JSON). Source paths keep
    only their folder and file name (a pack does not carry the machine it was made on)."""
    tables: dict[str, dict[str, Any]] = {}
    reading_index: dict[str, int] = {}
    for table in TABLES:
        columns = _columns(table)
        order = [table.c[c] for c in (("snapshot_id", "row_number") if table is ISSUES else ())] or list(
            table.primary_key.columns
        )
        records = [
            [_encode(v) for v in row]
            for row in connection.execute(select(*[table.c[c] for c in columns]).order_by(*order))
        ]
        if table is SNAPSHOTS:
            where = columns.index("source_path")
            for record in records:
                source = PurePath(str(record[where]))
                record[where] = f"{source.parent.name}/{source.name}"
        if table is READINGS:
            reading_index = {str(record[columns.index("id")]): i for i, record in enumerate(records)}
        tables[table.name] = {"columns": columns, "rows": records}
    rows: dict[str, list[Any]] = {}
    grouped: dict[str, list[tuple[int, str]]] = {}
    for sid, number, rid in connection.execute(select(ROWS.c.snapshot_id, ROWS.c.row_number, ROWS.c.reading_id)):
        grouped.setdefault(sid, []).append((number, rid))
    for sid in sorted(grouped):
        pairs = sorted(grouped[sid])
        rows[sid] = [_runs([n for n, _r in pairs]), [reading_index[r] for _n, r in pairs]]
    document = {"format": FORMAT, "tables": tables, "rows": rows}
    data = lzma.compress(json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode(), preset=9)
    path.write_bytes(data)
    return _summary(document, len(data))


def _summary(document: dict[str, Any], size: int) -> PackSummary:
    snapshots = document["tables"][SNAPSHOTS.name]
    columns = snapshots["columns"]
    kind, published, half = (columns.index(c) for c in ("kind", "published", "half"))
    listed = sorted(
        (r[published], {"am": 0, "mid": 1, None: 1, "pm": 2}.get(r[half], 1), r[half] or "")
        for r in snapshots["rows"]
        if r[kind] == "participating"
    )
    latest = f"{listed[-1][0]}{listed[-1][2]}" if listed else None
    total = sum(len(ids) for _runs, ids in document["rows"].values())
    return PackSummary(len(snapshots["rows"]), total, len(document["tables"][READINGS.name]["rows"]), latest, size)


def read_pack(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(lzma.decompress(path.read_bytes()))
    except (OSError, lzma.LZMAError, ValueError) as exc:
        raise PackError(f"{path}: not a registry pack ({exc})") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise PackError(f"{path}: not a registry pack of format {FORMAT}")
    return document


def _decoder(table: Table, columns: list[str]) -> list[tuple[int, type]]:
    decode: list[tuple[int, type]] = []
    for i, name in enumerate(columns):
        kind = table.c[name].type
        if isinstance(kind, UTCDateTime):
            decode.append((i, datetime))
        elif isinstance(kind, Date):
            decode.append((i, date))
    return decode


def load_pack(connection: Connection, path: Path) -> PackSummary:
    """The pack at `path` loaded into an empty registry, in the caller's transaction."""
    document = read_pack(path)
    tables = document["tables"]
    for table in TABLES:
        content = tables[table.name]
        columns: list[str] = content["columns"]
        records: list[list[Any]] = content["rows"]
        for i, kind in _decoder(table, columns):
            parse = datetime.fromisoformat if kind is datetime else date.fromisoformat
            for record in records:
                if record[i] is not None:
                    record[i] = parse(record[i])
        if table is SNAPSHOTS:  # time zones to keep: through SQLAlchemy's types
            connection.execute(insert(table), [dict(zip(columns, r, strict=True)) for r in records])
        elif records:
            bulk_insert(connection, table, [tuple(r) for r in records], columns=columns)
    readings = tables[READINGS.name]
    where = readings["columns"].index("id")
    reading_ids = [r[where] for r in readings["rows"]]
    rows: list[tuple[str, int, str]] = []
    for sid, (runs, ids) in document["rows"].items():
        numbers = [first + k for first, count in runs for k in range(count)]
        rows.extend(zip([sid] * len(ids), numbers, [reading_ids[i] for i in ids], strict=True))
    bulk_insert(connection, ROWS, rows, columns=("snapshot_id", "row_number", "reading_id"), plain=True)
    return _summary(document, path.stat().st_size)
