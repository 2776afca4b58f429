"""Load benchmark of the workbench (`townsgis serve`). Not a test; prints figures.

    python benchmarks/bench_serve.py [--clients 8] [--requests 400] [--points 50]

Starts `townsgis serve` (bundled Huzhou sample) as a subprocess on a free localhost port,
then:
- single client: the median latency of one `GET /api/site` (the issue's < 300 ms budget);
- load: ``--clients`` threads send ``--requests`` site requests in all (points spread over
  the city's units, categories and levels varied); throughput, p50 and p95 latency;
- anchor: the same verdict computed in-process by the library (``evaluate_sites``), median,
  measured in the same run, so the HTTP figures read as ratios to it;
- correctness: every answer's ``sites`` equals the CLI's ``townsgis site --format json``
  for the same point (the CLI run in-process once per distinct point).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import numpy as np

CATS = ("manufacturing", "tourism", "services")
LEVELS = ("provincial_creation", "provincial_cultivation", "municipal")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def points(n: int) -> list[dict]:
    """``n`` site requests at points inside the city's units (deterministic)."""
    from townsgis.engine import load_inputs
    from townsgis.project import Project

    ds, _ = load_inputs(Project.open(None), None, layout_only=True)
    units = ds.units.to_crs(ds.metric_crs)
    rng = np.random.default_rng(7)
    out = []
    while len(out) < n:
        u = units.geometry.iloc[len(out) % len(units)]
        x0, y0, x1, y1 = u.bounds
        x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        import shapely

        p = shapely.Point(x, y)
        if not u.buffer(-1500).contains(p):
            continue
        import geopandas as gpd

        ll = gpd.GeoSeries([p], crs=ds.metric_crs).to_crs(4326).iloc[0]
        k = len(out)
        out.append(
            {
                "lon": round(ll.x, 6),
                "lat": round(ll.y, 6),
                "category": CATS[k % 3],
                "level": LEVELS[(k // 3) % 3],
            }
        )
    return out


def cli_json(p: dict) -> dict:
    """`townsgis site --format json` for ``p``, run in-process."""
    from townsgis.cli import main

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.suppress(SystemExit):
        main(["site", "--lon", str(p["lon"]), "--lat", str(p["lat"]), "--category",
              p["category"], "--level", p["level"], "--format", "json"])  # fmt: skip
    return json.loads(buf.getvalue())


def get(base: str, p: dict) -> tuple[float, dict]:
    url = f"{base}/api/site?{urllib.parse.urlencode(p)}"
    t = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as r:
        body = json.loads(r.read())
    return time.perf_counter() - t, body


def anchor_ms(sample: list[dict], repeats: int) -> float:
    """Median in-process library time of one verdict (inputs loaded once)."""
    from townsgis.engine import load_inputs
    from townsgis.project import Project
    from townsgis.siting import evaluate_sites, sites_from_point

    ds, rs = load_inputs(Project.open(None), None, layout_only=True)
    times = []
    for i in range(repeats):
        p = sample[i % len(sample)]
        t = time.perf_counter()
        s = sites_from_point(ds, p["lon"], p["lat"], category=p["category"], level=p["level"])
        evaluate_sites(ds, rs, s)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--points", type=int, default=50)
    ap.add_argument("--single", type=int, default=30)
    args = ap.parse_args()

    sample = points(args.points)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "TOWNSGIS_TOKEN": ""}
    srv = subprocess.Popen(
        [sys.executable, "-m", "townsgis", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/capacity", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or srv.poll() is not None:
                    raise SystemExit("server did not start") from None
                time.sleep(0.2)
        get(base, sample[0])  # warm the input cache

        single = [get(base, sample[i % len(sample)])[0] for i in range(args.single)]
        anchor = anchor_ms(sample, args.single)

        jobs = [sample[i % len(sample)] for i in range(args.requests)]
        results: list[tuple[int, float, dict] | None] = [None] * len(jobs)
        lock = threading.Lock()
        nxt = [0]

        def worker():
            while True:
                with lock:
                    i = nxt[0]
                    nxt[0] += 1
                if i >= len(jobs):
                    return
                dt, body = get(base, jobs[i])
                results[i] = (i, dt, body)

        t0 = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
    finally:
        srv.terminate()
        srv.wait(timeout=30)

    lat = np.array([r[1] for r in results]) * 1000
    expected = {i: cli_json(p)["sites"] for i, p in enumerate(sample)}
    mismatches = sum(1 for i, _, body in results if body["sites"] != expected[i % len(sample)])
    verdicts = [body["sites"][0]["verdict"] for _, _, body in results]
    print(f"points: {len(sample)} distinct, {verdicts.count('fail')} of {len(verdicts)} fail")
    print(
        f"single client: median {statistics.median(single) * 1000:.0f} ms "
        f"(p95 {np.percentile(np.array(single) * 1000, 95):.0f} ms) over {len(single)} requests"
    )
    print(f"anchor (library in-process, same points): median {anchor:.0f} ms")
    print(
        f"load: {args.clients} clients, {len(results)} requests in {wall:.1f} s = "
        f"{len(results) / wall:.1f} req/s; p50 {np.percentile(lat, 50):.0f} ms, "
        f"p95 {np.percentile(lat, 95):.0f} ms (p50/anchor {np.percentile(lat, 50) / anchor:.1f}×)"
    )
    print(f"verdicts equal to the CLI's: {len(results) - mismatches}/{len(results)}")
    if mismatches:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
