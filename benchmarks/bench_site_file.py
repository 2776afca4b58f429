"""Benchmark `townsgis site --file`: N proposals, each judged alone. Not a test; prints medians.

    python benchmarks/bench_site_file.py [--project DIR] [--sizes 10000,100000] [--repeats 3]
                                         [--format text|json] [--sample 100]

- Proposals: a CSV of N points at random inside the project's city polygon (seeded), with
  categories and levels drawn at random and 3 km² each: what a planner's file holds.
- Each size runs `townsgis site --file` as a whole process (``--repeats`` times): median wall
  and CPU seconds (user + sys of the child, a steadier figure on a shared machine) and the
  child's peak RSS (the largest of the runs).
- Anchor, in process and in the same run: a sample of ``--sample`` proposals judged one by one
  (``evaluate_sites(batch=False)``: the whole rule set on the layout plus each site) and the
  same sample in one pass; the results must be equal, and the CPU seconds per proposal of the
  one-by-one path give the ratio to the batch process.

Default project: the bundled Huzhou sample (its rule set has the city caps). For the national
project (``benchmarks/national.py``), pass a copy of it: the run writes the project's .cache/.
The load average is printed first and last (the machine may be shared).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import shapely


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def proposals(ds, n: int, path: Path, seed: int = 2018) -> Path:
    """A CSV of ``n`` point proposals (WGS84, 6 decimals) at random inside ``ds``'s city."""
    city = ds.city.union_all() if len(ds.city) > 1 else ds.city.iloc[0]
    shapely.prepare(city)
    rng = np.random.default_rng(seed)
    b = city.bounds
    xs, ys, have = [], [], 0
    while have < n:
        x, y = rng.uniform(b[0], b[2], 2 * n), rng.uniform(b[1], b[3], 2 * n)
        x, y = x.round(6), y.round(6)  # as written: the point read back is inside
        ok = shapely.contains_xy(city, x, y)
        xs.append(x[ok])
        ys.append(y[ok])
        have += int(ok.sum())
    pd.DataFrame(
        {
            "name": [f"拟选址{i + 1}" for i in range(n)],
            "category": rng.choice(["manufacturing", "tourism", "services"], n),
            "level": rng.choice(["provincial_creation", "provincial_cultivation", "municipal"], n),
            "area_km2": 3.0,
            "lon": np.concatenate(xs)[:n],
            "lat": np.concatenate(ys)[:n],
        }
    ).to_csv(path, index=False)
    return path


#: Runs a command and prints its wall seconds, exit code and rusage as JSON. A child's peak
#: RSS (ru_maxrss) starts from the RSS of the process it was forked from (Linux keeps the
#: larger across exec), so the command is started from this small interpreter, not from the
#: benchmark holding a national dataset.
_MEASURE = """
import json, os, subprocess, sys, time
t = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
err = p.stderr.read().decode(errors="replace")[-2000:]
_, status, u = os.wait4(p.pid, 0)
wall = time.perf_counter() - t
code = os.waitstatus_to_exitcode(status)
print(json.dumps([wall, code, u.ru_utime + u.ru_stime, u.ru_maxrss / 1024, err]))
"""


def run_process(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + sys) and peak RSS (MB) of one child process."""
    import json

    out = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], capture_output=True, text=True)
    wall, code, cpu, rss, err = json.loads(out.stdout)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {code}: {err}")
    return wall, cpu, rss


def anchor(ds, rs, csv: Path, sample: int) -> tuple[float, float]:
    """CPU seconds per proposal judged one by one and in one pass, on the first ``sample``
    proposals of ``csv``; the two reports must be equal."""
    from townsgis.siting import evaluate_sites, sites_from_file

    sites = sites_from_file(ds, csv, defaults={"area_km2": 3.0}).iloc[:sample]
    c = time.process_time()
    slow = evaluate_sites(ds, rs, sites, batch=False)
    one_by_one = time.process_time() - c
    c = time.process_time()
    fast = evaluate_sites(ds, rs, sites)
    batch = time.process_time() - c
    if slow.to_dict() != fast.to_dict():
        raise SystemExit("the one-pass report differs from the one-by-one report")
    return one_by_one / len(sites), batch / len(sites)


def main() -> None:
    from townsgis.engine import load_inputs
    from townsgis.project import Project

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--project", type=Path, default=None, help="default: the bundled sample")
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--format", default="text", choices=["text", "json"])
    ap.add_argument("--sample", type=int, default=100, help="proposals judged one by one")
    a = ap.parse_args()
    proj = Project.open(a.project)
    ds, rs = load_inputs(proj, None, layout_only=True)
    print(f"load average {load()} on {os.cpu_count()} cores; project {proj.root}")
    print(f"layout: {len(ds.towns):,} towns, {len(ds.units):,} units; rule set {rs.id}")
    tg = str(Path(sys.executable).parent / "townsgis")
    with tempfile.TemporaryDirectory() as tmp:
        sizes = [int(x) for x in a.sizes.split(",")]
        per_slow, per_fast = anchor(ds, rs, proposals(ds, a.sample, Path(tmp) / "s.csv"), a.sample)
        print(
            f"anchor, {a.sample} proposals in process: one by one {per_slow * 1e3:.1f} ms CPU "
            f"per proposal, one pass {per_fast * 1e3:.2f} ms (equal reports)"
        )
        for n in sizes:
            csv = proposals(ds, n, Path(tmp) / f"p{n}.csv")
            cmd = [tg, "site", "--file", str(csv), "--format", a.format]
            if a.project is not None:
                cmd += ["--project", str(a.project)]
            runs = [run_process(cmd) for _ in range(a.repeats)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            rss = max(r[2] for r in runs)
            print(
                f"site --file, {n:>7,} proposals ({a.format}): wall {wall:7.2f} s  "
                f"CPU {cpu:7.2f} s ({cpu / n * 1e3:.2f} ms per proposal, the whole process; "
                f"{per_slow * n / cpu:,.0f}x less than one by one)  peak {rss:6.0f} MB  "
                f"[load {load()}]"
            )
    print(f"load average {load()} at the end")


if __name__ == "__main__":
    main()
