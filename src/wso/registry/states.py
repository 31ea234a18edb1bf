"""Reading ICE's STATE column: full names or USPS codes, in any case, with small typos resolved by rule."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from wso.registry.text import clean, edit_distance, name_key

STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas",
    "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming", "PR": "Puerto Rico", "GU": "Guam", "VI": "U.S. Virgin Islands", "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
}  # fmt: skip

_BY_KEY: dict[str, str] = {name_key(name): code for code, name in STATES.items()}
_BY_KEY.update({code.lower(): code for code in STATES})
_BY_KEY["virgin islands"] = "VI"
_BY_KEY["washington dc"] = "DC"
_BY_KEY["d c"] = "DC"

MAX_STATE_TYPO = 2


@dataclass(frozen=True)
class StateReading:
    code: str | None
    exact: bool  # True when the cell is a state's name or code as written by the book (upper or title case)
    note: str | None = None


@lru_cache(maxsize=1024, typed=True)  # pure; ICE's files repeat their cells
def read_state(value: object) -> StateReading:
    """The USPS code of a STATE cell. Case is forgiven; a typo is forgiven when one state name is the only one
    within two edits (reported as not exact, with a note); anything else is unreadable."""
    text = clean(value)
    if text is None:
        return StateReading(None, False, "empty")
    key = name_key(text)
    code = _BY_KEY.get(key)
    if code is not None:
        as_written = {code, STATES[code], STATES[code].upper()}
        exact = text in as_written
        return StateReading(code, exact, None if exact else f"{text!r} read as {code} ({STATES[code]})")
    if len(key) < 4:
        return StateReading(None, False, f"{text!r} is not a state")
    scored = sorted((edit_distance(key, k, MAX_STATE_TYPO), k) for k in _BY_KEY if len(k) > 2)
    best = [k for d, k in scored if d == scored[0][0]]
    if scored[0][0] <= MAX_STATE_TYPO and len(best) == 1:
        code = _BY_KEY[best[0]]
        return StateReading(code, False, f"{text!r} read as {code} ({STATES[code]}), the only state within two edits")
    return StateReading(None, False, f"{text!r} is not a state, and no single state name is within two edits")
