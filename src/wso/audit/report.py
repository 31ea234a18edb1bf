"""The HTML report: one self-contained, printable page (Jinja2, inline SVG charts, no scripts, no CDN)."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from wso.audit.engine import AuditResult
from wso.program import hold_records as hr
from wso.program.cost import CostReport, month_chart

MAX_ROWS = 500
COLORS = {"violation": "#b2182b", "warning": "#ef8a62", "data": "#67a9cf", "info": "#999999"}


def bar_chart(items: list[tuple[str, int, str]], *, width: int = 640, title: str = "") -> Markup:
    """A horizontal bar chart as inline SVG: (label, value, severity-or-colour) per bar."""
    bar_h, gap, label_w, value_w = 18, 6, 230, 70
    height = max(1, len(items)) * (bar_h + gap) + 10
    top = max((v for _, v, _ in items), default=0) or 1
    plot_w = width - label_w - value_w
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" class="chart">'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    for i, (label, value, kind) in enumerate(items):
        y = 5 + i * (bar_h + gap)
        w = 0 if value == 0 else max(1.0, plot_w * value / top)
        colour = COLORS.get(kind, kind if kind.startswith("#") else "#4d4d4d")
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h - 5}" text-anchor="end" font-size="12">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 5}" font-size="12">{value:,}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def render_html(result: AuditResult, summary: dict[str, Any], cost: CostReport | None = None) -> str:
    """The report; with `cost`, a chart and table of the unreimbursed bed-days by month (docs/cost.md)."""
    env = Environment(loader=PackageLoader("wso.audit", "templates"), autoescape=select_autoescape(["html", "j2"]))
    template = env.get_template("report.html.j2")
    rule_chart = bar_chart(
        [(r["rule_id"], int(r["findings"]), str(r["severity"])) for r in summary["by_rule"]],
        title="Findings by rule",
    )
    agency_chart = bar_chart(
        [(f"{a['agency_id']} ({a['state']})", int(a["findings"]), "#4d4d4d") for a in summary["by_agency"][:25]],
        title="Findings by agency",
    )
    rows = result.findings.slice(0, MAX_ROWS).to_pylist()
    for row in rows:
        evidence = json.loads(row["evidence"])
        row["evidence_items"] = [(k, "—" if v is None else v) for k, v in evidence.items()]
    return template.render(
        summary=summary,
        schema_version=hr.SCHEMA_VERSION,
        rule_chart=rule_chart,
        agency_chart=agency_chart,
        rows=rows,
        shown=len(rows),
        total=result.findings.num_rows,
        cost=cost,
        cost_chart=None if cost is None else Markup(month_chart(cost.months)),
    )
