"""What the public routes share: the state laws and the public-records facts (loaded once per app; the console's
records tracker reads the same facts), today's date from the clock, a short cache of the overview (the most-read
page; rebuilt at most every 30 seconds, and at once after an ingest changes the latest snapshot), and the message a
page's search form shows for a search too long to run."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from datetime import date
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from wso import registry
from wso.program import StateLaw, state_laws
from wso.records import StateFacts, state_facts
from wso.web import public
from wso.web.deps import ClockDep, DbSession
from wso.web.i18n import Lang, translator

OVERVIEW_TTL = 30.0
SEARCH_LIMIT = 200  # the longest search a page's form runs, as the API's `max_length` of the same field
_lock = threading.Lock()


def get_laws(request: Request) -> tuple[StateLaw, ...]:
    laws: tuple[StateLaw, ...] | None = getattr(request.app.state, "laws", None)
    if laws is None:
        laws = state_laws(request.app.state.settings.laws_file)
        request.app.state.laws = laws
    return laws


def get_records_facts(request: Request) -> Mapping[str, StateFacts]:
    """Every state's public-records facts (packaged, plus the user's file), read once per app like the laws."""
    facts: Mapping[str, StateFacts] | None = getattr(request.app.state, "records_facts", None)
    if facts is None:
        facts = state_facts(request.app.state.settings.records_facts_file)
        request.app.state.records_facts = facts
    return facts


def get_today(clock: ClockDep) -> date:
    return clock.now().date()


LawsDep = Annotated[tuple[StateLaw, ...], Depends(get_laws)]
RecordsFactsDep = Annotated[Mapping[str, StateFacts], Depends(get_records_facts)]
TodayDep = Annotated[date, Depends(get_today)]


def found_agency(agency_id: str, session: DbSession, laws: LawsDep, today: TodayDep) -> public.AgencyOut | None:
    """The agency the route's `agency_id` names (its registry id), or None."""
    return public.agency(session, agency_id, laws, today)


def found_state(code: str, session: DbSession, laws: LawsDep, today: TodayDep) -> public.StateOut | None:
    """The state the route's `code` names (USPS code or full name), or None."""
    return public.state(session, code, laws, today)


AgencyFound = Annotated[public.AgencyOut | None, Depends(found_agency)]
StateFound = Annotated[public.StateOut | None, Depends(found_state)]


def cached_overview(request: Request, session: Session, laws: tuple[StateLaw, ...], today: date) -> public.OverviewOut:
    key = (registry.latest_snapshot_date(session), today)
    cache = getattr(request.app.state, "overview_cache", None)
    now = time.monotonic()
    if cache is not None and cache[0] == key and now - cache[1] < OVERVIEW_TTL:
        value: public.OverviewOut = cache[2]
        return value
    with _lock:
        value = public.overview(session, laws, today)
        request.app.state.overview_cache = (key, now, value)
    return value


def overview_dep(request: Request, session: DbSession, laws: LawsDep, today: TodayDep) -> public.OverviewOut:
    return cached_overview(request, session, laws, today)


OverviewDep = Annotated[public.OverviewOut, Depends(overview_dep)]


def too_long(field: str, value: str, lang: Lang, limit: int = SEARCH_LIMIT) -> str:
    """The page's message, in its language, when a field of its search form holds more than `limit` characters
    (naming the field and the limit); "" when it does not. The page shows it in place of an answer, form kept."""
    if len(value) <= limit:
        return ""
    return translator(lang)("input.too_long", field=field, limit=limit, length=len(value))
