"""Tracking a new request as both doors do it: the agency found in the registry, then the request recorded.

`wso records new` and the console's tracker both call `track_request`, and `wso records letter` finds its agency
with `find_agency`, so the three cannot differ in how they treat an empty registry, a partial name or an agency ICE
does not list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from wso.clock import Clock
from wso.records.agency import EmptyRegistry, lookup_agency
from wso.records.facts import StateFacts
from wso.records.letter import LetterAgency, Requester
from wso.records.residency import residency_warning
from wso.records.sets import RECORD_SETS, Lang, RecordSet, parse_lang
from wso.records.tracker import RequestDetail, TrackerError, new_request
from wso.registry import load_bundled_if_empty


@dataclass(frozen=True)
class Found:
    """The agency a letter or a request goes to, and what the person asking should be told about how it was found
    (a partial name's match is in `agency.matched_from`: a letter says it in its notes)."""

    agency: LetterAgency
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tracked:
    """A request just recorded (with the requester: strip it with `public_view` before showing it), and what the
    person who recorded it should be told."""

    request: RequestDetail
    warnings: tuple[str, ...] = ()


def find_agency(session: Session, name: str, facts: StateFacts, *, clock: Clock, unlisted: bool = False) -> Found:
    """The agency called `name` in `facts.state` as the registry knows it, with its agreements; with `unlisted`, the
    agency as given (one ICE does not list).

    A registry holding none of ICE's lists cannot tell "no agreement" from "not loaded", so it first gets the snapshot
    bundled with wso, in the caller's transaction (a refused request then leaves nothing behind), with a warning:
    it is not ICE's current list. Raises `AmbiguousAgency` when the name matches several agencies.
    """
    if unlisted:
        return Found(LetterAgency(name=name, state=facts.state))
    warnings: list[str] = []
    try:
        agency = lookup_agency(session, name, facts.state)
    except EmptyRegistry:
        load_bundled_if_empty(session, clock=clock)
        agency = lookup_agency(session, name, facts.state)
        warnings.append(
            f"the registry held none of ICE's lists: loaded the snapshot bundled with wso (published "
            f"{agency.listed_as_of}), whose agreements are cited; run `wso registry fetch` for ICE's current lists"
        )
    return Found(agency, tuple(warnings))


def track_request(
    session: Session,
    *,
    agency: str,
    facts: StateFacts,
    clock: Clock,
    unlisted: bool = False,
    sent: date | None = None,
    requester: Requester | None = None,
    sets: Sequence[RecordSet] = RECORD_SETS,
    lang: Lang | str = "en",
    note: str | None = None,
) -> Tracked:
    """Record a new request to the agency called `agency` under `facts`' law (see `find_agency` and `new_request`):
    sent on `sent`, with its due date, or a draft. Warns when the requester's address is outside a state whose law
    serves only its residents.

    Raises `TrackerError` (no agency name, a sent date after today), `AmbiguousAgency` or `UnknownLanguage`; nothing
    is written then.
    """
    name = agency.strip()
    if not name:
        raise TrackerError("the agency's name is missing")
    language = parse_lang(lang)
    warnings: list[str] = []
    if requester is not None:
        residency = residency_warning(facts, requester.address, language)
        if residency is not None:
            warnings.append(residency.message)
    found = find_agency(session, name, facts, clock=clock, unlisted=unlisted)
    matched = found.agency.matched_from
    if matched is not None:
        name_taken = found.agency.name
        warnings.append(f"{matched!r} was taken to mean {name_taken}, the only agency of that name in ICE's lists")
    if found.agency.near:
        warnings.append(
            f"ICE's lists name no agency {found.agency.name!r} in {facts.state}: tracked as an agency with no listed "
            f"agreement (names that only resemble it: {'; '.join(found.agency.near)})"
        )
    view = new_request(
        session,
        agency=found.agency.name,
        agency_id=found.agency.agency_id,
        facts=facts,
        clock=clock,
        sent=sent,
        requester=requester,
        sets=sets,
        lang=language,
        note=note,
    )
    return Tracked(view, (*warnings, *found.warnings))
