"""Many sites, each judged alone against the same layout, in one pass (``site --file``).

Gives, for every site, the findings ``run_rules`` would give on the layout plus that site
alone (the findings naming the site, and every aggregate finding), with the same rule
functions, only without running the whole rule set once per site:

- town-level kinds (overlap, gap, spacing, within-unit, area range …) run once per group of
  sites on the layout plus the group, told (``RuleContext.judged_from``) that only the sites
  are judged: pair kinds look only at (layout town, site) pairs, never at two sites, and town
  kinds skip the layout. A finding naming one site is the same finding it gets alone (pairs
  and single towns do not depend on other rows). A rule whose findings name several sites
  otherwise is run site by site;
- count and share kinds (count-cap, unit-cap, category-share) depend on the site's fields,
  not on where it lies: they run once per distinct (unit, level, category, area, …) with a
  stand-in site whose id and name are then replaced by the site's;
- clustering and concentration depend on where the site lies: their statistic and test are
  computed for all sites of a group at once, the layout's part once (``flagged_with_each``
  of each kind: the same numbers), and the rule itself runs only on the sites it flags.

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
from townsgis.checks import clustering as _clustering
from townsgis.checks import concentration as _concentration
from townsgis.findings import Finding, Severity
from townsgis.siting.caused import AGGREGATE_KINDS, aggregate_caused, baseline
from townsgis.waivers import apply_waivers

PAIR_KINDS = frozenset({"no-overlap", "min-gap", "min-spacing"})
SINGLE_KINDS = frozenset({"within-unit", "area-range", "attribute", "company", "on-water"})
FIELD_KINDS = frozenset({"count-cap", "unit-cap", "category-share", "field-share"})
PLACE_KINDS = frozenset({"clustering", "concentration"})
#: Kinds whose findings are each about one value of a town field (unit-cap: one unit) and
#: count only the towns with that value: a site can change only the finding of its own value,
#: so the layout is cut to the towns sharing it (when only caused findings are wanted).
FIELD_SCOPE = {"unit-cap": "unit_id"}
STAND_IN = "\ue000site\ue000"  # private-use characters: never a real id or name
#: The site fields a count or share kind reads (the rest of its findings is the layout's):
#: sites equal in these get the same findings. Kinds not listed are keyed by every field.
FIELD_READS = {
    "count-cap": lambda spec: ("level",),
    "unit-cap": lambda spec: ("unit_id", "level"),
    "category-share": lambda spec: ("level", spec.params["field"]),
}


SCREENS = {
    "clustering": _clustering.measured_with_each,
    "concentration": _concentration.measured_with_each,
}
#: Place kinds that build the findings of the layout plus each of many sites from the
#: layout's part taken once (the others run the rule on the layout plus each flagged site).
FINDINGS_WITH = {"clustering": _clustering.findings_with_each}


class AloneJudge:
    """Judges groups of sites, each alone, against one layout (the work that does not depend
    on the sites, the layout's context and the field kinds' findings per distinct fields, is
    kept between groups)."""

    def __init__(self, ds, ruleset, *, waivers, today=None, before=None, base=None) -> None:
        from townsgis.engine import build_context

        self.ruleset = ruleset
        self.waivers = waivers
        self.today = today or dt.date.today()
        # ``base``: the layout's context built already (its rules become ``ruleset``'s)
        if base is None:
            self.base = build_context(ds, ruleset)
        else:
            self.base = dataclasses.replace(base, rules=ruleset.rules)
        self.rule_ids = {r.id for r in ruleset.rules}
        self.order = {r.id: k for k, r in enumerate(ruleset.rules)}
        self.field_memo: dict[tuple, list[Finding]] = {}
        # given the aggregate findings before, a place finding that would not be caused
        # (not new, no further from its limit) is not built (siting.caused)
        self.before = None if before is None else baseline(before)
        self.scope_values: dict[str, np.ndarray] = {}  # FIELD_SCOPE fields of the layout

    @property
    def crs(self):
        return self.base.metric_crs

    def __call__(self, rows: gpd.GeoDataFrame, metric=None) -> list[list[Finding]]:
        """For each row of ``rows`` (sites in the towns schema, WGS84; ``metric``: their
        geometry already in the metric CRS), the findings of ``run_rules(ds, ruleset,
        towns=layout + that row)`` that name the site or are aggregate, waivers applied, in
        ``run_rules``'s order."""
        base = self.base
        n_sites = len(rows)
        if metric is None:
            site_m = rows.reset_index(drop=True).to_crs(self.crs)
        else:
            site_m = gpd.GeoDataFrame(
                rows.reset_index(drop=True).drop(columns=rows.geometry.name),
                geometry=np.asarray(metric, dtype=object),
                crs=self.crs,
            )
        site_m["unit_id"] = site_m["unit_id"].astype(object)
        site_ids = site_m["town_id"].astype(str).tolist()
        names = site_m["name_zh"].astype(str).tolist()
        pos_of = {sid: k for k, sid in enumerate(site_ids)}
        per_site: list[list[Finding]] = [[] for _ in range(n_sites)]
        both = _context(base, pd.concat([base.towns, site_m], ignore_index=True))
        both.judged_from = len(base.towns)
        keys = None
        site_c = None
        for spec in self.ruleset.rules:
            fn = KINDS[spec.kind].fn
            if spec.kind in PAIR_KINDS | SINGLE_KINDS:
                mine: list[list[Finding]] = [[] for _ in range(n_sites)]
                ok = True
                for f in fn(both, spec):
                    hit = [pos_of[t] for t in f.town_ids if t in pos_of]
                    if len(hit) == 1:
                        mine[hit[0]].append(f)
                    elif len(hit) > 1:
                        ok = False  # a finding about several sites at once: one by one
                        break
                if not ok:
                    mine = [_alone(base, site_m.iloc[[k]], fn, spec) for k in range(n_sites)]
                if "own_areas" in both.cache:
                    base.cache.setdefault("own_areas", both.cache["own_areas"])
                for k in range(n_sites):
                    per_site[k] += mine[k]
            elif spec.kind in FIELD_KINDS:
                reads = FIELD_READS.get(spec.kind)
                if reads is None:
                    keys = keys if keys is not None else field_keys(site_m)
                    rule_keys = keys
                else:
                    rule_keys = field_keys(site_m, reads(spec))
                todo: dict[tuple, int] = {}  # keys not judged yet: their first site
                for k in range(n_sites):
                    key = (spec.id, rule_keys[k])
                    if key not in self.field_memo and key not in todo:
                        todo[key] = k
                if todo:
                    self._field_many(site_m, todo, fn, spec)
                for k in range(n_sites):
                    memo = self.field_memo[spec.id, rule_keys[k]]
                    per_site[k] += [_rename(f, site_ids[k], names[k]) for f in memo]
            elif spec.kind in PLACE_KINDS:
                if site_c is None:
                    site_c = shapely.centroid(site_m.geometry.to_numpy())
                measured, limit = SCREENS[spec.kind](base, spec, shapely.get_coordinates(site_c))
                flagged = ~np.isnan(measured)
                if self.before is not None:
                    for k in np.flatnonzero(flagged):
                        probe = Finding(
                            spec.id, spec.clause, spec.severity, [], "", "", measured[k], limit
                        )
                        flagged[k] = aggregate_caused(self.before, probe)
                if spec.kind in FINDINGS_WITH:
                    ks = np.flatnonzero(flagged)
                    refs = [{"id": site_ids[k], "name_zh": names[k]} for k in ks]
                    found = FINDINGS_WITH[spec.kind](base, spec, site_c[ks], refs)
                    for k, f in zip(ks, found, strict=True):
                        per_site[k] += f
                    continue
                if flagged.any():
                    cent = shapely.centroid(base.towns.geometry.to_numpy())
                    ids = base.towns["town_id"].astype(str).tolist()
                    layout_names = base.towns["name_zh"].astype(str).tolist()
                for k in np.flatnonzero(flagged):
                    ctx = _context(base, base.towns)
                    # what checks.spatial.centroids and RuleContext.town_refs would compute on
                    # the layout plus this site (elementwise, so the very same numbers)
                    ctx.cache["centroids"] = np.append(cent, site_c[k])
                    ctx.cache["refs"] = (ids + [site_ids[k]], layout_names + [names[k]])
                    per_site[k] += fn(ctx, spec)
            else:  # a kind this module does not know: the plain way, site by site
                for k in range(n_sites):
                    per_site[k] += _alone(base, site_m.iloc[[k]], fn, spec)
        rank = {s: -Severity(s).rank for s in Severity}
        for findings in per_site:
            if self.waivers:
                apply_waivers(findings, self.waivers, self.today, self.rule_ids)
            findings.sort(key=lambda f: (rank[Severity(f.severity)], self.order.get(f.rule, 0)))
        return per_site

    def _field_many(self, site_m: gpd.GeoDataFrame, todo: dict[tuple, int], fn, spec) -> None:
        """The caused findings of a count or share rule for each key of ``todo`` (its site
        ``todo[key]`` as the stand-in), into ``field_memo``.

        A kind in FIELD_SCOPE, given the findings before, runs once per round over the layout
        plus one stand-in per scope value (each with an id of its own): its findings are each
        about one value and count only that value's towns, so the finding holding a stand-in
        is the one the layout plus that stand-in alone gives, and a finding holding none is
        the layout's own, not caused. A round that shows otherwise is judged key by key."""
        scope = FIELD_SCOPE.get(spec.kind)
        if self.before is None or scope is None:
            for key, k in todo.items():
                self.field_memo[key] = self._field_findings(_stand_in(site_m, [k]), fn, spec)
            return
        values = site_m[scope].astype(str).tolist()
        rounds: list[list[tuple]] = []
        seen: dict[str, int] = {}
        for key, k in todo.items():
            r = seen[values[k]] = seen.get(values[k], -1) + 1
            if r == len(rounds):
                rounds.append([])
            rounds[r].append((key, k))
        layout = self._scope_values(scope)
        for todo_r in rounds:
            tokens = [f"{STAND_IN}{j}{STAND_IN}" for j in range(len(todo_r))]
            found: dict[str, list[Finding]] = {t: [] for t in tokens}
            ok = True
            ks = [k for _, k in todo_r]
            # the layout's towns of these values: the others' findings are not caused
            towns = self.base.towns[pd.Series(layout).isin({values[k] for k in ks}).to_numpy()]
            for f in _alone(self.base, _stand_in(site_m, ks, tokens), fn, spec, towns):
                hit = [t["id"] for t in f.towns if t["id"] in found]
                caused = aggregate_caused(self.before, f) if spec.kind in AGGREGATE_KINDS else True
                if len(hit) > 1 or (not hit and caused):
                    ok = False
                    break
                if hit and caused:
                    found[hit[0]].append(_rename(f, STAND_IN, STAND_IN, token=hit[0]))
            for (key, k), t in zip(todo_r, tokens, strict=True):
                if ok:
                    self.field_memo[key] = found[t]
                else:
                    self.field_memo[key] = self._field_findings(_stand_in(site_m, [k]), fn, spec)

    def _scope_values(self, scope: str) -> np.ndarray:
        """The layout's towns' values of the FIELD_SCOPE field ``scope`` (as strings)."""
        if scope not in self.scope_values:
            self.scope_values[scope] = self.base.towns[scope].astype(str).to_numpy()
        return self.scope_values[scope]

    def _field_findings(self, stand_in: gpd.GeoDataFrame, fn, spec) -> list[Finding]:
        """A count or share rule on the layout plus the stand-in site. Given the findings
        before, only those the site causes (new or further from their limit, siting.caused),
        and for a kind in FIELD_SCOPE on the layout's towns that share the site's value."""
        if self.before is None:
            return _alone(self.base, stand_in, fn, spec)
        towns = self.base.towns
        scope = FIELD_SCOPE.get(spec.kind)
        if scope is not None:
            towns = towns[self._scope_values(scope) == str(stand_in[scope].iat[0])]
        out = _alone(self.base, stand_in, fn, spec, towns)
        if spec.kind in AGGREGATE_KINDS:
            out = [f for f in out if aggregate_caused(self.before, f)]
        return out


