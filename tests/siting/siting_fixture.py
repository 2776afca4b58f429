"""A tiny synthetic project for the siting tests, built in the metric CRS (EPSG:4549).

Units (km from the origin X0, Y0): A (district) 0–30 × 0–30 with the functional zone Z
(2–8 × 2–8) carved out of it; B (county) 30–60 × 0–30. Towns are 1.5 km squares.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import shapely

from townsgis.crs import WGS84, transform_xy

METRIC = "EPSG:4549"
X0, Y0 = 470_000.0, 3_390_000.0
HALF = 750.0  # half side of a town square, metres

RULES = """\
[ruleset]
id = "fixture"
version = "1"
title_zh = "测试规则"
title_en = "fixture rules"
analysis_crs = "EPSG:4549"

[[rule]]
id = "CAP-ALL"
clause = "§3.1.1a"
title_zh = "总数"
title_en = "total"
severity = "error"
kind = "count-cap"
max = {cap_all}

[[rule]]
id = "CAP-PROV"
clause = "§3.1.1b"
title_zh = "省级"
title_en = "provincial"
severity = "error"
kind = "count-cap"
max = {cap_prov}
levels = ["provincial_creation", "provincial_cultivation"]

[[rule]]
id = "CAP-UNIT"
clause = "§3.1.1c"
title_zh = "单元"
title_en = "unit"
severity = "error"
kind = "unit-cap"
max = 3
levels = ["provincial_creation", "provincial_cultivation"]
overrides = {{ Z = 1 }}

[[rule]]
id = "OVERLAP"
clause = "§3.1.2a"
title_zh = "不重叠"
title_en = "no overlap"
severity = "error"
kind = "no-overlap"

[[rule]]
id = "GAP"
clause = "§3.1.2a"
title_zh = "间距"
title_en = "gap"
severity = "error"
kind = "min-gap"
min_m = 1000

[[rule]]
id = "SPACING"
clause = "§3.1.2c"
title_zh = "中心距"
title_en = "spacing"
severity = "warning"
kind = "min-spacing"
min_m = {spacing}

[[rule]]
id = "WITHIN"
clause = "§3.1.1c"
title_zh = "单元内"
title_en = "within unit"
severity = "error"
kind = "within-unit"
min_share = 0.95

[[rule]]
id = "MIX-M"
clause = "§3.1.3"
title_zh = "制造业"
title_en = "manufacturing"
severity = "error"
kind = "category-share"
category = "manufacturing"
min_share = 0.6

[[rule]]
id = "MIX-T"
clause = "§3.1.3"
title_zh = "旅游"
title_en = "tourism"
severity = "error"
kind = "category-share"
category = "tourism"
max_share = 0.2

[[rule]]
id = "MIX-S"
clause = "§3.1.3"
title_zh = "服务"
title_en = "services"
severity = "error"
kind = "category-share"
category = "services"
max_share = 0.2

[[rule]]
id = "SCENIC"
clause = "§3.4.3"
title_zh = "3A"
title_en = "3A"
severity = "error"
kind = "attribute"
field = "scenic_grade"
op = ">="
value = "3A"
order = ["none", "A", "2A", "3A", "4A", "5A"]
"""

# (town_id, name_zh, unit_id, level, category, x_km, y_km)
TOWNS = [
    ("T1", "甲一制造小镇", "A", "provincial_creation", "manufacturing", 15, 15),
    ("T2", "甲二旅游小镇", "A", "provincial_creation", "tourism", 22, 15),
    ("T3", "甲三服务小镇", "A", "provincial_cultivation", "services", 15, 24),
    ("T4", "乙一制造小镇", "B", "provincial_creation", "manufacturing", 45, 15),
]


def m(x_km: float, y_km: float) -> tuple[float, float]:
    """Fixture km coordinates → EPSG:4549 metres."""
    return X0 + x_km * 1000.0, Y0 + y_km * 1000.0


def lonlat(x: float, y: float) -> tuple[float, float]:
    """EPSG:4549 metres → WGS84 lon, lat."""
    lon, lat = transform_xy([x], [y], METRIC, WGS84)
    return float(lon[0]), float(lat[0])


def box_km(x0, y0, x1, y1):
    return shapely.box(*m(x0, y0), *m(x1, y1))


def town_square(x_km, y_km):
    x, y = m(x_km, y_km)
    return shapely.box(x - HALF, y - HALF, x + HALF, y + HALF)


@dataclass
class Fixture:
    root: Path

    def ruleset(self):
        from townsgis.ruleset import load_ruleset

        return load_ruleset(self.root / "rules" / "fixture.toml")

    def dataset(self):
        from townsgis.dataset import load_dataset
        from townsgis.project import Project

        rs = self.ruleset()
        return load_dataset(Project.open(self.root), crs_override=rs.analysis_crs)


def build(root: Path, towns=TOWNS, *, cap_all=6, cap_prov=5, spacing=5000) -> Fixture:
    (root / "layers").mkdir(parents=True)
    (root / "rules").mkdir()
    (root / "maps").mkdir()
    (root / "data" / "boundaries").mkdir(parents=True)
    (root / "townsgis.toml").write_text(
        '[project]\nname_zh = "测试市"\nname_en = "Testcity"\ndefault_ruleset = "fixture"\n',
        encoding="utf-8",
    )
    (root / "rules" / "fixture.toml").write_text(
        RULES.format(cap_all=cap_all, cap_prov=cap_prov, spacing=spacing), encoding="utf-8"
    )
    units = gpd.GeoDataFrame(
        {
            "unit_id": ["A", "B", "Z"],
            "name_zh": ["甲区", "乙县", "丙开发区"],
            "name_en": ["A district", "B county", "Z zone"],
            "kind": ["district", "county", "functional_zone"],
            "parent_id": ["C", "C", "A"],
            "source": "synthetic test fixture",
            "approximate": True,
        },
        geometry=[box_km(0, 0, 30, 30), box_km(30, 0, 60, 30), box_km(2, 2, 8, 8)],
        crs=METRIC,
    ).to_crs(WGS84)
    units.to_file(root / "data" / "boundaries" / "units.geojson", driver="GeoJSON")
    gpd.GeoDataFrame(
        {"code": ["C"], "name_zh": ["测试市"]},
        geometry=[box_km(0, 0, 60, 30)],
        crs=METRIC,
    ).to_crs(WGS84).to_file(root / "data" / "boundaries" / "city.geojson", driver="GeoJSON")
    rows = [
        {
            "town_id": t[0],
            "name_zh": t[1],
            "name_en": t[0],
            "unit_id": t[2],
            "level": t[3],
            "category": t[4],
            "investor": "某公司",
            "scenic_grade": "3A",
            "planned_area_km2": 2.25,
            "approximate": True,
        }
        for t in towns
    ]
    gpd.GeoDataFrame(rows, geometry=[town_square(t[5], t[6]) for t in towns], crs=METRIC).to_crs(
        WGS84
    ).to_file(root / "layers" / "towns.geojson", driver="GeoJSON")
    return Fixture(root)
