"""State laws on 287(g): packaged data/state-laws.csv, plus an optional user CSV that adds or overrides laws."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal, TypeVar, get_args

from wso.program._data import data_text
from wso.program.errors import LawFileError, UnknownValue
from wso.program.states import parse_state

Stance = Literal["prohibits", "restricts", "mandates", "encourages"]
Binds = Literal["all", "state_agencies", "sheriffs_with_jails"]
Confidence = Literal["high", "medium", "low"]
STANCES: tuple[Stance, ...] = get_args(Stance)
BINDS: tuple[Binds, ...] = get_args(Binds)
CONFIDENCES: tuple[Confidence, ...] = get_args(Confidence)

COLUMNS = (
    "id",
    "state",
    "stance",
    "instrument",
    "citation",
    "effective",
    "existing_agreements_end",
    "comply_by",
    "applies_to",
    "binds",
    "confidence",
    "source",
    "note",
)
REQUIRED = ("id", "state", "stance", "citation", "effective")
DEFAULTS = {"binds": "all", "confidence": "low"}
PACKAGED = "wso/program/data/state-laws.csv"


@dataclass(frozen=True)
class StateLaw:
    """A state's law (statute, directive, court decision) on 287(g) agreements.

    `effective`: from this day new agreements are barred (prohibits) or required (mandates).
    `existing_agreements_end`: the day by which agreements that existed before `effective` must have ended.
    `comply_by`: for a mandate, the day by which the bound agencies must hold an agreement.
    `origin`: the file the law was read from (the packaged CSV or the user's file).
    """

    id: str
    state: str
    stance: Stance
    instrument: str
    citation: str
    effective: date
    existing_agreements_end: date | None
    applies_to: str
    binds: Binds
    confidence: Confidence
    source: str
    note: str
    comply_by: date | None = None
    origin: str = PACKAGED

    def binds_kind(self, agency_kind: str) -> bool:
        """Whether the law binds an agency of this kind ("county" | "municipal" | "state")."""
        if self.binds == "all":
            return True
        if self.binds == "state_agencies":
            return agency_kind == "state"
        return agency_kind == "county"

    def in_force(self, on: date) -> bool:
        return self.effective <= on

    def existing_end(self) -> date:
        """The day from which agreements that existed before `effective` may no longer be held."""
        return self.existing_agreements_end or self.effective

    def bars_agreement(self, on: date, agency_kind: str, began: date | None = None) -> bool:
        """Whether this law forbids an agency of this kind to hold an agreement on `on`.

        Only a prohibiting law bars agreements. Before `existing_agreements_end` an agreement that began before
        `effective` is still allowed (the grace period); one that began on or after `effective` is not.
        `began` None means unknown: the agreement is treated as an existing one (the lenient reading).
        """
        if self.stance != "prohibits" or not self.in_force(on) or not self.binds_kind(agency_kind):
            return False
        if on >= self.existing_end():
            return True
        return began is not None and began >= self.effective


T = TypeVar("T", bound=str)


def _choice(value: str, choices: tuple[T, ...], where: tuple[str, int, str]) -> T:
    if value not in choices:
        raise LawFileError(*where, f"{value!r} is not one of {', '.join(choices)}")
    return value


def _date(value: str, where: tuple[str, int, str], *, required: bool) -> date | None:
    if not value:
        if required:
            raise LawFileError(*where, "is empty; write a date as YYYY-MM-DD")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise LawFileError(*where, f"{value!r} is not a date; write it as YYYY-MM-DD") from None


def _parse(text: str, origin: str) -> list[StateLaw]:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    if not header:
        raise LawFileError(origin, 1, None, "no header row")
    header = [h.strip() for h in header]
    reader.fieldnames = header
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise LawFileError(origin, 1, unknown[0], f"unknown column; accepted: {', '.join(COLUMNS)}")
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise LawFileError(origin, 1, missing[0], "required column is missing")
    laws: list[StateLaw] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if None in row:
            raise LawFileError(origin, line, None, "more values than columns")
        values = {c: (row.get(c) or "").strip() for c in COLUMNS}
        for column, default in DEFAULTS.items():
            values[column] = values[column] or default

        def at(column: str, line: int = line) -> tuple[str, int, str]:
            return (origin, line, column)

        for column in REQUIRED:
            if not values[column]:
                raise LawFileError(*at(column), "is empty")
        law_id = values["id"]
        if law_id in seen:
            raise LawFileError(*at("id"), f"{law_id!r} repeats the id of line {seen[law_id]}")
        seen[law_id] = line
        try:
            state = parse_state(values["state"])
        except UnknownValue:
            raise LawFileError(*at("state"), f"{values['state']!r} is not a USPS state code or name") from None
        effective = _date(values["effective"], at("effective"), required=True)
        assert effective is not None
        ends = _date(values["existing_agreements_end"], at("existing_agreements_end"), required=False)
        if ends is not None and ends < effective:
            raise LawFileError(*at("existing_agreements_end"), "is before 'effective'")
        laws.append(
            StateLaw(
                id=law_id,
                state=state,
                stance=_choice(values["stance"], STANCES, at("stance")),
                instrument=values["instrument"],
                citation=values["citation"],
                effective=effective,
                existing_agreements_end=ends,
                applies_to=values["applies_to"],
                binds=_choice(values["binds"], BINDS, at("binds")),
                confidence=_choice(values["confidence"], CONFIDENCES, at("confidence")),
                source=values["source"],
                note=values["note"],
                comply_by=_date(values["comply_by"], at("comply_by"), required=False),
                origin=origin,
            )
        )
    return laws


@cache
def packaged_laws() -> tuple[StateLaw, ...]:
    return tuple(_parse(data_text("state-laws.csv"), PACKAGED))


def read_law_file(path: Path) -> tuple[StateLaw, ...]:
    """Laws from a user CSV (same columns as the packaged file; id, state, stance, citation, effective required)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise LawFileError(str(path), None, None, f"cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise LawFileError(str(path), None, None, "is not UTF-8 text") from None
    return tuple(_parse(text, str(path)))


def merge_laws(base: Iterable[StateLaw], extra: Iterable[StateLaw]) -> tuple[StateLaw, ...]:
    """`extra` laws replace the base laws with the same id and add the others."""
    merged = {law.id: law for law in base}
    for law in extra:
        merged[law.id] = law
    return tuple(merged.values())


def state_laws(extra: Path | None = None) -> tuple[StateLaw, ...]:
    """The packaged laws, plus (adding or overriding by id) the laws of the user's CSV `extra`."""
    if extra is None:
        return packaged_laws()
    return merge_laws(packaged_laws(), read_law_file(extra))


def law(law_id: str, laws: Iterable[StateLaw] | None = None) -> StateLaw:
    pool = tuple(laws) if laws is not None else packaged_laws()
    for candidate in pool:
        if candidate.id.upper() == law_id.strip().upper():
            return candidate
    raise UnknownValue("law id", law_id, [c.id for c in pool])
