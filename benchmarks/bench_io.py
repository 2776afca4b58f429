"""Benchmark layer I/O and schema checks. Not a test; prints medians.

    /work/venv/bin/python benchmarks/bench_io.py [--repeats 5] [--points 100000]

- load_dataset on the bundled Huzhou project (read + validate all layers);
- read_layer of a GCJ-02 CSV of N synthetic points (decode, detect columns, exact inverse);
- validate_layer of N synthetic projects against the 14 bundled towns (types, enums, ids,
  region, point-in-own-town via a spatial join) — N projects placed inside the towns;
- a GBK Shapefile of N points without .cpg: encoding detection + read.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from townsgis.crs import wgs84_to_gcj02
from townsgis.dataset import load_dataset
from townsgis.layers import read_layer
from townsgis.project import Project
from townsgis.schema import validate_layer


def median_time(fn, repeats: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds (CPU time is steadier on a busy machine)."""
    wall, cpu = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--points", type=int, default=100_000)
    args = ap.parse_args()
    n, r = args.points, args.repeats
    project = Project.open(None)
    towns = read_layer(project.layer_path("towns"))
    rng = np.random.default_rng(42)
    pts = towns.sample_points(size=int(np.ceil(n / len(towns))), rng=rng).explode()
    pts = pts.iloc[:n].reset_index()
    tid = towns["town_id"].to_numpy()[pts["index"].to_numpy()]
    x, y = pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()
    frame = pd.DataFrame(
        {
            "project_id": [f"P{i:06d}" for i in range(len(pts))],
            "town_id": tid,
            "name_zh": [f"示例项目{i}" for i in range(len(pts))],
            "stage": rng.choice(["reserve", "approval", "construction", "operation"], len(pts)),
            "total_investment": rng.uniform(0.5, 20, len(pts)).round(2),
        }
    )
    projects = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(x, y), crs="EPSG:4326")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        gx, gy = wgs84_to_gcj02(x, y)
        csv = tmp / "amap.csv"
        frame.assign(lng=gx, lat=gy).to_csv(csv, index=False)
        shp = tmp / "p.shp"
        projects[["project_id", "name_zh", "geometry"]].to_file(shp, encoding="GBK")
        shp.with_suffix(".cpg").unlink()

        rows = [
            ("load_dataset(bundled Huzhou)", lambda: load_dataset(project)),
            (f"read_layer(GCJ-02 CSV, {n:,} pts)", lambda: read_layer(csv, crs="gcj02")),
            (
                f"validate_layer(projects, {n:,} pts, 14 towns)",
                lambda: validate_layer(
                    projects, "projects", source="x", project=project, towns=towns
                ),
            ),
            (f"read_layer(GBK Shapefile no .cpg, {n:,} pts)", lambda: read_layer(shp)),
        ]
        for name, fn in rows:
            wall, cpu = median_time(fn, r)
            print(f"{name:<48} wall {wall * 1e3:8.1f} ms  cpu {cpu * 1e3:8.1f} ms  ({r} runs)")


if __name__ == "__main__":
    main()
