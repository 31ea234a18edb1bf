"""A sheet's header row: which registry field each header cell names, and the row that names the required ones."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

from wso.registry.sheets import Cell, Table
from wso.registry.text import clean, header_key

FIELDS = ("state", "agency", "kind", "county", "model", "signed", "moa", "addendum")
REQUIRED = ("state", "agency", "model")


class HeaderError(ValueError):
    """A file whose header row cannot be found or lacks a required column."""


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


def as_text(value: Cell) -> str:
    """A cell as text: dates and times in ISO form, None as ''."""
    if value is None:
        return ""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def is_blank(cells: Iterable[Cell]) -> bool:
    return all(clean(c) is None for c in cells)


def find_header(table: Table) -> tuple[int, list[str], dict[str, int]]:
    """The header row: the first of the first twenty non-blank rows naming a state, an agency and a model (found
    once a table, then kept in it; the caller must not change what it is given)."""
    if table.header is None:
        table.header = _find_header(table)
    return table.header


def _find_header(table: Table) -> tuple[int, list[str], dict[str, int]]:
    seen = 0
    for index, (_number, cells) in enumerate(table.rows):
        if is_blank(cells):
            continue
        seen += 1
        columns: dict[str, int] = {}
        for col, cell in enumerate(cells):
            name = field_of_header(cell)
            if name is not None and name not in columns:
                columns[name] = col
        if all(f in columns for f in REQUIRED):
            return index, [as_text(c).strip() for c in cells], columns
        if seen >= 20:
            break
    raise HeaderError(
        "no header row naming the columns STATE, LAW ENFORCEMENT AGENCY and SUPPORT TYPE in the first 20 rows"
    )
