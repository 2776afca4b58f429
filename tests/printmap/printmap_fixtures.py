"""A small fixed map model (no engine, no project data) so print tests are stable and fast.

A module of its own, not conftest.py: other test folders have a conftest too. ``make_scene``
builds the model with the same builder the layout maps use (``townsgis.mapmodel.layout``).
"""

from __future__ import annotations

import geopandas as gpd
import shapely
from pyproj import CRS, Transformer

from townsgis.findings import Finding, Severity
from townsgis.mapmodel.layout import LayoutInputs, layout_model
from townsgis.mapmodel.model import Locator

METRIC = CRS.from_epsg(4549)  # CGCS2000 3° GK CM 120°E, the Huzhou analysis CRS
TOWN_NAMES = ["湖州丝绸小镇", "南浔善琏湖笔小镇", "德清地理信息小镇", "安吉天使小镇"]


def _xy(lon: float, lat: float) -> tuple[float, float]:
    return Transformer.from_crs(4326, METRIC, always_xy=True).transform(lon, lat)


def fixture_frames():
    """Two units side by side (30 × 40 km each) and four round towns (3 km²)."""
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
    towns = gpd.GeoDataFrame(
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
    return units, towns, (x0, y0)


def fixture_findings(towns) -> list[Finding]:
    """A spacing finding (line) and a town finding (the town's polygon)."""
    g = towns.geometry
    line = shapely.shortest_line(g.iloc[2].centroid, g.iloc[3].centroid)
    return [
        Finding(
            rule="HZ-SPACING",
            clause="§3.1.2c",
            severity=Severity.WARNING,
            towns=[{"id": "T3", "name_zh": TOWN_NAMES[2]}, {"id": "T4", "name_zh": TOWN_NAMES[3]}],
            message_zh="德清地理信息小镇与安吉天使小镇中心相距 3.35 km，小于 5.00 km",
            message_en="Geo-info Town and Angel Town centres are 3.35 km apart, < 5.00 km",
            geometry=line,
            measured=3350.0,
            extra={"unit": "m"},
        ),
        Finding(
            rule="HZ-SCENIC",
            clause="§3.4.3",
            severity=Severity.WARNING,
            towns=[{"id": "T1", "name_zh": TOWN_NAMES[0]}],
            message_zh="湖州丝绸小镇：现景区等级为2A级，要求景区等级不低于3A级",
            message_en="Silk Town: scenic grade = 2A, needs >= 3A",
            geometry=g.iloc[0],
        ),
    ]


def make_scene(
    lang: str = "zh",
    towns: bool = True,
    review: str | None = "浙S（2026）001号",
    *,
    findings: list[Finding] | None = None,
    units=None,
    town_frame=None,
    names: bool = True,
):
    """The fixture's map model for print, with a province box as the locator."""
    unit_frame, town_gdf, (x0, y0) = fixture_frames()
    unit_frame = unit_frame if units is None else units
    town_gdf = town_gdf if town_frame is None else town_frame
    if not towns:
        town_gdf = town_gdf.iloc[0:0]
    if findings is None:
        findings = fixture_findings(town_gdf) if towns else []
    model = layout_model(
        LayoutInputs(units=unit_frame, towns=town_gdf, crs=METRIC, findings=findings), lang=lang
    )
    model.title = "测试地图 特色小镇布局" if lang == "zh" else "Test map: town layout"
    model.layers = [ly for ly in model.layers if ly.show]
    model.ruleset = "test-rules v1"
    model.date = "2026-01-01"
    model.subtitle = "规则集 test-rules v1 · 制图日期 2026-01-01"
    model.sources = ["测试数据（合成）" if lang == "zh" else "test data (synthetic)"]
    model.notes = ["小镇位置为近似，边界为示意。" if lang == "zh" else "Approximate locations."]
    model.review_number = review
    city = shapely.union_all(unit_frame.geometry.values)
    province = shapely.box(x0 - 150_000, y0 - 250_000, x0 + 200_000, y0 + 40_000)
    city_name = ("湖州市" if lang == "zh" else "Huzhou") if names else ""
    prov_name = ("浙江省" if lang == "zh" else "Zhejiang") if names else ""
    caption = (
        (f"{city_name}在{prov_name}的位置" if lang == "zh" else f"{city_name} in {prov_name}")
        if names
        else ("位置示意" if lang == "zh" else "Location")
    )
    model.locator = Locator(province, city, caption, city_name, prov_name)
    return model
