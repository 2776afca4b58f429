"""Benchmark townsgis at national scale, with PostGIS side by side. Not a test; prints medians.

    python benchmarks/bench_national.py [--project DIR] [--repeats 3] [--points 1000000]
                                        [--only check,join,postgis] [--no-postgis]

The project is made by ``benchmarks/national.py`` (2,875 real county units, synthetic towns;
default ``.bench-data/national-20000``, built when missing). Sections:

- ``startup``: a cold `townsgis site` (one point, bundled Huzhou project) against
  `python -c "import geopandas"` (the anchor), interleaved run by run; also the anchor with
  its objects frozen at exit as townsgis does (no last garbage collection): like for like.
- ``check``: `townsgis check` as a process, cold (the project's .cache/ removed first) and warm
  (nothing changed since the last run), with the project's rule set and without the rules of
  ``--without`` kinds (default: concentration, whose Monte Carlo dominates a cold run),
  against the anchor measured in the same run; wall, CPU seconds and the child's peak RSS.
- ``join``: N points (inside random towns, plus 5% anywhere in China's box) assigned to towns
  and to counties: today's way (the spatial index on the polygons, queried point by point;
  ``gpd.sjoin`` for counties) against ``dataset.points_in_polygons`` (the index on the points,
  queried with prepared polygons); the results must be identical.
- ``feasible``: `feasible --unit` in process and as a process on the national project;
- ``sites``: `site --file` with N proposals (CSV) on the bundled Huzhou layout and on the
  national project (``--sites-huzhou-only``: Huzhou alone), as a process;
- ``postgis``: the same points join and the spatial rules (unit caps, overlaps, gaps,
  spacing, within-unit, Clark–Evans R) in a throwaway PostGIS cluster with GiST indexes, on
  the same coordinates (the library's metric frames); counts must agree. Says plainly when no
  server can be started.

Medians of ``--repeats`` runs; ``uptime`` load is printed first (the machine may be shared).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import national  # noqa: E402

from townsgis.webmap.synthetic import points_in_towns  # noqa: E402


def load() -> str:
    return Path("/proc/loadavg").read_text().split(" ")[0:3].__str__()


def run_process(cmd: list[str], env=None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process; its CPU seconds (user + sys, a
    steadier figure on a shared machine) go to ``CPU``."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    CPU.append(usage.ru_utime + usage.ru_stime)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {p.returncode}")
    return wall, usage.ru_maxrss / 1024


def median(xs) -> float:
    return statistics.median(xs)


def anchor_runs(repeats: int) -> list[tuple[float, float, float]]:
    """``python -c "import geopandas"``: the anchor every process figure is compared with."""
    return [
        (*run_process([sys.executable, "-c", "import geopandas"]), CPU[-1]) for _ in range(repeats)
    ]


def report_rows(rows: list[tuple[str, list]], anchor: list) -> None:
    """Median wall and CPU seconds, peak RSS (largest run) and ratios to the anchor."""
    a, ac = median(r[0] for r in anchor), median(r[2] for r in anchor)
    for name, runs in rows:
        w, m, c = median(r[0] for r in runs), max(r[1] for r in runs), median(r[2] for r in runs)
        print(
            f"{name:<44} wall {w:7.2f} s ({w / a:5.1f}x anchor)  CPU {c:7.2f} s "
            f"({c / ac:5.2f}x anchor)  {m:5.0f} MB  [{len(runs)} runs]",
            flush=True,
        )


def without_kinds(project: Path, kinds: set[str]) -> str:
    """Write the project's default rule set minus rules of ``kinds`` as rules/<id>-without.toml
    (the figure of the rest of `check`); returns its id."""
    import tomllib

    import tomli_w

    from townsgis.project import Project

    proj = Project.open(project)
    src = tomllib.loads(proj.ruleset_path().read_text(encoding="utf-8"))
    src["rule"] = [r for r in src["rule"] if r["kind"] not in kinds]
    name = f"{src['ruleset']['id']}-without"
    src["ruleset"]["id"] = name
    (project / "rules" / f"{name}.toml").write_text(tomli_w.dumps(src), encoding="utf-8")
    return name


def section_startup(repeats: int) -> None:
    """Cold `townsgis site` (one point, bundled Huzhou project) against the anchor."""
    tg = str(Path(sys.executable).parent / "townsgis")
    site = [tg, "site", "--lon", "120.35", "--lat", "30.75", "--category", "manufacturing"]
    site += ["--level", "municipal"]
    # townsgis freezes its objects at exit (no last garbage collection over the GIS stack):
    # the anchor done the same way shows what the rest of `site` costs, like for like
    frozen = [
        sys.executable,
        "-c",
        "import atexit, gc; atexit.register(gc.freeze); import geopandas",
    ]
    anchor, like, one = [], [], []
    for _ in range(repeats):  # interleaved: all see the same load
        anchor += anchor_runs(1)
        like.append((*run_process(frozen), CPU[-1]))
        one.append((*run_process(site), CPU[-1]))
    report_rows(
        [
            ("import geopandas (anchor)", anchor),
            ("import geopandas, frozen at exit", like),
            ("townsgis site, one point (Huzhou)", one),
        ],
        anchor,
    )
    w, c = (median(r[k] for r in one) / median(r[k] for r in like) for k in (0, 2))
    print(f"site against the frozen anchor: wall {w:.2f}x, CPU {c:.2f}x", flush=True)


def section_check(project: Path, repeats: int, without: set[str], cold: bool = True) -> None:
    """`townsgis check` cold (no .cache/) and warm (nothing changed), with the project's rule
    set and without the rules of kinds ``without`` (e.g. the concentration Monte Carlo);
    ``cold=False`` measures warm runs only, on the project's cache as it is."""
    tg = str(Path(sys.executable).parent / "townsgis")
    variants = [(None, "")]
    if without:
        variants.append((without_kinds(project, without), f" without {','.join(sorted(without))}"))
    anchor, rows = [], []
    for ruleset, label in variants:
        cmd = [tg, "check", "--project", str(project)]
        cmd += ["--ruleset", ruleset] if ruleset else []
        colds, warm = [], []
        if not cold:
            run_process(cmd)  # fills what the cache lacks; not counted
        for _ in range(repeats):
            anchor += anchor_runs(1)
            if cold:
                shutil.rmtree(project / ".cache", ignore_errors=True)
                colds.append((*run_process(cmd), CPU[-1]))
            warm.append((*run_process(cmd), CPU[-1]))
        if cold:
            rows.append((f"check{label}, cold (no .cache)", colds))
        rows.append((f"check{label}, warm", warm))
    report_rows([("import geopandas (anchor)", anchor), *rows], anchor)