def judge_alone(ds, ruleset, rows: gpd.GeoDataFrame, *, waivers, today=None) -> list[list]:
    """For each row of ``rows`` (sites in the towns schema, WGS84), the findings of
    ``run_rules(ds, ruleset, towns=layout + that row)`` that name the site or are
    aggregate, waivers applied, in ``run_rules``'s order."""
    return AloneJudge(ds, ruleset, waivers=waivers, today=today)(rows)


def field_keys(sites: pd.DataFrame, fields: tuple[str, ...] | None = None) -> list[tuple]:
    """Per site, its ``fields`` (default: all but id, name and geometry): what count and share
    kinds (and the capacity rows) read. Sites with equal keys get equal counts."""
    if fields is None:
        skip = ("town_id", "site_id", "name", "name_zh", "name_en", sites.geometry.name)
        fields = tuple(c for c in sites.columns if c not in skip)
    return list(zip(*(_values(sites, c) for c in fields), strict=True))


def _context(base: RuleContext, towns: gpd.GeoDataFrame) -> RuleContext:
    ctx = RuleContext(
        towns=towns,
        units=base.units,
        city=base.city,
        metric_crs=base.metric_crs,
        rules=base.rules,
        store=base.store,
        water_source=base.water_source,
    )
    for key in ("own_areas", "water", "water_tree"):
        if key in base.cache:
            ctx.cache[key] = base.cache[key]
    return ctx


