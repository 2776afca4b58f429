"""Growth curves at national scale: towns (check, rules) and points (the join to towns and
counties), with time and peak memory per size. Not a test; prints one line per measurement.

    python benchmarks/bench_curves.py [--towns 2000,20000,100000]
                                      [--points 100000,1000000,10000000]
                                      [--points-project .bench-data/national-20000]
                                      [--max-gb 7.5] [--only towns,points,dask]

Every measurement runs in its own child process, so its peak RSS is its own: wall seconds,
CPU seconds (user + sys: what load from other jobs inflates least) and peak RSS from
``wait4``. A watchdog reads the child's RSS four times a second and stops it above
``--max-gb``; the line then says where it stopped and at what memory.

- towns N (project ``.bench-data/national-N`` from ``benchmarks/national.py``, made when
  missing with N×5 projects, at most 100,000): ``townsgis check`` as a process cold (the
  project's ``.cache/`` removed) and warm (unchanged), then ``run_rules`` in a process of its
  own with the project loaded (cache warm), timed alone.
- points M: M WGS84 points (95% inside random towns, 5% anywhere in the towns' box) assigned
  to the towns (``dataset.points_in_polygons``) and to the 2,875 counties
  (``dataset.assign_units``) of ``--points-project``; RSS before the join is printed beside
  the peak, so the join's own memory shows.

- dask (needs ``pip install dask-geopandas``, not a townsgis dependency): the same points
  join partitioned, as the plan past one machine would run it: points written as GeoParquet
  files of ``--partition`` points, joined per partition by dask-geopandas on ``--workers``
  threads, results written as GeoParquet; peak RSS is bounded by the partition, not by M.

The load average is printed at the start and the end of every line's run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import national  # noqa: E402


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _rss_gb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return 0.0


def run(cmd: list[str], max_gb: float) -> dict:
    """Run ``cmd``; wall, CPU and peak RSS (GB), its JSON output line if any, and whether the
    watchdog stopped it (``stopped_gb``)."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:  # a pipe would fill with check's findings
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, text=True)
        stopped = None
        while True:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            rss = _rss_gb(p.pid)
            if stopped is None and rss > max_gb:
                stopped = rss
                p.kill()
            time.sleep(0.25)
        out.seek(0)
        text = out.read()
    res = {
        "wall": time.perf_counter() - t0,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_gb": usage.ru_maxrss / 1024**2,
        "stopped_gb": stopped,
        "exit": os.waitstatus_to_exitcode(status),
    }
    lines = [json.loads(line) for line in text.splitlines() if line.startswith('{"')]
    merged: dict = {}
    for line in lines:
        merged.update(line)
    res = merged | res | {"lines": lines}  # the process's own figures win
    return res


def _cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _rss_now_gb() -> float:
    return _rss_gb(os.getpid())


def child_rules(project: Path) -> None:
    from townsgis.engine import load_inputs, run_rules
    from townsgis.project import Project

    ds, rs = load_inputs(Project.open(project))
    before = _rss_now_gb()
    t, c = time.perf_counter(), _cpu()
    res = run_rules(ds, rs)
    out = {"rules_wall": time.perf_counter() - t, "rules_cpu": _cpu() - c}
    out |= {"rss_before_gb": before, "findings": len(res.findings), "towns": len(ds.towns)}
    print(json.dumps(out), flush=True)


def child_rules_by_kind(project: Path) -> None:
    """CPU seconds and RSS after loading, building the context and each rule, one JSON line
    each as it finishes (so a run stopped by the watchdog still says how far it got)."""
    from townsgis.checks import KINDS
    from townsgis.engine import build_context, load_inputs
    from townsgis.project import Project

    def step(name: str, c0: float) -> float:
        print(json.dumps({"step": name, "cpu": _cpu() - c0, "rss_gb": _rss_now_gb()}), flush=True)
        return _cpu()

    c = _cpu()
    ds, rs = load_inputs(Project.open(project))
    c = step("load_inputs", c)
    ctx = build_context(ds, rs)
    c = step("build_context", c)
    for spec in rs.rules:
        KINDS[spec.kind].fn(ctx, spec)
        c = step(f"{spec.id} ({spec.kind})", c)


def child_join(project: Path, n: int) -> None:
    import geopandas as gpd
    from bench_national import make_points

    from townsgis.dataset import assign_units, load_dataset, points_in_polygons
    from townsgis.project import Project

    ds = load_dataset(Project.open(project), layout_only=True)
    pts = make_points(ds.towns, n)
    series = gpd.GeoSeries(pts, crs=4326)
    before = _rss_now_gb()
    t, c = time.perf_counter(), _cpu()
    pt, _ = points_in_polygons(pts, ds.towns.geometry.values)
    towns_wall, towns_cpu = time.perf_counter() - t, _cpu() - c
    t, c = time.perf_counter(), _cpu()
    units = assign_units(series, ds.units)
    out = {
        "towns_wall": towns_wall,
        "towns_cpu": towns_cpu,
        "units_wall": time.perf_counter() - t,
        "units_cpu": _cpu() - c,
        "rss_before_gb": before,
        "pairs": len(pt),
        "in_a_unit": sum(u is not None for u in units),
    }
    print(json.dumps(out), flush=True)


