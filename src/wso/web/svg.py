"""Charts and the map as server-side SVG: no JavaScript library, no CDN, nothing fetched at run time.

Every function returns `Markup` (escaped labels inside) to drop into a template, and draws from the same
numbers the JSON API returns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from markupsafe import Markup, escape

from wso.web.topojson import VIEW_BOX, state_paths

MODEL_COLOURS = {"TFM": "#b35806", "JEM": "#7b3294", "WSO": "#1f78b4"}
# Sequential blues for agreements per state: 0, 1-2, 3-9, 10-29, 30-99, 100+.
BINS: tuple[tuple[int, str], ...] = (
    (0, "#eef0f2"),
    (1, "#c6dbef"),
    (3, "#9ecae1"),
    (10, "#6baed6"),
    (30, "#3182bd"),
    (100, "#08519c"),
)
STANCE_STROKES = {"prohibits": "#a3261b", "restricts": "#d08c00", "mandates": "#111111", "encourages": "#2d6a2f"}


# the width of a character of a 14 px label, generously (sans-serif capitals and digits run to about 9 px), so a
# long label ("WSO · Oficial de Servicio de Órdenes") is not cut off at the chart's left edge
LABEL_CHAR_WIDTH = 8.5


def fill_for(count: int) -> str:
    colour = BINS[0][1]
    for lower, value in BINS:
        if count >= lower:
            colour = value
    return colour


def bar_chart(items: Sequence[tuple[str, int]], *, title: str, colours: Mapping[str, str] | None = None) -> Markup:
    """Horizontal bars, one per (label, value); the label column is as wide as the longest label needs."""
    longest = max((len(label) for label, _ in items), default=0)
    row, label_w = 30, max(120, round(longest * LABEL_CHAR_WIDTH) + 16)
    width = label_w + 340
    top = max((v for _, v in items), default=0) or 1
    height = row * len(items) + 10
    out = [
        f'<svg class="chart bars" role="img" viewBox="0 0 {width} {height}" width="{width}">'
        f"<title>{escape(title)}</title>"
    ]
    for i, (label, value) in enumerate(items):
        y = 5 + i * row
        bar = (width - label_w - 60) * value / top
        colour = (colours or {}).get(label, "#1f78b4")
        out.append(f'<text x="{label_w - 8}" y="{y + 19}" text-anchor="end" font-size="14">{escape(label)}</text>')
        out.append(f'<rect x="{label_w}" y="{y + 4}" width="{bar:.1f}" height="{row - 8}" fill="{colour}"/>')
        out.append(f'<text x="{label_w + bar + 6:.1f}" y="{y + 19}" font-size="14">{value}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def line_chart(days: Sequence[date], series: Mapping[str, Sequence[int]], *, title: str) -> Markup:
    """One line per series over the days (x spaced by real time, not by index), with axes and a legend."""
    width, height, left, right, top, bottom = 720, 300, 50, 90, 20, 40
    if not days:
        return Markup(f'<svg class="chart line" viewBox="0 0 {width} 40"><title>{escape(title)}</title></svg>')
    first, last = days[0].toordinal(), days[-1].toordinal()
    span = max(last - first, 1)
    peak = max((max(values, default=0) for values in series.values()), default=0) or 1
    scale_top = _nice_ceiling(peak)

    def x(d: date) -> float:
        return left + (width - left - right) * (d.toordinal() - first) / span

    def y(v: int) -> float:
        return top + (height - top - bottom) * (1 - v / scale_top)

    out = [
        f'<svg class="chart line" role="img" viewBox="0 0 {width} {height}" width="{width}">'
        f"<title>{escape(title)}</title>"
    ]
    for tick in range(0, scale_top + 1, max(scale_top // 4, 1)):
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#e3e6e9"/>')
        out.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11">{tick}</text>')
    for d in sorted({days[0], days[len(days) // 2], days[-1]}):
        out.append(
            f'<text x="{x(d):.1f}" y="{height - bottom + 18}" text-anchor="middle" font-size="11">'
            f"{d.isoformat()}</text>"
        )
    for name, values in series.items():
        colour = MODEL_COLOURS.get(name, "#444")
        points = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in zip(days, values, strict=True))
        out.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}">'
            f"<title>{escape(name)}</title></polyline>"
        )
        if len(days) == 1:  # one publication: no line to draw, so a dot
            out.append(f'<circle cx="{x(days[0]):.1f}" cy="{y(values[0]):.1f}" r="4" fill="{colour}"/>')
        if values:
            out.append(
                f'<text x="{width - right + 6}" y="{y(values[-1]) + 4:.1f}" font-size="12" '
                f'fill="{colour}">{escape(name)} {values[-1]}</text>'
            )
    out.append("</svg>")
    return Markup("".join(out))


def _nice_ceiling(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if value <= step * 4:
            return step * 4 if value > step * 3 else max(step * ((value + step - 1) // step), step)
    return value


def us_map(
    counts: Mapping[str, int],
    stances: Mapping[str, str | None],
    code_of_name: Callable[[str], str],
    *,
    title: str,
    describe: Callable[[str, int, str | None], str],
    link: Callable[[str], str],
) -> Markup:
    """The states coloured by `counts` (USPS code -> agreements), outlined by their law's stance; each state
    links to its page and says its figures in a tooltip."""
    out = [
        # a group, not an image: it holds a link per state (an image may not hold interactive parts); no style
        # attribute (the CSP allows none): .map in style.css keeps it within 975 px
        f'<svg class="map" role="group" aria-label="{escape(title)}" viewBox="{VIEW_BOX}" width="100%">'
        f"<title>{escape(title)}</title>"
    ]
    outlined: list[str] = []
    for name, path in state_paths().items():
        code = code_of_name(name)
        count = counts.get(code, 0)
        stance = stances.get(code)
        shape = (
            f'<a href="{escape(link(code))}" aria-label="{escape(describe(code, count, stance))}">'
            f'<path id="state-{code}" data-count="{count}" '
            f'data-stance="{escape(stance or "")}" d="{path}" fill="{fill_for(count)}" stroke="#ffffff" '
            f'stroke-width="0.7"><title>{escape(describe(code, count, stance))}</title></path></a>'
        )
        out.append(shape)
        if stance in STANCE_STROKES:
            outlined.append(
                f'<path d="{path}" fill="none" stroke="{STANCE_STROKES[stance]}" stroke-width="2.2" '
                'pointer-events="none"/>'
            )
    out.extend(outlined)
    out.append("</svg>")
    return Markup("".join(out))
