"""`site --file`: many sites judged alone in one pass give exactly what judging each site with
the whole rule set gives (findings, messages, measured values, geometry, waiver state, caps).
A waiver cannot name a proposed site (waivers name towns of the layer), so waivers reach the
sites' findings in neither path."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.affinity
import shapely.geometry

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


PLACE_RULES = """
[[rule]]
id = "CLUSTER"
clause = "§3.1.2b"
title_zh = "聚集"
title_en = "clustering"
severity = "warning"
kind = "clustering"
min_towns = 3

[[rule]]
id = "CONCENTRATION"
clause = "§3.1.2b"
title_zh = "集中"
title_en = "concentration"
severity = "warning"
kind = "concentration"
min_m = 2000
max_m = 12000
steps = 6
min_towns = 5
"""


def test_one_pass_equals_one_site_at_a_time_multi_unit_edges(make_fixture):
    """A synthetic project of three units (a district, a county, a zone carved out of the
    district), caps that one more town reaches exactly or passes, and sites on the edges:
    centroids exactly at the 5 km spacing and 1 m inside it, a boundary exactly 1 km from a
    town, on a town, across a unit border, across the city's edge, in the zone (cap 1, no
    town yet), plus clustering and concentration rules. Both paths agree on every site."""
    from siting_fixture import HALF, lonlat, m

    fx = make_fixture(cap_all=5, cap_prov=5)
    path = fx.root / "rules" / "fixture.toml"
    path.write_text(path.read_text(encoding="utf-8") + PLACE_RULES, encoding="utf-8")
    ds, rs = fx.dataset(), fx.ruleset()
    t1 = m(15, 15)  # T1's centre; T2 is 7 km east of it, T3 9 km north
    points = [
        (t1[0], t1[1] - 5000.0),  # centroid exactly 5 km from T1's: passes spacing
        (t1[0], t1[1] - 4999.0),  # 1 m inside: a spacing warning
        (t1[0] + 3500.0, t1[1]),  # between T1 and T2: overlap-free but gap and spacing
        t1,  # on T1: overlap
        m(30, 20),  # across the A/B border: within-unit fails
        m(59.5, 10),  # across the city's east edge
        m(5, 5),  # in the zone Z (cap 1, no town yet): exactly at the cap
        m(45, 25),  # in B, far from everything
        m(25, 5),
        m(40, 5),
    ]
    geoms = [shapely.Point(*lonlat(x, y)) for x, y in points]
    # a square site whose boundary is exactly 1 km from T1's (min-gap: exactly the limit passes)
    x0 = t1[0] + HALF + 1000.0
    square = shapely.box(x0, t1[1] - 4000, x0 + 1500, t1[1] - 2500)
    geoms.append(gpd.GeoSeries([square], crs="EPSG:4549").to_crs(4326).iloc[0])
    levels = ["provincial_creation", "municipal", "provincial_cultivation"]
    attrs = [
        {
            "name": f"边界{k}",
            "category": CATEGORIES[k % 3],
            "level": levels[k % 3],
            "area_km2": 1.0 if k % 2 else 3.0,
        }
        for k in range(len(geoms))
    ]
    sites = make_sites(ds, gpd.GeoSeries(geoms, crs=4326), attrs)
    fast = evaluate_sites(ds, rs, sites)
    slow = evaluate_sites(ds, rs, sites, batch=False)
    assert _as_compared(fast) == _as_compared(slow)
    by_name = {s.name: {f.rule for f in s.findings} for s in fast.sites}
    assert "SPACING" not in by_name["边界0"]
    assert "SPACING" in by_name["边界1"]
    assert "OVERLAP" in by_name["边界3"]
    assert "WITHIN" in by_name["边界4"]
    assert "GAP" not in by_name["边界10"]
    assert "CAP-UNIT" not in by_name["边界6"]  # the zone's one slot: exactly at its cap
    assert "CAP-UNIT" in by_name["边界0"]  # A already holds its 3 provincial towns
    assert all("CAP-ALL" not in r for r in by_name.values())  # 4 + 1 = 5: at the cap


def test_a_site_outside_the_city_is_refused_whole(fx):
    """A file with one site outside every unit is bad input: nothing is judged."""
    import pytest
    from siting_fixture import lonlat, m

    from townsgis.errors import SchemaError

    ds = fx.dataset()
    geoms = [shapely.Point(*lonlat(*m(10, 10))), shapely.Point(*lonlat(*m(70, 10)))]
    attrs = [{"name": n, "category": "manufacturing", "level": "municipal"} for n in "甲乙"]
    for a in attrs:
        a["area_km2"] = 3.0
    with pytest.raises(SchemaError, match="乙"):
        make_sites(ds, gpd.GeoSeries(geoms, crs=4326), attrs)


def test_groups_of_sites_give_what_one_group_gives(project_copy):
    """Judged in groups (chunks) or all at once: the same results, in the same order."""
    from townsgis.siting.evaluate import iter_sites_alone

    proj = Project.open(project_copy)
    ds = load_dataset(proj, layout_only=True)
    rs = proj.load_ruleset()
    sites = _sites(ds, 30, seed=5)
    one = [s.to_dict() for s in iter_sites_alone(ds, rs, sites, chunk=1000)]
    many = [s.to_dict() for s in iter_sites_alone(ds, rs, sites, chunk=7)]
    assert one == many


def test_site_by_site_output_is_the_whole_reports(project_copy):
    """`site --file` writes each site as it is judged: the same JSON and text as rendering the
    whole report at once (none, one and several sites)."""
    import json

    from townsgis.cli.cmd_site import json_parts, render_text, text_parts

    proj = Project.open(project_copy)
    ds = load_dataset(proj, layout_only=True)
    rs = proj.load_ruleset()
    sites = _sites(ds, 24, seed=3)
    for n in (0, 1, 5):
        report = evaluate_sites(ds, rs, sites.iloc[:n])
        whole = json.dumps(report.to_dict("en"), ensure_ascii=False, indent=2)
        assert "".join(json_parts(iter(report.sites), "en")) == whole
        names = {"330502": "吴兴区"}
        parts = text_parts(
            iter(report.sites), "zh", names, False, report.skipped_rules, report.metric_crs
        )
        assert "".join(parts) == render_text(report, "zh", names)


def test_a_plan_builds_the_sites_make_sites_builds(project_copy):
    """Sites checked first and outlined a group at a time are make_sites' sites."""
    from townsgis.siting import plan_sites

    ds = load_dataset(Project.open(project_copy), layout_only=True)
    sites = _sites(ds, 30, seed=4)
    geoms = gpd.GeoSeries(
        [shapely.Point(x, y) for x, y in zip(sites["lon"], sites["lat"], strict=True)], crs=4326
    )
    geoms.iloc[21] = sites.geometry.iloc[21]  # a polygon
    attrs = sites[["name", "category", "level", "area_km2"]].to_dict("records")
    plan = plan_sites(ds, geoms, attrs)
    whole = make_sites(ds, geoms, attrs)
    parts = pd.concat([plan.sites(a, a + 7) for a in range(0, 30, 7)])
    assert parts.drop(columns="geometry").equals(whole.drop(columns="geometry"))
    assert (
        shapely.to_wkb(parts.geometry.values).tolist()
        == shapely.to_wkb(whole.geometry.values).tolist()
    )


