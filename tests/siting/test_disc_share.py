"""DiscShare: the exact share of a disc inside a polygon equals shapely's intersection area
of a fine circle polygon (64 segments a quadrant: within 0.01 % of πr²), holes included."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from townsgis.siting.disc_share import DiscShare

R = 977.0
SQUARE_WITH_HOLE = shapely.Polygon(
    [(0, 0), (10_000, 0), (10_000, 10_000), (0, 10_000)],
    [[(4000, 4000), (6000, 4000), (6000, 6000), (4000, 6000)]],
)
TWO_PARTS = shapely.MultiPolygon(
    [
        shapely.Polygon([(0, 0), (3000, 0), (3000, 800), (0, 800)]),  # narrower than the disc
        shapely.Polygon([(3500, -2000), (9000, -1500), (7000, 3000)]),  # clockwise shell
    ]
)


def reference(area, xy: np.ndarray, r: float) -> np.ndarray:
    circles = shapely.buffer(shapely.points(xy), r, quad_segs=64)
    return shapely.area(shapely.intersection(circles, area)) / shapely.area(circles)


@pytest.mark.parametrize("area", [SQUARE_WITH_HOLE, TWO_PARTS], ids=["hole", "multipart"])
def test_matches_shapely_intersection(area):
    rng = np.random.default_rng(7)
    x0, y0, x1, y1 = area.bounds
    xy = rng.uniform([x0 - R, y0 - R], [x1 + R, y1 + R], size=(1500, 2))
    got = DiscShare(area, R)(xy)
    assert np.abs(got - reference(area, xy, R)).max() < 1e-4


def test_full_inside_none_outside_and_straight_edge():
    share = DiscShare(SQUARE_WITH_HOLE, R)
    inside, outside = share(np.array([[2000.0, 2000.0], [-5000.0, 5000.0]]))
    assert inside == pytest.approx(1.0) and outside == 0.0
    # centre on a straight edge: exactly half the disc is inside
    assert share(np.array([[0.0, 2000.0]]))[0] == pytest.approx(0.5, abs=1e-9)
