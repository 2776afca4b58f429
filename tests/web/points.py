"""Sites on the bundled Huzhou data, derived from the data: one 500 m beyond the edge of a
3 km² circle from 德清地理信息小镇 (inside its §3.1.2a 1 km gap), one that passes."""

from __future__ import annotations

from functools import cache

GAP_TOWN = "HZ-13"
GAP_TOWN_NAME = "德清地理信息小镇"
PASS_POINT = (120.27, 30.605)  # the sample proposal PR-01, "设计为通过全部空间规则"


@cache
def gap_point() -> tuple[float, float]:
    """WGS84 lon/lat east of HZ-13 whose 3 km² circle lies 500 m from the town's boundary."""
    import geopandas as gpd
    import shapely

    from townsgis.crs import WGS84
    from townsgis.engine import load_inputs
    from townsgis.project import Project
    from townsgis.siting import circle_radius_m

    ds, _ = load_inputs(Project.open(None), None, layout_only=True)
    town = ds.metric("towns").set_index("town_id").geometry[GAP_TOWN]
    c = town.centroid
    want = circle_radius_m(3.0) + 500.0
    lo, hi = 0.0, 20_000.0
    for _ in range(50):
        mid = (lo + hi) / 2
        if shapely.Point(c.x + mid, c.y).distance(town) < want:
            lo = mid
        else:
            hi = mid
    pt = gpd.GeoSeries([shapely.Point(c.x + hi, c.y)], crs=ds.metric_crs).to_crs(WGS84).iloc[0]
    return round(pt.x, 6), round(pt.y, 6)
