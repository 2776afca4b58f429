"""Judging sites against the current layout with the rule engine: verdicts, caused findings,
nearest towns (km, boundary to boundary, metric CRS) and remaining caps per site.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from townsgis.crs import WGS84
from townsgis.dataset import Dataset
from townsgis.findings import Finding, Severity
from townsgis.siting.alone import field_keys
from townsgis.siting.caps import Cap, CapsWithOne, _cap_row, caps_of
from townsgis.siting.caused import AGGREGATE_KINDS, baseline, caused_findings
from townsgis.siting.mix import MixWithOne, mix_plans
from townsgis.siting.sites import SitePlan

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
            "unit_inferred": True,  # a site's unit is where it lies, never declared
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


def nearest_towns(
    ds: Dataset, sites: gpd.GeoDataFrame, k: int = 3, *, metric=None
) -> list[list[dict]]:
    """The ``k`` towns nearest each site, boundary to boundary, in km (metric CRS).
    ``metric``: the sites' geometry already in the metric CRS (else reprojected here)."""
    towns = ds.metric("towns")
    if towns.empty:
        return [[] for _ in range(len(sites))]
    if metric is None:
        metric = sites.to_crs(ds.metric_crs).geometry.values
    s = np.asarray(metric, dtype=object)
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
    """(site, town, distance m) pairs holding at least each site's ``k`` nearest towns and
    every town as near as the k-th. Exact distances are computed only for the towns that can
    be among them: with c a site's centroid and R its farthest vertex from c, the distance
    to a town lies within d(c, town) ± R, so a town farther than the k-th town's d(c) + 2R
    cannot be nearer than the k-th."""
    c = shapely.centroid(s)
    xy, idx = shapely.get_coordinates(s, return_index=True)
    reach = np.zeros(len(s))
    np.maximum.at(reach, idx, np.hypot(*(xy - shapely.get_coordinates(c)[idx]).T))
    if len(s) * len(t) <= 2_000_000:
        si, ti = np.divmod(np.arange(len(s) * len(t)), len(t))
        dc = shapely.distance(c[si], t[ti]).reshape(len(s), len(t))
        kth = np.partition(dc, k - 1, axis=1)[:, k - 1]
        near = dc <= (kth + 2 * reach + 1e-3)[:, None]
        si, ti = np.nonzero(near)
    else:
        tree = shapely.STRtree(t)
        _, first = tree.query_nearest(c, return_distance=True, all_matches=False)
        radius = np.maximum(first, 1.0) * 2
        kth = np.empty(len(s))
        todo = np.arange(len(s))
        while len(todo):  # every town within the radius is in: the k-th of them is the k-th
            qi, qt = tree.query(c[todo], predicate="dwithin", distance=radius[todo])
            dc = shapely.distance(c[todo][qi], t[qt])
            order = np.lexsort((dc, qi))
            count = np.bincount(qi, minlength=len(todo))
            done = count >= k
            at = np.searchsorted(qi[order], np.flatnonzero(done)) + k - 1
            kth[todo[done]] = dc[order][at]
            todo = todo[~done]
            radius[todo] *= 2
        si, ti = tree.query(c, predicate="dwithin", distance=kth + 2 * reach + 1e-3)
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


#: Sites judged alone are taken this many at a time (bounds the memory of one pass).
SITE_CHUNK = 2000
#: The town fields the category mix and the caps read (``mix_plans``, ``Cap.count``).
MIX_FIELDS = ("unit_id", "level", "category")


