"""Many sites, each judged alone against the same layout, in one pass (``site --file``).

Gives, for every site, the findings ``run_rules`` would give on the layout plus that site
alone (the findings naming the site, and every aggregate finding), with the same rule
functions, only without running the whole rule set once per site:

- town-level kinds (overlap, gap, spacing, within-unit, area range …) run ONCE on the layout
  plus all the sites: a finding naming one site and only towns of the layout is the same
  finding it gets alone (pairs and single towns do not depend on other rows); pairs of two
  sites are dropped. A rule whose findings name several sites otherwise is run site by site;
- count and share kinds (count-cap, unit-cap, category-share) depend on the site's fields,
  not on where it lies: they run once per distinct (unit, level, category, area, …) with a
  stand-in site whose id and name are then replaced by the site's;
- clustering and concentration depend on where the site lies: they run per site on the
  layout's centroids plus the site's (clustering's Monte Carlo simulations are shared, see
  ``checks.clustering``).

Waivers are applied per site and findings sorted as ``run_rules`` sorts them. Geometry is in
the rule set's metric CRS (metres).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from townsgis.checks import KINDS, RuleContext
from townsgis.findings import Finding, Severity
from townsgis.waivers import apply_waivers

PAIR_KINDS = frozenset({"no-overlap", "min-gap", "min-spacing"})
SINGLE_KINDS = frozenset({"within-unit", "area-range", "attribute", "company"})
FIELD_KINDS = frozenset({"count-cap", "unit-cap", "category-share", "field-share"})
PLACE_KINDS = frozenset({"clustering", "concentration"})
STAND_IN = "\ue000site\ue000"  # private-use characters: never a real id or name


def judge_alone(ds, ruleset, rows: gpd.GeoDataFrame, *, waivers, today=None) -> list[list]:
    """For each row of ``rows`` (sites in the towns schema, WGS84), the findings of
    ``run_rules(ds, ruleset, towns=layout + that row)`` that name the site or are
    aggregate, waivers applied, in ``run_rules``'s order."""
    from townsgis.engine import build_context

    today = today or dt.date.today()
    n_sites = len(rows)
    base = build_context(ds, ruleset)
    crs = base.metric_crs
    site_m = rows.reset_index(drop=True).to_crs(crs)
    site_m["unit_id"] = site_m["unit_id"].astype(object)
    site_ids = site_m["town_id"].astype(str).tolist()
    pos_of = {sid: k for k, sid in enumerate(site_ids)}
    per_site: list[list[list[Finding]]] = [[] for _ in range(n_sites)]
    rule_ids = {r.id for r in ruleset.rules}
    both = _context(base, pd.concat([base.towns, site_m], ignore_index=True))
    keys = field_keys(site_m)
    field_memo: dict[tuple, list[Finding]] = {}
    for spec in ruleset.rules:
        fn = KINDS[spec.kind].fn
        mine: list[list[Finding]] = [[] for _ in range(n_sites)]
        if spec.kind in PAIR_KINDS | SINGLE_KINDS:
            ok = True
            for f in fn(both, spec):
                hit = [pos_of[t] for t in f.town_ids if t in pos_of]
                if len(hit) == 1:
                    mine[hit[0]].append(f)
                elif len(hit) > 1 and not (spec.kind in PAIR_KINDS and len(f.towns) == 2):
                    ok = False  # a finding about several sites at once: judge one by one
                    break
            if not ok:
                mine = [_alone(base, site_m.iloc[[k]], fn, spec) for k in range(n_sites)]
            if "own_areas" in both.cache:
                base.cache.setdefault("own_areas", both.cache["own_areas"])
        elif spec.kind in FIELD_KINDS:
            field_memo.clear()
            names = site_m["name_zh"].astype(str).tolist()
            for k in range(n_sites):
                key = keys[k]
                if key not in field_memo:
                    row = site_m.iloc[[k]]
                    stand_in = row.assign(town_id=STAND_IN, name_zh=STAND_IN, name_en=STAND_IN)
                    field_memo[key] = _alone(base, stand_in, fn, spec)
                mine[k] = [_rename(f, site_ids[k], names[k]) for f in field_memo[key]]
        elif spec.kind in PLACE_KINDS:
            cent = shapely.centroid(base.towns.geometry.to_numpy())
            ids = base.towns["town_id"].astype(str).tolist()
            names = base.towns["name_zh"].astype(str).tolist()
            site_c = shapely.centroid(site_m.geometry.to_numpy())
            site_names = site_m["name_zh"].astype(str).tolist()
            for k in range(n_sites):
                ctx = _context(base, base.towns)
                # what checks.spatial.centroids and RuleContext.town_refs would compute on
                # the layout plus this site (elementwise, so the very same numbers)
                ctx.cache["centroids"] = np.append(cent, site_c[k])
                ctx.cache["refs"] = (ids + [site_ids[k]], names + [site_names[k]])
                mine[k] = fn(ctx, spec)
        else:  # a kind this module does not know: the plain way, site by site
            mine = [_alone(base, site_m.iloc[[k]], fn, spec) for k in range(n_sites)]
        for k in range(n_sites):
            per_site[k].append(mine[k])
    order = {r.id: k for k, r in enumerate(ruleset.rules)}
    out = []
    for k in range(n_sites):
        findings = [_copy(f) for group in per_site[k] for f in group]
        apply_waivers(findings, waivers, today, rule_ids)
        findings.sort(key=lambda f: (-Severity(f.severity).rank, order.get(f.rule, 0)))
        out.append(findings)
    return out


