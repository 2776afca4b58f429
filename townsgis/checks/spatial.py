"""Pairwise spatial rules (§3.1.2a/c) and the declared-unit check, all on STRtree bulk queries.

Distances are in metres in the run's metric CRS and compared at millimetre precision
(``EPS_M``): a gap of exactly the limit passes.
"""

from __future__ import annotations

import numpy as np
import shapely

from townsgis.checks.common import km, make_finding
from townsgis.checks.registry import EPS_M, EPS_REL, Param, RuleContext, rule_kind
from townsgis.dataset import FUNCTIONAL_ZONE, own_unit_areas
from townsgis.findings import Finding

#: Overlaps smaller than this (m²) are numerical noise from reprojection, not an overlap.
OVERLAP_TOL_M2 = 1.0


def pairs_within(
    geoms: np.ndarray, distance: float, first: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i < j) of geometries at most ``distance`` metres apart (STRtree bulk query);
    with ``first`` > 0 only the pairs with i < ``first`` <= j (the same test, each pair seen
    from its lower index as in the full query)."""
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) < 2:
        return np.empty(0, dtype=int), np.empty(0, dtype=int)
    if first > 0:
        tree, probe, shift = shapely.STRtree(geoms[first:]), geoms[:first], first
    else:
        tree, probe, shift = shapely.STRtree(geoms), geoms, 0
    if distance > 0:
        i, j = tree.query(probe, predicate="dwithin", distance=distance)
    else:
        i, j = tree.query(probe, predicate="intersects")
    j = j + shift
    keep = i < j
    i, j = i[keep], j[keep]
    order = np.lexsort((j, i))
    return i[order], j[order]


def _geoms(ctx: RuleContext) -> np.ndarray:
    return ctx.towns.geometry.to_numpy()


def centroids(ctx: RuleContext) -> np.ndarray:
    """Town centroids in the metric CRS (cached per run)."""
    if "centroids" not in ctx.cache:
        ctx.cache["centroids"] = shapely.centroid(_geoms(ctx))
    return ctx.cache["centroids"]


def _overlap_pairs(ctx: RuleContext, tol_m2: float):
    """(i, j, overlap polygon, area m²) for pairs overlapping by more than ``tol_m2``."""
    key = ("overlaps", tol_m2)
    if key not in ctx.cache:
        g = _geoms(ctx)
        i, j = pairs_within(g, 0.0, ctx.judged_from)
        inter = shapely.intersection(g[i], g[j])
        area = shapely.area(inter)
        keep = area > tol_m2 * (1 + EPS_REL)
        ctx.cache[key] = (i[keep], j[keep], inter[keep], area[keep])
    return ctx.cache[key]


@rule_kind(
    "no-overlap",
    params={
        "tolerance_m2": Param(
            "number",
            "Overlaps up to this area (m²) are ignored.",
            default=OVERLAP_TOL_M2,
            min=0,
            max=1e10,
        )
    },
)
def no_overlap(ctx: RuleContext, spec) -> list[Finding]:
    """No two town polygons overlap (touching is allowed); the finding's geometry is the overlap."""
    i, j, inter, area = _overlap_pairs(ctx, spec.params["tolerance_m2"])
    out = []
    for a, b, geom, m2 in zip(i, j, inter, area, strict=True):
        refs = ctx.town_refs([a, b])
        (za, zb), (ea, eb) = (ctx.town_names([a, b], lang) for lang in ("zh", "en"))
        out.append(
            make_finding(
                spec,
                refs,
                f"{za}与{zb}范围重叠 {m2 / 1e6:.3f} 平方公里",
                f"{ea} and {eb} overlap by {m2 / 1e6:.3f} km²",
                measured=round(m2 / 1e6, 6),
                limit=0,
                geometry=geom,
                extra={"unit": "km2"},
            )
        )
    return out


