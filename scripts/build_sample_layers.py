"""Regenerate the sample planning layers ``layers/{towns,projects,proposals}.geojson``.

Seeded and deterministic (re-running gives identical bytes). Reads
``scripts/data/towns-approx.csv`` and the committed ``data/boundaries/units.geojson``.

- towns: 14 illustrative polygons, each of the town's published planned area (3 km² where none
  is known) around its approximate point, shaped in EPSG:4549 (CGCS2000 3° GK, CM 120°E) and
  stored in WGS84. A town that would not lie wholly inside its declared unit (a functional zone
  wins over its district) has its point nudged inward minimally; the nudge is recorded in
  ``location_note``. No official town boundary is public: the polygons are ``approximate``.
- projects: 209 synthetic "four batches" projects totalling exactly 1030.00 亿元 (§3.3.3), random
  points inside the towns, with a forward-only stage history over 2018Q1–2020Q4.
- proposals: 6 synthetic candidate sites; two pass every spatial rule, four break one named
  rule each (``note`` says which; checked here in EPSG:4549).

Usage: ``python scripts/build_sample_layers.py [--out layers]``
"""

from __future__ import annotations

import argparse
import csv
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
import shapely.affinity
import shapely.ops
from shapely.geometry import Point, Polygon

from townsgis.dataset import assign_units
from townsgis.layers import write_layer

ROOT = Path(__file__).resolve().parent.parent
TOWNS_CSV = ROOT / "scripts" / "data" / "towns-approx.csv"
UNITS = ROOT / "data" / "boundaries" / "units.geojson"
METRIC = "EPSG:4549"
WGS84 = "EPSG:4326"
GRID = 1e-6  # degrees, ≈ 0.1 m
SEED = 20180601
DEFAULT_AREA_KM2 = 3.0
N_PROJECTS = 209
TOTAL_YI = 1030.00  # 亿元, §3.3.3
QUARTERS = [f"{y}Q{q}" for y in (2018, 2019, 2020) for q in (1, 2, 3, 4)]
STAGES = ["reserve", "approval", "construction", "operation"]
STALL_QUARTERS = 4
EDGE_MARGIN_M = 100.0  # a nudged town keeps this clearance from its unit's edge
PROVINCIAL = ("provincial_creation", "provincial_cultivation")
UNIT_CAP = {"huzhou-dz": 2, "taihu-resort": 2}  # §3.1.1c; counties/districts: 3
# Spatial thresholds of the bundled rule set (an interpretation of §3.1.2, see rules/).
GAP_M = 1000.0  # HZ-GAP: boundary-to-boundary
SPACING_M = 5000.0  # HZ-SPACING: centroid-to-centroid

# Per town, in CSV order: short name, industry, scenic grade (sample assumption), investor stem.
TOWN_EXTRA = {
    "湖州丝绸小镇": ("丝绸", "丝绸纺织与时尚创意", "3A"),
    "湖州开发区电动汽车小镇": ("电动汽车", "新能源电动汽车及零部件", "none"),
    "湖州太湖蜜月小镇": ("太湖蜜月", "婚庆蜜月度假旅游", "4A"),
    "吴兴美妆小镇": ("美妆", "化妆品研发与制造", "3A"),
    "长兴新能源小镇": ("新能源", "新能源电池与储能装备", "2A"),
    "德清通航智造小镇": ("通航智造", "通用航空器制造与运营", "3A"),
    "南浔智能电梯小镇": ("智能电梯", "智能电梯整机与部件制造", "none"),
    "南浔善琏湖笔小镇": ("善琏湖笔", "湖笔制作与文化电商", "4A"),
    "安吉天使小镇": ("天使", "亲子主题乐园旅游", "4A"),
    "长兴太湖演艺小镇": ("太湖演艺", "文化演艺与休闲旅游", "3A"),
    "吴兴原乡蝴蝶小镇": ("原乡蝴蝶", "蝴蝶生态与乡村旅游", "3A"),
    "安吉影视小镇": ("影视", "影视拍摄制作与文旅", "4A"),
    "德清地理信息小镇": ("地理信息", "地理信息产业", "3A"),
    "安吉两山创客小镇": ("两山创客", "科技创业孵化与数字经济", "A"),
}

