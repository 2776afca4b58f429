"""A small fixed scene (no engine, no project data) so print tests are stable and fast.

A module of its own, not conftest.py: other test folders have a conftest too.
"""

from __future__ import annotations

import geopandas as gpd
import shapely
from pyproj import CRS, Transformer

from townsgis.findings import Finding, Severity
from townsgis.printmap.scene import MapScene

METRIC = CRS.from_epsg(4549)  # CGCS2000 3° GK CM 120°E, the Huzhou analysis CRS
TOWN_NAMES = ["湖州丝绸小镇", "南浔善琏湖笔小镇", "德清地理信息小镇", "安吉天使小镇"]


def _xy(lon: float, lat: float) -> tuple[float, float]:
    return Transformer.from_crs(4326, METRIC, always_xy=True).transform(lon, lat)


def make_scene(lang: str = "zh", towns: bool = True, review: str | None = "浙S（2026）001号"):
    """Two units side by side (30 × 40 km each), four round towns (3 km²), a province box,
    a spacing finding (line) and a town finding (polygon)."""
    x0, y0 = _xy(120.0, 30.8)
    west = shapely.box(x0 - 30_000, y0 - 20_000, x0, y0 + 20_000)
    east = shapely.box(x0, y0 - 20_000, x0 + 30_000, y0 + 20_000)
    units = gpd.GeoDataFrame(
        {
            "unit_id": ["u1", "u2"],
            "name_zh": ["西区", "东区"],
            "name_en": ["West", "East"],
            "kind": ["district", "county"],
        },
        geometry=[west, east],
        crs=METRIC,
    )
    r = (3e6 / 3.141592653589793) ** 0.5
    pts = [(-12_000, 8_000), (10_000, 9_000), (-9_000, -11_000), (-6_000, -9_500)]
    town_geoms = [shapely.Point(x0 + dx, y0 + dy).buffer(r) for dx, dy in pts]
    town_gdf = gpd.GeoDataFrame(
        {
            "town_id": ["T1", "T2", "T3", "T4"],
            "name_zh": TOWN_NAMES,
            "name_en": ["Silk Town", "Brush Town", "Geo-info Town", "Angel Town"],
            "category": ["manufacturing", "services", "services", "tourism"],
            "level": ["provincial_creation"] * 4,
        },
        geometry=town_geoms,
        crs=METRIC,
    )
    if not towns:
        town_gdf = town_gdf.iloc[0:0]
    province = gpd.GeoDataFrame(
        {"name_zh": ["浙江省"]},
        geometry=[shapely.box(x0 - 150_000, y0 - 250_000, x0 + 200_000, y0 + 40_000)],
        crs=METRIC,
    )
    city = gpd.GeoDataFrame(geometry=[shapely.union(west, east)], crs=METRIC)
    line = shapely.shortest_line(town_geoms[2].centroid, town_geoms[3].centroid)
    findings = [
        Finding(
            rule="HZ-SPACING",
            clause="§3.1.2c",
            severity=Severity.WARNING,
            towns=[{"id": "T3", "name_zh": TOWN_NAMES[2]}, {"id": "T4", "name_zh": TOWN_NAMES[3]}],
            message_zh="德清地理信息小镇与安吉天使小镇中心相距 3.35 km，小于 5.00 km",
            message_en="Geo-info Town and Angel Town centres are 3.35 km apart, < 5.00 km",
            geometry=line,
        ),
        Finding(
            rule="HZ-SCENIC",
            clause="§3.4.3",
            severity=Severity.WARNING,
            towns=[{"id": "T1", "name_zh": TOWN_NAMES[0]}],
            message_zh="湖州丝绸小镇：现为 scenic_grade = 2A，要求 >= 3A",
            message_en="Silk Town: scenic_grade = 2A, needs >= 3A",
            geometry=town_geoms[0],
        ),
    ]
    return MapScene(
        kind="layout",
        title="测试地图 特色小镇布局" if lang == "zh" else "Test map: town layout",
        lang=lang,
        crs=METRIC,
        units=units,
        towns=town_gdf,
        province=province,
        city=city,
        findings=findings if towns else [],
        ruleset="test-rules v1",
        date="2026-01-01",
        sources=["测试数据（合成）" if lang == "zh" else "test data (synthetic)"],
        notes=["小镇位置为近似，边界为示意。" if lang == "zh" else "Approximate locations."],
        review_number=review,
        city_name="湖州市" if lang == "zh" else "Huzhou",
        province_name="浙江省" if lang == "zh" else "Zhejiang",
    )
