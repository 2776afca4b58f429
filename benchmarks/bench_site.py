"""Benchmark `townsgis site` and `townsgis feasible` on the bundled Huzhou sample.

Medians of repeated runs (wall clock, seconds; ``*_cpu_s`` is user + sys CPU time, a steadier
figure on a busy machine; ``version_cli`` is the bare start-up cost of the CLI):
- site, 1 point site, in process (dataset already loaded) and as a whole CLI process;
- site, 100 point sites judged one by one, and the same 100 as one package (--together);
- feasible area for one more manufacturing town, in process and as a CLI process.

Run: ``python benchmarks/bench_site.py [--repeat N] [--json]``. The 100 sites are drawn with
a fixed seed inside the city (sites outside every unit are redrawn).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from townsgis.dataset import load_dataset
from townsgis.project import Project
from townsgis.ruleset import load_ruleset
from townsgis.siting import evaluate_sites, feasible_area, make_sites, sites_from_point

SITE = ("120.35", "30.75")  # an open part of Nanxun, WGS84


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def random_sites(ds, n: int, seed: int = 2018) -> gpd.GeoDataFrame:
    city = ds.city.iloc[0]
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = city.bounds
    pts: list = []
    while len(pts) < n:
        x, y = rng.uniform(minx, maxx, 4 * n), rng.uniform(miny, maxy, 4 * n)
        ok = shapely.contains_xy(city, x, y)
        pts += [shapely.Point(a, b) for a, b in zip(x[ok], y[ok], strict=True)]
    pts = pts[:n]
    attrs = [
        {"name": f"S{i}", "category": "manufacturing", "level": "municipal", "area_km2": 3.0}
        for i in range(n)
    ]
    return make_sites(ds, gpd.GeoSeries(pts, crs="EPSG:4326"), attrs, source="benchmark")


def median_cpu(fn, repeat: int) -> float:
    """Median CPU time (user + sys) of ``fn``: less sensitive than wall time to a busy machine."""
    times = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return statistics.median(times)


def cli_time(args: list[str], repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + sys) of a whole CLI process."""
    exe = Path(sys.executable).with_name("townsgis")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "townsgis"]
    walls, cpus = [], []
    for _ in range(repeat):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd + args, check=False, capture_output=True, env=os.environ.copy())
        walls.append(time.perf_counter() - t)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime))
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    proj = Project.open(None)
    rs = load_ruleset(proj.ruleset_path("huzhou-2018"))
    ds = load_dataset(proj, crs_override=rs.analysis_crs)
    lon, lat = float(SITE[0]), float(SITE[1])

    def one():
        s = sites_from_point(ds, lon, lat, category="manufacturing", level="provincial_cultivation")
        evaluate_sites(ds, rs, s)

    hundred = random_sites(ds, 100)
    r = max(1, a.repeat // 2)
    out = {
        "site_1_in_process_s": median_time(one, a.repeat),
        "site_100_alone_in_process_s": median_time(lambda: evaluate_sites(ds, rs, hundred), r),
        "site_100_together_in_process_s": median_time(
            lambda: evaluate_sites(ds, rs, hundred, together=True), a.repeat
        ),
        "feasible_in_process_s": median_time(
            lambda: feasible_area(ds, rs, category="manufacturing"), a.repeat
        ),
        "site_1_in_process_cpu_s": median_cpu(one, a.repeat),
        "site_100_alone_in_process_cpu_s": median_cpu(lambda: evaluate_sites(ds, rs, hundred), r),
    }
    site_args = ["site", "--lon", SITE[0], "--lat", SITE[1], "--category", "manufacturing"]
    site_args += ["--level", "provincial_cultivation", "--format", "json"]
    out["site_1_cli_process_s"], out["site_1_cli_process_cpu_s"] = cli_time(site_args, a.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        feas = ["feasible", "--category", "manufacturing", "-o", str(Path(tmp) / "f.geojson")]
        out["feasible_cli_process_s"], out["feasible_cli_process_cpu_s"] = cli_time(feas, a.repeat)
    out["version_cli_process_s"], out["version_cli_process_cpu_s"] = cli_time(
        ["--version"], a.repeat
    )
    out["cpus"] = os.cpu_count()
    out["load_avg_1min"] = os.getloadavg()[0]
    if a.json:
        print(json.dumps({k: round(v, 4) for k, v in out.items()}, indent=2))
    else:
        for k, v in out.items():
            print(f"{k:34s} {v:8.3f}")


if __name__ == "__main__":
    main()
