"""What WSO costs the county, in the console: the signed-in jail's ledger per facility and month (hours,
unreimbursed and reimbursed, bed-days, money at the rates given), as a page with the bed-days chart and as JSON.
A thin route over `wso.custody.ledger_cost`; the definitions are `wso.program.cost`'s (docs/cost.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from wso.custody import ledger_cost
from wso.program.cost import CostInputError, CostReport, month_chart, parse_period, parse_rates
from wso.web.deps import BAD_INPUT, ApiUser, ClockDep, ConsoleUser, DbSession
from wso.web.rendering import render

router = APIRouter(tags=["console"])

# the form's and the API's names for the options, for the messages
NAMES = {"per_diem": "per_diem", "reimbursement": "reimbursement", "from": "from", "to": "to", "month": "month"}


class CostLineOut(BaseModel):
    amount: str
    arithmetic: str


class CostOut(BaseModel):
    currency: str
    unreimbursed: CostLineOut | None = None
    reimbursed_beds: CostLineOut | None = None
    reimbursement: CostLineOut | None = None
    net: str | None = None


class CostRowOut(BaseModel):
    facility: str
    month: str | None = None
    holds: int
    hours: float
    unreimbursed_hours: float
    reimbursed_hours: float
    bed_days: float
    cost: CostOut | None = None


class SetAsideOut(BaseModel):
    reason: str
    holds: int
    examples: list[str]


class CostReportOut(BaseModel):
    """As `wso custody cost --json`: per facility and month, and per facility over the period."""

    model_config = ConfigDict(populate_by_name=True)

    as_of: str
    from_: str | None = Field(default=None, alias="from")
    to: str | None = None
    rates: dict[str, str | None]
    months: list[CostRowOut]
    facilities: list[CostRowOut]
    set_aside: list[SetAsideOut]


Text = Annotated[str | None, Query(max_length=64)]


@dataclass(frozen=True)
class CostQuery:
    """The options as the form and the API give them; an empty one is not given."""

    facility: str | None
    since: str | None
    until: str | None
    month: str | None
    per_diem: str | None
    reimbursement: str | None

    def form(self) -> dict[str, str]:
        return {"facility": self.facility or "", "from": self.since or "", "to": self.until or "",
                "month": self.month or "", "per_diem": self.per_diem or "",
                "reimbursement": self.reimbursement or ""}  # fmt: skip


def cost_query(
    facility: Text = None,
    since: Annotated[str | None, Query(alias="from", max_length=64)] = None,
    to: Text = None,
    month: Text = None,
    per_diem: Text = None,
    reimbursement: Text = None,
) -> CostQuery:
    def blank(value: str | None) -> str | None:
        return None if value is None or value.strip() == "" else value

    return CostQuery(blank(facility), blank(since), blank(to), blank(month), blank(per_diem), blank(reimbursement))


Options = Annotated[CostQuery, Depends(cost_query)]


def cost_report(session: Session, now: datetime, q: CostQuery) -> CostReport:
    """The ledger's cost as of `now`; `CostInputError` names the field as the form and the API name it."""
    period = parse_period(q.since, q.until, q.month, NAMES)
    rates = parse_rates(q.per_diem, q.reimbursement, NAMES)
    return ledger_cost(session, now, facility=q.facility, period=period, rates=rates, option="facility")


@router.get("/api/console/cost", response_model=CostReportOut, response_model_exclude_none=True, responses=BAD_INPUT)
def api_cost(user: ApiUser, session: DbSession, clock: ClockDep, options: Options) -> CostReportOut:
    """What the ledger's holds cost the county, per facility and local month, as of now (docs/cost.md)."""
    try:
        report = cost_report(session, clock.now(), options)
    except CostInputError as error:
        raise HTTPException(status_code=400, detail=str(error)) from None
    return CostReportOut.model_validate(report.as_dict())


@router.get("/console/cost", response_class=HTMLResponse, include_in_schema=False)
def cost_page(
    request: Request, user: ConsoleUser, session: DbSession, clock: ClockDep, options: Options
) -> HTMLResponse:
    context: dict[str, object] = {"report": None, "chart": None, "error": None, "form": options.form()}
    try:
        report = cost_report(session, clock.now(), options)
    except CostInputError as error:
        context["error"] = str(error)
        return render(request, "console/cost.html", context, user=user, status_code=400)
    context |= {"report": report, "chart": Markup(month_chart(report.months))}
    return render(request, "console/cost.html", context, user=user)
