"""Benchmark `feasible` on the bundled Huzhou sample, in process (dataset loaded). Not a test.

    python benchmarks/bench_feasible.py [--repeat 5] [--json]

Medians of CPU seconds (user + sys, steadier than wall time on a shared machine) of:
- feasible city-wide, manufacturing, at --fail-on error and warning;
- feasible --unit 330503 (南浔区);
- the within-unit level set alone (siting.share_region) of every unit, no towns blocking;
- the clustering set alone (siting.feasible.clustered_region, where one more town makes
  HZ-CLUSTER flag) city-wide: on Huzhou's rules (0.45 km²) and with alpha 0.1 (~280 km²);
- the anchor, measured in the same run: one point site judged by `site` (evaluate_sites),
  so the ratios hold under any load. The 1-minute load average is printed too.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import statistics

from townsgis.dataset import load_dataset, own_unit_areas
from townsgis.project import Project
from townsgis.ruleset import load_ruleset
from townsgis.siting import evaluate_sites, feasible_area, sites_from_point
from townsgis.siting.feasible import clustered_region, clustering_limits
from townsgis.siting.share_region import share_region
from townsgis.siting.sites import circle_radius_m


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def median_cpu(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = cpu()
        fn()
        times.append(cpu() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    proj = Project.open(None)
    rs = load_ruleset(proj.ruleset_path("huzhou-2018"))
    ds = load_dataset(proj, crs_override=rs.analysis_crs)
    own = own_unit_areas(ds.metric("units"))
    r = circle_radius_m(3.0)

    def anchor():
        s = sites_from_point(ds, 120.35, 30.75, category="manufacturing", level="municipal")
        evaluate_sites(ds, rs, s)

    def city(fail_on):
        return lambda: feasible_area(ds, rs, category="manufacturing", fail_on=fail_on)

    def clustering(alpha=None):
        rules = tuple(
            dataclasses.replace(x, params={**x.params, "alpha": alpha})
            if alpha is not None and x.kind == "clustering"
            else x
            for x in rs.rules
        )
        lims = clustering_limits(ds, dataclasses.replace(rs, rules=rules), "warning")
        city_m = ds.metric("units").union_all()
        return lambda: [clustered_region(xy, nn, t, city_m) for xy, nn, t in lims]

    anchor()  # warm the caches every run shares
    out = {
        "anchor_site_1_cpu_s": median_cpu(anchor, a.repeat),
        "feasible_city_error_cpu_s": median_cpu(city("error"), a.repeat),
        "feasible_city_warning_cpu_s": median_cpu(city("warning"), a.repeat),
        "feasible_unit_330503_cpu_s": median_cpu(
            lambda: feasible_area(ds, rs, category="manufacturing", unit="330503"), a.repeat
        ),
        "share_region_all_units_cpu_s": median_cpu(
            lambda: [share_region(g, r, 0.95) for g in own], a.repeat
        ),
        "clustered_region_city_cpu_s": median_cpu(clustering(), a.repeat),
        "clustered_region_city_alpha01_cpu_s": median_cpu(clustering(0.1), a.repeat),
    }
    base = out["anchor_site_1_cpu_s"]
    for k in list(out):
        if k != "anchor_site_1_cpu_s":
            out[k.replace("_cpu_s", "_x_anchor")] = out[k] / base
    out["area_km2_error"] = feasible_area(ds, rs, category="manufacturing").area_km2
    out["load_avg_1min"] = os.getloadavg()[0]
    if a.json:
        print(json.dumps({k: round(v, 4) for k, v in out.items()}, indent=2))
    else:
        for k, v in out.items():
            print(f"{k:36s} {v:10.3f}")


if __name__ == "__main__":
    main()