def field_keys(sites: pd.DataFrame) -> list[tuple]:
    """Per site, its fields other than id, name and geometry: what count and share kinds (and
    the capacity rows) read. Sites with equal keys get equal counts."""
    cols = [
        c
        for c in sites.columns
        if c not in ("town_id", "site_id", "name", "name_zh", "name_en", sites.geometry.name)
    ]
    return list(zip(*(sites[c].map(_hashable).tolist() for c in cols), strict=True))


def _context(base: RuleContext, towns: gpd.GeoDataFrame) -> RuleContext:
    ctx = RuleContext(
        towns=towns,
        units=base.units,
        city=base.city,
        metric_crs=base.metric_crs,
        rules=base.rules,
    )
    if "own_areas" in base.cache:
        ctx.cache["own_areas"] = base.cache["own_areas"]
    return ctx


def _alone(base: RuleContext, site_row: gpd.GeoDataFrame, fn, spec) -> list[Finding]:
    """The rule on the layout plus one site (metric CRS), as ``run_rules`` would run it."""
    ctx = _context(base, pd.concat([base.towns, site_row], ignore_index=True))
    out = fn(ctx, spec)
    if "own_areas" in ctx.cache:
        base.cache.setdefault("own_areas", ctx.cache["own_areas"])
    return out


def _hashable(v):
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    return v if isinstance(v, str | int | float | bool) else str(v)


def _swap(v, site_id: str, name: str):
    if isinstance(v, str):
        return v.replace(STAND_IN, name) if STAND_IN in v else v
    if isinstance(v, dict):
        if v.get("id") == STAND_IN:
            return {**{k: _swap(x, site_id, name) for k, x in v.items()}, "id": site_id}
        return {k: _swap(x, site_id, name) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return type(v)(_swap(x, site_id, name) for x in v)
    return v


def _rename(f: Finding, site_id: str, name: str) -> Finding:
    """``f`` with the stand-in site's id and name replaced by the site's."""
    return dataclasses.replace(
        f,
        towns=_swap(f.towns, site_id, name),
        message_zh=_swap(f.message_zh, site_id, name),
        message_en=_swap(f.message_en, site_id, name),
        extra=_swap(f.extra, site_id, name),
    )


def _copy(f: Finding) -> Finding:
    """A fresh finding (waivers mark findings in place; memoised ones are shared)."""
    return dataclasses.replace(f, towns=[dict(t) for t in f.towns], extra=dict(f.extra))
