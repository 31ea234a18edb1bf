"""The two errors `wso.program` raises: a value it does not know, and a state-law file it cannot read."""

from __future__ import annotations

from collections.abc import Iterable


class UnknownValue(ValueError):
    """A value (state, model, rule id, ...) that is not one of the accepted values."""

    def __init__(self, what: str, value: str, accepted: Iterable[str]) -> None:
        self.what = what
        self.value = value
        self.accepted: tuple[str, ...] = tuple(accepted)
        shown = ", ".join(self.accepted)
        super().__init__(f"unknown {what} {value!r}; accepted: {shown}")


class LawFileError(ValueError):
    """A state-law file that cannot be read, naming the file, line and field."""

    def __init__(self, path: str, line: int | None, field: str | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.problem = problem
        where = path
        if line is not None:
            where += f", line {line}"
        if field is not None:
            where += f", field {field!r}"
        super().__init__(f"{where}: {problem}")
