"""Towns on open water: a town (or a proposed site) whose footprint lies mostly on a water
body. The water is the one source the maps draw (``townsgis.mapmodel.context.water``): the
project's own ``water`` layer, else the bundled lakes (GSHHG, China's lakes of at least
20 km², outlines good to a few hundred metres). The notice names no water: the rule and its
share are a rule set's reading."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from townsgis.checks.common import make_finding
from townsgis.checks.registry import EPS_REL, Param, RuleContext, rule_kind
from townsgis.findings import Finding
from townsgis.messages import msg, register

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from townsgis.dataset import Dataset

register(
    {
        "water.on": (
            "{name}的范围有 {share} 位于水域（湖泊等）上，超过 {limit}"
            "（水域边界较粗，只提示大部分在水上的选址）",
            "{name}: {share} of its area lies on water (lakes), above {limit} (water outlines "
            "are coarse: only sites mostly on water are flagged)",
        ),
    }
)


def water_geometry(ds: Dataset, crs: Any) -> BaseGeometry | None:
    """The water bodies around the project's units in ``crs`` (metres), as one valid
    geometry: the maps' source (the project's ``water`` layer, else the bundled lakes near
    the units); None when there is none. Kept on the dataset per CRS."""
    from pyproj import CRS

    wkt = CRS.from_user_input(crs).to_wkt()
    memo = ds._memo
    if ("water", wkt) not in memo:
        store, k = ds._entry(WATER_SLOT, _water_parts(ds, wkt))
        hit = store.get_arrays(WATER_SLOT, k) if store is not None else None
        if hit is not None and "wkb" in hit:
            wkb = hit["wkb"].tobytes()
            memo["water", wkt] = shapely.from_wkb(wkb) if wkb else None
        else:
            geom = _water_of(ds, crs)
            if store is not None:
                wkb = shapely.to_wkb(geom) if geom is not None else b""
                store.put_arrays(WATER_SLOT, k, {"wkb": np.frombuffer(wkb, dtype=np.uint8)})
            memo["water", wkt] = geom
    return memo["water", wkt]


#: The project cache's slot of the water geometry: a warm `site` neither reads nor
#: reprojects the lakes (nor loads the reader of their file).
WATER_SLOT = "water"


def _water_parts(ds: Dataset, wkt: str) -> tuple:
    """What the water geometry is computed from: the project's ``water`` layer (its stored
    bytes), else the bundled lakes file and the units whose extent picks the lakes; and the
    CRS. A None among them: not kept."""
    from townsgis.cache import file_hash
    from townsgis.mapmodel.context import LAKES, WATER_MARGIN

    store = ds.project.store
    if store.has_layer("water"):
        layer_key = getattr(store, "layer_key", None)
        return ("own", layer_key("water") if layer_key else None, wkt)
    try:
        lakes = file_hash(LAKES, None) if LAKES.is_file() else "none"
    except OSError:
        lakes = None
    return ("lakes", lakes, WATER_MARGIN, ds.source_key("units"), wkt)


def _water_of(ds: Dataset, crs: Any) -> BaseGeometry | None:
    """The maps' water (``mapmodel.context.water``) in ``crs`` as one valid geometry."""
    from townsgis.mapmodel.context import water

    frame = water(ds.project, ds.units)
    if frame is None or not len(frame):
        return None
    g = shapely.union_all(frame.to_crs(crs).geometry.to_numpy())
    g = g if g.is_valid else shapely.make_valid(g)
    return None if g.is_empty else g


def water_shares(ctx: RuleContext) -> np.ndarray:
    """The share of each town's area on water (0 when no water is known; towns before
    ``ctx.judged_from`` get 0: not judged). Water parts clipped to each town's box first,
    so a large lake's outline stays cheap. Metric CRS."""
    g = np.asarray(ctx.towns.geometry.to_numpy(), dtype=object)
    share = np.zeros(len(g))
    water = ctx.water()
    if water is None or not len(g):
        return share
    if "water_tree" not in ctx.cache:
        parts = shapely.get_parts(water)
        ctx.cache["water_tree"] = (parts, shapely.STRtree(parts))
    parts, tree = ctx.cache["water_tree"]
    first = ctx.judged_from
    cand = np.arange(first, len(g))
    ti, pi = tree.query(g[cand], predicate="intersects")
    if not len(ti):
        return share
    tpos = cand[ti]
    bounds = shapely.bounds(g[tpos])
    clipped = np.array(
        [shapely.clip_by_rect(parts[p], *b) for p, b in zip(pi, bounds, strict=True)],
        dtype=object,
    )
    wet = np.zeros(len(g))
    np.add.at(wet, tpos, shapely.area(shapely.intersection(g[tpos], clipped)))
    area = shapely.area(g)
    ok = area > 0
    share[ok] = np.minimum(1.0, wet[ok] / area[ok])
    return share


@rule_kind(
    "on-water",
    params={
        "max_water_share": Param(
            "number",
            "Largest share of a town's area on water bodies; more is flagged. A reading: "
            "water outlines are coarse, so only towns mostly on water should be flagged.",
            default=0.5,
            min=0,
            max=1,
        )
    },
)
def on_water(ctx: RuleContext, spec) -> list[Finding]:
    """Flags a town whose footprint has more than `max_water_share` of its area on water
    bodies: the project's `water` layer, else the bundled lakes (GSHHG, lakes of at least
    20 km², outlines good to a few hundred metres). The finding names the town and the
    share."""
    limit = float(spec.params["max_water_share"])
    share = water_shares(ctx)
    bad = np.flatnonzero(share > limit * (1 + EPS_REL) + 1e-12)  # 0 before judged_from
    g = ctx.towns.geometry.to_numpy()
    out = []
    for t in bad:
        (zh,), (en,) = ctx.town_names([t], "zh"), ctx.town_names([t], "en")
        words = {"share": f"{share[t]:.1%}", "limit": f"{limit:.0%}"}
        out.append(
            make_finding(
                spec,
                ctx.town_refs([t]),
                msg("water.on", "zh", name=zh, **words),
                msg("water.on", "en", name=en, **words),
                measured=round(float(share[t]), 4),
                limit=limit,
                geometry=g[t],
            )
        )
    return out