class _Setup:
    """What judging sites against one layout needs once: the rule set without the paperwork
    kinds, waivers, the aggregate findings before, caps and units."""

    def __init__(
        self, ds: Dataset, ruleset, fail_on: str, today, caps: bool = True, units=None
    ) -> None:
        from townsgis.engine import build_context, run_rules
        from townsgis.waivers import checked_project_waivers

        self.waivers = checked_project_waivers(ds, ruleset)
        self.rs = rs = site_ruleset(ruleset)
        self.kinds = {r.id: r.kind for r in rs.rules}
        self.skipped = [r.id for r in ruleset.rules if r.kind in SITE_SKIPPED_KINDS]
        self.threshold = Severity(fail_on).rank
        # Only aggregate findings are compared with the layout before; town-level ones are
        # caused exactly when they name a site, so the baseline runs the aggregate rules alone.
        base_rs = dataclasses.replace(
            rs, rules=tuple(r for r in rs.rules if r.kind in AGGREGATE_KINDS)
        )
        # one context of the layout for the findings before and for judging the sites
        # (AloneJudge): building it reprojects every town (``units``: see build_context)
        self.context = build_context(ds, rs, units=units)
        self.before = run_rules(
            ds, base_rs, today=today, waivers=self.waivers, context=self.context
        ).findings
        self.baseline = baseline(self.before)  # what caused_findings compares with
        if caps:  # for the category mix and the capacity rows
            self.caps = caps_of(rs, ds.units)
            self.unit_ids = ds.units["unit_id"].astype(str).tolist()

    def mine(self, caused: list[Finding], site_id: str, unit_id: str) -> list[Finding]:
        """The caused findings that concern the site: naming it, or aggregate in its unit or
        city-wide."""
        kinds = self.kinds
        return [  # the aggregate test first: a place finding may name every town
            f
            for f in caused
            if (kinds.get(f.rule) in AGGREGATE_KINDS and f.unit in (None, unit_id))
            or site_id in f.town_ids
        ]

    def fails(self, findings: list[Finding]) -> bool:
        return any(not f.waived and _sev_rank(f.severity) >= self.threshold for f in findings)


def iter_sites_alone(
    ds: Dataset,
    ruleset,
    sites: gpd.GeoDataFrame | SitePlan,
    *,
    fail_on: str = "error",
    today=None,
    chunk: int = SITE_CHUNK,
) -> Iterator[SiteResult]:
    """Each site judged alone against the current layout, in order, ``chunk`` sites at a time
    (``siting.alone``): what ``evaluate_sites`` gives, without holding every result at once
    (nor, given a :class:`SitePlan`, every site's outline)."""
    from townsgis.siting.alone import AloneJudge

    setup = _Setup(ds, ruleset, fail_on, today)
    judge = AloneJudge(
        ds, setup.rs, waivers=setup.waivers, today=today, before=setup.before, base=setup.context
    )
    shared: dict = {}  # the mix and the caps depend on the site's MIX_FIELDS only
    layout = pd.DataFrame(ds.towns[[c for c in MIX_FIELDS if c in ds.towns.columns]])
    # from the layout's counts taken once, when every town has its three fields (the schema
    # requires them; else the layout plus each site is counted whole)
    counted = len(layout.columns) == len(MIX_FIELDS) and not layout.isna().any().any()
    mix_with = MixWithOne(setup.rs, layout) if counted else None
    caps_with = CapsWithOne(setup.caps, ds.towns) if counted else None
    for a in range(0, len(sites), chunk):
        part = (
            sites.sites(a, a + chunk) if isinstance(sites, SitePlan) else sites.iloc[a : a + chunk]
        )
        rows = _town_rows(part)
        metric = rows.geometry.to_crs(judge.crs).values
        if judge.crs == ds.metric_crs:
            nearest = nearest_towns(ds, part, metric=metric)
        else:
            nearest = nearest_towns(ds, part)
        alone = judge(rows, metric)
        keys = field_keys(rows, MIX_FIELDS)
        site_id = part["site_id"].tolist()
        name = part["name"].astype(str).tolist()
        lon, lat = part["lon"].astype(float).tolist(), part["lat"].astype(float).tolist()
        unit = part["unit_id"].astype(str).tolist()
        level, category = part["level"].tolist(), part["category"].tolist()
        for i in range(len(part)):
            if counted and isinstance(level[i], str) and isinstance(category[i], str):
                mkey, ckey = ("mix", level[i], category[i]), ("caps", unit[i], level[i])
                if mkey not in shared:
                    shared[mkey] = mix_with(level[i], category[i])
                if ckey not in shared:
                    shared[ckey] = caps_with(unit[i], level[i])
                mix, capacity = shared[mkey], shared[ckey]
            elif keys[i] in shared:
                mix, capacity = shared[keys[i]]
            else:
                towns_after = pd.concat(
                    [layout, rows.iloc[[i]][list(MIX_FIELDS)]], ignore_index=True
                )
                mix = [
                    _mix_row(m)
                    for m in mix_plans(setup.rs, towns_after, setup.caps, setup.unit_ids)
                ]
                # the key holds the unit: its caps table now, the frame is not kept
                capacity = _site_capacity(setup.caps, ds.towns, towns_after, unit[i])
                shared[keys[i]] = (mix, capacity)
            caused = caused_findings(
                setup.before, alone[i], {site_id[i]}, setup.kinds, setup.baseline
            )
            mine = setup.mine(caused, site_id[i], unit[i])
            yield SiteResult(
                site_id=site_id[i],
                name=name[i],
                lon=lon[i],
                lat=lat[i],
                unit_id=unit[i],
                verdict="fail" if setup.fails(mine) else "pass",
                findings=mine,
                nearest=nearest[i],
                capacity=capacity,
                mix=mix,
            )