def child_dask(project: Path, n: int, part: int, workers: int) -> None:
    """The same join, partitioned: the points written as GeoParquet files of ``part`` points
    (never all in memory), read by dask-geopandas one partition per file, joined per
    partition against the towns and counties (held once, shared by the threads) and written
    back as GeoParquet; threads scheduler with ``workers`` threads (shapely releases the GIL)."""
    import dask
    import dask_geopandas
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    from bench_national import make_points

    from townsgis.dataset import assign_units, load_dataset, points_in_polygons
    from townsgis.project import Project

    ds = load_dataset(Project.open(project), layout_only=True)
    towns, units = ds.towns.geometry.values, ds.units
    work = Path(tempfile.mkdtemp(dir=national.DATA, prefix="dask-"))
    try:
        t, c = time.perf_counter(), _cpu()
        for k in range(0, n, part):
            pts = make_points(ds.towns, min(part, n - k), seed=7 + k // part)
            frame = gpd.GeoDataFrame(geometry=pts, crs=4326)
            frame.to_parquet(work / f"points-{k // part:05d}.parquet")
        write_wall, write_cpu = time.perf_counter() - t, _cpu() - c
        before = _rss_now_gb()

        def join(df: gpd.GeoDataFrame) -> pd.DataFrame:
            pt, _ = points_in_polygons(df.geometry.values, towns)
            return pd.DataFrame(
                {
                    "towns": np.bincount(pt, minlength=len(df)),
                    "unit_id": pd.Series(
                        assign_units(df.geometry, units), dtype="str", index=df.index
                    ),
                },
                index=df.index,
            )

        t, c = time.perf_counter(), _cpu()
        ddf = dask_geopandas.read_parquet(sorted(work.glob("points-*.parquet")))
        meta = pd.DataFrame({"towns": pd.Series(dtype="int64"), "unit_id": pd.Series(dtype="str")})
        out = ddf.map_partitions(join, meta=meta)
        with dask.config.set(scheduler="threads", num_workers=workers):
            out.to_parquet(work / "joined")
        join_wall, join_cpu = time.perf_counter() - t, _cpu() - c
        joined = pd.read_parquet(work / "joined", columns=["towns"])
        res = {
            "write_wall": write_wall,
            "write_cpu": write_cpu,
            "join_wall": join_wall,
            "join_cpu": join_cpu,
            "rss_before_gb": before,
            "partitions": ddf.npartitions,
            "pairs": int(joined["towns"].sum()),
        }
        print(json.dumps(res), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def dask_curve(sizes: list[int], project: Path, part: int, workers: int, max_gb: float) -> None:
    py = sys.executable
    for n in sizes:
        l0 = load()
        cmd = [py, __file__, "--child", "dask", str(project), str(n), str(part), str(workers)]
        r = run(cmd, max_gb)
        if "join_cpu" in r:
            print(
                f"dask {n:>11,} points in {r['partitions']} partitions of {part:,}, "
                f"{workers} threads: writing the points wall {r['write_wall']:.1f} s CPU "
                f"{r['write_cpu']:.1f} s; join wall {r['join_wall']:.1f} s CPU "
                f"{r['join_cpu']:.1f} s; peak {r['peak_gb']:.2f} GB (RSS before join "
                f"{r['rss_before_gb']:.2f} GB); {r['pairs']:,} (point, town) pairs; "
                f"load {l0} → {load()}",
                flush=True,
            )
        else:
            why = f"STOPPED at {r['stopped_gb']:.2f} GB" if r["stopped_gb"] else f"exit {r['exit']}"
            print(f"dask {n:>11,}: {why} after {r['wall']:.0f} s; load {l0} → {load()}")


def towns_curve(sizes: list[int], max_gb: float) -> None:
    py = sys.executable
    tg = str(Path(py).parent / "townsgis")
    for n in sizes:
        project = national.DATA / f"national-{n}"
        if not (project / "townsgis.toml").exists():
            print(f"generating {project} …", flush=True)
            national.write_project(project, towns=n, points=min(5 * n, 100_000))
        shutil.rmtree(project / ".cache", ignore_errors=True)
        for label, cmd in (
            ("check cold", [tg, "check", "--project", str(project)]),
            ("check warm", [tg, "check", "--project", str(project)]),
            ("run_rules ", [py, __file__, "--child", "rules", str(project)]),
        ):
            l0 = load()
            r = run(cmd, max_gb)
            line = (
                f"towns {n:>7,} {label}: wall {r['wall']:7.2f} s  CPU {r['cpu']:7.2f} s  "
                f"peak {r['peak_gb']:.2f} GB  load {l0} → {load()}"
            )
            if "rules_cpu" in r:
                line += (
                    f"  | run_rules alone: wall {r['rules_wall']:.2f} s CPU "
                    f"{r['rules_cpu']:.2f} s (RSS before {r['rss_before_gb']:.2f} GB, "
                    f"{r['findings']:,} findings)"
                )
            if r["stopped_gb"]:
                line += f"  STOPPED at {r['stopped_gb']:.2f} GB (limit {max_gb} GB)"
            elif r["exit"] not in (0, 1):
                line += f"  exit {r['exit']}"
            print(line, flush=True)


def kinds_curve(sizes: list[int], max_gb: float) -> None:
    """Each rule's CPU seconds and the RSS after it, per towns size (cache as left)."""
    py = sys.executable
    for n in sizes:
        project = national.DATA / f"national-{n}"
        l0 = load()
        r = run([py, __file__, "--child", "rules-by-kind", str(project)], max_gb)
        for line in r["lines"]:
            print(
                f"towns {n:>7,} {line['step']:<40} CPU {line['cpu']:7.2f} s  "
                f"RSS {line['rss_gb']:.2f} GB",
                flush=True,
            )
        end = f"STOPPED at {r['stopped_gb']:.2f} GB" if r["stopped_gb"] else f"exit {r['exit']}"
        print(
            f"towns {n:>7,} rules by kind: {end}; process CPU {r['cpu']:.1f} s, peak "
            f"{r['peak_gb']:.2f} GB; load {l0} → {load()}",
            flush=True,
        )


def points_curve(sizes: list[int], project: Path, max_gb: float) -> None:
    py = sys.executable
    for n in sizes:
        l0 = load()
        r = run([py, __file__, "--child", "join", str(project), str(n)], max_gb)
        if "towns_cpu" in r:
            print(
                f"points {n:>11,}: towns wall {r['towns_wall']:.2f} s CPU {r['towns_cpu']:.2f} s"
                f"; counties wall {r['units_wall']:.2f} s CPU {r['units_cpu']:.2f} s; "
                f"RSS before join {r['rss_before_gb']:.2f} GB, peak {r['peak_gb']:.2f} GB; "
                f"process CPU {r['cpu']:.1f} s; {r['pairs']:,} (point, town) pairs, "
                f"{r['in_a_unit']:,} in a county; load {l0} → {load()}",
                flush=True,
            )
        else:
            why = (
                f"STOPPED at {r['stopped_gb']:.2f} GB (limit {max_gb} GB)"
                if r["stopped_gb"]
                else f"exit {r['exit']}"
            )
            print(
                f"points {n:>11,}: {why} after {r['wall']:.0f} s wall, {r['cpu']:.0f} s CPU; "
                f"load {l0} → {load()}",
                flush=True,
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--towns", default="2000,20000,100000")
    ap.add_argument("--points", default="100000,1000000,10000000")
    ap.add_argument("--points-project", type=Path, default=national.DATA / "national-20000")
    ap.add_argument("--max-gb", type=float, default=7.5)
    ap.add_argument("--only", default="towns,points")
    ap.add_argument("--dask-points", default="3000000,10000000")
    ap.add_argument("--partition", type=int, default=1_000_000, help="points per partition")
    ap.add_argument("--workers", type=int, default=2, help="dask threads")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        kind, project, *rest = a.child
        if kind == "rules":
            child_rules(Path(project))
        elif kind == "rules-by-kind":
            child_rules_by_kind(Path(project))
        elif kind == "dask":
            child_dask(Path(project), *(int(x) for x in rest))
        else:
            child_join(Path(project), int(rest[0]))
        return
    print(f"load average {load()} on {os.cpu_count()} cores", flush=True)
    only = set(a.only.split(","))
    if "towns" in only:
        towns_curve([int(x) for x in a.towns.split(",")], a.max_gb)
    if "kinds" in only:
        kinds_curve([int(x) for x in a.towns.split(",")], a.max_gb)
    if "points" in only:
        points_curve([int(x) for x in a.points.split(",")], a.points_project, a.max_gb)
    if "dask" in only:
        sizes = [int(x) for x in a.dask_points.split(",")]
        dask_curve(sizes, a.points_project, a.partition, a.workers, a.max_gb)
    print(f"load average {load()} at the end", flush=True)


if __name__ == "__main__":
    main()
