"""Reading a spreadsheet's cells and hyperlinks: xlsx through calamine (fast, but blind to hyperlinks) plus the
sheet's <hyperlinks> and relationships read straight from the xlsx zip; CSV through the standard library."""

from __future__ import annotations

import csv
import html
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import cast
from xml.etree import ElementTree

from python_calamine import CalamineSheet, CalamineWorkbook

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

Cell = str | int | float | bool | date | datetime | time | timedelta | None


class SheetError(ValueError):
    """A file that cannot be read as a spreadsheet at all."""


@dataclass
class Table:
    """The first sheet of a file: every row as read, numbered as the spreadsheet numbers it (1 = first row)."""

    rows: list[tuple[int, list[Cell]]]
    links: dict[tuple[int, int], str] = field(default_factory=dict)  # (row number, 0-based column) -> target
    file_format: str = "xlsx"
    # `wso.registry.headers.find_header`'s answer, kept by it: ingest asks three times a file (the header row and
    # its cells are never changed after reading)
    header: tuple[int, list[str], dict[str, int]] | None = field(default=None, compare=False, repr=False)


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


_REF_RE = re.compile(r"([A-Z]+)(\d+)")


def _cells_of(ref: str) -> list[tuple[int, int]]:
    """The (row number, 0-based column) cells of a reference such as G5 or G5:H7."""
    single = _REF_RE.fullmatch(ref)
    if single is not None:
        return [(int(single.group(2)), _column_index(single.group(1)))]
    coords: list[tuple[int, int]] = []
    for part in ref.upper().replace("$", "").split(":"):
        match = _REF_RE.fullmatch(part)
        if match is None:
            return []
        coords.append((int(match.group(2)), _column_index(match.group(1))))
    if not coords:
        return []
    (r1, c1), (r2, c2) = coords[0], coords[-1]
    if (r2 - r1 + 1) * (c2 - c1 + 1) > 100_000:
        return []
    return [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


_SHEET_RE = re.compile(rb"<(?:\w+:)?sheet\s([^>]*?)/?>")
_ID_RE = re.compile(rb'\s(?:\w+:)id="([^"]*)"')


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    """The zip path of the workbook's first sheet. Excel's forms are read with regular expressions over the bytes
    (about five times cheaper than parsing the two small parts); anything else is parsed as XML."""
    workbook = archive.read("xl/workbook.xml")
    rels = archive.read("xl/_rels/workbook.xml.rels")
    sheet = _SHEET_RE.search(workbook) if NS_MAIN.encode() in workbook else None  # not Strict OOXML's names
    rid = _ID_RE.search(b" " + sheet.group(1)) if sheet is not None else None
    if rid is not None:
        for match in _RELATIONSHIP_RE.finditer(rels):
            attrs = dict(_ATTR_RE.findall(match.group(1)))
            if attrs.get(b"Id") == rid.group(1) and b"&" not in attrs.get(b"Target", b"&"):
                return _sheet_target(attrs[b"Target"].decode())
    return _first_sheet_path_parsed(workbook, rels)


def _first_sheet_path_parsed(workbook_xml: bytes, rels_xml: bytes) -> str:
    """`_first_sheet_path` by parsing the workbook and its relationships as XML."""
    workbook = ElementTree.fromstring(workbook_xml)
    sheet = workbook.find(f"{{{NS_MAIN}}}sheets/{{{NS_MAIN}}}sheet")
    rels = ElementTree.fromstring(rels_xml)
    if sheet is not None:
        rid = sheet.get(f"{{{NS_REL}}}id")
        for rel in rels:
            if rel.get("Id") == rid:
                return _sheet_target(rel.get("Target", ""))
    return "xl/worksheets/sheet1.xml"


def _sheet_target(target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")


_HYPERLINK_RE = re.compile(rb"<(?:\w+:)?hyperlink\s([^>]*?)/?>")
_ATTR_RE = re.compile(rb'([\w:]+)="([^"]*)"')
_RELATIONSHIP_RE = re.compile(rb"<(?:\w+:)?Relationship\s([^>]*?)/?>")
# The forms Excel writes, read in one pass each; any other form (attributes in another order, a range of cells, an
# internal location, a namespace prefix) makes the counts disagree and the file is read the general way.
_HYPERLINK_FAST_RE = re.compile(rb'<hyperlink ref="([A-Z]+)([0-9]+)" r:id="([^"]*)"')
_RELATIONSHIP_FAST_RE = re.compile(rb'<Relationship Id="([^"]*)" Type="[^"]*" Target="([^"]*)"')


def read_hyperlinks(data: bytes) -> dict[tuple[int, int], str]:
    """Every hyperlink of the first sheet of the xlsx file `data`: (row number, 0-based column) -> URL (or
    #location for internal ones)."""
    return links_of(*hyperlink_parts(_zip_of(data)))


def _zip_of(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise SheetError(f"not a readable xlsx file ({exc})") from exc


def hyperlink_parts(archive: zipfile.ZipFile) -> tuple[bytes, bytes]:
    """What `links_of` reads: the first sheet's XML from its <hyperlinks> on (b"" when it has none) and the sheet's
    relationships. The sheet is inflated whole to get there (zlib, which lets other threads run meanwhile)."""
    try:
        sheet_path = _first_sheet_path(archive)
        sheet = archive.read(sheet_path)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as exc:
        raise SheetError(f"not a readable xlsx file ({exc})") from exc
    start = sheet.find(b"<hyperlinks")
    if start < 0:
        start = sheet.find(b":hyperlinks")
    if start < 0:
        return b"", b""
    rels_path = posixpath.join(posixpath.dirname(sheet_path), "_rels", posixpath.basename(sheet_path) + ".rels")
    try:
        rels = archive.read(rels_path)
    except KeyError:
        rels = b""
    return sheet[start:], rels


def links_of(sheet: bytes, rels: bytes) -> dict[tuple[int, int], str]:
    """The hyperlinks of a sheet's XML from its <hyperlinks> on, their targets in `rels` (`hyperlink_parts`).

    Only the <hyperlinks> elements are scanned (regular expressions over the bytes, so the large <sheetData> is
    never parsed twice), and the relationships that hold the targets likewise."""
    if not sheet:
        return {}
    fast = _HYPERLINK_FAST_RE.findall(sheet)
    fast_targets = _RELATIONSHIP_FAST_RE.findall(rels)
    if len(fast) != sheet.count(b"hyperlink ") or len(fast_targets) != rels.count(b"Relationship "):
        return _hyperlinks_in_general(sheet, 0, _relationship_targets(rels))
    # Excel's own forms: targets by their id as bytes, each decoded once; the first link of a cell wins
    targets = {rid: target_text(target) for rid, target in fast_targets}
    columns = {letters: _column_index(letters.decode()) for letters in {letters for letters, _row, _rid in fast}}
    get = targets.get
    return {(int(row), columns[letters]): target for letters, row, rid in reversed(fast) if (target := get(rid))}


def _relationship_targets(rels: bytes) -> dict[str, str]:
    """Relationship id -> target, from a part's .rels file."""
    fast = _RELATIONSHIP_FAST_RE.findall(rels)
    if len(fast) == rels.count(b"Relationship "):
        return {rid.decode(): target_text(target) for rid, target in fast}
    targets: dict[str, str] = {}
    for match in _RELATIONSHIP_RE.finditer(rels):
        attrs = dict(_ATTR_RE.findall(match.group(1)))
        if b"Id" in attrs and b"Target" in attrs:
            targets[attrs[b"Id"].decode()] = _unescape(attrs[b"Target"].decode())
    return targets


def _hyperlinks_in_general(sheet: bytes, start: int, targets: dict[str, str]) -> dict[tuple[int, int], str]:
    links: dict[tuple[int, int], str] = {}
    for match in _HYPERLINK_RE.finditer(sheet, start):
        attrs = {k.split(b":")[-1].decode(): v.decode() for k, v in _ATTR_RE.findall(match.group(1))}
        target = targets.get(attrs.get("id", ""))
        if target is None and attrs.get("location"):
            target = "#" + _unescape(attrs["location"])
        if not target:
            continue
        for cell in _cells_of(attrs.get("ref", "")):
            links.setdefault(cell, target)
    return links


def _unescape(text: str) -> str:
    """An XML attribute value read from raw bytes, with its entities decoded."""
    return html.unescape(text) if "&" in text else text


@lru_cache(maxsize=16384)
def target_text(raw: bytes) -> str:
    """A relationship's target as text (`_unescape`d): ICE's workbooks repeat most of their links, safelinks whose
    `&amp;`s cost more to decode than to look up."""
    return _unescape(raw.decode())


@dataclass
class OpenedFile:
    """A spreadsheet file whose costly reading is done and whose Python values are not made yet: for an xlsx
    workbook, its first sheet parsed by python-calamine (in Rust, without holding Python's GIL, so another thread
    can run Python meanwhile) and the part of its XML that holds the hyperlinks inflated (zlib, likewise).
    `table()` makes the cells and hyperlinks, in the thread that will use them."""

    data: bytes
    sheet: CalamineSheet | None = None  # None for a CSV file
    _archive: zipfile.ZipFile | None = field(default=None, init=False, repr=False)  # the xlsx zip, opened once
    # `hyperlink_parts` of the workbook (or why they cannot be read, raised by `table()` as it was raised)
    _link_parts: tuple[bytes, bytes] | SheetError | None = field(default=None, init=False, repr=False)

    def read_link_parts(self) -> None:
        """Inflate what the hyperlinks are read from now (`open_file` does, in the thread that opens the file)."""
        try:
            self._link_parts = hyperlink_parts(self.archive())
        except SheetError as exc:
            self._link_parts = exc

    def archive(self) -> zipfile.ZipFile:
        """The xlsx file's zip, its directory read once for the hyperlinks and the metadata."""
        if self._archive is None:
            self._archive = _zip_of(self.data)
        return self._archive

    def table(self) -> Table:
        if self.sheet is None:
            return read_csv(self.data)
        try:
            values = self.sheet.to_python(skip_empty_area=False)
        except Exception as exc:  # calamine raises its own error types for broken files
            raise SheetError(f"not a readable xlsx file ({exc})") from exc
        # calamine's rows are lists already (of a subset of Cell's types): numbered, not copied
        rows = list(enumerate(cast(list[list[Cell]], values), start=1))
        if self._link_parts is None:
            self.read_link_parts()
        parts = self._link_parts
        if isinstance(parts, SheetError):
            raise parts
        assert parts is not None
        return Table(rows=rows, links=links_of(*parts), file_format="xlsx")

    def saved_at(self) -> datetime | None:
        """`read_saved_at` of the file."""
        if self.sheet is None or self.data[:2] != b"PK":
            return read_saved_at(self.data)
        try:
            return saved_at_in(self.archive())
        except SheetError:
            return None


_MODIFIED_RE = re.compile(rb"<dcterms:modified[^>]*>([^<]+)</dcterms:modified>")


def read_saved_at(data: bytes) -> datetime | None:
    """When an xlsx workbook was last saved, by its own metadata (docProps/core.xml, dcterms:modified, UTC);
    None for a CSV file or a workbook that does not say."""
    if data[:2] != b"PK":
        return None
    try:
        return saved_at_in(_zip_of(data))
    except SheetError:
        return None


def saved_at_in(archive: zipfile.ZipFile) -> datetime | None:
    """`read_saved_at` of an xlsx file's zip."""
    try:
        core = archive.read("docProps/core.xml")
    except (zipfile.BadZipFile, KeyError):
        return None
    match = _MODIFIED_RE.search(core)
    if match is None:
        return None
    try:
        saved = datetime.fromisoformat(match.group(1).decode().strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return saved if saved.tzinfo is not None else saved.replace(tzinfo=UTC)


def is_csv_name(name: str) -> bool:
    """Whether `open_file` reads a file of this name as CSV (else as an xlsx workbook): it goes by the name."""
    return name.lower().endswith(".csv")


def open_file(name: str, data: bytes) -> OpenedFile:
    """An xlsx workbook's first sheet parsed, or a CSV file recognised, by the file's name and content (raises
    SheetError for anything else)."""
    if is_csv_name(name):
        return OpenedFile(data)
    if data[:2] != b"PK":
        raise SheetError("neither an xlsx workbook nor a .csv file")
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    except Exception as exc:  # calamine raises its own error types for broken files
        raise SheetError(f"not a readable xlsx file ({exc})") from exc
    opened = OpenedFile(data, sheet)
    opened.read_link_parts()
    return opened


def read_csv(data: bytes) -> Table:
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[Cell]]] = [(n, list(cells)) for n, cells in enumerate(reader, start=1)]
    return Table(rows=rows, file_format="csv")


def read_table(name: str, data: bytes) -> Table:
    """The first sheet of an xlsx file, or a CSV file, by the file's name and content (`open_file`, then its
    `table()`; ingest runs the two in different threads)."""
    return open_file(name, data).table()
