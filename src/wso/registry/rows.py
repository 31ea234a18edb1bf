"""From a sheet's cells to registry rows: find the header, map its columns by rule, read each data row, and
record every cell that cannot be read cleanly as an issue. Nothing is dropped: blank rows are counted."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any
from urllib.parse import unquote_plus, urlsplit

from wso.registry.dates import read_date
from wso.registry.sheets import Cell, Table
from wso.registry.states import read_state
from wso.registry.text import clean, header_key, name_key

FIELDS = ("state", "agency", "kind", "county", "model", "signed", "moa", "addendum")
REQUIRED = ("state", "agency", "model")
MODELS = ("TFM", "JEM", "WSO")
KINDS = ("county", "municipal", "state")


def field_of_header(header: object) -> str | None:
    """Which registry field a header cell names, by the words in it (so 'Law Enforcement Agency ', 'AGENCY
    NAME', 'Support type', 'Date Signed', 'MOA Link' are all recognised)."""
    words = set(header_key(header).split())
    if not words:
        return None
    if "addendum" in words:
        return "addendum"
    if "agency" in words or "agencies" in words or words == {"name"}:
        return "agency"
    if words & {"support", "model", "program"}:
        return "model"
    if words & {"signed", "signing", "signature", "date"}:
        return "signed"
    if "moa" in words or "memorandum" in words or words == {"link"}:
        return "moa"
    if "county" in words or "counties" in words:
        return "county"
    if words & {"type", "kind", "category"}:
        return "kind"
    if "state" in words or words == {"st"}:
        return "state"
    return None


@lru_cache(maxsize=4096)
def read_model(value: object) -> str | None:
    """TFM, JEM or WSO from ICE's SUPPORT TYPE text, by its words: any case, spacing or abbreviation."""
    key = name_key(str(value)) if value is not None else ""
    words = key.split()
    compact = key.replace(" ", "")
    if compact in ("tfm", "taskforce", "taskforcemodel") or ("task" in words and "force" in words):
        return "TFM"
    if compact in ("jem", "jailenforcement", "jailenforcementmodel") or ("jail" in words):
        return "JEM"
    if compact in ("wso", "warrantservice", "warrantserviceofficer") or ("warrant" in words):
        return "WSO"
    return None


@lru_cache(maxsize=4096)
def read_kind(value: object) -> str | None:
    """county, municipal or state from ICE's TYPE text ('County', 'Municipality', 'State Agency', ...)."""
    words = name_key(str(value)).split() if value is not None else []
    if not words:
        return None
    if any(w.startswith("munic") or w in ("city", "town", "township", "village", "borough") for w in words):
        return "municipal"
    if "county" in words or "parish" in words or "sheriff" in words:
        return "county"
    if "state" in words:
        return "state"
    return None


def kind_from_name(name: str) -> str | None:
    """A guess at an agency's kind from its name, used only when TYPE is unreadable."""
    words = set(name_key(name).split())
    if words & {"sheriff", "sheriffs", "county", "parish"}:
        return "county"
    if words & {"police", "city", "town", "marshal", "marshals"}:
        return "municipal"
    if words & {"state", "highway", "department", "patrol", "corrections"}:
        return "state"
    return None


SAFELINK_HOST_SUFFIX = ".safelinks.protection.outlook.com"


@lru_cache(maxsize=8192)
def unwrap_url(url: str) -> str:
    """The real address behind an Outlook safelink (https://*.safelinks.protection.outlook.com/?url=...),
    otherwise the URL itself."""
    if "safelinks" not in url.lower():
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.hostname and parts.hostname.endswith(SAFELINK_HOST_SUFFIX):
        inner = _query_value(parts.query, "url")
        if inner:
            return unwrap_url(inner)
    return url


def _query_value(query: str, name: str) -> str | None:
    """The first non-blank value of `name` in a query string: `parse_qs(query).get(name, [None])[0]`, without
    decoding the other fields (a safelink's are long)."""
    for part in query.split("&"):
        key, equals, value = part.partition("=")
        if equals and value and unquote_plus(key) == name:
            return unquote_plus(value)
    return None


def _promises_link(text: str | None) -> bool:
    """A cell whose words say a link is there ('link', 'link | addendum'), not that one is coming."""
    words = name_key(text).split() if text else []
    return "link" in words and "pending" not in words


def _looks_like_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://", "www."))


def clear_caches() -> None:
    """Empty the memos of the pure cell readers (one ingest starts cold, so neither memory nor measured figures
    carry over from an earlier one)."""
    for memo in (read_model, read_kind, unwrap_url, read_date, read_state, clean, name_key):
        memo.cache_clear()


@dataclass(frozen=True)
class IssueRecord:
    row_number: int | None
    code: str
    field: str | None
    value: str | None
    message: str


@dataclass
class ReadRow:
    row_number: int
    raw: dict[str, Any]
    state: str | None = None
    name: str | None = None
    name_key: str | None = None
    kind: str | None = None
    county: str | None = None
    model: str | None = None
    signed: date | None = None
    moa_text: str | None = None
    moa_url_raw: str | None = None
    moa_url: str | None = None
    addendum_url_raw: str | None = None
    addendum_url: str | None = None
    raw_text: str = ""  # `raw` as JSON, made once
    reading_id: str = ""  # made once, from the stored content (see `reading_id`)

    def values(self) -> tuple[Any, ...]:
        """What a reading stores, in the order of READING_FIELDS."""
        return (
            self.raw_text,
            self.state,
            self.name,
            self.name_key,
            self.kind,
            self.county,
            self.model,
            self.signed,
            self.moa_text,
            self.moa_url_raw,
            self.moa_url,
            self.addendum_url_raw,
            self.addendum_url,
        )

    def record(self) -> dict[str, Any]:
        """The row's reading as stored (without its derived agency and agreement)."""
        return {
            "id": self.reading_id,
            "raw": self.raw_text,
            "state": self.state,
            "name": self.name,
            "name_key": self.name_key,
            "kind": self.kind,
            "county": self.county,
            "model": self.model,
            "signed": self.signed,
            "moa_text": self.moa_text,
            "moa_url_raw": self.moa_url_raw,
            "moa_url": self.moa_url,
            "addendum_url_raw": self.addendum_url_raw,
            "addendum_url": self.addendum_url,
        }


READING_FIELDS = (
    "raw",
    "state",
    "name",
    "name_key",
    "kind",
    "county",
    "model",
    "signed",
    "moa_text",
    "moa_url_raw",
    "moa_url",
    "addendum_url_raw",
    "addendum_url",
)


def reading_id(values: Iterable[object]) -> str:
    """A reading's id: the hash of what it stores (READING_FIELDS, in order), so the same content read from any
    file, in any run, is one reading. Values are joined by a unit separator, None written as a lone NUL."""
    text = "\x1f".join(["\x00" if v is None else v.isoformat() if isinstance(v, date) else str(v) for v in values])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class ReadSheet:
    header: list[str]
    columns: dict[str, int]
    numbers: list[int] = field(default_factory=list)  # the row number of each data row
    readings: list[ReadRow] = field(default_factory=list)  # each data row as read (shared by equal rows)
    issues: list[IssueRecord] = field(default_factory=list)
    blank_rows: int = 0

    @property
    def rows(self) -> list[tuple[int, ReadRow]]:
        """(row number, the row as read) for every data row."""
        return list(zip(self.numbers, self.readings, strict=True))


class HeaderError(ValueError):
    """A file whose header row cannot be found or lacks a required column."""


def _as_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _is_blank(cells: Iterable[Cell]) -> bool:
    return all(clean(c) is None for c in cells)


def find_header(table: Table) -> tuple[int, list[str], dict[str, int]]:
    """The header row: the first of the first twenty non-blank rows naming a state, an agency and a model."""
    seen = 0
    for index, (_number, cells) in enumerate(table.rows):
        if _is_blank(cells):
            continue
        seen += 1
        columns: dict[str, int] = {}
        for col, cell in enumerate(cells):
            name = field_of_header(cell)
            if name is not None and name not in columns:
                columns[name] = col
        if all(f in columns for f in REQUIRED):
            return index, [_as_text(c).strip() for c in cells], columns
        if seen >= 20:
            break
    raise HeaderError(
        "no header row naming the columns STATE, LAW ENFORCEMENT AGENCY and SUPPORT TYPE in the first 20 rows"
    )


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
            if _is_blank(cells):
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
            raw[labels[col] if col < named else f"column {col + 1}"] = item if type(item) is str else _as_text(item)
    row_links = {labels[c] if c < len(labels) else f"column {c + 1}": url for c, url in sorted(links.items())}
    if row_links:
        raw["hyperlinks"] = row_links
    return raw


def _link_of(target: str | None, text: str | None) -> str | None:
    """A link cell's target: its hyperlink, else its text when that text is itself a URL, else None."""
    if target is None and text is not None and _looks_like_url(text):
        return text
    return target


def _read_links(
    row: ReadRow,
    columns: dict[str, int],
    links: dict[int, str],
    value_of: Callable[[str], Cell],
    issue: Callable[[str, str | None, Cell, str], None],
) -> None:
    """The MOA and ADDENDUM links of a row, and an issue for a cell that promises a link it does not hold."""
    moa_col = columns.get("moa")
    if moa_col is not None:
        text = clean(value_of("moa"))
        row.moa_text = text
        target = _link_of(links.get(moa_col), text)
        if target is not None:
            row.moa_url_raw = target
            row.moa_url = unwrap_url(target)
        elif _promises_link(text):
            issue("moa_link_missing", "moa", value_of("moa"), f"MOA says {text!r} but the cell holds no hyperlink")
    add_col = columns.get("addendum")
    if add_col is not None:
        text = clean(value_of("addendum"))
        target = _link_of(links.get(add_col), text)
        if target is not None:
            row.addendum_url_raw = target
            row.addendum_url = unwrap_url(target)
        elif _promises_link(text):
            issue(
                "addendum_link_missing",
                "addendum",
                value_of("addendum"),
                f"ADDENDUM says {text!r} but the cell holds no hyperlink",
            )


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
        text = None if value is None else (_as_text(value) or None)
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

    _read_links(row, columns, links, value_of, issue)
    return row
