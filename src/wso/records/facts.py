"""Each state's public-records law as facts: name, citation, first response deadline, residency, fees, appeal.

The packaged file (``data/state-public-records.csv``, 51 rows: 50 states and DC) is read into frozen
`StateFacts`. A user's CSV with the same columns adds states or corrects them: a row for a state already known
replaces that state's row whole. A bad file is refused with `FactsFileError`, naming the file, line and field.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from wso.program import STATES, UnknownValue, parse_state

DeadlineKind = Literal["business", "calendar", "none"]
Confidence = Literal["high", "medium", "low"]

PACKAGED = Path(__file__).resolve().parent / "data" / "state-public-records.csv"

COLUMNS = (
    "state",
    "law_name",
    "citation",
    "response_deadline_days",
    "deadline_kind",
    "deadline_text",
    "requester_residency_required",
    "fees_note",
    "appeal_to",
    "source_url",
    "confidence",
)
OPTIONAL_COLUMNS = ("fee_waiver",)
REQUIRED_TEXT = ("law_name", "citation", "deadline_text", "appeal_to")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
_WAIVER_WORDS = re.compile(r"\bwaive[ds]?\b|\bwaiver\b|\breduc(?:ed|tion)\b", re.IGNORECASE)


class FactsFileError(ValueError):
    """A facts CSV that cannot be read; the message names the file, line and field."""

    def __init__(self, file: Path | str, line: int | None, field: str | None, message: str) -> None:
        self.file = str(file)
        self.line = line
        self.field = field
        where = self.file
        if line is not None:
            where += f", line {line}"
        if field is not None:
            where += f", field {field!r}"
        super().__init__(f"{where}: {message}")


class NoFacts(LookupError):
    """No facts row for a state."""

    def __init__(self, state: str, known: tuple[str, ...]) -> None:
        self.state = state
        self.known = known
        super().__init__(
            f"no public-records facts for state {state!r}; known: {', '.join(known)}. "
            "Add a row with --facts FILE or WSO_RECORDS_FACTS_FILE"
        )


@dataclass(frozen=True)
class StateFacts:
    """One state's public-records law, as far as a request letter and its due date need it."""

    state: str
    law_name: str
    citation: str
    response_deadline_days: int | None
    deadline_kind: DeadlineKind
    deadline_text: str
    requester_residency_required: bool
    fees_note: str
    appeal_to: str
    source_url: str
    confidence: Confidence
    fee_waiver: bool
    """True when the law allows fees to be waived or reduced (an explicit ``fee_waiver`` column, or else the
    fees note mentions a waiver or reduction)."""

    @property
    def state_name(self) -> str:
        return STATES.get(self.state, self.state)


def _bool(value: str, *, file: Path | str, line: int, field: str) -> bool:
    text = value.strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise FactsFileError(file, line, field, f"{value!r} is not yes or no")


