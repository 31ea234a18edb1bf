"""The ranges of the console's inputs, so that a value out of them is answered 422 naming its field, never a
server error: dates and times within the program's years, integers within a database column's, text within a
length. Used by the request models (Pydantic: the API's 422) and by the form routes (`check_args`, the same
rules for a command's fields however they came)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import Path
from pydantic import AfterValidator, AwareDatetime

# The 287(g) program began in 1996 (IIRIRA section 133); nothing the console records happened before it or will
# be due after 2100. A date of birth may be a century older.
FIRST_YEAR, LAST_YEAR = 1996, 2100
BIRTH_FIRST_YEAR = 1900
INT64_MAX = 2**63 - 1
MAX_TEXT = 2000  # characters in one field of a command
BIRTH_FIELDS = frozenset({"dob"})


class OutOfRange(ValueError):
    """An input outside its range; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def _years(value: date, first: int = FIRST_YEAR) -> str | None:
    if not first <= value.year <= LAST_YEAR:
        return f"must fall within {first}-{LAST_YEAR}, got year {value.year}"
    return None


def in_program_years(value: date) -> date:
    problem = _years(value)
    if problem:
        raise ValueError(problem)
    return value


def aware_in_program_years(value: datetime) -> datetime:
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"must fall within {FIRST_YEAR}-{LAST_YEAR}") from None
    problem = _years(value) or _years(utc)
    if problem:
        raise ValueError(problem)
    return value


ProgramDate = Annotated[date, AfterValidator(in_program_years)]
ProgramDateTime = Annotated[AwareDatetime, AfterValidator(aware_in_program_years)]
RowId = Annotated[int, Path(ge=1, le=INT64_MAX, description="A row id (1 to 2^63-1)")]


def check_time(text: str, field: str) -> None:
    """OutOfRange if `text` is an ISO date or time outside the program's years (or, for a date of birth, the
    years a living person was born in); text that is no date at all is left for the ledger to refuse."""
    try:
        value: date = datetime.fromisoformat(text.strip())
    except ValueError:
        return
    first = BIRTH_FIRST_YEAR if field in BIRTH_FIELDS else FIRST_YEAR
    if isinstance(value, datetime) and value.tzinfo is not None:
        try:
            value = value.astimezone(UTC)
        except OverflowError:
            raise OutOfRange(field, f"must fall within {first}-{LAST_YEAR}") from None
    problem = _years(value, first)
    if problem:
        raise OutOfRange(field, problem)


def check_args(args: Mapping[str, Any], kinds: Mapping[str, str], prefix: str = "") -> None:
    """A command's fields within their ranges: dates and times (by `kinds`), integers, text length."""
    for name, value in args.items():
        field = prefix + name
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int) and not -INT64_MAX - 1 <= value <= INT64_MAX:
            raise OutOfRange(field, "an integer beyond 64 bits")
        if isinstance(value, float) and not abs(value) < 1e15:
            raise OutOfRange(field, "a number out of range")
        if isinstance(value, str):
            if len(value) > MAX_TEXT:
                raise OutOfRange(field, f"at most {MAX_TEXT} characters")
            if kinds.get(name) in ("date", "datetime"):
                check_time(value, field)
