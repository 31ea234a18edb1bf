"""The rules page: every rule the software checks, with its citation, and what each model authorizes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from wso.web import public
from wso.web.deps import LangDep, OptionalPrincipal
from wso.web.rendering import render

router = APIRouter(tags=["public"])


class RulesOut(BaseModel):
    rules: list[public.RuleOut]
    models: list[public.ModelOut]


@router.get("/api/rules", response_model=RulesOut)
def api_rules() -> RulesOut:
    """Every rule with its id, citation and source, and each model's authority."""
    return RulesOut(rules=public.rules_out(), models=public.models())


@router.get("/rules", response_class=HTMLResponse, include_in_schema=False)
def rules_page(request: Request, lang: LangDep, user: OptionalPrincipal) -> HTMLResponse:
    return render(request, "rules.html", {"r": api_rules()}, lang=lang, user=user)
