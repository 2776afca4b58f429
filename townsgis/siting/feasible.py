"""The feasible area: exactly where one more town's centroid can go and pass `site` at a
``fail_on`` severity (§3.1.1 caps, §3.1.2a no-overlap/min-gap, §3.1.2b clustering and
concentration, §3.1.2c min-spacing, within-unit, on-water, §3.1.3 shares), unit by unit
(:func:`unit_region` takes one unit and the towns
within its reach). The within-unit edge is the level set of the footprint's exact share in
the unit, traced on a grid and put on the exact level (:mod:`townsgis.siting.share_region`),
and so is the on-water edge (the footprint's share on water, :func:`wet_region`);
the distance rules are buffers of 256-gons. The area agrees with `site` to within 1 m of its
boundary (the test samples a city grid and points 1.5 m either side of the boundary).
Computed in the metric CRS (metres, km²); the layer is returned in WGS84.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import shapely

from townsgis import vocab
from townsgis.crs import WGS84
from townsgis.dataset import Dataset, own_unit_areas
from townsgis.errors import TownsgisError
from townsgis.findings import Severity
from townsgis.messages import msg, register
from townsgis.siting.params import _param, _rules
from townsgis.siting.share_region import GRID_M, share_region
from townsgis.siting.sites import CIRCLE_QUAD_SEGS, DEFAULT_AREA_KM2, circle_radius_m

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

# Kinds that judge where a town lies (used by `feasible` and its tests).
SPATIAL_KINDS = frozenset({"no-overlap", "min-gap", "min-spacing", "within-unit"})
# Kinds judged per unit, wherever in the unit the town goes (caps, category shares).
LOCATION_FREE_KINDS = frozenset({"unit-cap", "count-cap", "category-share"})
register(
    {
        "feasible.approx": (
            "小镇位置为近似（误差数公里），边界为示意",
            "town locations are approximate (a few km); boundaries are illustrative",
        ),
        "feasible.fail_on": (
            "--fail-on {value}：可用 {allowed}",
            "--fail-on {value}: allowed {allowed}",
        ),
        "feasible.scope": (
            "这是在 --fail-on {fail_on} 级别 site 检查能通过的区域（该级别及以上的空间规则、名额、"
            "类别占比和集聚、集中度规则 §3.1.2b；后两者排除新增一个小镇就会使其检验报出的位置）",
            "the area where `site` passes at --fail-on {fail_on} (the spatial rules, caps, "
            "category shares and clustering and concentration rules §3.1.2b of that severity "
            "or above; for the last two, the places where one more town makes their test flag "
            "are left out)",
        ),
    }
)


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
    fail_on: str = "error"
    # the on-water rules' least max_water_share at this severity (None: none applies)
    max_water_share: float | None = None

    def to_dict(self) -> dict:
        return {
            "ruleset": self.ruleset_id,
            "category": self.category,
            "level": self.level,
            "unit": self.unit,
            "footprint_km2": self.footprint_km2,
            "fail_on": self.fail_on,
            "radius_m": round(self.radius_m, 3),
            "distances_m": self.distances,
            "max_water_share": self.max_water_share,
            "area_km2": round(self.area_km2, 6),
            "units": [
                {"unit_id": u, "area_km2": round(float(a), 6)}
                for u, a in zip(self.layer["unit_id"], self.layer["area_km2"], strict=True)
            ],
            "excluded_units": self.excluded_units,
            "notes": self.notes,
        }


def spatial_limits(ruleset, fail_on: str | None = None) -> dict[str, float]:
    """Distances (metres) and the within-unit share the rule set's spatial rules demand; with
    ``fail_on`` only the rules whose severity reaches it (the rules that make `site` fail)."""
    rank = None if fail_on is None else Severity(fail_on).rank

    def rules(kind: str) -> list:
        return [r for r in _rules(ruleset, kind) if rank is None or r.severity.rank >= rank]

    gap = [float(_param(r.params, "min_m", default=0)) for r in rules("min-gap")]
    spacing = [float(_param(r.params, "min_m", default=0)) for r in rules("min-spacing")]
    within = [float(_param(r.params, "min_share", default=0.95)) for r in rules("within-unit")]
    overlap = [float(_param(r.params, "tolerance_m2", default=1.0)) for r in rules("no-overlap")]
    return {
        "min_gap_m": max(gap, default=0.0),
        "min_spacing_m": max(spacing, default=0.0),
        "within_unit_fraction": max(within, default=0.0),
        "no_overlap": bool(overlap),
    }


def water_limit(ruleset, fail_on: str) -> float | None:
    """The least ``max_water_share`` of the on-water rules that make `site` fail at
    ``fail_on`` (the strictest); None when none does."""
    rank = Severity(fail_on).rank
    shares = [
        float(_param(r.params, "max_water_share", default=0.5))
        for r in _rules(ruleset, "on-water")
        if r.severity.rank >= rank
    ]
    return min(shares, default=None)


def wet_region(
    water: BaseGeometry | None,
    own: BaseGeometry,
    r: float,
    share: float,
    *,
    grid_m: float = GRID_M,
) -> BaseGeometry:
    """Centres near ``own`` where a footprint of radius ``r`` (m) has more than ``share`` of
    its area on ``water`` (the on-water rule flags it): the level set of the disc's share in
    the water (:func:`share_region`, not clipped to the water: a centre on a spit or in a bay
    counts too), of the water within r of ``own``'s box (the disc of a centre in ``own``
    reaches no farther). Its edge is the level itself: {S ≥ share} and {S > share} differ
    only on it. Metric CRS."""
    if water is None or share >= 1:
        return shapely.Polygon()
    minx, miny, maxx, maxy = own.bounds
    pad = r + 2 * grid_m
    local = shapely.clip_by_rect(water, minx - pad, miny - pad, maxx + pad, maxy + pad)
    parts = shapely.get_parts(local)
    parts = parts[shapely.get_type_id(parts) == 3]  # polygons only (a clip can leave lines)
    if not len(parts):
        return shapely.Polygon()
    return share_region(shapely.union_all(parts), r, share, grid_m=grid_m, clip=False)


def outside_share(d: float, r: float) -> float:
    """Share of a circle of radius ``r`` beyond a straight line at distance ``d`` (metres,
    signed: negative when the centre is beyond it) from its centre."""
    x = min(1.0, max(-1.0, d / r))
    return (math.acos(x) - x * math.sqrt(1 - x * x)) / math.pi


def straight_edge_depth(share: float, r: float) -> float:
    """Distance (m) from a straight unit edge at which a circle of radius ``r`` has exactly
    ``share`` of its area inside the unit (bisection on :func:`outside_share`)."""
    lo, hi = -r, r
    for _ in range(60):
        mid = (lo + hi) / 2
        if outside_share(mid, r) > 1 - share:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def unit_region(
    own: BaseGeometry,
    towns: gpd.GeoDataFrame,
    lim: dict[str, float],
    r: float,
    *,
    grid_m: float = GRID_M,
) -> BaseGeometry:
    """Where the centre of a footprint of radius ``r`` (m) can go in one unit and pass the
    spatial rules ``lim`` (from :func:`spatial_limits` at the chosen ``fail_on``): inside the
    unit's own area ``own``; not within min-spacing of a town centroid; footprint not
    overlapping a town nor closer than min-gap to its boundary; at least the within-unit share
    of the footprint in ``own`` (the share's level set, :func:`share_region`, on a grid of
    ``grid_m`` metres). ``towns`` need only hold the towns within reach of the unit
    (min-gap + r, or min-spacing): all in the metric CRS."""
    blocked = []
    if len(towns):
        g = towns.geometry
        if lim["min_gap_m"] > 0 or lim["no_overlap"]:
            # footprint within min-gap of a town ⇔ centre within min-gap + r of it (the
            # CIRCLE_QUAD_SEGS polygon is within 0.08 m of the circle)
            blocked.append(g.buffer(lim["min_gap_m"] + r, quad_segs=CIRCLE_QUAD_SEGS).union_all())
        if lim["min_spacing_m"] > 0:
            c = g.centroid
            blocked.append(c.buffer(lim["min_spacing_m"], quad_segs=CIRCLE_QUAD_SEGS).union_all())
    block = shapely.union_all(blocked) if blocked else shapely.Polygon()
    if lim["within_unit_fraction"] > 0:
        skip = block.buffer(-200.0) if not block.is_empty else None
        region = share_region(own, r, lim["within_unit_fraction"], grid_m=grid_m, skip=skip)
    else:
        region = own
    out = region.difference(block)
    return shapely.make_valid(out) if not out.is_valid else out


#: The project cache's slot of the regions of the units asked for one by one, and how many
#: of them are kept (the newest).
REGION_SLOT = "feasible-region"
REGION_KEEP = 32


@functools.cache
def _tracing_code() -> str:
    """A hash of the source of the modules that compute :func:`unit_region` (this one, the
    share's level set and the disc share): a changed algorithm never meets an old entry."""
    from townsgis.siting import disc_share, share_region

    h = hashlib.blake2b(digest_size=16)
    for mod in (sys.modules[__name__], share_region, disc_share):
        h.update(Path(mod.__file__).read_bytes())
    return h.hexdigest()


def cached_unit_region(
    ds: Dataset, own: BaseGeometry, towns: gpd.GeoDataFrame, lim: dict[str, float], r: float
) -> BaseGeometry:
    """:func:`unit_region` of ``own`` and ``towns`` (the towns in reach), kept in the
    project's cache (``.npz``, its WKB: the same coordinates back) under a key naming all it
    is computed from: the unit's own area and the towns' outlines (WKB, in order), the limits,
    the radius, the grid and the code that traces it. So it is never served stale; without a
    cache it is computed."""
    from townsgis import cache
    from townsgis.dataset import cache_of

    store = cache_of(ds.project)
    if store is None:
        return unit_region(own, towns, lim, r)
    h = hashlib.blake2b(digest_size=20)
    h.update(shapely.to_wkb(own))
    for wkb in shapely.to_wkb(np.asarray(towns.geometry.to_numpy(), dtype=object)):
        h.update(len(wkb).to_bytes(8, "little"))
        h.update(wkb)
    limits = sorted((k, repr(v)) for k, v in lim.items())
    k = cache.key(REGION_SLOT, h.hexdigest(), limits, repr(float(r)), GRID_M, _tracing_code())
    hit = store.get_arrays(REGION_SLOT, k)
    if hit is not None and "wkb" in hit:
        try:
            return shapely.from_wkb(hit["wkb"].tobytes())
        except shapely.errors.GEOSException:
            pass  # a damaged entry: computed again and rewritten
    out = unit_region(own, towns, lim, r)
    wkb = np.frombuffer(shapely.to_wkb(out), dtype=np.uint8)
    store.put_arrays(REGION_SLOT, k, {"wkb": wkb}, keep=REGION_KEEP)
    return out


def crowding_limits(ds: Dataset, ruleset, fail_on: str) -> list[tuple]:
    """For each concentration rule (§3.1.2b) that makes `site` fail at ``fail_on``: the
    layout's town centroids (metric CRS, m), the distances d (m) and, per d_k, the least
    number m_k of centroids within d_k of one more town that makes the rule flag it (from
    :func:`~townsgis.checks.concentration.added_count_thresholds`, the rule's own test). A
    layout the rule already flags counts as caused only when the p-value falls further."""
    from townsgis.checks import concentration as conc
    from townsgis.engine import build_context

    rank = Severity(fail_on).rank
    specs = [r for r in ruleset.rules if r.kind == "concentration" and r.severity.rank >= rank]
    if not specs:
        return []
    ctx = build_context(ds, ruleset)
    out = []
    for spec in specs:
        p_max = float(spec.params["alpha"])
        for f in conc.concentration(ctx, spec):
            p_max = min(p_max, float(f.extra["p_value"]))
        d, m = conc.added_count_thresholds(ctx, spec, p_max)
        out.append((conc.centroids_xy(ctx), d, m))
    return out


def crowded_region(xy: np.ndarray, d: np.ndarray, m: np.ndarray, own: BaseGeometry):
    """Centres in ``own`` with, for some k, at least ``m[k]`` of the points ``xy`` within
    ``d[k]`` metres: for each k the faces of the arrangement of the circles of radius d[k]
    (1024-gons, within 0.1 m of a 20 km circle) covered m[k] times or more."""
    parts = []
    pts = shapely.points(xy)
    for dk, mk in zip(d, m, strict=True):
        if mk <= 0:
            return own
        near = xy[shapely.dwithin(pts, own, dk)] if len(xy) else xy
        if len(near) < mk:
            continue
        discs = shapely.buffer(shapely.points(near), dk, quad_segs=256)
        if mk == 1:
            parts.append(shapely.union_all(discs))
            continue
        lines = shapely.get_parts(shapely.union_all(shapely.boundary(discs)))
        faces = shapely.get_parts(shapely.polygonize(lines))
        rep = shapely.get_coordinates(shapely.point_on_surface(faces))
        gap = np.hypot(rep[:, None, 0] - near[None, :, 0], rep[:, None, 1] - near[None, :, 1])
        parts.append(shapely.union_all(faces[(gap <= dk).sum(axis=1) >= mk]))
    return shapely.union_all(parts).intersection(own) if parts else shapely.Polygon()


def clustering_limits(ds: Dataset, ruleset, fail_on: str) -> list[tuple]:
    """For each clustering rule (§3.1.2b, Clark–Evans) that makes `site` fail at ``fail_on``
    and that one more town can make flag: the layout's centroids c_i (metric CRS, m), their
    nearest-neighbour distances d_i (m) and the limit T (m) on the mean nearest-neighbour
    distance of the n + 1 towns (:func:`~townsgis.checks.clustering.added_mean_nn_limit`,
    the rule's own test for n + 1 points)."""
    from townsgis.checks import clustering as ce
    from townsgis.engine import build_context

    rank = Severity(fail_on).rank
    specs = [r for r in ruleset.rules if r.kind == "clustering" and r.severity.rank >= rank]
    if not specs:
        return []
    ctx = build_context(ds, ruleset)
    return [lim for spec in specs if (lim := ce.added_mean_nn_limit(ctx, spec)) is not None]


def nn_sum(xy: np.ndarray, own: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """S(x) = Σ_i min(d_i, |x − c_i|) + min_i |x − c_i| (m) at each of ``pts`` (m×2): the
    sum of the nearest-neighbour distances of the towns ``xy`` (own distances ``own``) plus
    one at x. Metres."""
    out = np.zeros(len(pts))
    first = np.full(len(pts), np.inf)
    for c, d in zip(xy, own, strict=True):
        t = np.hypot(pts[:, 0] - c[0], pts[:, 1] - c[1])
        out += np.minimum(d, t)
        np.minimum(first, t, out=first)
    return out + first


def clustered_region(xy: np.ndarray, own: np.ndarray, limit: float, area: BaseGeometry):
    """Centres x in ``area`` where one more town makes the clustering rule flag: the sublevel
    set S(x) < (n + 1)·``limit`` of :func:`nn_sum` (metres). It lies within δ of a town,
    where Σ min(d_i, δ) + δ = (n + 1)·limit (S is at least that at distance δ from every
    town); traced on a 25 m grid where the level can cross (|∇S| ≤ 1 + the number of towns
    within their own distance d_i) and put on the exact level (share_region.FieldLevel: the
    vertices to 0.01 m, the edges within 0.25 m)."""
    from townsgis.siting.share_region import FieldLevel

    total = (len(xy) + 1) * limit
    if not len(xy) or not np.isfinite(total) or total <= 0:
        return area if len(xy) and not np.isfinite(total) else shapely.Polygon()
    lo, hi = 0.0, total
    for _ in range(80):  # Σ min(d_i, δ) + δ rises with δ
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if np.minimum(own, mid).sum() + mid < total else (lo, mid)
    near = shapely.buffer(shapely.points(xy), hi + 1.0, quad_segs=16)
    domain = shapely.union_all(near).intersection(area)
    if domain.is_empty:
        return shapely.Polygon()

    def lip(centres: np.ndarray, half_diag: float) -> np.ndarray:
        # |∇S| ≤ 1 + the number of towns whose own distance the new one can undercut
        out = np.ones(len(centres))
        for c, d in zip(xy, own, strict=True):
            out += np.hypot(centres[:, 0] - c[0], centres[:, 1] - c[1]) < d + half_diag
        return out

    region = FieldLevel(lambda p: -nn_sum(xy, own, p), -total, domain.bounds, lip).trace()
    return region.intersection(area) if not region.is_empty else region


def towns_in_reach(towns: gpd.GeoDataFrame, own: BaseGeometry, lim: dict, r: float):
    """The towns (metric CRS) that can constrain a footprint of radius ``r`` centred in
    ``own``: within min-gap + 2r of it, or with a centroid within min-spacing."""
    if not len(towns):
        return towns
    reach = max(lim["min_gap_m"] + 2 * r, lim["min_spacing_m"]) + 1.0
    return towns[towns.geometry.dwithin(own, reach)]


def unit_admits(
    ds: Dataset,
    ruleset,
    unit_id: str,
    point,
    *,
    category,
    level,
    area_km2,
    fail_on,
    units: gpd.GeoDataFrame | None = None,
) -> list[str]:
    """Whether one more town in ``unit_id`` passes the location-free rules (unit and city caps,
    category shares) at ``fail_on``: `site`'s judgement of a site at ``point`` (metric CRS, in
    the unit) with those rules only (``failing_rules_alone``: the rule functions themselves,
    without the nearest towns, mix and capacity a `site` report adds). Returns the ids of the
    rules that make it fail. ``units`` (metric CRS) need hold only ``unit_id``: the rules are
    narrowed to it (:func:`_only_unit`); default: all units."""
    from townsgis.siting.evaluate import failing_rules_alone

    keep = tuple(_only_unit(r, unit_id) for r in ruleset.rules if r.kind in LOCATION_FREE_KINDS)
    keep = tuple(r for r in keep if r is not None)
    if not keep:
        return []
    rs = dataclasses.replace(ruleset, rules=keep)
    outline = shapely.buffer(point, circle_radius_m(area_km2), quad_segs=CIRCLE_QUAD_SEGS)
    row = gpd.GeoDataFrame(
        {
            "town_id": [FEASIBLE_SITE],
            "name_zh": ["feasible"],
            "name_en": ["feasible"],
            "unit_id": [unit_id],
            "level": [level],
            "category": [category],
            "planned_area_km2": [float(area_km2)],
            "approximate": [True],
        },
        geometry=[None],  # the outline is given in the metric CRS
        crs=WGS84,
    )
    (failing,) = failing_rules_alone(ds, rs, row, [outline], fail_on=fail_on, units=units)
    return failing


#: The id of the one more town `feasible` judges (never a real town id).
FEASIBLE_SITE = "\ue000feasible\ue000"


def _only_unit(rule, unit_id: str):
    """``rule`` narrowed to what one more town in ``unit_id`` can change: a unit cap counts
    towns by the unit they declare, so only ``unit_id``'s count moves; the cap is judged for
    that unit alone (the others' findings exist with or without the town), with its own
    override only. None when the cap does not cover the unit at all. Other rules are
    returned as they are."""
    if rule.kind != "unit-cap":
        return rule
    listed = rule.params.get("units")
    if listed and unit_id not in [str(u) for u in listed]:
        return None
    overrides = {k: v for k, v in (rule.params.get("overrides") or {}).items() if k == unit_id}
    params = {**rule.params, "units": [unit_id], "overrides": overrides or None}
    return dataclasses.replace(rule, params=params)


def feasible_area(
    ds: Dataset,
    ruleset,
    *,
    category: str,
    level: str = "provincial_creation",
    unit: str | None = None,
    area_km2: float = DEFAULT_AREA_KM2,
    fail_on: str = "error",
) -> FeasibleResult:
    """The area where the centroid of one more town (the circle of ``area_km2`` that `site`
    builds) passes `site` at ``fail_on``: the spatial rules of that severity or above
    (:func:`unit_region`, per unit) and, per unit, the caps and category shares
    (:func:`unit_admits`, the rule functions themselves) and, when concentration reaches
    ``fail_on``, not where one more town tips its test (:func:`crowded_region`), nor, when
    clustering does, where it makes Clark–Evans flag (:func:`clustered_region`), nor, when
    an on-water rule does, where the footprint is mostly on water (:func:`wet_region`). Metric CRS
    inside; the layer is WGS84."""
    category = vocab.parse("category", category, what="--category")
    level = vocab.parse("level", level, what="--level")
    if not (area_km2 > 0):
        raise TownsgisError.of("feasible.area", value=repr(area_km2))
    if fail_on not in [s.value for s in Severity]:
        allowed = ", ".join(s.value for s in Severity)
        raise TownsgisError.of("feasible.fail_on", value=repr(fail_on), allowed=allowed)
    if unit is not None:  # an id, a code or a name: 330503, 南浔区, 南浔
        unit = vocab.parse_unit(unit, ds.unit_fields(), what="--unit")
        # the unit and the functional zones (its own area): not the other units' outlines
        units = ds.metric_units_of([unit])
    else:
        units = ds.metric("units")
    ids = units["unit_id"].astype(str)
    r = circle_radius_m(area_km2)
    lim = spatial_limits(ruleset, fail_on)
    own_all = own_unit_areas(units)
    towns_m = ds.metric("towns")
    crowd = crowding_limits(ds, ruleset, fail_on)
    wet_share = water_limit(ruleset, fail_on)
    water = None
    if wet_share is not None:
        from townsgis.checks.water import water_geometry

        water = water_geometry(ds, units.crs)
    scope = own_all if unit is None else own_all[ids == unit]
    clustered = [
        clustered_region(xy, nn, t, scope.union_all())
        for xy, nn, t in clustering_limits(ds, ruleset, fail_on)
    ]
    excluded = []
    rows, geoms = [], []
    for i, u in enumerate(ids):
        if unit is not None and u != unit:
            continue
        own = own_all.iloc[i]
        if own.is_empty:
            continue
        rep = own.representative_point()
        failing = unit_admits(
            ds,
            ruleset,
            u,
            rep,
            category=category,
            level=level,
            area_km2=area_km2,
            fail_on=fail_on,
            units=None if unit is None else units,
        )
        if failing:
            excluded.append({"unit_id": u, "caps_full": failing})
            continue
        near = towns_in_reach(towns_m, own, lim, r)
        if unit is None:  # city-wide: every unit once, not kept
            g = unit_region(own, near, lim, r)
        else:  # one unit asked for (`feasible --unit`): asked again, read back
            g = cached_unit_region(ds, own, near, lim, r)
        if water is not None and not g.is_empty:
            g = g.difference(wet_region(water, own, r, wet_share))
        for xy, d, m in crowd:
            g = g.difference(crowded_region(xy, d, m, own))
        for c in clustered:
            g = g.difference(c)
        if g.is_empty or g.area <= 0:
            continue
        rows.append(u)
        geoms.append(g)
    layer = gpd.GeoDataFrame(
        {
            "unit_id": rows,
            "category": category,
            "level": level,
            "area_km2": [g.area / 1e6 for g in geoms],
            "footprint_km2": float(area_km2),
            "ruleset": ruleset.id,
            "fail_on": fail_on,
            "approximate": True,
            "note": msg("feasible.approx"),
        },
        geometry=geoms,
        crs=units.crs,
    )
    notes = [msg("feasible.scope", fail_on=fail_on), msg("feasible.approx")]
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
        fail_on=fail_on,
        max_water_share=wet_share,
    )
