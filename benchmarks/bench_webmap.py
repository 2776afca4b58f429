"""Benchmark the offline web maps (`townsgis map layout|progress`). Not a test; prints medians.

    /work/venv/bin/python benchmarks/bench_webmap.py [--repeats 5] [--projects 100000]

For each page: the HTML size, the time to build it in Python (load, check, site, render;
wall and CPU seconds), and the time to render it in headless Debian Chromium (file://,
network blocked): from navigation start until the map is ready and two frames have painted
(the page's own clock), and for progress maps until the projects' canvas was first drawn
(the page's ``tg-projects-drawn`` mark). Pages: the bundled Huzhou layout map, its progress
map (209 projects), and a progress map of N synthetic projects (default 100,000) placed in
the 14 towns. For the big page it also times one slider move (restyling every project).
Prints the load average: wall times on a shared machine are inflated by it, CPU seconds
much less. Needs the `test` extra and `chromium`.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

from townsgis.dataset import load_dataset
from townsgis.mapmodel.progress import progress_model
from townsgis.project import Project
from townsgis.webmap.api import layout_html, progress_html
from townsgis.webmap.browser import chromium, open_offline
from townsgis.webmap.common import render_html
from townsgis.webmap.progress_map import build_progress_map
from townsgis.webmap.synthetic import synthetic_projects

READY_PROGRESS = "window.townsgisMap !== undefined && window.townsgisProgress !== undefined"


def _median(xs: list[float]) -> float:
    return statistics.median(xs)


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


DRAWN_JS = "(performance.getEntriesByName('tg-projects-drawn')[0] || {startTime: NaN}).startTime"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--projects", type=int, default=100_000)
    args = ap.parse_args()

    proj = Project.open(None)
    ds = load_dataset(proj)
    big = synthetic_projects(ds.towns, args.projects, seed=0)
    big_ds = dataclasses.replace(ds, projects=big, _metric={})
    builders = {
        "huzhou layout": (lambda: layout_html(proj), "window.townsgisMap !== undefined"),
        "huzhou progress (209)": (lambda: progress_html(proj), READY_PROGRESS),
        f"progress {args.projects:,} synthetic": (
            lambda: render_html(build_progress_map(progress_model(big_ds)), "zh"),
            READY_PROGRESS,
        ),
    }
    rows = []
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        for name, (build, ready) in builders.items():
            builds, cpus, renders, drawn, slider = [], [], [], [], []
            path = Path(tmp) / "map.html"
            for _ in range(args.repeats):
                t0, c0 = time.perf_counter(), _cpu()
                html = build()
                builds.append(time.perf_counter() - t0)
                cpus.append(_cpu() - c0)
                path.write_text(html, encoding="utf-8")
                visit = open_offline(browser, path, ready_js=ready)
                assert not visit.external_requests and not visit.page_errors, name
                renders.append(visit.render_ms / 1000)
                drawn.append(visit.page.evaluate(DRAWN_JS) / 1000)
                if "synthetic" in name:
                    t0 = time.perf_counter()
                    visit.page.evaluate("window.townsgisProgress.setQuarter(3)")
                    visit.page.evaluate(
                        "() => new Promise(r => requestAnimationFrame(() => "
                        "requestAnimationFrame(r)))"
                    )
                    slider.append(time.perf_counter() - t0)
                visit.page.close()
            size = len(html.encode("utf-8")) / 1e6
            rows.append(
                (name, size, _median(builds), _median(cpus), _median(renders), drawn, slider)
            )
            print(f"done: {name} (load {os.getloadavg()[0]:.1f})", flush=True)
    print(f"\nmedians of {args.repeats} runs (Chromium headless, file://, network blocked)")
    print(f"load average (1, 5, 15 min): {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    print(
        f"{'page':<32}{'HTML MB':>9}{'build s':>9}{'CPU s':>7}{'render s':>10}"
        f"{'drawn s':>9}{'slider s':>10}"
    )
    for name, size, b, c, r, d, s in rows:
        sl = f"{_median(s):.2f}" if s else "-"
        dr = f"{_median(d):.2f}" if d and d[0] == d[0] else "-"
        print(f"{name:<32}{size:>9.2f}{b:>9.2f}{c:>7.2f}{r:>10.2f}{dr:>9}{sl:>10}")
    anchor = rows[0]
    for name, _, _, c, r, _, _ in rows[1:]:
        print(
            f"{name}: build {c / anchor[3]:.1f}x CPU, render {r / anchor[4]:.1f}x the layout map's"
        )


if __name__ == "__main__":
    main()
