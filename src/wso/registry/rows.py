"""From a sheet's cells to registry rows: read each data row under the header's columns (the cell readers of
`headers`, `states`, `dates`, `kinds`, `links`), and record every cell that cannot be read cleanly as an issue.
Nothing is dropped: blank rows are counted."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from wso.registry.dates import read_date
from wso.registry.headers import as_text, find_header, is_blank
from wso.registry.kinds import read_kind, read_model
from wso.registry.links import read_links, unwrap_url
from wso.registry.readings import IssueRecord, ReadRow, ReadSheet, reading_id
from wso.registry.sheets import Cell, Table, target_text
from wso.registry.states import read_state
from wso.registry.text import clean, name_key


def clear_caches() -> None:
    """Empty the memos of the pure cell readers (one ingest starts cold, so neither memory nor measured figures
    carry over from an earlier one)."""
    for memo in (read_model, read_kind, unwrap_url, read_date, read_state, clean, name_key, target_text):
        memo.cache_clear()


RowCache = dict[tuple[object, ...], dict[tuple[object, ...], tuple["ReadRow", tuple[IssueRecord, ...]]]]

_RAW_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # made once, not for every row


def read_sheet(table: Table, kind: str, cache: RowCache | None = None) -> ReadSheet:
    """Every data row of `table` read into registry fields, with its raw cells and its issues.

    ICE's files repeat most rows from one publication to the next, so a `cache` shared across files reads each
    distinct row (same cells, hyperlinks and columns) once; the result is identical without it."""
    header_index, header, columns = find_header(table)
    sheet = ReadSheet(header=header, columns=columns)
    known = set(columns.values())
    for col, text in enumerate(header):
        if text and col not in known:
            sheet.issues.append(
                IssueRecord(
                    None, "column_unknown", None, text, f"column {col + 1} {text!r} is not a known registry column"
                )
            )
    if kind == "participating" and "signed" not in columns:
        sheet.issues.append(IssueRecord(None, "column_missing", "signed", None, "no SIGNED column"))
    labels = [h or f"column {i + 1}" for i, h in enumerate(header)]
    links_by_row: dict[int, tuple[tuple[int, str], ...]] = {}  # row -> ((column, url), ...) by column
    for (r, c), url in table.links.items():
        before = links_by_row.get(r)
        links_by_row[r] = ((c, url),) if before is None else tuple(sorted((*before, (c, url))))
    layout = (kind, tuple(labels), tuple(sorted(columns.items())))
    if cache is None:
        cache = {}
    known_rows = cache.setdefault(layout, {})
    no_links: tuple[tuple[int, str], ...] = ()
    body = table.rows[header_index + 1 :]
    # most rows were met before (in this file or an earlier one): look them all up at once, read only the others
    keys = [(tuple(cells), links_by_row.get(number, no_links)) for number, cells in body]
    hits: list[tuple[ReadRow, tuple[IssueRecord, ...]] | None] = list(map(known_rows.get, keys))
    for i, hit in enumerate(hits):
        if hit is not None:
            continue
        key = keys[i]
        hit = known_rows.get(key)  # read for an equal row further up this file
        if hit is None:
            cells = body[i][1]
            if is_blank(cells):
                sheet.blank_rows += 1
                continue
            found: list[IssueRecord] = []
            template = _read_row(0, cells, labels, columns, dict(key[1]), kind, found)
            template.raw_text = _RAW_JSON.encode(template.raw)
            template.reading_id = reading_id(template.values())
            hit = known_rows[key] = (template, tuple(found))  # mostly (), which is no new object
        hits[i] = hit
    kept = [(number, hit) for (number, _cells), hit in zip(body, hits, strict=True) if hit is not None]
    sheet.numbers = [number for number, _hit in kept]
    sheet.readings = [hit[0] for _number, hit in kept]
    sheet.issues.extend(replace(i, row_number=number) for number, hit in kept if hit[1] for i in hit[1])
    return sheet


def _raw_of(cells: Sequence[Cell], labels: list[str], links: dict[int, str]) -> dict[str, Any]:
    """A row as ICE wrote it: each cell as text under its column's label (empty cells of labelled columns as ''),
    and its hyperlinks under 'hyperlinks'."""
    raw: dict[str, Any] = {}
    named = len(labels)
    for col, item in enumerate(cells):
        if item is None or item == "":
            if col < named:
                raw[labels[col]] = ""
        else:
            raw[labels[col] if col < named else f"column {col + 1}"] = item if type(item) is str else as_text(item)
    row_links = {labels[c] if c < len(labels) else f"column {c + 1}": url for c, url in sorted(links.items())}
    if row_links:
        raw["hyperlinks"] = row_links
    return raw


def _read_row(
    number: int,
    cells: Sequence[Cell],
    labels: list[str],
    columns: dict[str, int],
    links: dict[int, str],
    kind: str,
    issues: list[IssueRecord],
) -> ReadRow:
    row = ReadRow(row_number=number, raw=_raw_of(cells, labels, links))

    def value_of(name: str) -> Cell:
        col = columns.get(name)
        return cells[col] if col is not None and col < len(cells) else None

    def issue(code: str, field_name: str | None, value: Cell, message: str) -> None:
        text = None if value is None else (as_text(value) or None)
        issues.append(IssueRecord(number, code, field_name, text, message))

    state_cell = value_of("state")
    reading = read_state(state_cell)
    row.state = reading.code
    if reading.code is None:
        issue("state_unreadable", "state", state_cell, f"STATE {reading.note}")
    elif not reading.exact:
        issue("state_corrected", "state", state_cell, f"STATE {reading.note}")

    agency_cell = value_of("agency")
    row.name = clean(agency_cell)
    if row.name is None:
        issue("agency_missing", "agency", agency_cell, "LAW ENFORCEMENT AGENCY is empty")
    else:
        row.name_key = name_key(row.name)
        if not row.name_key:
            issue("agency_unreadable", "agency", agency_cell, f"LAW ENFORCEMENT AGENCY {row.name!r} has no letters")
            row.name_key = None

    kind_cell = value_of("kind")
    row.kind = read_kind(kind_cell)
    if row.kind is None and clean(kind_cell) is not None:
        issue("kind_unknown", "kind", kind_cell, f"TYPE {clean(kind_cell)!r} is not County, Municipality or State")

    row.county = clean(value_of("county"))

    model_cell = value_of("model")
    row.model = read_model(model_cell)
    if row.model is None:
        text = clean(model_cell)
        if text is None:
            issue("model_missing", "model", model_cell, "SUPPORT TYPE is empty")
        else:
            issue("model_unknown", "model", model_cell, f"SUPPORT TYPE {text!r} is not TFM, JEM or WSO")

    if "signed" in columns:
        signed_cell = value_of("signed")
        date_reading = read_date(signed_cell)
        row.signed = date_reading.value
        if date_reading.code is not None:
            issue(date_reading.code, "signed", signed_cell, f"SIGNED {date_reading.note}")
        elif row.signed is None and kind == "participating":
            issue("signed_missing", "signed", signed_cell, "SIGNED is empty in a participating row")

    read_links(row, columns, links, value_of, issue)
    return row