@rule_kind(
    "min-gap",
    params={
        "min_m": Param(
            "number", "Least boundary-to-boundary distance (m).", required=True, min=0, max=1e6
        ),
        "include_overlaps": Param(
            "bool",
            "Also report pairs that a no-overlap rule of the same rule set reports "
            "(by default left to it; without such a rule overlapping pairs are always reported).",
            default=False,
        ),
    },
)
def min_gap(ctx: RuleContext, spec) -> list[Finding]:
    """Town boundaries at least ``min_m`` metres apart; exactly ``min_m`` passes. Overlapping
    pairs are left to the rule set's no-overlap rule when it has one that reports them. The
    finding's geometry is the shortest line between the two boundaries."""
    limit = float(spec.params["min_m"])
    g = _geoms(ctx)
    i, j = pairs_within(g, limit, ctx.judged_from)
    d = shapely.distance(g[i], g[j])
    keep = d < limit - EPS_M
    i, j, d = i[keep], j[keep], d[keep]
    tols = [r.params["tolerance_m2"] for r in ctx.rules if r.kind == "no-overlap"]
    if tols and not spec.params["include_overlaps"] and len(i):
        # pairs that no-overlap reports (overlap above its tolerance) are left to it
        oi, oj, _, _ = _overlap_pairs(ctx, float(min(tols)))
        over = set(zip(oi.tolist(), oj.tolist(), strict=True))
        keep = np.array([(a, b) not in over for a, b in zip(i.tolist(), j.tolist(), strict=True)])
        i, j, d = i[keep], j[keep], d[keep]
    return _pair_findings(
        ctx,
        spec,
        i,
        j,
        d,
        shapely.shortest_line(g[i], g[j]),
        zh="{a}与{b}边界相距 {d}，小于 {limit}（选址相对独立）",
        en="{a_en} and {b_en} boundaries are {d} apart < {limit} "
        "(sites must be relatively independent)",
    )


@rule_kind(
    "min-spacing",
    params={
        "min_m": Param(
            "number", "Least centroid-to-centroid distance (m).", required=True, min=0, max=1e6
        )
    },
)
def min_spacing(ctx: RuleContext, spec) -> list[Finding]:
    """Town centroids at least ``min_m`` metres apart; exactly ``min_m`` passes. The finding's
    geometry is the line joining the two centroids."""
    limit = float(spec.params["min_m"])
    c = centroids(ctx)
    i, j = pairs_within(c, limit, ctx.judged_from)
    d = shapely.distance(c[i], c[j])
    keep = d < limit - EPS_M
    i, j, d = i[keep], j[keep], d[keep]
    return _pair_findings(
        ctx,
        spec,
        i,
        j,
        d,
        shapely.shortest_line(c[i], c[j]),
        zh="{a}与{b}中心相距 {d}，小于 {limit}（邻近区域原则上只布局一个小镇）",
        en="{a_en} and {b_en} centroids are {d} apart < {limit} "
        "(one town per neighbouring area, in principle)",
    )


def _pair_findings(ctx: RuleContext, spec, i, j, d, lines, *, zh: str, en: str) -> list[Finding]:
    """One finding per town pair (i[k], j[k]) at distance d[k] metres, drawn as lines[k]."""
    limit = float(spec.params["min_m"])
    out = []
    for a, b, dist, line in zip(i, j, d, lines, strict=True):
        refs = ctx.town_refs([a, b])
        (za, zb), (ea, eb) = (ctx.town_names([a, b], lang) for lang in ("zh", "en"))
        words = {
            "a": za,
            "b": zb,
            "a_en": ea,
            "b_en": eb,
            "a_id": refs[0]["id"],
            "b_id": refs[1]["id"],
            "d": km(dist),
            "limit": km(limit),
        }
        out.append(
            make_finding(
                spec,
                refs,
                zh.format(**words),
                en.format(**words),
                measured=round(float(dist), 3),
                limit=limit,
                geometry=line,
                extra={"unit": "m"},
            )
        )
    return out


def own_areas(ctx: RuleContext) -> np.ndarray:
    """Each unit's own area in the metric CRS (prepared, cached per run): a functional zone
    wins over the district or county it lies in, so districts and counties are their polygon
    minus every functional zone (as ``dataset.assign_units`` and the siting feasible area)."""
    if "own_areas" not in ctx.cache:
        geoms = np.asarray(own_unit_areas(ctx.units).to_numpy(), dtype=object)
        shapely.prepare(geoms)
        ctx.cache["own_areas"] = geoms
    return ctx.cache["own_areas"]


