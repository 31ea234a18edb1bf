"""U.S. states, DC and the territories ICE might list, and the counties of the states whose laws mandate 287(g)."""

from __future__ import annotations

import csv
import io
import re
from functools import cache
from types import MappingProxyType

from wso.program._data import data_text
from wso.program.errors import UnknownValue


def _load_states() -> MappingProxyType[str, str]:
    reader = csv.DictReader(io.StringIO(data_text("states.csv")))
    return MappingProxyType({row["code"]: row["name"] for row in reader})


STATES: MappingProxyType[str, str] = _load_states()
"""USPS code -> full name: the 50 states, DC, and the territories (PR, GU, VI, MP, AS)."""


def _key(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


_BY_NAME = {_key(name): code for code, name in STATES.items()} | {_key("Virgin Islands"): "VI"}


def parse_state(text: str) -> str:
    """A USPS code or a full name ("texas", "New  Mexico"), case-insensitive -> the USPS code."""
    stripped = text.strip()
    if stripped.upper() in STATES:
        return stripped.upper()
    code = _BY_NAME.get(_key(stripped))
    if code is None or not stripped:
        raise UnknownValue("state", text, [f"{code} ({name})" for code, name in STATES.items()])
    return code


COUNTY_LISTS = ("FL", "TX")


@cache
def counties(state: str) -> tuple[str, ...]:
    """The county names of a state whose counties are packaged (FL: 67, TX: 254), without the word "County"."""
    code = parse_state(state)
    if code not in COUNTY_LISTS:
        raise UnknownValue("state with a packaged county list", state, COUNTY_LISTS)
    lines = data_text(f"counties-{code}.txt").splitlines()
    return tuple(line.strip() for line in lines if line.strip())
