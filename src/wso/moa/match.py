"""An MOA matched to the registry's agency, through `wso.registry`'s public functions only.

First by ICE's own link: an agreement whose MOA link ends with this file's name (in the MOA's state, or, when
no state was read, among the agencies named like the file's first word). Else by name within the state: the
registry's agencies whose names contain the MOA's words, narrowed to those with an agreement of the MOA's model
when several match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

from sqlalchemy.orm import Session

from wso import registry

_GENERIC = re.compile(r"\b(the|of|s|sheriffs?|office|offices|county|department|dept|co)\b")


@dataclass(frozen=True)
class AgencyMatch:
    agency_id: str
    name: str
    state: str
    ice_url: str | None  # ICE's copy of the MOA (the matched agreement's link)
    how: str  # "ICE's link names this file" | "name within the state"
    confidence: float


@dataclass
class Matcher:
    """Matches many MOAs in one session, reading each state's agencies once."""

    session: Session
    _states: dict[str, list[registry.AgencyView]] = field(default_factory=dict)

    def _agencies(self, state: str) -> list[registry.AgencyView]:
        if state not in self._states:
            self._states[state] = registry.agencies_in_state(self.session, state)
        return self._states[state]

    def match(
        self, file_names: Sequence[str], name: str | None, state: str | None, model: str | None
    ) -> AgencyMatch | None:
        wanted = {n.lower() for n in file_names}
        candidates: list[registry.AgencyView] = list(self._agencies(state)) if state else []
        by_link = _by_link(candidates, wanted) if state else self._by_link_anywhere(file_names, wanted)
        if by_link is not None:
            return by_link
        if not name:
            return None
        query = _GENERIC.sub(" ", name.lower().replace("’", "'").replace("'", " "))
        if not query.split():
            return None
        found = registry.find_agencies(self.session, query, state)
        by_link = _by_link(found, wanted)
        if by_link is not None:
            return by_link
        if len(found) > 1 and model:
            found = [a for a in found if any(g.model == model for g in a.agreements)] or found
        if len(found) != 1:
            return None
        agency = found[0]
        same_model = [g for g in agency.agreements if g.model == model and g.moa_url]
        url = max(same_model, key=lambda g: g.last_listed).moa_url if same_model else None
        return AgencyMatch(
            agency.id,
            agency.name,
            agency.state,
            url,
            "name within the state" if state else "name",
            0.8 if state else 0.6,
        )

    def _by_link_anywhere(self, file_names: Sequence[str], wanted: set[str]) -> AgencyMatch | None:
        """With no state read, ICE's link still names the file: looked for among the agencies, in any state, whose
        names hold the file name's first word ("LeeCoSheriffsOffice_JEM_..." -> "Lee")."""
        for file_name in file_names:
            first = _FIRST_WORD.match(file_name)
            if first is not None:
                found = _by_link(registry.find_agencies(self.session, first.group(1), None), wanted)
                if found is not None:
                    return found
        return None


# The place's name that begins most of ICE's file names, after a "287gWSO_" prefix ("HarrisonCoTS_WSO_...").
_FIRST_WORD = re.compile(r"(?:287g_?[A-Z]{0,3}_?)?([A-Za-z][a-z]{2,})")


def _by_link(agencies: Sequence[registry.AgencyView], wanted: set[str]) -> AgencyMatch | None:
    """The agency with an agreement whose MOA link ends with one of the file's names."""
    for agency in agencies:
        for agreement in agency.agreements:
            if agreement.moa_url and _basename(agreement.moa_url) in wanted:
                return AgencyMatch(
                    agency.id, agency.name, agency.state, agreement.moa_url, "ICE's link names this file", 1.0
                )
    return None


def _basename(url: str) -> str:
    return unquote(urlparse(url).path.rsplit("/", 1)[-1]).lower()