def _parents(units) -> dict[str, str]:
    if "parent_id" not in units.columns:
        return {}
    return {
        str(u): str(p)
        for u, p in zip(units["unit_id"], units["parent_id"], strict=True)
        if p is not None and p == p
    }


def unit_positions(ctx: RuleContext) -> np.ndarray:
    """Position in ``ctx.units`` of the unit each town declares (-1: unknown unit)."""
    uid_to_pos = {u: k for k, u in enumerate(ctx.units["unit_id"].astype(str))}
    declared = ctx.towns["unit_id"].astype(str).to_numpy()
    return np.array([uid_to_pos.get(u, -1) for u in declared], dtype=int)


def unit_shares(ctx: RuleContext) -> dict[str, np.ndarray]:
    """Per town: ``share`` of its area in the own area of the unit it declares (0 for an
    unknown unit), and the unit holding most of it (``best_unit``, position in
    ``ctx.units``, a functional zone first on ties; -1 when none) with that overlap in m²
    (``best_overlap``; only for towns not wholly in their unit). Metric CRS."""
    g = _geoms(ctx)
    area = shapely.area(g)
    pos = unit_positions(ctx)
    ugeom = own_areas(ctx)
    # 1. towns wholly inside their declared unit (prepared containment, cheap): share 1
    share = np.zeros(len(g))
    first = ctx.judged_from  # towns before it are not judged here (RuleContext): share 0
    known = np.flatnonzero(pos >= 0)
    known = known[known >= first]
    share[known[shapely.contains(ugeom[pos[known]], g[known])]] = 1.0
    # 2. the others: overlap with every unit they touch (STRtree), unit clipped to the town's
    #    box first so huge county outlines stay cheap
    cand = np.flatnonzero(share < 1.0)
    cand = cand[cand >= first]
    ti, ui = shapely.STRtree(ugeom).query(g[cand], predicate="intersects")
    tpos = cand[ti]
    bounds = shapely.bounds(g[tpos])
    clipped = np.array(
        [shapely.clip_by_rect(ugeom[u], *b) for u, b in zip(ui, bounds, strict=True)], dtype=object
    )
    ov = shapely.area(shapely.intersection(g[tpos], clipped)) if len(tpos) else np.zeros(0)
    mine = ui == pos[tpos]
    share[tpos[mine]] = np.where(area[tpos[mine]] > 0, ov[mine] / area[tpos[mine]], 1.0)
    # where the towns not wholly in their unit lie: largest overlap, a zone first on ties
    is_zone = ctx.units["kind"].to_numpy()[ui] == FUNCTIONAL_ZONE
    order = np.lexsort((~is_zone, -ov, tpos))
    top = order[np.unique(tpos[order], return_index=True)[1]]
    inside = np.zeros(len(g))  # m² inside any unit (own areas do not overlap)
    np.add.at(inside, tpos, ov)
    best_ov = np.full(len(g), np.nan)
    best_ui = np.full(len(g), -1, dtype=np.int64)
    best_ov[tpos[top]] = ov[top]
    best_ui[tpos[top]] = ui[top]
    return {"share": share, "best_overlap": best_ov, "best_unit": best_ui, "inside": inside}


