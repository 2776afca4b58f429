"""Property: the STRtree pair search equals brute force on random layouts."""

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from townsgis.checks.spatial import pairs_within

coords = st.floats(min_value=0, max_value=20_000, allow_nan=False)
boxes = st.lists(
    st.tuples(coords, coords, st.floats(10, 3000), st.floats(10, 3000)), min_size=0, max_size=40
)


def brute(geoms, d):
    n = len(geoms)
    out = []
    for i in range(n):
        for j in range(i + 1, n):
            dist = geoms[i].distance(geoms[j])
            if (dist <= d) if d > 0 else geoms[i].intersects(geoms[j]):
                out.append((i, j))
    return out


@settings(max_examples=150, deadline=None)
@given(boxes, st.sampled_from([0.0, 1.0, 500.0, 1000.0, 5000.0]))
def test_indexed_pairs_equal_brute_force_polygons(spec, d):
    geoms = np.array([shapely.box(x, y, x + w, y + h) for x, y, w, h in spec], dtype=object)
    i, j = pairs_within(geoms, d)
    assert list(zip(i.tolist(), j.tolist(), strict=True)) == brute(geoms, d)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(coords, coords), max_size=60), st.sampled_from([1.0, 2000.0, 5000.0]))
def test_indexed_pairs_equal_brute_force_points(pts, d):
    geoms = np.array([shapely.Point(x, y) for x, y in pts], dtype=object)
    i, j = pairs_within(geoms, d)
    assert list(zip(i.tolist(), j.tolist(), strict=True)) == brute(geoms, d)
