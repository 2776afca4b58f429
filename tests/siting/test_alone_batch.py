"""`site --file`: many sites judged alone in one pass give exactly what judging each site with
the whole rule set gives (findings, messages, measured values, geometry, waiver state, caps).
A waiver cannot name a proposed site (waivers name towns of the layer), so waivers reach the
sites' findings in neither path."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from townsgis.dataset import load_dataset
from townsgis.project import Project
from townsgis.siting import evaluate_sites, make_sites

LEVELS = ["provincial_creation", "provincial_cultivation", "municipal"]
CATEGORIES = ["manufacturing", "tourism", "services"]


def _sites(ds, n: int, seed: int = 11) -> gpd.GeoDataFrame:
    """Sites of every kind: at random in the city, on top of towns, just off towns (gaps and
    spacing), across unit borders, as polygons, with repeated names and fields."""
    rng = np.random.default_rng(seed)
    city = ds.city.iloc[0]
    minx, miny, maxx, maxy = city.bounds
    pts = []
    while len(pts) < n:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if city.contains(shapely.Point(x, y)):
            pts.append(shapely.Point(x, y))
    towns = ds.towns.geometry.to_numpy()
    for k, t in enumerate(towns[:8]):  # on a town, and ~1-6 km off it
        c = t.representative_point()
        pts[k] = c
        pts[8 + k] = shapely.Point(c.x + 0.012 * (1 + k % 4), c.y)
    units = ds.units[ds.units["kind"] != "functional_zone"].geometry.to_numpy()
    border = shapely.intersection(units[0].boundary, units[1].boundary)
    if not border.is_empty:  # a site straddling two units: within-unit fails
        pts[20] = shapely.line_interpolate_point(border, 0.5, normalized=True)
    geoms = list(pts)
    geoms[21] = shapely.Point(pts[21].x, pts[21].y).buffer(0.01)  # a polygon site
    attrs = [
        {
            "name": f"拟选址{k % 7}",  # repeated names, sorting unlike ids
            "category": CATEGORIES[k % 3],
            "level": LEVELS[(k // 3) % 3],
            "area_km2": [3.0, 1.0, 5.0][k % 3],
        }
        for k in range(n)
    ]
    return make_sites(ds, gpd.GeoSeries(geoms, crs=4326), attrs)


def _as_compared(report) -> list:
    out = []
    for s in report.sites:
        d = s.to_dict("zh")
        d["en"] = [f.to_dict("en") for f in s.findings]
        d["geometry"] = [
            None if f.geometry is None else shapely.to_wkb(f.geometry) for f in s.findings
        ]
        d["waived"] = [(f.waived, f.waiver) for f in s.findings]
        out.append(d)
    return out


def test_one_pass_equals_one_site_at_a_time(project_copy):
    proj = Project.open(project_copy)
    ds = load_dataset(proj, layout_only=True)
    rs = proj.load_ruleset()
    sites = _sites(ds, 40)
    fast = evaluate_sites(ds, rs, sites)
    slow = evaluate_sites(ds, rs, sites, batch=False)
    assert _as_compared(fast) == _as_compared(slow)
    assert [s.verdict for s in fast.sites].count("fail") >= 10  # the sample exercises failures
    rules = {f.rule for s in fast.sites for f in s.findings}
    kinds = {r.kind for r in rs.rules if r.id in rules}
    assert {"no-overlap", "min-gap", "min-spacing", "within-unit", "unit-cap"} <= kinds
    assert {"category-share", "clustering"} <= kinds
