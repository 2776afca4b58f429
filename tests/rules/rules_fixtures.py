"""Layout helpers for the rule tests (module name unique on purpose: not `conftest`).

Layouts are built in EPSG:4549 (metres) and converted to WGS84.
Units (km from X0, Y0): A (county) 0–30 × 0–30, B (county) 30–60 × 0–30, and the functional
zone Z (2–8 × 2–8) carved out of A. ``town(...)`` makes a square town at a km offset.
"""

from __future__ import annotations

import geopandas as gpd
import shapely
import tomli_w

from townsgis.dataset import Dataset
from townsgis.project import Project

METRIC = "EPSG:4549"
WGS84 = "EPSG:4326"
X0, Y0 = 480_000.0, 3_380_000.0  # ~119.8°E 30.5°N, inside the CM 120°E zone


def km_box(x0: float, y0: float, x1: float, y1: float):
    return shapely.box(X0 + x0 * 1000, Y0 + y0 * 1000, X0 + x1 * 1000, Y0 + y1 * 1000)


def units_frame() -> gpd.GeoDataFrame:
    rows = [
        ("A", "甲县", "County A", "county", km_box(0, 0, 30, 30)),
        ("B", "乙县", "County B", "county", km_box(30, 0, 60, 30)),
        ("Z", "丙区", "Zone Z", "functional_zone", km_box(2, 2, 8, 8)),
    ]
    return gpd.GeoDataFrame(
        {
            "unit_id": [r[0] for r in rows],
            "name_zh": [r[1] for r in rows],
            "name_en": [r[2] for r in rows],
            "kind": [r[3] for r in rows],
            "parent_id": [None, None, "A"],
        },
        geometry=[r[4] for r in rows],
        crs=METRIC,
    ).to_crs(WGS84)


def town(
    tid: str,
    x_m: float,
    y_m: float,
    side_m: float = 1000.0,
    *,
    unit: str | None = "A",
    level: str = "provincial_creation",
    category: str = "manufacturing",
    **attrs,
) -> dict:
    """A square town whose lower-left corner is (x_m, y_m) metres from (X0, Y0)."""
    geom = shapely.box(X0 + x_m, Y0 + y_m, X0 + x_m + side_m, Y0 + y_m + side_m)
    row = {
        "town_id": tid,
        "name_zh": f"{tid}镇",
        "unit_id": unit,
        "level": level,
        "category": category,
        "investor": "某公司",
        "scenic_grade": "3A",
        "geometry": geom,
    }
    row.update(attrs)
    return row


def towns_frame(rows: list[dict]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=METRIC).to_crs(WGS84)


def make_ds(rows: list[dict], tmp_path) -> Dataset:
    return Dataset(Project(root=tmp_path), units_frame(), towns_frame(rows))


def ruleset_text(kind: str, severity: str = "error", rule_id: str = "R-1", **params) -> str:
    return rules_text([rule(kind, severity, rule_id, **params)])


def rule(kind: str, severity: str = "error", rule_id: str = "R-1", **params) -> dict:
    """One [[rule]] table of kind ``kind`` (clause §0)."""
    return {
        "id": rule_id,
        "clause": "§0",
        "title_zh": "测试规则",
        "title_en": "test rule",
        "severity": severity,
        "kind": kind,
        **params,
    }


def rules_text(rules: list[dict]) -> str:
    """A fixture rule set (analysis CRS EPSG:4549) holding ``rules``."""
    doc = {
        "ruleset": {
            "id": "fixture",
            "version": "1",
            "title_zh": "测试",
            "title_en": "fixture",
            "analysis_crs": METRIC,
        },
        "rule": rules,
    }
    return tomli_w.dumps(doc)