def _alone(base: RuleContext, site_row: gpd.GeoDataFrame, fn, spec, towns=None) -> list[Finding]:
    """The rule on the layout (or ``towns`` of it) plus one site (metric CRS), as
    ``run_rules`` would run it."""
    layout = base.towns if towns is None else towns
    ctx = _context(base, pd.concat([layout, site_row], ignore_index=True))
    out = fn(ctx, spec)
    if "own_areas" in ctx.cache:
        base.cache.setdefault("own_areas", ctx.cache["own_areas"])
    return out


def _values(sites: pd.DataFrame, c: str) -> list:
    return sites[c].map(_hashable).tolist() if c in sites.columns else [None] * len(sites)


def _hashable(v):
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    return v if isinstance(v, str | int | float | bool) else str(v)


def _stand_in(site_m: gpd.GeoDataFrame, rows: list[int], tokens: list[str] | None = None):
    """The sites at ``rows`` with their ids and names replaced by ``tokens`` (default:
    STAND_IN for each)."""
    t = [STAND_IN] * len(rows) if tokens is None else tokens
    return site_m.iloc[rows].assign(town_id=t, name_zh=t, name_en=t)


def _swap(v, site_id: str, name: str, token: str = STAND_IN):
    if isinstance(v, str):
        return v.replace(token, name) if token in v else v
    if isinstance(v, dict):
        if v.get("id") == token:
            return {**{k: _swap(x, site_id, name, token) for k, x in v.items()}, "id": site_id}
        return {k: _swap(x, site_id, name, token) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return type(v)(_swap(x, site_id, name, token) for x in v)
    return v


def _rename(f: Finding, site_id: str, name: str, token: str = STAND_IN) -> Finding:
    """A fresh copy of ``f`` with the stand-in site's id and name (``token``) replaced by the
    site's."""
    return dataclasses.replace(
        f,
        towns=[
            _swap(t, site_id, name, token) if t.get("id") == token else dict(t) for t in f.towns
        ],
        message_zh=f.message_zh.replace(token, name),
        message_en=f.message_en.replace(token, name),
        extra=_swap(f.extra, site_id, name, token),
    )
