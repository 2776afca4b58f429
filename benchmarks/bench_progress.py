"""Benchmark `townsgis progress`: the report on the bundled sample (209 projects) and on a
synthetic library scaled up by copying the sample projects (default ×500 ≈ 100k projects).

Run:  python benchmarks/bench_progress.py [--repeat 5] [--scale 500]
Prints the median wall time of each step in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from types import SimpleNamespace

import pandas as pd


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--scale", type=int, default=500)
    args = ap.parse_args()

    from townsgis.dataset import load_dataset
    from townsgis.indicators import load_assessment, load_indicators, load_progress
    from townsgis.progress import (
        build_report,
        implied_indicators,
        parse_history,
        stage_at,
        stalled,
        town_progress,
    )
    from townsgis.progress_report import render
    from townsgis.project import Project
    from townsgis.ruleset import load_ruleset

    project = Project.open(None)
    ds = load_dataset(project)
    ids = ds.towns["town_id"].tolist()
    ind = load_indicators(project.indicators_path, ids)
    ass = load_assessment(project.assessment_path, ids)
    targets = [dict(t) for t in load_ruleset(project.ruleset_path()).targets]
    rows = []

    def add(name, fn, repeat=args.repeat):
        rows.append((name, median_ms(fn, repeat)))
        print(f"{name:<48} {rows[-1][1]:>10.1f} ms", flush=True)

    add("sample: load_progress (load + validate + report)", lambda: load_progress(project))
    add("sample: build_report", lambda: build_report(ds, ind, ass, targets))
    rep = build_report(ds, ind, ass, targets)
    for fmt in ("json", "xlsx", "html"):
        add(f"sample: render {fmt}", lambda f=fmt: render(rep, f))

    base = pd.DataFrame(ds.projects.drop(columns="geometry"))
    big = pd.concat([base] * args.scale, ignore_index=True)
    big["project_id"] = [f"X{i:07d}" for i in range(len(big))]
    print(f"-- synthetic library: {len(big):,} projects --")
    quarters = sorted(ind["quarter"].unique().tolist())
    hist = parse_history(big)
    big_ind = ind.copy()
    flows = implied_indicators(big, quarters, hist).set_index(["town_id", "quarter"])
    key = pd.MultiIndex.from_frame(big_ind[["town_id", "quarter"]])
    for c in flows.columns:
        big_ind[c] = flows[c].reindex(key).to_numpy()
    big_ds = SimpleNamespace(units=ds.units, towns=ds.towns, projects=big)
    last = quarters[-1]
    add("big: parse_history", lambda: parse_history(big))
    add("big: stage_at", lambda: stage_at(big, last, hist))
    add("big: stalled (N=4)", lambda: stalled(big, last, 4, hist))
    add("big: town_progress", lambda: town_progress(big_ds, last, hist))
    add("big: implied_indicators (12 quarters)", lambda: implied_indicators(big, quarters, hist))
    add(
        "big: build_report",
        lambda: build_report(big_ds, big_ind, ass, targets),
        max(1, args.repeat // 2),
    )


if __name__ == "__main__":
    main()
