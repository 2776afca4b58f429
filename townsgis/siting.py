"""Proposed sites, remaining capacity and the feasible area for one more town (§3.1).

Pure library functions, no printing. The public API takes and returns WGS84 (EPSG:4326)
geometries; every distance and area is computed in the dataset's metric analysis CRS
(CGCS2000 3° Gauss-Krüger, EPSG:4549 for Huzhou): distances in metres, areas in km².

- ``evaluate_sites``: judge sites against the current layout with the rule engine and keep
  only the findings a site *causes* (it is one of the towns named, or an aggregate finding
  (cap, share, clustering) is new or got worse).
- ``capacity``: remaining slots under the count-cap (§3.1.1a/b) and unit-cap (§3.1.1c) rules,
  and the smallest change that reaches the category mix (§3.1.3), solved against the caps.
- ``feasible_area``: where one more town's centroid can go and pass every spatial rule
  (§3.1.1c unit caps, §3.1.2a no-overlap/min-gap, §3.1.2c min-spacing, within-unit).
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from townsgis.checks.common import CATEGORIES, LEVELS
from townsgis.crs import WGS84, transform_xy
from townsgis.dataset import FUNCTIONAL_ZONE, Dataset, assign_units
from townsgis.errors import SchemaError, TownsgisError
from townsgis.findings import Finding, Severity

DEFAULT_AREA_KM2 = 3.0
SITE_PREFIX = "SITE-"
# Kinds whose findings are about the whole layout (a count, a share, a pattern), not a town.
AGGREGATE_KINDS = frozenset({"unit-cap", "count-cap", "category-share", "clustering"})
# Kinds that judge where a town lies (used by `feasible` and its tests).
SPATIAL_KINDS = frozenset({"no-overlap", "min-gap", "min-spacing", "within-unit"})
# Per-town paperwork (scenic grade, investor) a proposed site cannot have yet: not judged.
SITE_SKIPPED_KINDS = frozenset({"attribute"})
CIRCLE_QUAD_SEGS = 64  # circle polygons: area within 0.01 % of πr²
SAFETY_M = 1.0  # feasible area: margin for polygonal buffer arcs, metres
APPROX_NOTE_ZH = "小镇位置为近似（误差数公里），边界为示意"
APPROX_NOTE_EN = "town locations are approximate (a few km); boundaries are illustrative"


# --------------------------------------------------------------------------- helpers
def circle_radius_m(area_km2: float) -> float:
    """Radius in metres of a circle of ``area_km2`` square kilometres."""
    return math.sqrt(float(area_km2) * 1e6 / math.pi)


def _param(params: dict, *names: str, default: Any = None) -> Any:
    for n in names:
        if n in params and params[n] is not None:
            return params[n]
    return default


def _levels(params: dict) -> frozenset[str] | None:
    """The level filter of a rule; None means every level."""
    v = _param(params, "levels", "level", "level_in")
    if not v:
        return None
    return frozenset([v] if isinstance(v, str) else v)


def _rules(ruleset, kind: str) -> list:
    return [r for r in ruleset.rules if r.kind == kind]


def _sev_rank(s: Any) -> int:
    return Severity(str(s)).rank


# --------------------------------------------------------------------------- caps
@dataclass(frozen=True)
class Cap:
    """One cap rule: city-wide (count-cap) or per unit (unit-cap), over a level filter."""

    rule: str
    clause: str
    scope: str  # "city" | "unit"
    levels: frozenset[str] | None
    limit: int | None = None  # city-wide limit
    default: int | None = None  # unit default limit
    overrides: dict[str, int] = field(default_factory=dict)
    units: frozenset[str] | None = None  # unit ids the unit cap covers (None: all)

    def applies(self, level: str) -> bool:
        return self.levels is None or level in self.levels

    def limit_for(self, unit_id: str | None) -> int | None:
        if self.scope == "city":
            return self.limit
        if self.units is not None and str(unit_id) not in self.units:
            return None
        return self.overrides.get(str(unit_id), self.default)

    def count(self, towns: pd.DataFrame, unit_id: str | None = None) -> int:
        mask = (
            np.ones(len(towns), bool) if self.levels is None else towns["level"].isin(self.levels)
        )
        if self.scope == "unit":
            mask = mask & (towns["unit_id"].astype(str) == str(unit_id))
        return int(np.asarray(mask).sum())


def caps_of(ruleset, units: pd.DataFrame) -> list[Cap]:
    """The count-cap and unit-cap rules of ``ruleset``, normalised; ``units`` resolves the
    unit-cap filters ``unit_kinds`` and ``units``."""
    caps = []
    for r in _rules(ruleset, "count-cap"):
        p = r.params
        lim = _param(p, "max", "limit", "max_count", "cap")
        caps.append(Cap(r.id, r.clause, "city", _levels(p), limit=int(lim)))
    for r in _rules(ruleset, "unit-cap"):
        p = r.params
        default = _param(p, "max", "default", "limit", "max_count", "cap")
        over = _param(p, "overrides", "per_unit", "unit_overrides", default={})
        if isinstance(over, list):  # [{unit_id=..., max=...}, ...]
            over = {str(o.get("unit_id", o.get("unit"))): _param(o, "max", "limit") for o in over}
        caps.append(
            Cap(
                r.id,
                r.clause,
                "unit",
                _levels(p),
                default=None if default is None else int(default),
                overrides={str(k): int(v) for k, v in over.items()},
                units=_covered(units, p),
            )
        )
    return caps


def _covered(units: pd.DataFrame, p: dict) -> frozenset[str] | None:
    kinds, ids = _param(p, "unit_kinds"), _param(p, "units")
    if not kinds and not ids:
        return None
    sel = units
    if kinds:
        sel = sel[sel["kind"].isin(kinds)]
    if ids:
        sel = sel[sel["unit_id"].astype(str).isin([str(i) for i in ids])]
    return frozenset(sel["unit_id"].astype(str))


def _cap_row(cap: Cap, towns: pd.DataFrame, unit_id: str | None, after: pd.DataFrame | None):
    limit = cap.limit_for(unit_id)
    used = cap.count(towns, unit_id)
    row = {
        "rule": cap.rule,
        "clause": cap.clause,
        "scope": "city" if cap.scope == "city" else str(unit_id),
        "levels": sorted(cap.levels) if cap.levels is not None else None,
        "limit": limit,
        "used": used,
        "remaining": None if limit is None else limit - used,
    }
    if after is not None:
        row["remaining_after"] = None if limit is None else limit - cap.count(after, unit_id)
    return row


def slots_for(caps: list[Cap], towns: pd.DataFrame, level: str, unit_id: str | None) -> int | None:
    """How many more towns of ``level`` fit in ``unit_id`` under every cap (None: no cap)."""
    rem = [
        c.limit_for(unit_id) - c.count(towns, unit_id)
        for c in caps
        if c.applies(level) and c.limit_for(unit_id) is not None
    ]
    return max(0, min(rem)) if rem else None


# --------------------------------------------------------------------------- sites
def _site_frame(rows: list[dict], geoms_wgs84: list, source: str) -> gpd.GeoDataFrame:
    problems = []
    for i, r in enumerate(rows):
        label = f"feature {i + 1} ({r.get('name')!r})"
        if r.get("category") not in CATEGORIES:
            problems.append(f"{label}: category {r.get('category')!r}; allowed {list(CATEGORIES)}")
        if r.get("level") not in LEVELS:
            problems.append(f"{label}: level {r.get('level')!r}; allowed {list(LEVELS)}")
        a = r.get("area_km2")
        if a is None or not (isinstance(a, int | float) and math.isfinite(a) and a > 0):
            problems.append(f"{label}: area_km2 {a!r}; must be a number > 0 (km²)")
    if problems:
        raise SchemaError(source, problems)
    gdf = gpd.GeoDataFrame(rows, geometry=geoms_wgs84, crs=WGS84)
    ids = [r.get("site_id") for r in rows]
    if not all(_present(i) for i in ids) or len(set(map(str, ids))) != len(ids):
        ids = [f"{SITE_PREFIX}{i + 1}" for i in range(len(rows))]
    gdf["site_id"] = [str(i) for i in ids]
    return gdf


def make_sites(
    ds: Dataset, geoms: gpd.GeoSeries, attrs: list[dict], *, source: str = "site"
) -> gpd.GeoDataFrame:
    """Sites from WGS84 geometries: points become circles of ``area_km2`` in the metric CRS,
    polygons are kept (their area replaces ``area_km2``). Columns: site_id, name, category,
    level, area_km2, lon, lat (WGS84 of the point or polygon centroid), unit_id, geometry."""
    geoms = gpd.GeoSeries(list(geoms), crs=geoms.crs).to_crs(WGS84)
    metric = geoms.to_crs(ds.metric_crs)
    problems = []
    out_geoms = []
    rows = []
    for i, (g, a) in enumerate(zip(metric, attrs, strict=True)):
        a = dict(a)
        a.setdefault("name", f"site {i + 1}")
        if g is None or g.is_empty:
            problems.append(f"feature {i + 1} ({a['name']!r}): empty geometry")
            out_geoms.append(None)
        elif g.geom_type == "Point":
            area = a.get("area_km2")
            r = circle_radius_m(area) if isinstance(area, int | float) and area > 0 else 1.0
            out_geoms.append(g.buffer(r, quad_segs=CIRCLE_QUAD_SEGS))
        elif g.geom_type in ("Polygon", "MultiPolygon"):
            if not g.is_valid:
                problems.append(f"feature {i + 1} ({a['name']!r}): invalid polygon")
            a["area_km2"] = g.area / 1e6
            out_geoms.append(g)
        else:
            problems.append(f"feature {i + 1} ({a['name']!r}): {g.geom_type}; need point/polygon")
            out_geoms.append(None)
        rows.append(a)
    if problems:
        raise SchemaError(source, problems)
    poly_m = gpd.GeoSeries(out_geoms, crs=ds.metric_crs)
    centre_m = gpd.GeoSeries(
        [
            g.centroid if g.geom_type == "Point" else c.centroid
            for g, c in zip(metric, poly_m, strict=True)
        ],
        crs=ds.metric_crs,
    )
    taken = set(ds.towns["town_id"].astype(str))
    if any(str(r.get("site_id")) in taken for r in rows):
        for r in rows:
            r.pop("site_id", None)
    gdf = _site_frame(rows, list(poly_m.to_crs(WGS84)), source)
    centre = centre_m.to_crs(WGS84)
    # A point's own WGS84 coordinates (no round trip through the metric CRS).
    pts = [g if g.geom_type == "Point" else c for g, c in zip(geoms, centre, strict=True)]
    gdf["lon"] = [p.x for p in pts]
    gdf["lat"] = [p.y for p in pts]
    units = assign_units(gpd.GeoSeries(pts, crs=WGS84), ds.units)
    outside = [
        f"{r['name']!r} at lon {p.x:.6f}, lat {p.y:.6f} (WGS84) is outside "
        f"{ds.project.name_zh} {ds.project.name_en}: no unit contains it"
        for r, p, u in zip(rows, pts, units, strict=True)
        if u is None
    ]
    if outside:
        raise SchemaError(source, outside)
    gdf["unit_id"] = units
    return gdf


def sites_from_point(
    ds: Dataset,
    lon: float,
    lat: float,
    *,
    crs: str = "wgs84",
    area_km2: float = DEFAULT_AREA_KM2,
    category: str,
    level: str,
    name: str | None = None,
) -> gpd.GeoDataFrame:
    """One circular site of ``area_km2`` around (lon, lat) given in ``crs``."""
    x, y = transform_xy(np.array([lon], float), np.array([lat], float), crs, WGS84)
    geom = gpd.GeoSeries([shapely.Point(float(x[0]), float(y[0]))], crs=WGS84)
    attrs = {"name": name or "site", "category": category, "level": level, "area_km2": area_km2}
    return make_sites(ds, geom, [attrs], source=f"site ({lon}, {lat} {crs})")


def sites_from_file(
    ds: Dataset,
    path: str | Path,
    *,
    crs: str | None = None,
    defaults: dict | None = None,
) -> gpd.GeoDataFrame:
    """Sites from a layer file: points get a circle of their ``area_km2``, polygons as is.
    Fields name/name_zh, category, level, area_km2; missing ones come from ``defaults``."""
    from townsgis.layers import read_layer

    gdf = read_layer(path, crs=crs)
    if gdf.crs is None:
        raise SchemaError(str(path), ["the file declares no CRS; name one with --crs"])
    if gdf.empty:
        raise SchemaError(str(path), ["no features"])
    defaults = dict(defaults or {})
    attrs = []
    for i, row in enumerate(gdf.drop(columns="geometry").to_dict("records")):
        a = {}
        name = row.get("name_zh") if _present(row.get("name_zh")) else row.get("name")
        a["name"] = str(name) if _present(name) else f"site {i + 1}"
        if _present(row.get("proposal_id")):
            a["site_id"] = str(row["proposal_id"])
        for key in ("category", "level", "area_km2"):
            v = row.get(key)
            a[key] = v if _present(v) else defaults.get(key)
        if isinstance(a["area_km2"], str):
            with contextlib.suppress(ValueError):
                a["area_km2"] = float(a["area_km2"])
        attrs.append(a)
    return make_sites(ds, gdf.geometry, attrs, source=str(path))


def _present(v: Any) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v)) and v != ""


def _town_rows(sites: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Sites as rows of the towns schema (WGS84)."""
    return gpd.GeoDataFrame(
        {
            "town_id": sites["site_id"].values,
            "name_zh": sites["name"].astype(str).values,
            "name_en": sites["name"].astype(str).values,
            "unit_id": sites["unit_id"].values,
            "level": sites["level"].values,
            "category": sites["category"].values,
            "planned_area_km2": sites["area_km2"].astype(float).values,
            "approximate": True,
        },
        geometry=sites.geometry.values,
        crs=WGS84,
    )


