"""Proposed sites, remaining capacity and the feasible area for one more town (§3.1).

Pure library functions, no printing. The public API takes and returns WGS84 (EPSG:4326)
geometries; every distance and area is computed in the dataset's metric analysis CRS
(CGCS2000 3° Gauss-Krüger, EPSG:4549 for Huzhou): distances in metres, areas in km².

- ``evaluate_sites``: judge sites against the current layout with the rule engine and keep
  only the findings a site *causes* (it is one of the towns named, or an aggregate finding
  (cap, share, clustering) is new or got worse).
- ``capacity``: remaining slots under the count-cap (§3.1.1a/b) and unit-cap (§3.1.1c) rules,
  and the smallest change that reaches the category mix (§3.1.3), solved against the caps.
- ``feasible_area``: exactly where one more town's centroid passes `site` at a --fail-on
  (§3.1.1c unit caps, §3.1.2a no-overlap/min-gap, §3.1.2c min-spacing, within-unit).

Modules: ``sites`` (building candidate sites), ``evaluate`` (judging them), ``caused`` (which
findings a site causes), ``caps`` (cap rules and slots), ``mix`` (category-mix solver),
``remaining`` (the capacity report), ``feasible`` (feasible area), ``params`` (rule params).
Every public name is re-exported here; import from ``townsgis.siting``.
"""

from __future__ import annotations

from townsgis.siting.caps import Cap, caps_of, max_additions, slots_for
from townsgis.siting.caused import AGGREGATE_KINDS, caused_findings
from townsgis.siting.evaluate import (
    SITE_SKIPPED_KINDS,
    SiteReport,
    SiteResult,
    evaluate_sites,
    iter_sites_alone,
    nearest_towns,
    site_ruleset,
)
from townsgis.siting.mix import MixPlan, mix_plans, solve_additions, solve_removals
from townsgis.siting.remaining import CapacityReport, capacity
from townsgis.siting.sites import (
    CIRCLE_QUAD_SEGS,
    DEFAULT_AREA_KM2,
    SITE_PREFIX,
    SitePlan,
    circle_radius_m,
    make_sites,
    plan_from_file,
    plan_sites,
    sites_from_file,
    sites_from_frame,
    sites_from_point,
)

__all__ = [
    "AGGREGATE_KINDS",
    "CIRCLE_QUAD_SEGS",
    "DEFAULT_AREA_KM2",
    "SITE_PREFIX",
    "SITE_SKIPPED_KINDS",
    "SPATIAL_KINDS",
    "Cap",
    "CapacityReport",
    "FeasibleResult",
    "MixPlan",
    "SiteReport",
    "SitePlan",
    "SiteResult",
    "capacity",
    "caps_of",
    "caused_findings",
    "circle_radius_m",
    "evaluate_sites",
    "feasible_area",
    "iter_sites_alone",
    "make_sites",
    "max_additions",
    "mix_plans",
    "nearest_towns",
    "plan_from_file",
    "plan_sites",
    "site_ruleset",
    "sites_from_file",
    "sites_from_frame",
    "sites_from_point",
    "slots_for",
    "solve_additions",
    "solve_removals",
    "spatial_limits",
]

#: Names of ``siting.feasible``, loaded when first asked for: it needs contourpy and the
#: share-region grid, which `site` and `capacity` never use (startup).
_FEASIBLE = ("SPATIAL_KINDS", "FeasibleResult", "feasible_area", "spatial_limits")


def __getattr__(name: str):
    if name in _FEASIBLE:
        from townsgis.siting import feasible

        return getattr(feasible, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