@rule_kind(
    "within-unit",
    params={
        "min_share": Param(
            "number",
            "Least share of the town's area inside its declared unit.",
            default=0.95,
            min=0,
            max=1,
        )
    },
)
def within_unit(ctx: RuleContext, spec) -> list[Finding]:
    """At least ``min_share`` of each town's area lies in the unit it declares (``unit_id``);
    a functional zone wins over its district, so a district's share excludes its zones
    (§3.1.1c caps the zones on their own). The finding names the declared unit and the unit
    holding most of the town."""
    share_min = float(spec.params["min_share"])
    units = ctx.units
    g = _geoms(ctx)
    area = shapely.area(g)
    declared = ctx.towns["unit_id"].astype(str).to_numpy()
    pos = unit_positions(ctx)
    first = ctx.judged_from  # towns before it are not judged here (RuleContext)
    # the parts name what unit_shares returns (v2: with "inside"), so an older entry misses
    got = ctx.remember("within-unit", (ctx.inputs_key, first, 2), lambda: unit_shares(ctx))
    share, best_ov, best_ui = got["share"], got["best_overlap"], got["best_unit"]
    inside = got["inside"]
    inferred = (
        ctx.towns["unit_inferred"].eq(True).to_numpy()
        if "unit_inferred" in ctx.towns.columns
        else np.zeros(len(g), dtype=bool)
    )
    bad = np.flatnonzero(share < share_min - 1e-9)
    bad = bad[bad >= first]
    if not len(bad):
        return []
    kinds = units["kind"].to_numpy()
    parents = _parents(units)
    best = {int(t): (float(best_ov[t]), int(best_ui[t])) for t in bad if best_ui[t] >= 0}
    out = []
    for t in bad:
        refs = ctx.town_refs([t])
        (zh_name,), (en_name,) = ctx.town_names([t], "zh"), ctx.town_names([t], "en")
        d_uid = declared[t]
        a_uid = str(units["unit_id"].iat[best[t][1]]) if t in best else None
        a_share = best[t][0] / area[t] if t in best and area[t] > 0 else 0.0
        where_zh = (
            f"，主要位于{ctx.unit_name(a_uid, 'zh')}（{a_share:.1%}）"
            if a_uid
            else "，不在任何单元内"
        )
        where_en = (
            f"; most of it lies in {ctx.unit_name(a_uid, 'en')} ({a_uid}, {a_share:.1%})"
            if a_uid
            else "; it lies in no unit"
        )
        if a_uid and parents.get(a_uid) == d_uid and kinds[best[t][1]] == FUNCTIONAL_ZONE:
            # §3.1.1c: a zone has its own (hard) cap, so a town in it counts for the zone
            where_zh += f"；{ctx.unit_name(a_uid, 'zh')}是独立计数的功能区，应申报该功能区"
            where_en += (
                f"; {a_uid} is a functional zone counted on its own (§3.1.1c): declare the zone, "
                "not its parent district"
            )
        if inferred[t]:
            # no unit declared: the one read from location; say where the rest lies
            outside = 1.0 - inside[t] / area[t] if area[t] > 0 else 0.0
            zh, en = f"{zh_name}未申报所属单元", f"{en_name} declares no unit"
            if pos[t] >= 0:
                zh += (
                    f"，按位置归入{ctx.unit_name(d_uid, 'zh')}，"
                    f"但仅 {share[t]:.1%} 面积在其内（应 ≥ {share_min:.0%}）"
                )
                en += (
                    f"; by location it is in {ctx.unit_name(d_uid, 'en')} ({d_uid}), but only "
                    f"{share[t]:.1%} of its area lies there (>= {share_min:.0%} required)"
                )
            if (pos[t] < 0 or a_uid != d_uid) and (a_uid or pos[t] < 0):
                zh += where_zh
                en += where_en
            if a_uid and outside >= 0.0005:
                zh += f"，{outside:.1%} 面积不在任何单元内"
                en += f"; {outside:.1%} of it lies outside every unit"
        elif pos[t] < 0:
            zh = f"{zh_name}申报的单元 {d_uid} 不存在{where_zh}"
            en = f"{en_name} declares unknown unit {d_uid!r}{where_en}"
        else:
            zh = (
                f"{zh_name}申报属于{ctx.unit_name(d_uid, 'zh')}，但仅 {share[t]:.1%} "
                f"面积在其内（应 ≥ {share_min:.0%}）{where_zh}"
            )
            en = (
                f"{en_name} declares {ctx.unit_name(d_uid, 'en')} ({d_uid}) but only "
                f"{share[t]:.1%} of its area lies there (>= {share_min:.0%} required){where_en}"
            )
        out.append(
            make_finding(
                spec,
                refs,
                zh,
                en,
                measured=round(float(share[t]), 4),
                limit=share_min,
                unit=d_uid,
                geometry=g[t],
                extra={"declared_unit": d_uid, "actual_unit": a_uid},
            )
        )
    return out
