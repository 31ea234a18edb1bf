"""The public search's whole answer: agencies whose name holds the words typed, near matches (a word that only
begins another, "Harris" in "Harrison", or a close spelling), the counties of that name ICE lists no agreement
for, and what having none means under the state's law.

ICE's lists name only agencies with an agreement in force or pending, so "no agency matches" is itself an answer:
the county's sheriff has no agreement ICE lists, and in a state whose law requires one, that is worth saying.
Built from the registry's and the program's public functions only."""

from __future__ import annotations

import difflib
import re
import unicodedata
from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from wso import registry
from wso.program import COUNTY_LISTS, STATES, StateLaw, counties
from wso.web.public import AgencySummary, LawOut, current_stance, law_out, summary

NEAR_LIMIT = 10
_CLOSE = 0.7  # difflib's ratio for a word to be a close spelling of another


class CountyHit(BaseModel):
    """A county whose name the query names, and what ICE lists for its sheriff."""

    county: str = Field(description="The county's name, without the word County.")
    state: str
    state_name: str
    listed: str = Field(description="in_force, pending, or none: what ICE lists for the county's sheriff.")
    agency_id: str | None = None


class StateAnswer(BaseModel):
    """What the state's law says of agreements today, for a search that found none there."""

    state: str
    state_name: str
    stance: str | None = Field(description="The strongest stance of its 287(g) laws in force today, if any.")
    laws: list[LawOut] = Field(description="The laws taking that stance.")


class SearchOut(BaseModel):
    query: str
    state: str | None
    as_of: date | None = Field(description="The publication day of the newest ICE list searched.")
    matches: list[AgencySummary] = Field(description="Agencies whose name holds every word of the query.")
    near: list[AgencySummary] = Field(
        description="Near matches: a query word only begins a word of the name, or the name has a close spelling."
    )
    counties: list[CountyHit] = Field(description="Counties of that name (where the county list is known).")
    no_match: list[StateAnswer] = Field(
        description="Each state where the query names no agreement (a county in `counties` without one, or the "
        "state searched when no agency matches), with what its law says of agreements today."
    )


_APOSTROPHES = re.compile(r"['’`´]")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def words(text: str) -> list[str]:
    """Lower-case words without accents or punctuation ("Sheriff’s" -> "sheriffs")."""
    plain = unicodedata.normalize("NFKD", _APOSTROPHES.sub("", text).casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", plain).split()


def whole_words(query: list[str], name: str) -> bool:
    """Every query word is a whole word of `name`."""
    have = set(words(name))
    return bool(query) and all(w in have for w in query)


def _close(query: list[str], name: str) -> bool:
    have = words(name)
    return bool(query) and all(
        any(h.startswith(w) or difflib.SequenceMatcher(None, w, h).ratio() >= _CLOSE for h in have) for w in query
    )


def _names(view: registry.AgencyView) -> list[str]:
    return [view.name, *view.spellings]


def search(session: Session, query: str, state_code: str | None, laws: tuple[StateLaw, ...], today: date) -> SearchOut:
    """The search's answer (see the module's docstring). With no query, every agency of `state_code`."""
    as_of = registry.latest_snapshot_date(session)
    q = words(query)
    if not q:
        listed = registry.agencies_in_state(session, state_code) if state_code else []
        return SearchOut(
            query=query,
            state=state_code,
            as_of=as_of,
            matches=[summary(a) for a in listed],
            near=[],
            counties=[],
            no_match=[],
        )
    found = registry.find_agencies(session, query, state=state_code)
    matches = [a for a in found if a.id == query.strip() or any(whole_words(q, n) for n in _names(a))]
    near = [a for a in found if a not in matches]
    if not matches and not near:
        scope = [state_code] if state_code else sorted(STATES)
        pool = [a for code in scope for a in registry.agencies_in_state(session, code)]
        near = [a for a in pool if any(_close(q, n) for n in _names(a))][:NEAR_LIMIT]
    hits = _county_hits(session, q, state_code, matches)
    concerned = {h.state for h in hits if h.listed != "in_force"}
    if state_code and not matches:
        concerned.add(state_code)
    no_match: list[StateAnswer] = []
    for code in sorted(concerned):
        stance, ids = current_stance(laws, code, today)
        chosen = [law_out(law) for law in laws if law.id in ids]
        no_match.append(StateAnswer(state=code, state_name=STATES[code], stance=stance, laws=chosen))
    return SearchOut(
        query=query,
        state=state_code,
        as_of=as_of,
        matches=[summary(a) for a in matches],
        near=[summary(a) for a in near],
        counties=hits,
        no_match=no_match,
    )


def _county_hits(
    session: Session, q: list[str], state_code: str | None, matches: list[registry.AgencyView]
) -> list[CountyHit]:
    """Counties (of the states whose county lists are packaged) whose name is the query, less the word County,
    with what ICE lists for their sheriff; a county already found among `matches` is left out."""
    wanted = [w for w in q if w not in ("county", "sheriff", "sheriffs", "office", "parish")]
    if not wanted:
        return []
    hits: list[CountyHit] = []
    for code in COUNTY_LISTS:
        if state_code and code != state_code:
            continue
        for county in counties(code):
            if words(county) != wanted:
                continue
            found = [
                a
                for a in registry.agencies_in_state(session, code)
                if a.kind == "county" and a.county and words(a.county) in (wanted, [*wanted, "county"])
            ]
            if any(a in matches for a in found):
                continue
            statuses = {g.status for a in found for g in a.agreements}
            listed = "in_force" if "active" in statuses else "pending" if "pending" in statuses else "none"
            agency = next((a.id for a in found), None)
            hits.append(CountyHit(county=county, state=code, state_name=STATES[code], listed=listed, agency_id=agency))
    return hits
