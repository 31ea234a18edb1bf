"""The watch room on the site: Atom feeds of the changes in ICE's lists, a requester's private records calendar,
the subscribe form's target, and the confirm and unsubscribe links (RFC 8058 one-click POST). No page here shows
anything about a subscriber but the secret of the webhook they have just made (once)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from wso.program import STATES
from wso.registry import get_agency
from wso.watch import (
    MODELS,
    BadFilter,
    FeedRef,
    Site,
    SubscriptionError,
    atom,
    by_token,
    calendar_owner,
    confirm_subscription,
    make_filter,
    records_calendar,
    subscribe,
    unsubscribe,
)
from wso.web.deps import ClockDep, DbSession, LangDep, OptionalPrincipal, SettingsDep
from wso.web.i18n import translator
from wso.web.rendering import render

router = APIRouter(tags=["public"])
ATOM = "application/atom+xml; charset=utf-8"


def not_found(what: str) -> HTTPException:
    """A feed or calendar that does not exist: the site's 404 page to a browser, JSON to a feed reader."""
    return HTTPException(status_code=404, detail=f"no such {what}")


def _feed(
    session: DbSession, ref: FeedRef, settings: SettingsDep, clock: ClockDep, name: str | None = None
) -> Response:
    data = atom(session, ref, site=Site(settings.public_url), now=clock.now(), name=name)
    return Response(data, media_type=ATOM)


@router.get("/feeds/all.atom", include_in_schema=False)
def feed_all(session: DbSession, settings: SettingsDep, clock: ClockDep) -> Response:
    return _feed(session, FeedRef("all"), settings, clock)


@router.get("/feeds/states/{code}.atom", include_in_schema=False)
def feed_state(code: str, session: DbSession, settings: SettingsDep, clock: ClockDep) -> Response:
    if code.upper() not in STATES:
        raise not_found(f"state {code!r}")
    return _feed(session, FeedRef("states", code.upper()), settings, clock, STATES[code.upper()])


@router.get("/feeds/agencies/{agency_id}.atom", include_in_schema=False)
def feed_agency(agency_id: str, session: DbSession, settings: SettingsDep, clock: ClockDep) -> Response:
    agency = get_agency(session, agency_id)
    if agency is None:
        raise not_found(f"agency {agency_id!r}")
    return _feed(session, FeedRef("agencies", agency_id), settings, clock, f"{agency.name} ({agency.state})")


@router.get("/feeds/models/{model}.atom", include_in_schema=False)
def feed_model(model: str, session: DbSession, settings: SettingsDep, clock: ClockDep) -> Response:
    if model.upper() not in MODELS:
        raise not_found(f"model {model!r}; the models are {', '.join(MODELS)}")
    return _feed(session, FeedRef("models", model.upper()), settings, clock)


@router.get("/feeds/records/{token}.ics", include_in_schema=False)
def records_ics(token: str, session: DbSession, settings: SettingsDep, clock: ClockDep) -> Response:
    email = calendar_owner(session, token)
    if email is None:
        raise not_found("calendar (its address may have been replaced)")
    data = records_calendar(
        session, email, site=Site(settings.public_url), now=clock.now(), reminder_days=settings.records_reminder_days
    )
    return Response(data, media_type="text/calendar; charset=utf-8", headers={"Cache-Control": "private, no-store"})


def _result(
    request: Request, lang: LangDep, user: OptionalPrincipal, heading: str, *lines: str, **extra: object
) -> HTMLResponse:
    status = int(extra.pop("status_code", 200))  # type: ignore[call-overload]
    context = {"heading": heading, "lines": lines, "secret": None, "action": None} | extra
    response = render(request, "watch/result.html", context, lang=lang, user=user, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/watch/subscribe", response_class=HTMLResponse, include_in_schema=False)
def subscribe_form(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    lang: LangDep,
    user: OptionalPrincipal,
    address: Annotated[str, Form(max_length=500)],
    channel: Annotated[str, Form()] = "email",
    state: Annotated[str | None, Form()] = None,
    county: Annotated[str | None, Form()] = None,
    agency: Annotated[str | None, Form()] = None,
    model: Annotated[str | None, Form()] = None,
    change: Annotated[str | None, Form()] = None,
) -> HTMLResponse:
    t = translator(lang)
    try:
        wanted = make_filter(state=state, county=county, agency=agency, model=model, change=change)
        made = subscribe(
            session,
            clock=clock,
            filter=wanted,
            email=address if channel != "webhook" else None,
            webhook=address if channel == "webhook" else None,
            origin="web",
        )
    except (BadFilter, SubscriptionError) as exc:
        session.rollback()
        return _result(request, lang, user, t("watch.refused"), str(exc), status_code=400)
    if channel == "webhook":
        return _result(request, lang, user, t("watch.confirm_heading"), t("watch.check_webhook"), secret=made.secret)
    return _result(request, lang, user, t("watch.confirm_heading"), t("watch.check_email"))


def _link_page(
    request: Request, session: DbSession, lang: LangDep, user: OptionalPrincipal, token: str, what: str
) -> HTMLResponse:
    t = translator(lang)
    if by_token(session, token) is None:
        return _result(request, lang, user, t(f"watch.{what}_heading"), t("watch.unknown_link"), status_code=404)
    return _result(
        request,
        lang,
        user,
        t(f"watch.{what}_heading"),
        action=f"/watch/{what}/{token}",
        button=t(f"watch.{what}_button"),
    )


def _done(request: Request, lang: LangDep, user: OptionalPrincipal, what: str, line: str | None) -> HTMLResponse:
    """The page after a confirm or unsubscribe link's button: `line` says what was done, None that the token
    named no subscription."""
    t = translator(lang)
    if line is None:
        return _result(request, lang, user, t(f"watch.{what}_heading"), t("watch.unknown_link"), status_code=404)
    return _result(request, lang, user, t(f"watch.{what}_heading"), line)


@router.get("/watch/confirm/{token}", response_class=HTMLResponse, include_in_schema=False)
def confirm_page(
    request: Request, token: str, session: DbSession, lang: LangDep, user: OptionalPrincipal
) -> HTMLResponse:
    """A page with a button: a link scanner that only GETs the link confirms nothing."""
    return _link_page(request, session, lang, user, token, "confirm")


@router.post("/watch/confirm/{token}", response_class=HTMLResponse, include_in_schema=False)
def confirm(
    request: Request, token: str, session: DbSession, clock: ClockDep, lang: LangDep, user: OptionalPrincipal
) -> HTMLResponse:
    view = confirm_subscription(session, token, clock=clock)
    done = translator(lang)("watch.confirmed", what=view.filter.describe()) if view is not None else None
    return _done(request, lang, user, "confirm", done)


@router.get("/watch/unsubscribe/{token}", response_class=HTMLResponse, include_in_schema=False)
def unsubscribe_page(
    request: Request, token: str, session: DbSession, lang: LangDep, user: OptionalPrincipal
) -> HTMLResponse:
    return _link_page(request, session, lang, user, token, "unsubscribe")


@router.post("/watch/unsubscribe/{token}", response_class=HTMLResponse, include_in_schema=False)
def unsubscribe_now(
    request: Request, token: str, session: DbSession, clock: ClockDep, lang: LangDep, user: OptionalPrincipal
) -> HTMLResponse:
    """RFC 8058 one-click: a mail client POSTs 'List-Unsubscribe=One-Click' here; the page's button does too."""
    view = unsubscribe(session, token, clock=clock)
    return _done(request, lang, user, "unsubscribe", translator(lang)("watch.unsubscribed") if view else None)
