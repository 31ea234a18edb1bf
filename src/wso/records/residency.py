"""Which state an address is in, and the warning for a requester a residents-only law may refuse.

An address's state is read from its end, the way U.S. mail addresses are written:
1. a trailing USPS code, optionally followed by a ZIP code (``"... Louisville, KY 40202"``); a lower-case code
   counts only before a ZIP code (``"..., ky 40202"``), so a trailing word such as "in" or "de" is not a state; or
2. a trailing full state name, optionally followed by a ZIP code (``"... Louisville, Kentucky 40202"``).
A trailing ``USA`` / ``U.S.A.`` / ``United States`` (``Estados Unidos``) is ignored. Anything else (a foreign
address, a P.O. box with no state) gives None: the state is unknown, and the warning says so instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from wso.program import STATES
from wso.records.facts import StateFacts
from wso.records.sets import Lang

_COUNTRY = re.compile(r"[\s,]*(?:u\.?s\.?a\.?|u\.?s\.?|united states(?: of america)?|estados unidos)\.?\s*$", re.I)
_ZIP = re.compile(r"[\s,]*\d{5}(?:-\d{4})?\s*$")
_TRAILING_CODE = re.compile(r"(?:^|[\s,])([A-Za-z]{2})\.?\s*$")
_NAMES = sorted(((name.lower(), code) for code, name in STATES.items()), key=lambda item: -len(item[0]))


def state_of_address(address: str | None) -> str | None:
    """The USPS code of the state an address ends with, or None when it cannot be told."""
    if not address:
        return None
    text = " ".join(address.replace("\n", ", ").split())
    text = _COUNTRY.sub("", text)
    without_zip = _ZIP.sub("", text)
    had_zip = without_zip != text
    text = without_zip.rstrip(" ,.")
    if not text:
        return None
    match = _TRAILING_CODE.search(text)
    if match and match.group(1).upper() in STATES and (had_zip or match.group(1).isupper()):
        return match.group(1).upper()
    lowered = text.lower()
    for name, code in _NAMES:
        if lowered.endswith(name):
            before = lowered[: -len(name)]
            if not before or not before[-1].isalnum():
                return code
    return None


@dataclass(frozen=True)
class ResidencyWarning:
    """A residents-only law and a requester who is (or may be) elsewhere."""

    kind: Literal["elsewhere", "unknown"]
    state: str
    requester_state: str | None
    message: str


def residency_warning(facts: StateFacts, address: str | None, lang: Lang = "en") -> ResidencyWarning | None:
    """A warning when `facts`' law limits requests to residents and the address is not (or not known to be) there."""
    if not facts.requester_residency_required:
        return None
    where = state_of_address(address)
    if where == facts.state:
        return None
    name = facts.state_name
    if where is None:
        if lang == "es":
            message = (
                f"La ley «{facts.law_name}» limita las solicitudes a residentes de {name}, y no se pudo "
                f"determinar el estado de la dirección dada. La agencia puede negar la solicitud de alguien que no "
                f"reside en {name}: indique una dirección en {name} o pida a un residente que la presente."
            )
        else:
            message = (
                f"The {facts.law_name} limits requests to {name} residents, and the state of the address given "
                f"could not be told. The agency may refuse a requester who does not live in {name}: give an address "
                f"in {name} or ask a resident to file the request."
            )
        return ResidencyWarning(kind="unknown", state=facts.state, requester_state=None, message=message)
    elsewhere = STATES.get(where, where)
    if lang == "es":
        message = (
            f"La ley «{facts.law_name}» limita las solicitudes a residentes de {name}, y la dirección "
            f"dada está en {elsewhere}. La agencia puede negar la solicitud: pida a un residente de {name} que la "
            f"presente."
        )
    else:
        message = (
            f"The {facts.law_name} limits requests to {name} residents, and the address given is in {elsewhere}. "
            f"The agency may refuse the request: ask a {name} resident to file it."
        )
    return ResidencyWarning(kind="elsewhere", state=facts.state, requester_state=where, message=message)