PROJECT_NOUNS = {
    "manufacturing": [
        "智能制造基地",
        "研发中心",
        "标准厂房",
        "数字化车间改造",
        "关键零部件生产线",
        "检测认证中心",
        "产业孵化园",
        "工业互联网平台",
        "人才公寓",
        "展示交易中心",
        "配套道路",
        "污水处理提标",
    ],
    "tourism": [
        "主题酒店",
        "游客服务中心",
        "文旅综合体",
        "景观提升工程",
        "民宿集群",
        "生态绿道",
        "停车与交通配套",
        "演艺中心",
        "亲子乐园",
        "康养度假区",
        "特色街区",
        "智慧景区平台",
    ],
    "services": [
        "众创空间",
        "科创大楼",
        "数据中心",
        "人才公寓",
        "会展中心",
        "电商产业园",
        "公共服务平台",
        "文化展示馆",
        "孵化器",
        "配套商业街",
        "智慧园区平台",
        "培训中心",
    ],
}
PHASES = ["", "一期", "二期", "三期"]


# --- geometry helpers -------------------------------------------------------------------
def blob(x: float, y: float, area_m2: float, rng: np.random.Generator, n: int = 72) -> Polygon:
    """A slightly irregular rounded polygon centred on (x, y) with exactly ``area_m2`` (metric)."""
    theta = np.linspace(0.0, 2.0 * math.pi, n, endpoint=False)
    p1, p2 = rng.uniform(0.0, 2.0 * math.pi, 2)
    a1, a2 = rng.uniform(0.04, 0.10), rng.uniform(0.02, 0.06)
    r = 1.0 + a1 * np.sin(2.0 * theta + p1) + a2 * np.sin(3.0 * theta + p2)
    unit = Polygon(np.column_stack([r * np.cos(theta), r * np.sin(theta)]))
    k = math.sqrt(area_m2 / unit.area)
    return Polygon(np.column_stack([x + k * r * np.cos(theta), y + k * r * np.sin(theta)]))


def to_wgs84(geoms: list, crs: str = METRIC) -> gpd.GeoSeries:
    """Metric geometries → WGS84, snapped to 1e-6° and normalised (deterministic output)."""
    s = gpd.GeoSeries(geoms, crs=crs).to_crs(WGS84)
    return gpd.GeoSeries(shapely.normalize(shapely.set_precision(s.values, GRID)), crs=WGS84)


def effective_units(units_m: gpd.GeoDataFrame) -> dict[str, shapely.Geometry]:
    """Each unit's area where points are assigned to it: a district minus its zones."""
    zones = units_m[units_m["kind"] == "functional_zone"]
    out = {}
    for row in units_m.itertuples():
        geom = row.geometry
        if row.kind != "functional_zone":
            inner = zones[zones["parent_id"] == row.unit_id]
            if len(inner):
                geom = geom.difference(shapely.union_all(inner.geometry.values))
        out[row.unit_id] = geom
    return out