def _row(raw: Mapping[str, str | None], *, file: Path | str, line: int) -> StateFacts:
    values = {key: (value or "").strip() for key, value in raw.items() if key is not None}
    state = values["state"].upper()
    if not state:
        raise FactsFileError(file, line, "state", "is empty; give a USPS code such as TX")
    if state not in STATES:
        raise FactsFileError(file, line, "state", f"{values['state']!r} is not a USPS state code")
    for name in REQUIRED_TEXT:
        if not values[name]:
            raise FactsFileError(file, line, name, "is empty")
    kind = values["deadline_kind"].lower()
    if kind not in ("business", "calendar", "none"):
        raise FactsFileError(
            file, line, "deadline_kind", f"{values['deadline_kind']!r} is not business, calendar or none"
        )
    days_text = values["response_deadline_days"]
    days: int | None
    if kind == "none":
        if days_text:
            raise FactsFileError(
                file, line, "response_deadline_days", f"is {days_text!r} but deadline_kind is none; leave it empty"
            )
        days = None
    else:
        try:
            days = int(days_text)
        except ValueError:
            raise FactsFileError(
                file, line, "response_deadline_days", f"{days_text!r} is not a whole number of days"
            ) from None
        if days <= 0:
            raise FactsFileError(file, line, "response_deadline_days", f"{days} is not a positive number of days")
    confidence = values["confidence"].lower() or "medium"
    if confidence not in ("high", "medium", "low"):
        raise FactsFileError(file, line, "confidence", f"{values['confidence']!r} is not high, medium or low")
    residency = _bool(
        values["requester_residency_required"], file=file, line=line, field="requester_residency_required"
    )
    waiver_text = values.get("fee_waiver", "")
    if waiver_text:
        fee_waiver = _bool(waiver_text, file=file, line=line, field="fee_waiver")
    else:
        fee_waiver = bool(_WAIVER_WORDS.search(values["fees_note"]))
    return StateFacts(
        state=state,
        law_name=values["law_name"],
        citation=values["citation"],
        response_deadline_days=days,
        deadline_kind=kind,  # type: ignore[arg-type]
        deadline_text=values["deadline_text"],
        requester_residency_required=residency,
        fees_note=values["fees_note"],
        appeal_to=values["appeal_to"],
        source_url=values["source_url"],
        confidence=confidence,  # type: ignore[arg-type]
        fee_waiver=fee_waiver,
    )


def read_facts_file(path: Path) -> tuple[StateFacts, ...]:
    """Every row of one facts CSV, validated; raises `FactsFileError` on the first bad line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise FactsFileError(path, None, None, "no such file") from None
    except UnicodeDecodeError as exc:
        raise FactsFileError(path, None, None, f"is not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise FactsFileError(path, None, None, f"cannot be read ({exc.strerror})") from None
    reader = csv.DictReader(text.splitlines())
    header = [name.strip() for name in (reader.fieldnames or [])]
    if not header:
        raise FactsFileError(path, 1, None, "is empty; the first line must name the columns")
    reader.fieldnames = header
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise FactsFileError(path, 1, missing[0], f"column missing; the columns are {', '.join(COLUMNS)}")
    unknown = [name for name in header if name not in COLUMNS and name not in OPTIONAL_COLUMNS]
    if unknown:
        raise FactsFileError(path, 1, unknown[0], f"unknown column; the columns are {', '.join(COLUMNS)}")
    rows: list[StateFacts] = []
    seen: dict[str, int] = {}
    for raw in reader:
        line = reader.line_num
        if None in raw:
            raise FactsFileError(path, line, None, f"has more cells than the {len(header)} columns")
        if all(not (value or "").strip() for value in raw.values()):
            continue
        facts = _row(raw, file=path, line=line)
        if facts.state in seen:
            raise FactsFileError(path, line, "state", f"{facts.state} already given on line {seen[facts.state]}")
        seen[facts.state] = line
        rows.append(facts)
    return tuple(rows)


@lru_cache(maxsize=1)
def _packaged() -> tuple[StateFacts, ...]:
    return read_facts_file(PACKAGED)


def state_facts(extra: Path | None = None) -> Mapping[str, StateFacts]:
    """The packaged facts by USPS code (sorted), with `extra`'s rows added or replacing whole rows."""
    merged = {facts.state: facts for facts in _packaged()}
    if extra is not None:
        merged.update({facts.state: facts for facts in read_facts_file(Path(extra))})
    return MappingProxyType(dict(sorted(merged.items())))


def facts_for(state: str, facts: Mapping[str, StateFacts] | None = None) -> StateFacts:
    """The facts for one state (USPS code or full name, any case); raises `NoFacts` when there is no row."""
    table = state_facts() if facts is None else facts
    try:
        code = parse_state(state)
    except UnknownValue:
        code = state.strip().upper()
    try:
        return table[code]
    except KeyError:
        raise NoFacts(state, tuple(table)) from None
