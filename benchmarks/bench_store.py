"""Benchmark the project stores: the folder store (anchor) against PostGIS on the same data.
Not a test; prints medians and ratios measured in the same run.

    .venv/bin/python benchmarks/bench_store.py [--repeats 5]

A throwaway PostgreSQL + PostGIS cluster on a Unix socket (benchmarks/pg_server.py), or the
server of TOWNSGIS_TEST_PG_DSN when set.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def median_time(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def run(url: str, repeats: int) -> None:
    from townsgis.engine import load_inputs, run_rules
    from townsgis.project import Project, bundled_root
    from townsgis.store.copy import copy_project

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "p"
        t0 = time.perf_counter()
        copy_project(bundled_root(), folder)
        t_folder_copy = time.perf_counter() - t0
        t0 = time.perf_counter()
        copy_project(bundled_root(), url)
        t_pg_copy = time.perf_counter() - t0
        print(f"copy of the sample: folder {t_folder_copy:.3f} s, PostGIS {t_pg_copy:.3f} s")
        stores = {"folder": Project.open(folder), "PostGIS": Project.open(url)}
        rows = []
        for name, proj in stores.items():
            store = proj.store
            projects = store.read_layer("projects")
            one = store.read_layer("proposals").iloc[[0]].copy()
            counter = iter(range(10_000))

            def append(store=store, one=one, counter=counter):
                one["proposal_id"] = f"B-{next(counter)}"
                store.write_layer("proposals", one, "append")

            def check(proj=proj):
                ds, rs = load_inputs(proj)
                run_rules(ds, rs)

            rows.append(
                (
                    name,
                    median_time(
                        lambda s=store: [s.read_layer(k) for k in ("units", "towns", "projects")],
                        repeats,
                    ),
                    median_time(check, repeats),
                    median_time(lambda s=store, p=projects: s.write_layer("projects", p), repeats),
                    median_time(append, repeats),
                )
            )
    anchor = rows[0]
    print(f"medians of {repeats} runs (ratio to the folder store in the same run):")
    labels = ("read units+towns+projects", "load + check", "replace projects (209)", "append 1")
    for i, label in enumerate(labels, start=1):
        parts = [f"{r[0]} {r[i] * 1000:8.1f} ms ({r[i] / anchor[i]:.2f}x)" for r in rows]
        print(f"  {label:<26} " + "   ".join(parts))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    given = os.environ.get("TOWNSGIS_TEST_PG_DSN")
    if given:
        sep = "&" if "?" in given else "?"
        run(f"{given}{sep}schema={schema}", args.repeats)
        return
    import psycopg
    from pg_server import pg_server

    with pg_server() as conninfo:
        if conninfo is None:
            print("PostGIS: not measured (no server could be started)")
            return
        params = psycopg.conninfo.conninfo_to_dict(conninfo)
        url = f"postgresql://{params['user']}@/{params['dbname']}?host={params['host']}"
        run(f"{url}&schema={schema}", args.repeats)


if __name__ == "__main__":
    main()
