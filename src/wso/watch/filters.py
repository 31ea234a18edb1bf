"""What a subscription asks to be told: a filter on state, county, agency, model and kind of change."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, TypeVar

from wso.program import UnknownValue, parse_state

ChangeKind = Literal["signed", "removed", "redated", "pending_listed", "pending_signed"]
CHANGES: tuple[ChangeKind, ...] = ("signed", "removed", "redated", "pending_listed", "pending_signed")
MODELS = ("TFM", "JEM", "WSO")
T = TypeVar("T")


class BadFilter(ValueError):
    """A filter value that names nothing: the message names the option and what is accepted."""


def county_key(name: str | None) -> str | None:
    """A county's name as compared: case, punctuation and a trailing County/Parish/Borough do not count."""
    if name is None:
        return None
    text = re.sub(r"[^a-z ]", "", name.lower())
    text = re.sub(r"\s+(county|parish|borough|census area|municipality)$", "", " ".join(text.split()))
    return text or None


@dataclass(frozen=True)
class Facts:
    """A change as a filter sees it, its county already keyed: read once when thousands of filters look at it."""

    state: str
    county: str | None  # county_key of the change's county
    agency_id: str
    model: str
    change: str

    @classmethod
    def of(cls, *, state: str, county: str | None, agency_id: str, model: str, change: str) -> Facts:
        return cls(state, county_key(county), agency_id, model, change)


@dataclass(frozen=True)
class Filter:
    """Every field set must match; an empty filter matches every change."""

    state: str | None = None
    county: str | None = None
    agency_id: str | None = None
    model: str | None = None
    change: str | None = None

    def matches(self, *, state: str, county: str | None, agency_id: str, model: str, change: str) -> bool:
        facts = Facts.of(state=state, county=county, agency_id=agency_id, model=model, change=change)
        return bool(self.select([(True, facts)]))

    def select(self, changes: Iterable[tuple[T, Facts]]) -> list[T]:
        """The items whose facts this filter matches, in their order."""
        county = county_key(self.county)
        return [
            item
            for item, f in changes
            if (self.state is None or self.state == f.state)
            and (self.county is None or county == f.county)
            and (self.agency_id is None or self.agency_id == f.agency_id)
            and (self.model is None or self.model == f.model)
            and (self.change is None or self.change == f.change)
        ]

    def describe(self) -> str:
        parts = [
            f"{name} {value}"
            for name, value in (
                ("state", self.state),
                ("county", self.county),
                ("agency", self.agency_id),
                ("model", self.model),
                ("change", self.change),
            )
            if value
        ]
        return ", ".join(parts) or "every change"


def _blank(value: str | None) -> str | None:
    return value.strip() if value is not None and value.strip() else None


def make_filter(
    *,
    state: str | None = None,
    county: str | None = None,
    agency: str | None = None,
    model: str | None = None,
    change: str | None = None,
) -> Filter:
    """A filter from what a person typed; raises `BadFilter` naming the option for a value that names nothing."""
    state, county, agency, model, change = map(_blank, (state, county, agency, model, change))
    code = None
    if state is not None:
        try:
            code = parse_state(state)
        except UnknownValue as exc:
            raise BadFilter(f"--state {state!r} is not a state; give a USPS code such as TX") from exc
    if county is not None and code is None:
        raise BadFilter(f"--county {county!r} needs --state: many states have a county of that name")
    if model is not None:
        model = model.upper()
        if model not in MODELS:
            raise BadFilter(f"--model {model!r} is not a 287(g) model; accepted: {', '.join(MODELS)}")
    if change is not None:
        change = change.lower().replace("-", "_")
        if change not in CHANGES:
            raise BadFilter(f"--change {change!r} is not a kind of change; accepted: {', '.join(CHANGES)}")
    return Filter(state=code, county=county, agency_id=agency, model=model, change=change)
