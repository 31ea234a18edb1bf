"""Decode the vendored us-atlas TopoJSON (states, already projected to 975x610 Albers USA) into SVG paths.

TopoJSON keeps each shared border once, as an "arc" of delta-encoded integer points; a polygon's ring lists
the arcs it follows (a negative index ~i means arc i reversed) and the file's `transform` maps the integers
back to coordinates. That decoding is all a server-side map needs, so it is done here rather than by a
browser-side library.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

ATLAS = Path(__file__).resolve().parent / "static" / "vendor" / "states-albers-10m.json"
WIDTH, HEIGHT = 975, 610
# The Aleutians reach past the left edge of the nominal canvas; maps use this view box (the atlas's bbox, padded).
VIEW_BOX = "-60 0 1020 615"

Point = tuple[float, float]


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Every arc as absolute coordinates (delta-decoded, then transformed when the topology is quantized)."""
    transform = topology.get("transform")
    sx, sy = transform["scale"] if transform else (1.0, 1.0)
    tx, ty = transform["translate"] if transform else (0.0, 0.0)
    arcs: list[list[Point]] = []
    for arc in topology["arcs"]:
        x = y = 0.0
        points: list[Point] = []
        for position in arc:
            if transform:
                x += position[0]
                y += position[1]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((float(position[0]), float(position[1])))
        arcs.append(points)
    return arcs


def ring_points(ring: list[int], arcs: list[list[Point]]) -> list[Point]:
    """A ring's points: its arcs joined end to start (each arc after the first drops its repeated first point)."""
    points: list[Point] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def geometry_path(geometry: dict[str, Any], arcs: list[list[Point]]) -> str:
    """The SVG path data of a Polygon or MultiPolygon geometry."""
    if geometry["type"] == "Polygon":
        polygons = [geometry["arcs"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        raise ValueError(f"geometry type {geometry['type']!r} is not a polygon")
    parts: list[str] = []
    for polygon in polygons:
        for ring in polygon:
            points = ring_points(ring, arcs)
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


@lru_cache(maxsize=1)
def state_paths() -> dict[str, str]:
    """Full state name (as us-atlas spells it) -> SVG path data, on a 975x610 canvas."""
    topology = json.loads(ATLAS.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    return {
        geometry["properties"]["name"]: geometry_path(geometry, arcs)
        for geometry in topology["objects"]["states"]["geometries"]
    }
