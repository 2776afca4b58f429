"""Degree ticks on a GK (metric) map: labels, step choice, exact crossing positions."""

from __future__ import annotations

import pytest
from pyproj import CRS, Transformer

from townsgis.printmap import graticule

GK = CRS.from_epsg(4549)


@pytest.mark.parametrize(
    ("value", "axis", "text"),
    [
        (120.0, "lon", "120°00′E"),
        (119.75, "lon", "119°45′E"),
        (30.5, "lat", "30°30′N"),
        (119.999999, "lon", "120°00′E"),  # rounds to the whole minute, carries into degrees
        (30.25 + 1 / 60, "lat", "30°16′N"),
        (-3.5, "lat", "3°30′S"),
    ],
)
def test_format_dms(value, axis, text):
    assert graticule.format_dms(value, axis) == text


def test_nice_step():
    assert graticule.nice_step_minutes(1.25, target=5) == 15  # 75′ / 5 = 15′ exactly
    assert graticule.nice_step_minutes(10, target=5) == 120
    assert graticule.nice_step_minutes(0.1, target=5) == 1


def test_edge_ticks_sit_where_meridians_and_parallels_cross_the_frame():
    to_gk = Transformer.from_crs(4326, GK, always_xy=True)
    to_geo = Transformer.from_crs(GK, 4326, always_xy=True)
    x0, y0 = to_gk.transform(119.3, 30.3)
    x1, y1 = to_gk.transform(120.5, 31.2)
    xt, xl, yt, yl = graticule.edge_ticks(GK, (x0, x1), (y0, y1))
    assert xl and yl
    for x, label in zip(xt, xl, strict=True):
        lon, _ = to_geo.transform(x, y0)
        assert graticule.format_dms(lon, "lon") == label
        assert abs(lon * 60 - round(lon * 60)) < 1e-3  # on a whole minute (≈ 2 m)
    for y, label in zip(yt, yl, strict=True):
        _, lat = to_geo.transform(x0, y)
        assert graticule.format_dms(lat, "lat") == label
    assert "120°00′E" in xl and "31°00′N" in yl
    assert all(x0 <= x <= x1 for x in xt) and all(y0 <= y <= y1 for y in yt)


def test_graticule_lines_are_meridians_and_parallels():
    to_gk = Transformer.from_crs(4326, GK, always_xy=True)
    to_geo = Transformer.from_crs(GK, 4326, always_xy=True)
    x0, y0 = to_gk.transform(119.3, 30.3)
    x1, y1 = to_gk.transform(120.5, 31.2)
    lines = graticule.graticule_lines(GK, (x0, x1), (y0, y1))
    assert len(lines) >= 6
    for ln in lines:
        lon, lat = to_geo.transform(ln[:, 0], ln[:, 1])
        assert min(max(lon) - min(lon), max(lat) - min(lat)) < 1e-6  # constant lon or lat