def bearing(dx: float, dy: float) -> str:
    names = [
        "east",
        "north-east",
        "north",
        "north-west",
        "west",
        "south-west",
        "south",
        "south-east",
    ]
    return names[int(((math.degrees(math.atan2(dy, dx)) + 22.5) % 360) // 45)]


def place_inside(poly: Polygon, region: shapely.Geometry) -> tuple[Polygon, float, float]:
    """Move ``poly`` minimally so it lies inside ``region`` with a margin. Returns the moved
    polygon and the shift (dx, dy) in metres (0, 0 when already inside)."""
    if region.buffer(-EDGE_MARGIN_M).contains(poly):
        return poly, 0.0, 0.0
    c = poly.centroid
    reach = max(Point(c.x, c.y).distance(Point(p)) for p in poly.exterior.coords)
    core = region.buffer(-(reach + EDGE_MARGIN_M))
    if core.is_empty:
        raise RuntimeError("unit too small for the town polygon")
    target = shapely.ops.nearest_points(core, c)[0]
    dx, dy = target.x - c.x, target.y - c.y
    return shapely.affinity.translate(poly, dx, dy), dx, dy


# --- towns ------------------------------------------------------------------------------
def build_towns(units: gpd.GeoDataFrame, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """The 14 sample towns (WGS84)."""
    units_m = units.to_crs(METRIC)
    regions = effective_units(units_m)
    names = dict(zip(units["unit_id"], units["name_zh"], strict=True))
    with TOWNS_CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    pts = gpd.GeoSeries([Point(float(r["lon"]), float(r["lat"])) for r in rows], crs=WGS84).to_crs(
        METRIC
    )
    records, geoms = [], []
    for i, (r, p) in enumerate(zip(rows, pts, strict=True), start=1):
        short, industry, grade = TOWN_EXTRA[r["name_zh"]]
        area_km2 = float(r["planned_area_km2"]) if r["planned_area_km2"] else DEFAULT_AREA_KM2
        poly = blob(p.x, p.y, area_km2 * 1e6, rng)
        poly, dx, dy = place_inside(poly, regions[r["unit_id"]])
        note = r["location_note"]
        if r["planned_area_km2"]:
            note += f"; planned area {area_km2:g} km² published"
        else:
            note += f"; no published planned area: {DEFAULT_AREA_KM2:g} km² assumed"
        if dx or dy:
            note += (
                f"; point nudged {math.hypot(dx, dy):.0f} m {bearing(dx, dy)} to lie inside "
                f"{names[r['unit_id']]}"
            )
        construction = round(area_km2 * rng.uniform(0.30, 0.36), 2)
        records.append(
            dict(
                town_id=f"HZ-{i:02d}",
                name_zh=r["name_zh"],
                name_en=r["name_en"],
                unit_id=r["unit_id"],
                level=r["level_2018"],
                category=r["category"],
                industry=industry,
                lead_department=r["lead_department"],
                investor=f"{r['name_zh']}建设发展有限公司（示例）",
                scenic_grade=grade,
                planned_area_km2=round(area_km2, 2),
                construction_area_km2=construction,
                approximate=True,
                location_confidence=r["confidence"],
                location_note=note,
            )
        )
        geoms.append(poly)
    return gpd.GeoDataFrame(records, geometry=to_wgs84(geoms).values, crs=WGS84)


# --- projects ---------------------------------------------------------------------------
def random_points_in(poly: Polygon, n: int, rng: np.random.Generator) -> list[Point]:
    """``n`` uniform random points inside ``poly`` (rejection sampling, vectorised)."""
    minx, miny, maxx, maxy = poly.bounds
    out: list[Point] = []
    inner = poly.buffer(-20.0)  # keep ≥ 20 m off the edge so WGS84 rounding stays inside
    while len(out) < n:
        xs = rng.uniform(minx, maxx, 4 * n)
        ys = rng.uniform(miny, maxy, 4 * n)
        ok = shapely.contains_xy(inner, xs, ys)
        out.extend(Point(x, y) for x, y in zip(xs[ok], ys[ok], strict=True))
    return out[:n]


def stage_history(rng: np.random.Generator, stalled: bool) -> tuple[int, list[tuple[int, int]]]:
    """(start quarter index, [(quarter index, stage index), ...]) moving forwards only."""
    if stalled:
        start = int(rng.integers(0, 6))
    else:
        start = 0 if rng.random() < 0.55 else int(rng.integers(1, 10))
    stage = int(rng.choice(3, p=[0.45, 0.30, 0.25])) if start == 0 else 0
    horizon = len(QUARTERS) - 1 - STALL_QUARTERS if stalled else len(QUARTERS) - 1
    durations = {0: (1, 4), 1: (1, 3), 2: (2, 6)}
    hist = [(start, stage)]
    q = start
    while stage < 3:
        lo, hi = durations[stage]
        q += int(rng.integers(lo, hi + 1))
        if q > horizon or (stalled and stage == 2):
            break
        stage += 1
        hist.append((q, stage))
    return start, hist


def split_total(rng: np.random.Generator, n: int, total: float) -> np.ndarray:
    """``n`` positive amounts (2 decimals) summing to exactly ``total``."""
    raw = rng.lognormal(mean=1.0, sigma=0.85, size=n)
    cents = np.maximum(np.round(raw / raw.sum() * total * 100), 30).astype(np.int64)
    cents[np.argmax(cents)] += int(round(total * 100)) - int(cents.sum())
    return cents / 100.0


def build_projects(towns: gpd.GeoDataFrame, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """The 209 synthetic projects (WGS84)."""
    towns_m = towns.to_crs(METRIC)
    n_towns = len(towns_m)
    weights = towns_m["planned_area_km2"].to_numpy() * rng.uniform(0.7, 1.3, n_towns)
    counts = 8 + rng.multinomial(N_PROJECTS - 8 * n_towns, weights / weights.sum())
    totals = split_total(rng, N_PROJECTS, TOTAL_YI)
    last = len(QUARTERS) - 1
    records, geoms, k = [], [], 0
    for town, count in zip(towns_m.itertuples(), counts, strict=True):
        short = TOWN_EXTRA[town.name_zh][0]
        pool = PROJECT_NOUNS[town.category]
        order = rng.permutation(len(pool))
        geoms.extend(random_points_in(town.geometry, int(count), rng))
        for j in range(int(count)):
            noun = pool[order[j % len(pool)]] + PHASES[j // len(pool)]
            total = float(totals[k])
            stalled = rng.random() < 0.15
            start, hist = stage_history(rng, stalled)
            q_since, stage = hist[-1]
            if stage <= 1:
                invested = 0.0
            elif stage == 2:
                frac = min(0.9, 0.15 + 0.12 * (last - q_since)) * rng.uniform(0.8, 1.05)
                invested = round(total * min(frac, 0.9), 2)
            else:
                invested = round(total * rng.uniform(0.92, 1.0), 2)
            gov = rng.beta(2.0, 14.0) if rng.random() < 0.9 else rng.uniform(0.2, 0.45)
            records.append(
                dict(
                    project_id=f"P{k + 1:03d}",
                    town_id=town.town_id,
                    name_zh=f"{short}小镇{noun}项目（示例）",
                    stage=STAGES[stage],
                    total_investment=total,
                    invested_to_date=invested,
                    specialty_industry=round(invested * rng.uniform(0.62, 0.86), 2),
                    government_share=round(float(gov), 3),
                    tech_investment=round(invested * rng.uniform(0.05, 0.11), 2),
                    start_quarter=QUARTERS[start],
                    stage_since=QUARTERS[q_since],
                    stage_history=";".join(f"{QUARTERS[q]}:{STAGES[s]}" for q, s in hist),
                    synthetic=True,
                )
            )
            k += 1
    return gpd.GeoDataFrame(records, geometry=to_wgs84(geoms).values, crs=WGS84)


# --- proposals --------------------------------------------------------------------------
# (id, name_zh, name_en, category, level, area km², placement, intended outcome)
# placement: ("at", lon, lat) or ("from", town_id, distance m, bearing deg) or ("border", a, b)
PROPOSALS = [
    (
        "PR-01",
        "德清新市智能装备小镇（示例）",
        "Deqing Xinshi Smart Equipment Town (sample)",
        "manufacturing",
        "provincial_cultivation",
        3.0,
        ("at", 120.27, 30.60),
        "pass",
    ),
    (
        "PR-02",
        "长兴泗安绿色建材小镇（示例）",
        "Changxing Si'an Green Building Materials Town (sample)",
        "manufacturing",
        "provincial_cultivation",
        3.2,
        ("at", 119.70, 30.92),
        "pass",
    ),
    (
        "PR-03",
        "南浔电梯配套产业园（示例）",
        "Nanxun Elevator Supply Park (sample)",
        "manufacturing",
        "municipal",
        2.5,
        ("from", "HZ-07", 1300.0, 0.0),
        "HZ-OVERLAP",
    ),
    (
        "PR-04",
        "长兴储能装备小镇（示例）",
        "Changxing Energy Storage Equipment Town (sample)",
        "manufacturing",
        "municipal",
        2.0,
        ("from", "HZ-05", 3200.0, 200.0),
        "HZ-SPACING",
    ),
    (
        "PR-05",
        "安吉梅溪竹制品小镇（示例）",
        "Anji Meixi Bamboo Products Town (sample)",
        "manufacturing",
        "provincial_cultivation",
        3.0,
        ("at", 119.80, 30.77),
        "HZ-CAP-UNIT",
    ),
    (
        "PR-06",
        "南浔—德清跨界木业家居小镇（示例）",
        "Nanxun–Deqing Cross-border Wood Furniture Town (sample)",
        "manufacturing",
        "municipal",
        3.0,
        ("border", "330503", "330521"),
        "HZ-WITHIN-UNIT",
    ),
]
RULESET = ROOT / "rules" / "huzhou-2018.toml"


def _rule_words() -> dict[str, str]:
    """``{rule id: "§clause title"}`` in Chinese, from the rule set (the words a planner sees)."""
    from townsgis.ruleset import load_ruleset

    return {r.id: f"{r.clause} {r.title_zh}" for r in load_ruleset(RULESET).rules}


def _border_point(units_m: gpd.GeoDataFrame, a: str, b: str, towns_m: gpd.GeoDataFrame):
    """The point of the a|b shared border farthest from every town (sampled every 250 m)."""
    ga = units_m.loc[units_m["unit_id"] == a, "geometry"].iloc[0]
    gb = units_m.loc[units_m["unit_id"] == b, "geometry"].iloc[0]
    line = ga.boundary.intersection(gb.buffer(1.0))
    pts = [line.interpolate(d) for d in np.arange(0.0, line.length, 250.0)]
    pts = gpd.GeoSeries(pts, crs=METRIC)
    towns_union = shapely.union_all(towns_m.geometry.values)
    return pts.iloc[int(np.argmax(pts.distance(towns_union).to_numpy()))]


def build_proposals(
    units: gpd.GeoDataFrame, towns: gpd.GeoDataFrame, rng: np.random.Generator
) -> gpd.GeoDataFrame:
    """Six synthetic candidate sites (WGS84), each checked against its intended outcome."""
    units_m, towns_m = units.to_crs(METRIC), towns.to_crs(METRIC)
    regions = effective_units(units_m)
    prov = towns[towns["level"].isin(PROVINCIAL)]
    per_unit = prov["unit_id"].value_counts().to_dict()
    records, geoms = [], []
    for pid, zh, en, cat, level, area, place, outcome in PROPOSALS:
        if place[0] == "at":
            c = gpd.GeoSeries([Point(place[1], place[2])], crs=WGS84).to_crs(METRIC).iloc[0]
        elif place[0] == "from":
            t = towns_m.loc[towns_m["town_id"] == place[1], "geometry"].iloc[0].centroid
            ang = math.radians(place[3])
            c = Point(t.x + place[2] * math.sin(ang), t.y + place[2] * math.cos(ang))
        else:
            c = _border_point(units_m, place[1], place[2], towns_m)
        poly = blob(c.x, c.y, area * 1e6, rng)
        geoms.append(poly)
        records.append(
            dict(
                proposal_id=pid,
                name_zh=zh,
                name_en=en,
                category=cat,
                level=level,
                area_km2=area,
                outcome=outcome,
            )
        )
    geo = to_wgs84(geoms)
    geo_m = geo.to_crs(METRIC)
    for rec, g in zip(records, geo_m, strict=True):
        rec["note"] = _verify(rec, g, towns_m, regions, units, per_unit)
        rec.pop("outcome")
        rec["synthetic"] = True
    return gpd.GeoDataFrame(records, geometry=geo.values, crs=WGS84)


def _verify(rec, g, towns_m, regions, units, per_unit) -> str:
    """Measure the spatial rules for one proposal; assert the intended outcome; word the note."""
    names = dict(zip(units["unit_id"], units["name_zh"], strict=True))
    gaps = towns_m.distance(g)
    cdist = towns_m.centroid.distance(g.centroid)
    inside = {u: shapely.intersection(g, r).area / g.area for u, r in regions.items()}
    home = max(inside, key=inside.get)
    cap = UNIT_CAP.get(home, 3)
    counted = rec["level"] in PROVINCIAL
    breaks = []
    if (gaps == 0).any():
        breaks.append("HZ-OVERLAP")
    if (gaps < GAP_M).any():
        breaks.append("HZ-GAP")
    if (cdist < SPACING_M).any():
        breaks.append("HZ-SPACING")
    if inside[home] < 0.999:
        breaks.append("HZ-WITHIN-UNIT")
    if counted and per_unit.get(home, 0) >= cap:
        breaks.append("HZ-CAP-UNIT")
    near = towns_m.iloc[int(np.argmin(cdist.to_numpy()))]
    facts = (
        f"最近小镇{near.name_zh}，中心相距 {cdist.min() / 1000:.1f} km，边界相距 "
        f"{gaps.min() / 1000:.2f} km；{inside[home]:.0%} 位于{names[home]}"
        f"（已有省级小镇 {per_unit.get(home, 0)} 个，上限 {cap} 个）"
    )
    want = rec["outcome"]
    if want == "pass":
        assert not breaks, (rec["proposal_id"], breaks)
        assert gaps.min() >= 1.5 * GAP_M and cdist.min() >= 1.2 * SPACING_M, rec["proposal_id"]
        return f"示例：设计为通过全部空间规则。{facts}"
    words = _rule_words()
    implied = {"HZ-OVERLAP": {"HZ-GAP", "HZ-SPACING"}}.get(want, set())
    assert want in breaks and set(breaks) - {want} <= implied, (rec["proposal_id"], breaks)
    also = f"（并因此违反 {'、'.join(words[r] for r in sorted(implied))}）" if implied else ""
    if want == "HZ-WITHIN-UNIT":
        parts = "、".join(f"{names[u]} {v:.0%}" for u, v in inside.items() if v > 0.001)
        facts = f"跨界：{parts}；{facts}"
    return f"示例：设计为违反 {words[want]}{also}。{facts}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "layers")
    args = parser.parse_args()
    units = gpd.read_file(UNITS, engine="pyogrio").to_crs(WGS84)
    towns = build_towns(units, np.random.default_rng(SEED))
    projects = build_projects(towns, np.random.default_rng(SEED + 1))
    proposals = build_proposals(units, towns, np.random.default_rng(SEED + 2))
    report(units, towns, projects)
    write_layer(towns, args.out / "towns.geojson")
    write_layer(projects, args.out / "projects.geojson")
    write_layer(proposals, args.out / "proposals.geojson")
    for row in proposals.itertuples():
        print(f"{row.proposal_id} {row.name_zh}: {row.note}")


def report(units: gpd.GeoDataFrame, towns: gpd.GeoDataFrame, projects: gpd.GeoDataFrame) -> None:
    """Print the checks: areas, unit containment, overlaps, project totals."""
    towns_m = towns.to_crs(METRIC)
    err = (towns_m.area / 1e6 / towns_m["planned_area_km2"] - 1).abs().max()
    print(f"towns: {len(towns)}; max area error vs planned_area_km2 {err:.4%}")
    assigned = assign_units(towns.representative_point(), units)
    bad = towns.loc[[a != u for a, u in zip(assigned, towns["unit_id"], strict=True)], "town_id"]
    print(f"towns whose point falls outside their declared unit: {list(bad)}")
    nudged = towns[towns["location_note"].str.contains("nudged")]
    for row in nudged.itertuples():
        print(f"  {row.town_id} {row.name_zh}: {row.location_note.split('; ')[-1]}")
    left, right = towns_m.sindex.query(towns_m.geometry, predicate="intersects")
    pairs = [(a, b) for a, b in zip(left, right, strict=True) if a < b]
    print(f"overlapping town pairs: {pairs}")
    cen = towns_m.centroid.reset_index(drop=True)
    near = gpd.sjoin_nearest(
        gpd.GeoDataFrame(geometry=cen),
        gpd.GeoDataFrame(geometry=cen),
        exclusive=True,
        distance_col="d",
    )
    close = near[(near["d"] < SPACING_M) & (near.index < near["index_right"])]
    for i, row in close.iterrows():
        print(
            f"  towns closer than {SPACING_M / 1000:g} km: {towns.town_id.iloc[i]} "
            f"{towns.town_id.iloc[row.index_right]} {row.d / 1000:.2f} km"
        )
    s = projects
    print(
        f"projects: {len(s)}; total {s.total_investment.sum():.2f} 亿元; invested "
        f"{s.invested_to_date.sum():.2f}; specialty share "
        f"{s.specialty_industry.sum() / s.invested_to_date.sum():.1%}; tech share "
        f"{s.tech_investment.sum() / s.invested_to_date.sum():.1%}; gov share (weighted) "
        f"{(s.government_share * s.invested_to_date).sum() / s.invested_to_date.sum():.1%}"
    )
    print("stages:", s["stage"].value_counts().to_dict())
    last = QUARTERS[-1]
    q_idx = {q: i for i, q in enumerate(QUARTERS)}
    stalled = s[(s.stage != "operation") & (s.stage_since.map(q_idx) <= q_idx[last] - 4)]
    print(f"stalled ≥ {STALL_QUARTERS} quarters at {last}: {len(stalled)}")


if __name__ == "__main__":
    main()
