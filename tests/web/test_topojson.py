from __future__ import annotations

from wso.web.topojson import VIEW_BOX, decode_arcs, geometry_path, ring_points, state_paths


def test_quantized_arcs_are_delta_decoded_and_transformed() -> None:
    topology = {"transform": {"scale": [2, 3], "translate": [10, 20]}, "arcs": [[[0, 0], [1, 0], [0, 1]]]}
    assert decode_arcs(topology) == [[(10, 20), (12, 20), (12, 23)]]


def test_unquantized_arcs_are_taken_as_given() -> None:
    assert decode_arcs({"arcs": [[[1, 2], [3, 4]]]}) == [[(1.0, 2.0), (3.0, 4.0)]]


def test_a_ring_joins_arcs_and_reverses_negative_ones() -> None:
    arcs = [[(0.0, 0.0), (1.0, 0.0)], [(0.0, 1.0), (1.0, 0.0)]]
    # arc 0 forward, then arc 1 reversed (~1 == -2): (1,0) -> (0,1); the shared point appears once
    assert ring_points([0, ~1], arcs) == [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0)]


def test_polygon_path() -> None:
    arcs = [[(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (0.0, 0.0)]]
    assert geometry_path({"type": "Polygon", "arcs": [[0]]}, arcs) == "M0.0,0.0L1.0,0.0L0.0,1.0L0.0,0.0Z"


def test_the_vendored_atlas_has_every_state_inside_the_canvas() -> None:
    paths = state_paths()
    # Albers USA has the 50 states and DC; territories are not drawn (the overview lists them in its table).
    assert {"California", "Texas", "Alaska", "Hawaii", "District of Columbia"} <= set(paths)
    assert len(paths) == 51 and "Puerto Rico" not in paths
    for name, path in paths.items():
        numbers = [
            float(v)
            for chunk in path.replace("M", " ").replace("L", " ").replace("Z", " ").split()
            for v in chunk.split(",")
        ]
        xs, ys = numbers[0::2], numbers[1::2]
        left, top, width, height = (float(v) for v in VIEW_BOX.split())
        assert min(xs) >= left and max(xs) <= left + width, name
        assert min(ys) >= top and max(ys) <= top + height, name
