"""Judging sites against the current layout with the rule engine: verdicts, caused findings,
nearest towns (km, boundary to boundary, metric CRS) and remaining caps per site.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from townsgis.crs import WGS84
from townsgis.dataset import Dataset
from townsgis.findings import Finding, Severity
from townsgis.siting.alone import field_keys, judge_alone
from townsgis.siting.caps import Cap, _cap_row, caps_of
from townsgis.siting.caused import AGGREGATE_KINDS, caused_findings
from townsgis.siting.mix import mix_plans

# Per-town paperwork (scenic grade, the investor and its company form, §3.5.1, land-use
# figures) a proposed site cannot have yet: not judged.
SITE_SKIPPED_KINDS = frozenset({"attribute", "company", "field-share"})


def _sev_rank(s: Any) -> int:
    return Severity(str(s)).rank


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


def site_ruleset(ruleset):
    """The rule set without the per-town paperwork kinds a proposed site cannot meet yet."""
    keep = tuple(r for r in ruleset.rules if r.kind not in SITE_SKIPPED_KINDS)
    return dataclasses.replace(ruleset, rules=keep)


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
    mix: list[dict] = field(default_factory=list)  # the category mix (§3.1.3) with the site

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
            "mix": self.mix,
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
    k = min(k, len(towns))
    si, ti, d = _nearest_pairs(s, t, k)
    order = np.lexsort((ti, d, si))  # per site: nearest first, ties in layer order
    si, ti, d = si[order], ti[order], d[order]
    start = np.searchsorted(si, np.arange(len(s)))
    ids = towns["town_id"].astype(str).to_numpy()
    names = towns["name_zh"].astype(str).to_numpy()
    return [
        [
            {"town_id": ids[ti[m]], "name_zh": names[ti[m]], "distance_km": round(d[m] / 1e3, 3)}
            for m in range(start[i], start[i] + k)
        ]
        for i in range(len(s))
    ]


def _nearest_pairs(s: np.ndarray, t: np.ndarray, k: int):
    """(site, town, distance m) pairs holding at least each site's ``k`` nearest towns: every
    pair for a small layout, else the towns within a radius (STRtree) doubled until ``k``."""
    if len(s) * len(t) <= 2_000_000:
        si, ti = np.divmod(np.arange(len(s) * len(t)), len(t))
        return si, ti, shapely.distance(s[si], t[ti])
    tree = shapely.STRtree(t)
    _, first = tree.query_nearest(s, return_distance=True, all_matches=False)
    radius = np.maximum(first, 1.0) * 2
    parts = []
    todo = np.arange(len(s))
    while len(todo):
        qi, ti = tree.query(s[todo], predicate="dwithin", distance=radius[todo])
        si = todo[qi]
        count = np.bincount(qi, minlength=len(todo))
        done = count >= k  # every town closer than the radius is in: the k nearest are too
        keep = done[qi]
        parts.append((si[keep], ti[keep]))
        todo = todo[~done]
        radius[todo] *= 2
    si = np.concatenate([p[0] for p in parts])
    ti = np.concatenate([p[1] for p in parts])
    return si, ti, shapely.distance(s[si], t[ti])


def _mix_row(plan) -> dict:
    """What the category mix becomes with the site: counts and shares per category."""
    d = plan.to_dict()
    return {k: d[k] for k in ("levels", "total", "shares", "rules", "ok")}


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
    batch: bool = True,
) -> SiteReport:
    """Judge each site alone against the current layout (or all as one package when
    ``together``). A site fails when a finding it causes, not waived, reaches ``fail_on``.
    Sites judged alone are judged in one pass (``siting.alone``); ``batch=False`` runs the
    whole rule set once per site instead (the same findings, slower: the reference)."""
    from townsgis.engine import run_rules
    from townsgis.waivers import checked_project_waivers

    waivers = checked_project_waivers(ds, ruleset)
    rs = site_ruleset(ruleset)
    kinds = {r.id: r.kind for r in rs.rules}
    skipped = [r.id for r in ruleset.rules if r.kind in SITE_SKIPPED_KINDS]
    threshold = Severity(fail_on).rank
    # Only aggregate findings are compared with the layout before; town-level ones are caused
    # exactly when they name a site, so the baseline runs the aggregate rules alone.
    base_rs = dataclasses.replace(rs, rules=tuple(r for r in rs.rules if r.kind in AGGREGATE_KINDS))
    before = run_rules(ds, base_rs, today=today, waivers=waivers).findings
    caps = caps_of(rs, ds.units)
    unit_ids = ds.units["unit_id"].astype(str).tolist()
    nearest = nearest_towns(ds, sites)
    groups = [list(range(len(sites)))] if together else [[i] for i in range(len(sites))]
    results: list[SiteResult] = [None] * len(sites)  # type: ignore[list-item]
    rows = _town_rows(sites)
    # Judged alone: every site's findings in one pass (the same findings, see siting.alone);
    # the mix and the caps depend on the site's fields only, so equal fields share them.
    one_pass = batch and not together
    alone = judge_alone(ds, rs, rows, waivers=waivers, today=today) if one_pass else None
    keys = field_keys(rows) if one_pass else [None] * len(groups)
    shared: dict = {}
    site_id = sites["site_id"].tolist()
    name = sites["name"].astype(str).tolist()
    lon, lat = sites["lon"].astype(float).tolist(), sites["lat"].astype(float).tolist()
    unit = sites["unit_id"].astype(str).tolist()
    for g, idx in enumerate(groups):
        key = keys[g]
        if key is None or key not in shared:
            towns_after = _with_sites(ds, rows.iloc[idx])
            mix = [_mix_row(m) for m in mix_plans(rs, towns_after, caps, unit_ids)]
            shared[key] = (towns_after, mix, {})
        towns_after, mix, capacity = shared[key]
        if alone is None:
            after = run_rules(ds, rs, towns=towns_after, today=today, waivers=waivers).findings
        else:
            after = alone[g]
        caused = caused_findings(before, after, {site_id[i] for i in idx}, kinds)
        for i in idx:
            mine = [
                f
                for f in caused
                if site_id[i] in f.town_ids
                or (kinds.get(f.rule) in AGGREGATE_KINDS and f.unit in (None, unit[i]))
            ]
            fails = any(not f.waived and _sev_rank(f.severity) >= threshold for f in mine)
            if unit[i] not in capacity:
                capacity[unit[i]] = _site_capacity(caps, ds.towns, towns_after, unit[i])
            results[i] = SiteResult(
                site_id=site_id[i],
                name=name[i],
                lon=lon[i],
                lat=lat[i],
                unit_id=unit[i],
                verdict="fail" if fails else "pass",
                findings=mine,
                nearest=nearest[i],
                capacity=capacity[unit[i]],
                mix=mix,
            )
    return SiteReport(ruleset, results, together, skipped, ds.metric_crs)