def make_points(towns: gpd.GeoDataFrame, n: int, seed: int = 7) -> np.ndarray:
    """``n`` WGS84 points: 95% inside random towns, 5% anywhere in the towns' box."""
    k = int(n * 0.95)
    x, y, _ = points_in_towns(towns, k, seed=seed)
    rng = np.random.default_rng(seed)
    b = towns.total_bounds
    rx = rng.uniform(b[0], b[2], n - k)
    ry = rng.uniform(b[1], b[3], n - k)
    return shapely.points(np.r_[x, rx], np.r_[y, ry])


def old_points_in_towns(pts, towns) -> tuple[np.ndarray, np.ndarray]:
    """Today's join: the index on the towns, queried with each point (unprepared)."""
    i, j = shapely.STRtree(towns).query(pts, predicate="intersects")
    order = np.lexsort((j, i))
    return i[order], j[order]


def old_assign_units(points_wgs84: gpd.GeoSeries, units: gpd.GeoDataFrame) -> list:
    """``dataset.assign_units`` before this benchmark: gpd.sjoin of points on units."""
    pts = gpd.GeoDataFrame(geometry=points_wgs84.reset_index(drop=True), crs=points_wgs84.crs)
    u = units[["unit_id", "kind", "geometry"]].reset_index(drop=True).to_crs(pts.crs)
    joined = gpd.sjoin(pts, u, how="left", predicate="intersects")
    joined["_rank"] = (joined["kind"] != "functional_zone").astype(int)
    joined = joined.sort_values(["_rank", "index_right"], kind="stable")
    first = joined[~joined.index.duplicated(keep="first")].sort_index()
    return [None if isinstance(v, float) else v for v in first["unit_id"].tolist()]