def test_one_pass_on_a_crowded_layout(project_copy):
    """Huzhou plus towns piled near one town: the layout is already flagged as clustered or
    concentrated, so a site's place finding is caused only when it is further from the limit
    (the one pass does not even build the others). Both paths agree."""
    import json

    path = project_copy / "layers" / "towns.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    first = data["features"][0]
    for k, (dx, dy) in enumerate([(0.03, 0.0), (0.0, 0.03), (-0.03, 0.0), (0.0, -0.03)]):
        g = shapely.affinity.translate(shapely.geometry.shape(first["geometry"]), dx, dy)
        props = {**first["properties"], "town_id": f"HZ-X{k}", "name_zh": f"堆积小镇{k}"}
        props["level"] = "municipal"
        data["features"].append(
            {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(g)}
        )
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    proj = Project.open(project_copy)
    ds = load_dataset(proj, layout_only=True)
    rs = proj.load_ruleset()
    from townsgis.engine import run_rules

    flagged = {f.rule for f in run_rules(ds, rs).findings}
    assert {"HZ-CLUSTER", "HZ-CONCENTRATION"} & flagged
    sites = _sites(ds, 40, seed=8)
    fast = evaluate_sites(ds, rs, sites)
    slow = evaluate_sites(ds, rs, sites, batch=False)
    assert _as_compared(fast) == _as_compared(slow)


