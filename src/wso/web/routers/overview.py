"""The national overview: agreements by model now, the trend over every snapshot, the map, what changed."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from wso.program import STATES, parse_state
from wso.web import svg
from wso.web.deps import LangDep, OptionalPrincipal
from wso.web.i18n import Lang, translator
from wso.web.public import OverviewOut
from wso.web.publicdeps import OverviewDep
from wso.web.rendering import lang_url, render

router = APIRouter(tags=["public"])


@router.get("/api/overview", response_model=OverviewOut)
def api_overview(data: OverviewDep) -> OverviewOut:
    """Agreements in force by model and by state (with each state's law stance), the trend over every
    participating snapshot, and the changes between the last two snapshots."""
    return data


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def overview_page(request: Request, data: OverviewDep, lang: LangDep, user: OptionalPrincipal) -> HTMLResponse:
    # Charts are drawn once per overview object (the cache holds it, so identity is a safe key) and language.
    cached: tuple[OverviewOut, dict[str, dict[str, Markup]]] | None = getattr(request.app.state, "charts", None)
    if cached is None or cached[0] is not data:
        cached = (data, {})
        request.app.state.charts = cached
    charts = cached[1].get(lang)
    if charts is None:
        charts = cached[1][lang] = _charts(data, lang)
    return render(
        request,
        "overview.html",
        {"o": data, "charts": charts, "bins": svg.BINS, "strokes": svg.STANCE_STROKES},
        lang=lang,
        user=user,
    )


def _charts(data: OverviewOut, lang: Lang) -> dict[str, Markup]:
    """The bar chart, the trend and the map, drawn once per overview and language."""
    t = translator(lang)
    by_state = {s.code: s for s in data.states}

    def describe(code: str, count: int, stance: str | None) -> str:
        summary = by_state.get(code)
        name = summary.name if summary else STATES.get(code, code)  # a state with no agreement and no law
        law = t(f"stance.{stance}") if stance else t("stance.none")
        laws = f" ({', '.join(summary.laws)})" if summary and summary.laws else ""
        return f"{name}: {count} · {t('col.law')}: {law}{laws}"

    charts = {
        "by_model": svg.bar_chart(
            [(f"{m} · {t('model.' + m)}", n) for m, n in data.by_model.items()],
            title=t("overview.by_model"),
            colours={f"{m} · {t('model.' + m)}": c for m, c in svg.MODEL_COLOURS.items()},
        ),
        "trend": svg.line_chart(
            [p.published for p in data.trend],
            {m: [p.by_model[m] for p in data.trend] for m in ("TFM", "JEM", "WSO")},
            title=t("overview.trend"),
        ),
        "map": svg.us_map(
            {s.code: s.agreements for s in data.states},
            {s.code: s.stance for s in data.states},
            parse_state,
            title=t("overview.map"),
            describe=describe,
            link=lambda code: lang_url(f"/states/{code}", lang),
        ),
    }
    return charts