def timed(fn, repeats: int):
    """(result, median wall seconds); the median CPU seconds go to ``CPU[-1]``."""
    out, times, cpu = None, [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    CPU.append(median(cpu))
    return out, median(times)


CPU: list[float] = []


def section_join(project: Path, n: int, repeats: int, old: bool = True) -> None:
    from townsgis.dataset import assign_units, load_dataset, points_in_polygons
    from townsgis.project import Project

    ds = load_dataset(Project.open(project), layout_only=True)
    pts = make_points(ds.towns, n)
    series = gpd.GeoSeries(pts, crs=4326)
    tg = ds.towns.geometry.values
    new_t, t_new_t = timed(lambda: points_in_polygons(pts, tg), repeats)
    new_u, t_new_u = timed(lambda: assign_units(series, ds.units), repeats)
    c_new = CPU[-2] + CPU[-1]
    print(
        f"join {n:,} points: towns {t_new_t:.2f} s, counties {t_new_u:.2f} s "
        f"(CPU {c_new:.2f} s) points_in_polygons"
    )
    if old:
        old_t, t_old_t = timed(lambda: old_points_in_towns(pts, tg), 1)
        old_u, t_old_u = timed(lambda: old_assign_units(series, ds.units), 1)
        assert all(np.array_equal(a, b) for a, b in zip(old_t, new_t, strict=True)), "towns"
        assert old_u == new_u, "counties differ"
        c_old = CPU[-2] + CPU[-1]
        print(
            f"join {n:,} points: towns {t_old_t:.2f} s, counties {t_old_u:.2f} s "
            f"(CPU {c_old:.2f} s) today's; identical; ratio wall "
            f"{(t_old_t + t_old_u) / (t_new_t + t_new_u):.1f}x, CPU {c_old / c_new:.1f}x"
        )
    return new_t, new_u, t_new_t + t_new_u, pts, ds


def section_postgis(project: Path, n: int, repeats: int) -> None:
    from pg_server import pg_server

    with pg_server() as conninfo:
        if conninfo is None:
            print("PostGIS: not measured (no server could be started on this machine)")
            return
        _postgis(conninfo, project, n, repeats)


def _copy(conn, table: str, cols: list[str], rows) -> None:
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
        for r in rows:
            cp.write_row(r)


def _postgis(conninfo: str, project: Path, n: int, repeats: int) -> None:
    import psycopg

    from townsgis.checks.clustering import clark_evans_r
    from townsgis.engine import build_context, load_inputs, run_rules
    from townsgis.project import Project

    proj = Project.open(project)
    ds, rs = load_inputs(proj)
    ctx = build_context(ds, rs)
    t0 = time.perf_counter()
    res = run_rules(ds, rs)
    t_lib = time.perf_counter() - t0
    counts = {}
    for f in res.findings:
        counts[f.rule] = counts.get(f.rule, 0) + 1
    cent = shapely.centroid(ctx.towns.geometry.values)
    r_lib = clark_evans_r(shapely.get_coordinates(cent), float(ctx.city.area))
    new_t, new_u, t_join, pts, _ = section_join(project, n, repeats, old=False)

    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("CREATE TABLE units (i int, unit_id text, kind text, g geometry)")
        conn.execute("CREATE TABLE unitsw (i int, unit_id text, g geometry)")
        conn.execute("CREATE TABLE towns (i int, unit_id text, level text, g geometry)")
        conn.execute("CREATE TABLE townsw (i int, g geometry)")
        conn.execute("CREATE TABLE pts (i int, g geometry)")
        conn.execute("CREATE TABLE city (g geometry)")
        um, tm = ctx.units, ctx.towns
        _copy(
            conn,
            "units",
            ["i", "unit_id", "kind", "g"],
            zip(
                range(len(um)),
                um["unit_id"],
                um["kind"],
                shapely.to_wkb(um.geometry.values, hex=True),
                strict=True,
            ),
        )
        _copy(
            conn,
            "unitsw",
            ["i", "unit_id", "g"],
            zip(
                range(len(ds.units)),
                ds.units["unit_id"],
                shapely.to_wkb(ds.units.geometry.values, hex=True),
                strict=True,
            ),
        )
        _copy(
            conn,
            "towns",
            ["i", "unit_id", "level", "g"],
            zip(
                range(len(tm)),
                tm["unit_id"],
                tm["level"],
                shapely.to_wkb(tm.geometry.values, hex=True),
                strict=True,
            ),
        )
        _copy(
            conn,
            "townsw",
            ["i", "g"],
            enumerate(shapely.to_wkb(ds.towns.geometry.values, hex=True)),
        )
        _copy(conn, "pts", ["i", "g"], enumerate(shapely.to_wkb(pts, hex=True)))
        _copy(conn, "city", ["g"], [(shapely.to_wkb(ctx.city, hex=True),)])
        for t in ("units", "unitsw", "towns", "townsw", "pts"):
            conn.execute(f"CREATE INDEX ON {t} USING gist (g)")
            conn.execute(f"ANALYZE {t}")

        unit_cap = [r for r in rs.rules if r.kind == "unit-cap"]
        cap = unit_cap[0] if unit_cap else None
        queries = {
            "unit caps": (
                "SELECT count(*) FROM (SELECT u.unit_id FROM units u JOIN towns t "
                "ON t.unit_id = u.unit_id WHERE t.level = ANY(%(levels)s) "
                "AND u.kind = ANY(%(kinds)s) GROUP BY u.unit_id HAVING count(*) > %(max)s) x",
                {
                    "levels": list(cap.params.get("levels") or []) if cap else [],
                    "kinds": list(cap.params.get("unit_kinds") or []) if cap else [],
                    "max": cap.params.get("max", 0) if cap else 0,
                },
            ),
            "overlaps": (
                "SELECT count(*) FROM towns a JOIN towns b "
                "ON a.i < b.i AND ST_Intersects(a.g, b.g) "
                "WHERE ST_Area(ST_Intersection(a.g, b.g)) > 1.0 * (1 + 1e-9)",
                {},
            ),
            "gaps": (
                "SELECT count(*) FROM towns a JOIN towns b ON a.i < b.i "
                "AND ST_DWithin(a.g, b.g, 1000) WHERE ST_Distance(a.g, b.g) < 1000 - 1e-3 "
                "AND NOT (ST_Intersects(a.g, b.g) "
                "AND ST_Area(ST_Intersection(a.g, b.g)) > 1.0 * (1 + 1e-9))",
                {},
            ),
            "spacing": (
                "WITH c AS (SELECT i, ST_Centroid(g) g FROM towns) "
                "SELECT count(*) FROM c a JOIN c b ON a.i < b.i AND ST_DWithin(a.g, b.g, 5000) "
                "WHERE ST_Distance(a.g, b.g) < 5000 - 1e-3",
                {},
            ),
            "within-unit": (
                "SELECT count(*) FROM towns t JOIN units u ON u.unit_id = t.unit_id "
                "WHERE NOT ST_Contains(u.g, t.g) AND "
                "ST_Area(ST_Intersection(u.g, t.g)) / ST_Area(t.g) < 0.95 - 1e-9",
                {},
            ),
            "R": (
                "WITH c AS (SELECT i, ST_Centroid(g) g FROM towns) "
                "SELECT avg(d) / (0.5 / sqrt(count(*) / (SELECT ST_Area(g) FROM city))) "
                "FROM (SELECT (SELECT ST_Distance(a.g, b.g) FROM c b WHERE b.i <> a.i "
                "ORDER BY a.g <-> b.g LIMIT 1) d FROM c a) x",
                {},
            ),
        }
        pg, t_pg = {}, 0.0
        for name, (sql, params) in queries.items():
            times = []
            for _ in range(repeats):
                t = time.perf_counter()
                pg[name] = conn.execute(sql, params).fetchone()[0]
                times.append(time.perf_counter() - t)
            t_pg += median(times)
        ids = {r.kind: r.id for r in rs.rules}
        lib = {
            "unit caps": sum(counts.get(r.id, 0) for r in unit_cap[:1]),
            "overlaps": counts.get(ids.get("no-overlap"), 0),
            "gaps": counts.get(ids.get("min-gap"), 0),
            "spacing": counts.get(ids.get("min-spacing"), 0),
            "within-unit": counts.get(ids.get("within-unit"), 0),
            "R": r_lib,
        }
        for k in lib:
            same = abs(float(lib[k]) - float(pg[k])) < 1e-9 * max(1.0, abs(float(lib[k])))
            verdict = "same" if same else "DIFFERENT"
            print(f"  {k:<12} library {lib[k]!s:<22} PostGIS {pg[k]!s:<22} {verdict}")
        print(
            f"rules: library run_rules {t_lib:.2f} s (all rules of {rs.id}), PostGIS "
            f"{t_pg:.2f} s (the six queries above); ratio {t_pg / t_lib:.1f}x"
        )

        join_sql = (
            "SELECT count(*), count(DISTINCT p.i) FROM pts p JOIN {t} x ON ST_Intersects(x.g, p.g)"
        )
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            jt = conn.execute(join_sql.format(t="townsw")).fetchone()
            ju = conn.execute(join_sql.format(t="unitsw")).fetchone()
            times.append(time.perf_counter() - t)
        t_pgj = median(times)
        lib_u = sum(v is not None for v in new_u)
        print(
            f"  join pairs: towns library {len(new_t[0]):,} PostGIS {jt[0]:,}; points in a "
            f"county library {lib_u:,} PostGIS {ju[1]:,}"
        )
        print(
            f"points join ({n:,}): library {t_join:.2f} s, PostGIS {t_pgj:.2f} s; "
            f"ratio {t_pgj / t_join:.1f}x"
        )


def huzhou_proposals(n: int, path: Path, seed: int = 2018) -> Path:
    """A CSV of ``n`` point proposals (WGS84) at random inside the bundled Huzhou city, with
    random categories and levels: what a planner's `site --file` gets."""
    from townsgis.dataset import load_dataset
    from townsgis.project import Project

    ds = load_dataset(Project.open(None), layout_only=True)
    city = ds.city.iloc[0]
    rng = np.random.default_rng(seed)
    b = city.bounds
    xs, ys = [], []
    while sum(len(x) for x in xs) < n:
        x, y = rng.uniform(b[0], b[2], 2 * n), rng.uniform(b[1], b[3], 2 * n)
        ok = shapely.contains_xy(city, x, y)
        xs.append(x[ok])
        ys.append(y[ok])
    import pandas as pd

    pd.DataFrame(
        {
            "name": [f"拟选址{i}" for i in range(n)],
            "category": rng.choice(["manufacturing", "tourism", "services"], n),
            "level": rng.choice(["provincial_creation", "provincial_cultivation", "municipal"], n),
            "area_km2": 3.0,
            "lon": np.concatenate(xs)[:n].round(6),
            "lat": np.concatenate(ys)[:n].round(6),
        }
    ).to_csv(path, index=False)
    return path


def section_sites(sizes: list[int], repeats: int, project: Path | None = None) -> None:
    """`townsgis site --file` as a process, N proposals judged alone: on the bundled Huzhou
    layout (JSON), and with ``project`` on that project too (text: a clustering finding of a
    national layout names all its towns; proposals at random in its city, as
    bench_site_file.py makes them)."""
    import tempfile

    from bench_site_file import proposals
    from bench_site_file import run_process as measured

    tg = str(Path(sys.executable).parent / "townsgis")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            csv = huzhou_proposals(n, Path(tmp) / f"p{n}.csv")
            runs = [
                (*run_process([tg, "site", "--file", str(csv), "--format", "json"]), CPU[-1])
                for _ in range(repeats)
            ]
            w, m = median(r[0] for r in runs), max(r[1] for r in runs)
            c = median(r[2] for r in runs)
            print(
                f"site --file, {n:>7,} proposals (Huzhou): wall {w:7.2f} s  CPU {c:7.2f} s  "
                f"{m:6.0f} MB"
            )
        if project is None:
            return
        from townsgis.dataset import load_dataset
        from townsgis.project import Project

        ds = load_dataset(Project.open(project), layout_only=True)
        for n in sizes:
            csv = proposals(ds, n, Path(tmp) / f"n{n}.csv")
            cmd = [tg, "site", "--file", str(csv), "--project", str(project)]
            runs = [measured(cmd) for _ in range(repeats)]  # peak RSS of the child alone
            w, c = median(r[0] for r in runs), median(r[1] for r in runs)
            m = max(r[2] for r in runs)
            print(
                f"site --file, {n:>7,} proposals (national, text): wall {w:7.2f} s  "
                f"CPU {c:7.2f} s  {m:6.0f} MB  [load {load()}]"
            )


def section_feasible(project: Path, unit: str, repeats: int) -> None:
    """`feasible --unit` on the national project: in process (data loaded; the first call
    also reads the metric units from the cache) and as a process, against the anchor."""
    from townsgis.engine import load_inputs
    from townsgis.project import Project
    from townsgis.siting import feasible_area

    # processes first: a child's peak RSS includes the parent's pages at fork time
    tg = str(Path(sys.executable).parent / "townsgis")
    anchor, runs = [], []
    with __import__("tempfile").TemporaryDirectory() as tmp:
        cmd = [tg, "feasible", "--category", "manufacturing", "--unit", unit]
        cmd += ["--project", str(project), "-o", f"{tmp}/f.geojson"]
        for _ in range(repeats):
            anchor += anchor_runs(1)
            runs.append((*run_process(cmd), CPU[-1]))
    report_rows(
        [("import geopandas (anchor)", anchor), (f"townsgis feasible --unit {unit}", runs)], anchor
    )
    ds, rs = load_inputs(Project.open(project), layout_only=True)

    def run():
        return feasible_area(ds, rs, category="manufacturing", unit=unit)

    t, c = time.perf_counter(), time.process_time()
    res = run()
    first = (time.perf_counter() - t, time.process_time() - c)
    res, t = timed(run, repeats)
    print(
        f"feasible --unit {unit}: in process {t:.2f} s wall, CPU {CPU[-1]:.2f} s "
        f"(median of {repeats}; first call {first[0]:.2f} s wall, CPU {first[1]:.2f} s), "
        f"{res.area_km2:.3f} km²",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--project", type=Path, default=national.DATA / "national-20000")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--only", default="startup,check,join,postgis,feasible,sites")
    ap.add_argument(
        "--without",
        default="concentration",
        help="rule kinds left out of the second `check` figure (comma-separated; '' for none)",
    )
    ap.add_argument("--sites", default="10000,100000", help="proposal counts for `sites`")
    ap.add_argument(
        "--sites-huzhou-only", action="store_true", help="sites: not on --project as well"
    )
    ap.add_argument("--unit", default="330503", help="the unit of `feasible`")
    ap.add_argument("--no-postgis", action="store_true")
    ap.add_argument("--warm-only", action="store_true", help="check: warm runs only")
    ap.add_argument(
        "--old-max", type=int, default=1_000_000, help="compare with today's join up to N points"
    )
    a = ap.parse_args()
    if not (a.project / "townsgis.toml").exists():
        national.write_project(a.project, towns=20_000, points=100_000)
    only = set(a.only.split(","))
    print(f"load average {load()} on {os.cpu_count()} cores; project {a.project}")
    if "startup" in only:
        section_startup(a.repeats)
    if "check" in only:
        section_check(
            a.project, a.repeats, {k for k in a.without.split(",") if k}, cold=not a.warm_only
        )
    if "join" in only:
        section_join(a.project, a.points, a.repeats, old=a.points <= a.old_max)
    if "postgis" in only and not a.no_postgis:
        section_postgis(a.project, a.points, a.repeats)
    if "feasible" in only:
        section_feasible(a.project, a.unit, a.repeats)
    if "sites" in only:
        section_sites(
            [int(x) for x in a.sites.split(",")],
            max(1, a.repeats // 2),
            None if a.sites_huzhou_only else a.project,
        )
    print(f"load average {load()} at the end")


if __name__ == "__main__":
    main()
