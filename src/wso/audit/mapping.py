"""A mapping file: how someone else's export maps onto the hold-record schema, so it can be audited unedited.

YAML or TOML, every key optional::

    time_zone: America/Chicago        # zone of naive times; "facility" = each row's facility_tz
    time_format: "%m/%d/%Y %H:%M"     # strptime format of every time column (default: ISO 8601)
    true_values: ["Y", "yes"]         # extra spellings of true in boolean columns
    false_values: ["N", "no"]
    tables:
      holds:
        file: booking_export.csv      # default: holds.parquet or holds.csv in the records directory
        columns: {record_id: BookingNo, served_at: "Warrant Served"}   # schema name: source name
        time_formats: {served_at: "%m/%d/%Y %I:%M %p"}
        constants: {state: FL, facility_tz: America/New_York}         # columns the export lacks
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from wso.program import hold_records as hr


class MappingError(ValueError):
    """A mapping file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class TableMapping:
    file: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    time_formats: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Mapping:
    time_zone: str | None = None
    time_format: str | None = None
    true_values: tuple[str, ...] = ()
    false_values: tuple[str, ...] = ()
    tables: dict[str, TableMapping] = field(default_factory=dict)

    def table(self, name: str) -> TableMapping:
        return self.tables.get(name, TableMapping())


def _strings(path: Path, key: str, value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise MappingError(f"{path}: {key} must be a table of name: value")
    return {k: str(v) for k, v in value.items()}


def _table_mapping(path: Path, name: str, spec: Any) -> TableMapping:
    """The mapping of table `name` (tables.NAME in the file), every column name checked against the schema."""
    try:
        schema_table = hr.table(name)
    except KeyError as exc:
        raise MappingError(f"{path}: tables.{name}: {exc.args[0]}") from exc
    if not isinstance(spec, dict):
        raise MappingError(f"{path}: tables.{name} must be a table")
    for key in spec:
        if key not in {"file", "columns", "time_formats", "constants"}:
            raise MappingError(f"{path}: tables.{name}: unknown key {key!r}")
    columns = _strings(path, f"tables.{name}.columns", spec.get("columns") or {})
    formats = _strings(path, f"tables.{name}.time_formats", spec.get("time_formats") or {})
    constants = _strings(path, f"tables.{name}.constants", spec.get("constants") or {})
    for group, names in (("columns", columns), ("time_formats", formats), ("constants", constants)):
        for col in names:
            if col not in schema_table.column_names:
                raise MappingError(
                    f"{path}: tables.{name}.{group}: {col!r} is not a column of {name} "
                    f"(columns: {', '.join(schema_table.column_names)})"
                )
    file = spec.get("file")
    return TableMapping(
        file=str(file) if file is not None else None, columns=columns, time_formats=formats, constants=constants
    )


def load_mapping(path: Path) -> Mapping:
    """Read a YAML (.yaml/.yml) or TOML (.toml) mapping file, checking every name against the schema."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingError(f"{path}: cannot read the mapping file ({exc.strerror})") from exc
    try:
        raw = tomllib.loads(text) if path.suffix.lower() == ".toml" else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise MappingError(f"{path}: not valid {'TOML' if path.suffix.lower() == '.toml' else 'YAML'}: {exc}") from exc
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise MappingError(f"{path}: the mapping must be a table of keys")
    known = {"time_zone", "time_format", "true_values", "false_values", "tables"}
    for key in raw:
        if key not in known:
            raise MappingError(f"{path}: unknown key {key!r}; known keys: {', '.join(sorted(known))}")
    tables: dict[str, TableMapping] = {}
    raw_tables = raw.get("tables") or {}
    if not isinstance(raw_tables, dict):
        raise MappingError(f"{path}: tables must be a table of table names")
    for name, spec in raw_tables.items():
        tables[name] = _table_mapping(path, name, spec)
    tz = raw.get("time_zone")
    fmt = raw.get("time_format")
    return Mapping(
        time_zone=str(tz) if tz is not None else None,
        time_format=str(fmt) if fmt is not None else None,
        true_values=tuple(str(v) for v in raw.get("true_values") or ()),
        false_values=tuple(str(v) for v in raw.get("false_values") or ()),
        tables=tables,
    )