def _national_like(root):
    """A fixture project shaped like the national one, small: 48 county units in a grid
    (10 km cells), 420 towns piled around four centres (most units far over their cap; the
    layout clustered, with Clark–Evans on its STRtree path and Donnelly's approximation), the
    fixture's rules with the clustering rule."""
    from siting_fixture import RULES, build, m

    fx = build(root, towns=[], cap_all=10_000, cap_prov=10_000)
    rng = np.random.default_rng(13)
    cells = [(i, j) for i in range(8) for j in range(6)]
    units = gpd.GeoDataFrame(
        {
            "unit_id": [f"U{i}{j}" for i, j in cells],
            "name_zh": [f"县{i}{j}" for i, j in cells],
            "name_en": [f"County {i}{j}" for i, j in cells],
            "kind": "county",
            "parent_id": "C",
            "source": "synthetic test fixture",
            "approximate": True,
        },
        geometry=[shapely.box(*m(10 * i, 10 * j), *m(10 * i + 10, 10 * j + 10)) for i, j in cells],
        crs="EPSG:4549",
    )
    centres = np.array([m(12, 14), m(47, 33), m(66, 8), m(25, 52)])
    xy = centres[rng.integers(0, 4, 420)] + rng.normal(0, 7000, (420, 2))
    xy = np.clip(xy, np.add(m(0, 0), 1000), np.subtract(m(80, 60), 1000))
    squares = shapely.box(xy[:, 0] - 750, xy[:, 1] - 750, xy[:, 0] + 750, xy[:, 1] + 750)
    cell = [f"U{int((x - m(0, 0)[0]) // 10_000)}{int((y - m(0, 0)[1]) // 10_000)}" for x, y in xy]
    towns = gpd.GeoDataFrame(
        {
            "town_id": [f"N{k:03d}" for k in range(420)],
            "name_zh": [f"合成小镇{k}" for k in range(420)],
            "name_en": [f"Town {k}" for k in range(420)],
            "unit_id": cell,
            "level": rng.choice(LEVELS, 420),
            "category": rng.choice(CATEGORIES, 420),
            "investor": "某公司",
            "scenic_grade": "3A",
            "planned_area_km2": 2.25,
            "approximate": True,
        },
        geometry=squares,
        crs="EPSG:4549",
    )
    units.to_crs(4326).to_file(fx.root / "data" / "boundaries" / "units.geojson")
    city = gpd.GeoDataFrame({"code": ["C"], "name_zh": ["测试市"]}, geometry=[units.union_all()])
    city.set_crs("EPSG:4549").to_crs(4326).to_file(fx.root / "data" / "boundaries" / "city.geojson")
    towns.to_crs(4326).to_file(fx.root / "layers" / "towns.geojson")
    rules = RULES.format(cap_all=10_000, cap_prov=10_000, spacing=5000)
    rules = rules.replace("overrides = { Z = 1 }", "overrides = { U00 = 1 }")
    cluster = PLACE_RULES[: PLACE_RULES.index("[[rule]]", 10)]  # not Ripley's simulations
    (fx.root / "rules" / "fixture.toml").write_text(rules + cluster, encoding="utf-8")
    return fx, xy


def test_one_pass_equals_one_site_at_a_time_national_like(tmp_path):
    """Many units, most far over their cap, and a clustered layout of 420 towns (the place
    findings name every town; a unit cap judged for many units in one round): both paths
    agree on sites at random, on the piles, and several in one unit with different levels."""
    from siting_fixture import m

    from townsgis.crs import transform_xy

    fx, xy = _national_like(tmp_path / "proj")
    ds, rs = fx.dataset(), fx.ruleset()
    rng = np.random.default_rng(17)
    pts = list(rng.uniform(np.add(xy.min(axis=0), 500), np.subtract(xy.max(axis=0), 500), (24, 2)))
    pts += list(xy[:8] + 2500.0)  # near the piles
    pts += [xy[0] + [0.0, 3000.0 + 400 * k] for k in range(6)]  # one unit, several levels
    hull = shapely.get_coordinates(shapely.convex_hull(shapely.multipoints(xy)))[:-1]
    out = (hull - xy.mean(axis=0)) / np.hypot(*(hull - xy.mean(axis=0)).T)[:, None]
    pts += list(hull[:6] + 600 * out[:6])  # just outside the layout's hull: a new hull
    pts = np.clip(pts, np.add(m(0, 0), 800), np.subtract(m(80, 60), 800))
    lon, lat = transform_xy(pts[:, 0], pts[:, 1], "EPSG:4549", 4326)
    geoms = shapely.points(lon, lat).tolist()
    attrs = [
        {
            "name": f"拟选址{k}",
            "category": CATEGORIES[k % 3],
            "level": LEVELS[(k // 2) % 3],
            "area_km2": 2.0,
        }
        for k in range(len(geoms))
    ]
    sites = make_sites(ds, gpd.GeoSeries(geoms, crs=4326), attrs)
    fast = evaluate_sites(ds, rs, sites)
    slow = evaluate_sites(ds, rs, sites, batch=False)
    assert _as_compared(fast) == _as_compared(slow)
    rules = [{f.rule for f in s.findings} for s in fast.sites]
    assert sum("CAP-UNIT" in r for r in rules) >= 10
    assert sum("CLUSTER" in r for r in rules) >= 5
    cluster = [f for s in fast.sites for f in s.findings if f.rule == "CLUSTER"]
    assert all(len(f.towns) == 421 for f in cluster)
    layout_hull = shapely.convex_hull(
        shapely.multipoints(shapely.centroid(ds.metric("towns").geometry.values))
    )
    assert any(not f.geometry.equals(layout_hull) for f in cluster)  # a site widened the hull
