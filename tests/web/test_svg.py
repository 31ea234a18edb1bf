from __future__ import annotations

import re
from datetime import date

from wso.web.svg import BINS, LABEL_CHAR_WIDTH, bar_chart, fill_for, line_chart, us_map


def test_fill_bins() -> None:
    assert fill_for(0) == BINS[0][1]
    assert fill_for(2) == BINS[1][1]
    assert fill_for(3) == BINS[2][1]
    assert fill_for(10_000) == BINS[-1][1]


def test_bar_chart_escapes_labels_and_scales_to_the_largest() -> None:
    out = str(bar_chart([("<b>", 10), ("b", 5)], title="t & u"))
    assert "&lt;b&gt;" in out and "<b>" not in out and "t &amp; u" in out
    widths = [float(w) for w in re.findall(r'<rect x="\d+" y="[\d.]+" width="([\d.]+)"', out)]
    assert widths[0] == 2 * widths[1]


def test_line_chart_places_days_by_time() -> None:
    days = [date(2025, 5, 1), date(2025, 5, 2), date(2025, 5, 11)]
    out = str(line_chart(days, {"WSO": [1, 2, 3]}, title="trend"))
    found = re.search(r'points="([^"]+)"', out)
    assert found
    xs = [float(p.split(",")[0]) for p in found.group(1).split()]
    assert abs((xs[1] - xs[0]) * 9 - (xs[2] - xs[1])) < 0.5
    assert "WSO 3" in out


def test_bar_chart_leaves_room_for_its_longest_label() -> None:
    """ "WSO · Warrant Service Officer" was cut off at the left edge of a 180-unit label column."""
    for label in ("WSO · Warrant Service Officer", "WSO · Oficial de Servicio de Órdenes"):
        out = str(bar_chart([("TFM", 3), (label, 5)], title="t"))
        label_end = float(re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="end"', out)[-1])
        assert label_end >= len(label) * LABEL_CHAR_WIDTH  # the text, drawn leftwards from here, stays inside
        bar_start = float(re.findall(r'<rect x="([\d.]+)"', out)[0])
        assert bar_start > label_end


def test_line_chart_of_one_publication_day_draws_dots() -> None:
    out = str(line_chart([date(2025, 7, 3)], {"TFM": [386], "WSO": [278]}, title="trend"))
    assert out.count("<circle") == 2 and "WSO 278" in out
    assert "<circle" not in str(line_chart([date(2025, 7, 2), date(2025, 7, 3)], {"TFM": [1, 2]}, title="t"))


def test_line_chart_without_data() -> None:
    assert "<polyline" not in str(line_chart([], {}, title="none"))


def test_map_colours_links_and_outlines_states() -> None:
    codes = {"Texas": "TX", "California": "CA"}
    out = str(
        us_map(
            {"TX": 150, "CA": 0},
            {"TX": "mandates", "CA": "prohibits"},
            lambda name: codes.get(name, name[:2].upper()),
            title="map",
            describe=lambda code, n, stance: f"{code} {n} {stance}",
            link=lambda code: f"/states/{code}",
        )
    )
    assert 'id="state-TX" data-count="150" data-stance="mandates"' in out
    assert f'fill="{BINS[-1][1]}"' in out and '<a href="/states/CA" aria-label="CA 0 prohibits">' in out
    assert out.startswith('<svg class="map" role="group" aria-label="map"')  # it holds links: not role="img"
    assert "<title>TX 150 mandates</title>" in out
    assert out.count('pointer-events="none"') == 2
