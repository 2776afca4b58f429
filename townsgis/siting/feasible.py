"""The feasible area: where one more town's centroid can go and pass every spatial rule
(§3.1.1c unit caps, §3.1.2a no-overlap/min-gap, §3.1.2c min-spacing, within-unit).
Computed in the metric CRS (metres, km²); the layer is returned in WGS84.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely

from townsgis import vocab
from townsgis.crs import WGS84
from townsgis.dataset import Dataset, own_unit_areas
from townsgis.errors import TownsgisError
from townsgis.siting.caps import caps_of
from townsgis.siting.params import _param, _rules
from townsgis.siting.sites import DEFAULT_AREA_KM2, circle_radius_m

# Kinds that judge where a town lies (used by `feasible` and its tests).
SPATIAL_KINDS = frozenset({"no-overlap", "min-gap", "min-spacing", "within-unit"})
SAFETY_M = 1.0  # feasible area: margin for polygonal buffer arcs, metres
APPROX_NOTE_ZH = "小镇位置为近似（误差数公里），边界为示意"
APPROX_NOTE_EN = "town locations are approximate (a few km); boundaries are illustrative"


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
    category = vocab.parse("category", category, what="--category")
    level = vocab.parse("level", level, what="--level")
    if not (area_km2 > 0):
        raise TownsgisError(f"--area-km2 {area_km2!r}: must be > 0 (km²)")
    units = ds.metric("units")
    ids = units["unit_id"].astype(str)
    if unit is not None:  # an id, a code or a name: 330503, 南浔区, 南浔
        unit = vocab.parse_unit(unit, units, what="--unit")
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
    inset = r + SAFETY_M if lim["within_unit_fraction"] > 0 else SAFETY_M
    # Erode each unit's own area (districts without their zones, as within-unit measures it),
    # so a footprint near a zone's edge does not count the zone as its district.
    region = own_unit_areas(units).buffer(-inset)
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