def _with_sites(ds: Dataset, rows: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The current towns plus the site ``rows`` (WGS84)."""
    return gpd.GeoDataFrame(pd.concat([ds.towns, rows], ignore_index=True), crs=WGS84)


# --------------------------------------------------------------------------- judging
def site_ruleset(ruleset):
    """The rule set without the per-town paperwork kinds a proposed site cannot meet yet."""
    keep = tuple(r for r in ruleset.rules if r.kind not in SITE_SKIPPED_KINDS)
    return dataclasses.replace(ruleset, rules=keep)


def _gap(f: Finding) -> float | None:
    try:
        return abs(float(f.measured) - float(f.limit))
    except (TypeError, ValueError):
        return None


def _key(f: Finding) -> tuple:
    return (f.rule, f.unit, str(f.limit), str(f.extra.get("category", "")))


def caused_findings(
    before: list[Finding], after: list[Finding], site_ids: set[str], kinds: dict[str, str]
) -> list[Finding]:
    """Findings in ``after`` that the sites cause: a town-level finding naming a site, or an
    aggregate finding (cap, share, clustering) that is new or further from its limit."""
    base: dict[tuple, Finding] = {}
    for f in before:
        base.setdefault(_key(f), f)
    out = []
    for f in after:
        if kinds.get(f.rule) in AGGREGATE_KINDS:
            prev = base.get(_key(f))
            if prev is None:
                out.append(f)
                continue
            g1, g0 = _gap(f), _gap(prev)
            worse = (
                (g1 > g0 + 1e-12)
                if (g1 is not None and g0 is not None)
                else (str(f.measured) != str(prev.measured))
            )
            if worse:
                out.append(f)
        elif site_ids & set(f.town_ids):
            out.append(f)
    return out


@dataclass
class SiteResult:
    """The verdict on one site: findings it causes, nearest towns, remaining caps."""

    site_id: str
    name: str
    lon: float
    lat: float
    unit_id: str
    verdict: str  # pass | fail
    findings: list[Finding]
    nearest: list[dict]
    capacity: dict

    def to_dict(self, lang: str = "zh") -> dict:
        return {
            "name": self.name,
            "lon": round(self.lon, 7),
            "lat": round(self.lat, 7),
            "unit_id": self.unit_id,
            "verdict": self.verdict,
            "findings": [f.to_dict(lang) for f in self.findings],
            "nearest": self.nearest,
            "capacity": self.capacity,
        }


@dataclass
class SiteReport:
    ruleset: Any
    sites: list[SiteResult]
    together: bool
    skipped_rules: list[str]
    metric_crs: Any = None

    @property
    def passed(self) -> bool:
        return all(s.verdict == "pass" for s in self.sites)

    def to_dict(self, lang: str = "zh") -> dict:
        return {"sites": [s.to_dict(lang) for s in self.sites]}


def nearest_towns(ds: Dataset, sites: gpd.GeoDataFrame, k: int = 3) -> list[list[dict]]:
    """The ``k`` towns nearest each site, boundary to boundary, in km (metric CRS)."""
    towns = ds.metric("towns")
    if towns.empty:
        return [[] for _ in range(len(sites))]
    s = np.asarray(sites.to_crs(ds.metric_crs).geometry.values)
    t = np.asarray(towns.geometry.values)
    d = shapely.distance(s[:, None], t[None, :])  # (sites × towns) metres, vectorised
    k = min(k, len(towns))
    order = np.argsort(d, axis=1, kind="stable")[:, :k]
    ids = towns["town_id"].astype(str).to_numpy()
    names = towns["name_zh"].astype(str).to_numpy()
    return [
        [
            {"town_id": ids[j], "name_zh": names[j], "distance_km": round(float(d[i, j]) / 1e3, 3)}
            for j in order[i]
        ]
        for i in range(len(s))
    ]


def _site_capacity(caps: list[Cap], towns: pd.DataFrame, after: pd.DataFrame, unit_id: str):
    return {
        "unit_id": unit_id,
        "unit": [
            _cap_row(c, towns, unit_id, after)
            for c in caps
            if c.scope == "unit" and c.limit_for(unit_id) is not None
        ],
        "city": [_cap_row(c, towns, None, after) for c in caps if c.scope == "city"],
    }


def evaluate_sites(
    ds: Dataset,
    ruleset,
    sites: gpd.GeoDataFrame,
    *,
    together: bool = False,
    fail_on: str = "error",
    today=None,
) -> SiteReport:
    """Judge each site alone against the current layout (or all as one package when
    ``together``). A site fails when a finding it causes, not waived, reaches ``fail_on``."""
    from townsgis.engine import run_rules
    from townsgis.waivers import load_waivers

    waivers = load_waivers(ds.project.waivers_path)
    rs = site_ruleset(ruleset)
    kinds = {r.id: r.kind for r in rs.rules}
    skipped = [r.id for r in ruleset.rules if r.kind in SITE_SKIPPED_KINDS]
    threshold = Severity(fail_on).rank
    # Only aggregate findings are compared with the layout before; town-level ones are caused
    # exactly when they name a site, so the baseline runs the aggregate rules alone.
    base_rs = dataclasses.replace(rs, rules=tuple(r for r in rs.rules if r.kind in AGGREGATE_KINDS))
    before = run_rules(ds, base_rs, today=today, waivers=waivers).findings
    caps = caps_of(rs, ds.units)
    nearest = nearest_towns(ds, sites)
    groups = [list(range(len(sites)))] if together else [[i] for i in range(len(sites))]
    results: list[SiteResult] = [None] * len(sites)  # type: ignore[list-item]
    rows = _town_rows(sites)
    for idx in groups:
        group = sites.iloc[idx]
        towns_after = _with_sites(ds, rows.iloc[idx])
        after = run_rules(ds, rs, towns=towns_after, today=today, waivers=waivers).findings
        ids = set(group["site_id"])
        caused = caused_findings(before, after, ids, kinds)
        for i in idx:
            s = sites.iloc[i]
            mine = [
                f
                for f in caused
                if s["site_id"] in f.town_ids
                or (kinds.get(f.rule) in AGGREGATE_KINDS and f.unit in (None, s["unit_id"]))
            ]
            fails = any(not f.waived and _sev_rank(f.severity) >= threshold for f in mine)
            results[i] = SiteResult(
                site_id=s["site_id"],
                name=str(s["name"]),
                lon=float(s["lon"]),
                lat=float(s["lat"]),
                unit_id=str(s["unit_id"]),
                verdict="fail" if fails else "pass",
                findings=mine,
                nearest=nearest[i],
                capacity=_site_capacity(caps, ds.towns, towns_after, str(s["unit_id"])),
            )
    return SiteReport(ruleset, results, together, skipped, ds.metric_crs)


# --------------------------------------------------------------------------- capacity
@dataclass
class MixPlan:
    """The smallest change that brings the category mix (§3.1.3) within its shares."""

    levels: list[str] | None
    total: int
    counts: dict[str, int]
    bounds: dict[str, tuple[Fraction | None, Fraction | None]]
    rules: list[str]
    ok: bool
    add: dict[str, int] | None  # category → additions (None: unreachable by additions alone)
    add_slots: int | None  # additions the caps allow within the level filter (None: no cap)
    add_feasible: bool
    remove: dict[str, int] | None
    binding: list[str] = field(default_factory=list)  # caps that limit the additions

    def to_dict(self) -> dict:
        return {
            "levels": self.levels,
            "total": self.total,
            "counts": self.counts,
            "shares": {
                c: {
                    "count": self.counts.get(c, 0),
                    "share": round(self.counts.get(c, 0) / self.total, 6) if self.total else None,
                    "min": None if lo is None else float(lo),
                    "max": None if hi is None else float(hi),
                }
                for c, (lo, hi) in self.bounds.items()
            },
            "rules": self.rules,
            "ok": self.ok,
            "add": self.add,
            "add_total": None if self.add is None else sum(self.add.values()),
            "add_slots": self.add_slots,
            "add_feasible": self.add_feasible,
            "binding_caps": self.binding,
            "remove": self.remove,
            "remove_total": None if self.remove is None else sum(self.remove.values()),
        }


def _frac(v: Any) -> Fraction:
    """A share as an exact fraction: 0.6 and 60 (percent) both mean 3/5."""
    f = Fraction(str(v))
    return f / 100 if f > 1 else f


def _ceil(f: Fraction) -> int:
    return -((-f.numerator) // f.denominator)


def _floor(f: Fraction) -> int:
    return f.numerator // f.denominator


def solve_additions(
    counts: dict[str, int], bounds: dict, limit: int = 10_000
) -> dict[str, int] | None:
    """Fewest additions (per category) so that every share lies within ``bounds``
    (category → (min, max) fractions, inclusive). None when no number up to ``limit`` works."""
    n = sum(counts.values())
    for a in range(0, limit + 1):
        tot = n + a
        need, room = {}, 0
        ok = True
        for c in set(counts) | set(bounds):
            lo, hi = bounds.get(c, (None, None))
            have = counts.get(c, 0)
            low = max(0, _ceil(lo * tot) - have) if lo is not None else 0
            high = (_floor(hi * tot) - have) if hi is not None else a
            if high < low:
                ok = False
                break
            need[c] = low
            room += min(high, a)
        if ok and sum(need.values()) <= a <= room:
            # fill beyond the minimum needs in order of the category with the most room
            extra = a - sum(need.values())
            for c in sorted(need, key=lambda c: (bounds.get(c, (None, None))[1] is not None, c)):
                lo, hi = bounds.get(c, (None, None))
                cap = (_floor(hi * tot) - counts.get(c, 0)) if hi is not None else a
                take = min(extra, cap - need[c])
                need[c] += take
                extra -= take
            return {c: v for c, v in sorted(need.items()) if v}
    return None


def solve_removals(counts: dict[str, int], bounds: dict) -> dict[str, int] | None:
    """Fewest removals (per category) so that every share lies within ``bounds``."""
    n = sum(counts.values())
    cats = set(counts) | set(bounds)
    for b in range(0, n):
        tot = n - b
        lows, highs = {}, {}
        ok = True
        for c in cats:
            lo, hi = bounds.get(c, (None, None))
            have = counts.get(c, 0)
            low = max(0, have - _floor(hi * tot)) if hi is not None else 0
            high = min(have, have - _ceil(lo * tot)) if lo is not None else have
            if high < low:
                ok = False
                break
            lows[c], highs[c] = low, high
        if ok and sum(lows.values()) <= b <= sum(highs.values()):
            extra = b - sum(lows.values())
            for c in sorted(cats):
                take = min(extra, highs[c] - lows[c])
                lows[c] += take
                extra -= take
            return {c: v for c, v in sorted(lows.items()) if v}
    return None


def max_additions(
    caps: list[Cap], towns: pd.DataFrame, units: list[str], levels: frozenset[str] | None
) -> tuple[int | None, list[str]]:
    """Most towns with a level in ``levels`` that the caps still allow, city-wide, and the
    caps that bind. Unit caps count as one pool (the sum of every unit's remaining slots).
    Greedy on the levels with the fewest caps first (optimal for nested caps)."""
    pools = []  # (rule, applies(level), remaining)
    for c in caps:
        if c.scope == "city":
            rem = c.limit - c.count(towns)
        elif any(c.limit_for(u) is None for u in units):
            continue  # some unit has no such cap: this pool does not bound the city
        else:
            rem = sum(max(0, c.limit_for(u) - c.count(towns, u)) for u in units)
        pools.append([c, max(0, rem)])
    lv = sorted(levels) if levels is not None else list(LEVELS)
    lv.sort(key=lambda level: sum(1 for c, _ in pools if c.applies(level)))
    total = 0
    for level in lv:
        mine = [p for p in pools if p[0].applies(level)]
        if not mine:
            return None, []
        k = min(p[1] for p in mine)
        total += k
        for p in mine:
            p[1] -= k
    binding = sorted({p[0].rule for p in pools if p[1] == 0 and any(p[0].applies(x) for x in lv)})
    return total, binding


@dataclass
class CapacityReport:
    ruleset: Any
    city: list[dict]
    units: list[dict]
    mix: list[MixPlan]

    def to_dict(self) -> dict:
        return {
            "ruleset": {"id": self.ruleset.id, "version": self.ruleset.version},
            "city": self.city,
            "units": self.units,
            "mix": [m.to_dict() for m in self.mix],
        }


def capacity(ds: Dataset, ruleset) -> CapacityReport:
    """Remaining slots per unit and city-wide (§3.1.1a–c) and the category-mix plan (§3.1.3)."""
    towns = ds.towns
    caps = caps_of(ruleset, ds.units)
    units = ds.units
    unit_ids = units["unit_id"].astype(str).tolist()
    city = [_cap_row(c, towns, None, None) for c in caps if c.scope == "city"]
    unit_rows = []
    provincial = "provincial_creation"
    for u, name in zip(unit_ids, units["name_zh"].astype(str), strict=True):
        by_level = {lvl: slots_for(caps, towns, lvl, u) for lvl in LEVELS}
        finite = [v for v in by_level.values() if v is not None]
        unit_rows.append(
            {
                "unit_id": u,
                "name_zh": name,
                "towns": int((towns["unit_id"].astype(str) == u).sum()),
                "caps": [
                    _cap_row(c, towns, u, None)
                    for c in caps
                    if c.scope == "unit" and c.limit_for(u) is not None
                ],
                "slots_by_level": by_level,
                "provincial_slots": by_level[provincial],
                "total_slots": None if len(finite) < len(by_level) else max(finite),
            }
        )
    return CapacityReport(ruleset, city, unit_rows, mix_plans(ruleset, towns, caps, unit_ids))


def mix_plans(ruleset, towns: pd.DataFrame, caps: list[Cap], unit_ids: list[str]) -> list[MixPlan]:
    """One plan per level filter of the category-share rules."""
    groups: dict[frozenset | None, dict] = {}
    for r in _rules(ruleset, "category-share"):
        p = r.params
        key = _levels(p)
        g = groups.setdefault(key, {"bounds": {}, "rules": []})
        g["rules"].append(r.id)
        shares = _param(p, "shares", "categories")
        items = (
            [(c, v) for c, v in shares.items()]
            if isinstance(shares, dict)
            else [(_param(p, "category"), p)]
        )
        for cat, spec in items:
            lo = _param(spec, "min", "min_share") if isinstance(spec, dict) else None
            hi = _param(spec, "max", "max_share") if isinstance(spec, dict) else None
            old_lo, old_hi = g["bounds"].get(cat, (None, None))
            lo = _frac(lo) if lo is not None else old_lo
            hi = _frac(hi) if hi is not None else old_hi
            g["bounds"][cat] = (lo, hi)
    plans = []
    for levels, g in groups.items():
        sel = towns if levels is None else towns[towns["level"].isin(levels)]
        counts = {c: int(v) for c, v in sel["category"].astype(str).value_counts().items()}
        total = int(len(sel))
        bounds = g["bounds"]
        ok = all(
            (lo is None or counts.get(c, 0) >= lo * total)
            and (hi is None or counts.get(c, 0) <= hi * total)
            for c, (lo, hi) in bounds.items()
        )
        add = solve_additions(counts, bounds)
        slots, binding = max_additions(caps, towns, unit_ids, levels)
        need = None if add is None else sum(add.values())
        feasible = need is not None and (slots is None or need <= slots)
        plans.append(
            MixPlan(
                levels=None if levels is None else sorted(levels),
                total=total,
                counts=counts,
                bounds=bounds,
                rules=g["rules"],
                ok=ok,
                add=add,
                add_slots=slots,
                add_feasible=feasible,
                remove=solve_removals(counts, bounds),
                binding=binding,
            )
        )
    return plans


# --------------------------------------------------------------------------- feasible area
@dataclass
class FeasibleResult:
    """Where one more town's centroid can go. ``layer`` is WGS84, one row per unit."""

    layer: gpd.GeoDataFrame
    area_km2: float
    category: str
    level: str
    unit: str | None
    footprint_km2: float
    radius_m: float
    distances: dict[str, float]
    excluded_units: list[dict]
    ruleset_id: str
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "ruleset": self.ruleset_id,
            "category": self.category,
            "level": self.level,
            "unit": self.unit,
            "footprint_km2": self.footprint_km2,
            "radius_m": round(self.radius_m, 3),
            "distances_m": self.distances,
            "area_km2": round(self.area_km2, 6),
            "units": [
                {"unit_id": u, "area_km2": round(float(a), 6)}
                for u, a in zip(self.layer["unit_id"], self.layer["area_km2"], strict=True)
            ],
            "excluded_units": self.excluded_units,
            "notes": self.notes,
        }


def spatial_limits(ruleset) -> dict[str, float]:
    """Distances (metres) and the within-unit fraction the rule set's spatial rules demand."""
    gap = [
        float(_param(r.params, "min_m", "min_gap_m", "distance_m", default=0))
        for r in _rules(ruleset, "min-gap")
    ]
    spacing = [
        float(_param(r.params, "min_m", "min_spacing_m", "distance_m", default=0))
        for r in _rules(ruleset, "min-spacing")
    ]
    within = [
        float(_param(r.params, "min_fraction", "min_share", "fraction", default=0.95))
        for r in _rules(ruleset, "within-unit")
    ]
    return {
        "min_gap_m": max(gap, default=0.0),
        "min_spacing_m": max(spacing, default=0.0),
        "within_unit_fraction": max(within, default=0.0),
        "no_overlap": bool(_rules(ruleset, "no-overlap")),
    }


def feasible_area(
    ds: Dataset,
    ruleset,
    *,
    category: str,
    level: str = "provincial_creation",
    unit: str | None = None,
    area_km2: float = DEFAULT_AREA_KM2,
) -> FeasibleResult:
    """The area where the centroid of one more town (a circle of ``area_km2``) passes every
    spatial rule: inside the city (and ``unit``), not in a unit at its cap, ≥ min-spacing from
    every town centroid, footprint ≥ min-gap from every town boundary (centroid ≥ gap + r),
    footprint inside its unit (centroid ≥ r inside: the unit eroded by r, conservative for
    the within-unit share). All in the metric CRS; a 1 m margin absorbs polygonal arcs."""
    if category not in CATEGORIES:
        raise TownsgisError(f"--category {category!r}: allowed {list(CATEGORIES)}")
    if level not in LEVELS:
        raise TownsgisError(f"--level {level!r}: allowed {list(LEVELS)}")
    if not (area_km2 > 0):
        raise TownsgisError(f"--area-km2 {area_km2!r}: must be > 0 (km²)")
    units = ds.metric("units")
    ids = units["unit_id"].astype(str)
    if unit is not None and unit not in set(ids):
        raise TownsgisError(f"--unit {unit!r}: not a unit of this project; known: {sorted(ids)}")
    r = circle_radius_m(area_km2)
    lim = spatial_limits(ruleset)
    caps = caps_of(ruleset, ds.units)
    towns = ds.towns
    excluded = []
    full_city = [
        c.rule for c in caps if c.scope == "city" and c.applies(level) and c.count(towns) >= c.limit
    ]
    keep = np.ones(len(units), bool)
    for i, u in enumerate(ids):
        full = [
            c.rule
            for c in caps
            if c.scope == "unit"
            and c.applies(level)
            and c.limit_for(u) is not None
            and c.count(towns, u) >= c.limit_for(u)
        ]
        if full or full_city:
            keep[i] = False
            if unit is None or u == unit:
                excluded.append({"unit_id": u, "caps_full": full + full_city})
    if unit is not None:
        keep &= (ids == unit).to_numpy()
    is_zone = (units["kind"] == FUNCTIONAL_ZONE).to_numpy()
    zones = units.geometry[is_zone].union_all() if is_zone.any() else shapely.Polygon()
    inset = r + SAFETY_M if lim["within_unit_fraction"] > 0 else SAFETY_M
    region = units.geometry.buffer(-inset)  # vectorised erosion
    region = gpd.GeoSeries(
        np.where(is_zone, region.values, region.difference(zones).values), crs=units.crs
    )
    towns_m = ds.metric("towns")
    blocked = []
    if len(towns_m):
        reach = max(lim["min_gap_m"], 0.0) + r + SAFETY_M
        if lim["min_gap_m"] > 0 or lim["no_overlap"]:
            blocked.append(towns_m.geometry.buffer(reach).union_all())
        if lim["min_spacing_m"] > 0:
            cent = towns_m.geometry.centroid
            blocked.append(cent.buffer(lim["min_spacing_m"] + SAFETY_M).union_all())
    block = shapely.union_all(blocked) if blocked else shapely.Polygon()
    free = region[keep].difference(block)
    free = free[~free.is_empty]
    sel = units[keep].loc[free.index]
    layer = gpd.GeoDataFrame(
        {
            "unit_id": sel["unit_id"].astype(str).values,
            "category": category,
            "level": level,
            "area_km2": (free.area / 1e6).values,
            "footprint_km2": float(area_km2),
            "ruleset": ruleset.id,
            "approximate": True,
            "note": APPROX_NOTE_EN,
        },
        geometry=free.values,
        crs=units.crs,
    )
    notes = [
        "category-share (§3.1.3) and clustering (§3.1.2b) are not location rules; "
        "check a chosen point with `townsgis site`",
        APPROX_NOTE_EN,
    ]
    return FeasibleResult(
        layer=layer.to_crs(WGS84),
        area_km2=float(layer["area_km2"].sum()),
        category=category,
        level=level,
        unit=unit,
        footprint_km2=float(area_km2),
        radius_m=r,
        distances={k: v for k, v in lim.items() if k != "no_overlap"},
        excluded_units=excluded,
        ruleset_id=ruleset.id,
        notes=notes,
    )