def failing_rules_alone(
    ds: Dataset,
    ruleset,
    rows: gpd.GeoDataFrame,
    metric,
    *,
    fail_on: str = "error",
    today=None,
    units: gpd.GeoDataFrame | None = None,
) -> list[list[str]]:
    """For each site in ``rows`` (the towns schema, WGS84; ``metric``: its outline in the
    metric CRS), judged alone: the ids of the rules whose findings, caused by the site and
    not waived, reach ``fail_on`` (the rules of ``evaluate_sites``'s failing findings, without
    the nearest towns, the category mix and the capacity it also reports). ``units``: the
    only units the rules need (see ``engine.build_context``), else all."""
    from townsgis.siting.alone import AloneJudge

    setup = _Setup(ds, ruleset, fail_on, today, caps=False, units=units)
    judge = AloneJudge(
        ds, setup.rs, waivers=setup.waivers, today=today, before=setup.before, base=setup.context
    )
    alone = judge(rows, metric)
    site_id = rows["town_id"].astype(str).tolist()
    unit = rows["unit_id"].astype(str).tolist()
    out = []
    for i, found in enumerate(alone):
        caused = caused_findings(setup.before, found, {site_id[i]}, setup.kinds, setup.baseline)
        mine = setup.mine(caused, site_id[i], unit[i])
        rank = setup.threshold
        out.append(sorted({f.rule for f in mine if not f.waived and f.severity.rank >= rank}))
    return out


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
    Sites judged alone are judged in one pass (``iter_sites_alone``); ``batch=False`` runs
    the whole rule set once per site instead (the same findings, slower: the reference)."""
    from townsgis.engine import run_rules

    skipped = [r.id for r in ruleset.rules if r.kind in SITE_SKIPPED_KINDS]
    if batch and not together:
        results = list(iter_sites_alone(ds, ruleset, sites, fail_on=fail_on, today=today))
        return SiteReport(ruleset, results, together, skipped, ds.metric_crs)
    setup = _Setup(ds, ruleset, fail_on, today)
    rs = setup.rs
    nearest = nearest_towns(ds, sites)
    groups = [list(range(len(sites)))] if together else [[i] for i in range(len(sites))]
    results: list[SiteResult] = [None] * len(sites)  # type: ignore[list-item]
    rows = _town_rows(sites)
    site_id = sites["site_id"].tolist()
    name = sites["name"].astype(str).tolist()
    lon, lat = sites["lon"].astype(float).tolist(), sites["lat"].astype(float).tolist()
    unit = sites["unit_id"].astype(str).tolist()
    for idx in groups:
        towns_after = _with_sites(ds, rows.iloc[idx])
        mix = [_mix_row(m) for m in mix_plans(rs, towns_after, setup.caps, setup.unit_ids)]
        after = run_rules(ds, rs, towns=towns_after, today=today, waivers=setup.waivers).findings
        caused = caused_findings(setup.before, after, {site_id[i] for i in idx}, setup.kinds)
        capacity: dict = {}
        for i in idx:
            mine = setup.mine(caused, site_id[i], unit[i])
            if unit[i] not in capacity:
                capacity[unit[i]] = _site_capacity(setup.caps, ds.towns, towns_after, unit[i])
            results[i] = SiteResult(
                site_id=site_id[i],
                name=name[i],
                lon=lon[i],
                lat=lat[i],
                unit_id=unit[i],
                verdict="fail" if setup.fails(mine) else "pass",
                findings=mine,
                nearest=nearest[i],
                capacity=capacity[unit[i]],
                mix=mix,
            )
    return SiteReport(ruleset, results, together, skipped, ds.metric_crs)
