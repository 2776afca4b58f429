"""Clustering of town centroids (§3.1.2b): the Clark–Evans nearest-neighbour ratio R.

R = mean nearest-neighbour distance / (0.5 / sqrt(n / A)), with A the area (m²) of the study
window (the city polygon). R < 1 means clustered, R ≈ 1 random (CSR), a hexagonal lattice gives
R = 2.149 — in an unbounded plane. In a real window edge effects push R above 1 under random
placement (about 1.16 for 14 towns in Huzhou), so the rule compares R with its expectation in
the window: the mean R of the ``sims`` CSR patterns (Monte Carlo), or Donnelly's (1978)
edge-corrected mean above ``mc_max_n`` towns. The reported ratio R / E[R] is ≈ 1 for random
placement, < 1 when clustered. Significance is the seeded Monte Carlo test: p = (1 +
#{R_sim <= R_obs}) / (sims + 1); above ``mc_max_n`` points (default 200: the simulation costs
sims × n² distances) the normal approximation with Donnelly's edge correction, and the finding
says so. Nearest-neighbour distances cannot see concentration when a spacing rule keeps
towns apart: the ``concentration`` kind (Ripley's L) covers that.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator

import numpy as np
import shapely

from townsgis.checks.common import make_finding
from townsgis.checks.registry import Param, RuleContext, rule_kind
from townsgis.findings import Finding


def mean_nn_distance(xy: np.ndarray) -> float:
    """Mean nearest-neighbour distance of points ``xy`` (n×2, metres)."""
    return float(nn_distances(xy[None, :, :])[0])


def nn_distances(batch: np.ndarray) -> np.ndarray:
    """Mean nearest-neighbour distance of each pattern in ``batch`` (s×n×2)."""
    s, n, _ = batch.shape
    if n <= 400:
        out = np.empty(s)
        step = max(1, int(2e6 // (n * n)))
        idx = np.arange(n)
        for a in range(0, s, step):
            x, y = batch[a : a + step, :, 0], batch[a : a + step, :, 1]
            d2 = (x[:, :, None] - x[:, None, :]) ** 2 + (y[:, :, None] - y[:, None, :]) ** 2
            d2[:, idx, idx] = np.inf
            out[a : a + step] = np.sqrt(d2.min(axis=2)).mean(axis=1)
        return out
    out = np.empty(s)
    for k in range(s):  # large n: one STRtree nearest query per pattern
        pts = shapely.points(batch[k])
        tree = shapely.STRtree(pts)
        _, dist = tree.query_nearest(pts, exclusive=True, return_distance=True, all_matches=False)
        out[k] = dist.mean()
    return out


def clark_evans_r(xy: np.ndarray, area_m2: float) -> float:
    """Clark–Evans R of points ``xy`` (n×2, metres) in a window of ``area_m2`` m²."""
    n = len(xy)
    expected = 0.5 / math.sqrt(n / area_m2)
    return mean_nn_distance(xy) / expected


def donnelly_mean(n: int, area: float, perimeter: float) -> float:
    """Donnelly's (1978) edge-corrected mean nearest-neighbour distance (m) of n random points
    in a window of ``area`` m² and ``perimeter`` m."""
    return 0.5 * math.sqrt(area / n) + (0.0514 + 0.041 / math.sqrt(n)) * perimeter / n


def donnelly_p(mean_nn: float, n: int, area: float, perimeter: float) -> float:
    """One-sided (clustering) p-value of a mean NN distance under CSR, normal approximation
    with Donnelly's (1978) edge correction for a window of ``area`` m² and ``perimeter`` m."""
    e = 0.5 * math.sqrt(area / n) + (0.0514 + 0.041 / math.sqrt(n)) * perimeter / n
    var = 0.0703 * area / n**2 + 0.037 * perimeter * math.sqrt(area / n**5)
    z = (mean_nn - e) / math.sqrt(var)
    return 0.5 * math.erfc(-z / math.sqrt(2))


#: Candidates drawn in all before :func:`csr_batches` sorts the window's cells first.
GRID_MIN_CANDIDATES = 500_000


def inside_grid(window, cells: int = 2048):
    """A test equal to ``shapely.contains_xy(window, x, y)`` that touches the polygon only
    for points in cells near its boundary: the window's box cut into ``cells`` × ``cells``;
    a cell that no boundary segment's box (widened by 1e-6 of a cell) reaches lies wholly
    inside or wholly outside. Such cells next to each other in a row share a side (no
    boundary runs between them), so only the first cell of each run is tested, at its
    centre. Returns ``f(x, y) -> bool array``."""
    minx, miny, maxx, maxy = window.bounds
    w, h = (maxx - minx) / cells or 1.0, (maxy - miny) / cells or 1.0
    pad = 1e-6 * max(w, h)
    near = np.zeros((cells, cells), dtype=bool)
    for ring in shapely.get_parts(shapely.get_rings(shapely.get_parts(window))):
        xy = shapely.get_coordinates(ring)
        a, b = xy[:-1], xy[1:]
        lo = np.floor((np.minimum(a, b) - pad - (minx, miny)) / (w, h)).astype(np.int64)
        hi = np.floor((np.maximum(a, b) + pad - (minx, miny)) / (w, h)).astype(np.int64)
        lo, hi = np.clip(lo, 0, cells - 1), np.clip(hi, 0, cells - 1)
        span = hi - lo + 1
        seg = np.repeat(np.arange(len(lo)), span[:, 0] * span[:, 1])
        k = np.arange(len(seg)) - np.repeat(
            np.cumsum(span[:, 0] * span[:, 1]) - span[:, 0] * span[:, 1], span[:, 0] * span[:, 1]
        )
        near[lo[seg, 0] + k // span[seg, 1], lo[seg, 1] + k % span[seg, 1]] = True
    free = ~near
    first = free.copy()
    first[:, 1:] &= near[:, :-1]  # a run of free cells starts here (row-wise, along y)
    run = np.cumsum(first.ravel()) - 1
    ii, jj = np.nonzero(first)
    run_inside = shapely.contains_xy(window, minx + (ii + 0.5) * w, miny + (jj + 0.5) * h)
    run_inside = np.append(run_inside, False)  # every cell near the boundary: no run at all
    state = np.where(near.ravel(), 2, run_inside[np.maximum(run, 0)]).astype(np.int8)
    # 0 outside, 1 inside, 2 test

    def inside(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        cx = np.minimum(((x - minx) / w).astype(np.int64), cells - 1)  # x ≥ minx: floor
        cy = np.minimum(((y - miny) / h).astype(np.int64), cells - 1)
        np.maximum(cx, 0, out=cx)
        np.maximum(cy, 0, out=cy)
        st = state[cx * cells + cy]
        out = st == 1
        test = st == 2
        out[test] = shapely.contains_xy(window, x[test], y[test])
        return out

    return inside


def csr_points(window, n: int, sims: int, rng: np.random.Generator) -> np.ndarray:
    """``sims`` patterns of ``n`` uniform random points inside ``window`` (sims×n×2), by
    vectorised rejection sampling from its bounding box (all of :func:`csr_batches` at once)."""
    parts = list(csr_batches(window, n, sims, rng, batch=sims))
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


#: Candidate points drawn and tested at a time when the patterns come in batches.
CANDIDATE_CHUNK = 1 << 20


def csr_batches(
    window, n: int, sims: int, rng: np.random.Generator, batch: int
) -> Iterator[np.ndarray]:
    """The ``sims`` patterns of :func:`csr_points`, the very same numbers, ``batch`` patterns
    at a time (each batch×n×2, metres): memory is bounded by the batch, not by ``sims``.

    Each round of rejection sampling draws m x values and then m y values from ``rng``, m
    set by the points still needed; a batch size below ``sims`` reads a round's two blocks a
    chunk at a time from two copies of ``rng`` (the y copy advanced by m), which gives the
    same floats as drawing the blocks whole (a PCG64 double takes one 64-bit output). ``rng``
    ends where drawing everything at once leaves it."""
    minx, miny, maxx, maxy = window.bounds
    shapely.prepare(window)
    need = n * sims
    frac = max(window.area / ((maxx - minx) * (maxy - miny)), 0.05)
    chunked = batch < sims and hasattr(rng.bit_generator, "advance")
    if need / frac >= GRID_MIN_CANDIDATES:
        inside = inside_grid(window)
    else:
        inside = lambda x, y: shapely.contains_xy(window, x, y)  # noqa: E731
    pending: list[np.ndarray] = []
    held = 0
    have = 0
    while have < need:
        m = int((need - have) / frac * 1.1) + 16
        if not chunked:
            x, y = rng.uniform(minx, maxx, m), rng.uniform(miny, maxy, m)
            ok = inside(x, y)
            blocks = [np.column_stack([x[ok], y[ok]])]
        else:
            blocks = _round_chunks(inside, rng, m, (minx, miny, maxx, maxy))
        for pts in blocks:
            pts = pts[: need - have]
            have += len(pts)
            pending.append(pts)
            held += len(pts)
            while held >= batch * n or (have == need and held):
                allpts = np.concatenate(pending) if len(pending) > 1 else pending[0]
                take = min(held, batch * n)
                yield allpts[:take].reshape(-1, n, 2)
                pending = [allpts[take:]] if take < held else []
                held -= take
            if have == need:
                break
        if chunked:
            rng.bit_generator.advance(2 * m)


def _round_chunks(inside, rng: np.random.Generator, m: int, bounds) -> Iterator[np.ndarray]:
    """One rejection round of :func:`csr_batches` read in chunks: the points of ``m`` x
    draws then ``m`` y draws from ``rng`` (left where it was) for which ``inside`` holds."""
    minx, miny, maxx, maxy = bounds
    xg = np.random.Generator(type(rng.bit_generator)())
    xg.bit_generator.state = rng.bit_generator.state
    yg = np.random.Generator(type(rng.bit_generator)())
    yg.bit_generator.state = rng.bit_generator.state
    yg.bit_generator.advance(m)
    for a in range(0, m, CANDIDATE_CHUNK):
        k = min(CANDIDATE_CHUNK, m - a)
        x, y = xg.uniform(minx, maxx, k), yg.uniform(miny, maxy, k)
        ok = inside(x, y)
        yield np.column_stack([x[ok], y[ok]])


#: Simulated arrays kept in this process, a few per kind (``kept_simulation``).
_SIMULATED: dict[str, dict[tuple, np.ndarray]] = {}


def kept_simulation(
    slot: str, name: str, window, params: tuple, make, ctx: RuleContext | None = None
) -> np.ndarray:
    """The array ``make()`` simulates in ``window`` for ``params`` (seeded random patterns:
    they do not depend on where the towns are). Kept a few per kind in this process (judging
    many sites one by one against one layout simulates once, with the very same numbers)
    and, with ``ctx``, in the project's cache under ``slot`` (array ``name``), keyed by a
    hash of the window's bytes and ``params``."""
    wkb = shapely.to_wkb(window)
    kept = _SIMULATED.setdefault(slot, {})
    key = (wkb, *params)
    if key not in kept:
        if ctx is None:
            sim = make()
        else:
            window_hash = hashlib.blake2b(wkb, digest_size=20).hexdigest()
            sim = ctx.remember(slot, (window_hash, *params), lambda: {name: make()})[name]
        if len(kept) >= 8:
            kept.pop(next(iter(kept)))
        kept[key] = sim
    return kept[key]


def simulated_r(window, n: int, sims: int, seed: int, ctx: RuleContext | None = None) -> np.ndarray:
    """Clark–Evans R of ``sims`` seeded CSR patterns of ``n`` points in ``window``, kept in
    the process and, with ``ctx``, in the project's cache (:func:`kept_simulation`; a `site`
    run simulates for n and n + 1 towns: ~20 ms of its start)."""

    def make() -> np.ndarray:
        rng = np.random.default_rng(seed)
        expected = 0.5 / math.sqrt(n / float(window.area))
        return nn_distances(csr_points(window, n, sims, rng)) / expected

    return kept_simulation("sim-clustering", "r", window, (n, sims, seed), make, ctx)


@rule_kind(
    "clustering",
    params={
        "max_r": Param(
            "number", "Flag when R is below this (1 = random).", default=1.0, min=0, max=100
        ),
        "alpha": Param(
            "number", "Flag when the p-value is below this.", default=0.05, min=0, max=1
        ),
        "sims": Param(
            "int", "Monte Carlo simulations (>= 999).", default=999, min=999, max=100_000
        ),
        "seed": Param(
            "int", "Random seed of the simulations.", default=20180101, min=0, max=2**32 - 1
        ),
        "min_towns": Param(
            "int", "Skip the test with fewer towns than this.", default=3, min=2, max=100_000
        ),
        "mc_max_n": Param(
            "int",
            "Above this many towns use the normal approximation.",
            default=200,
            min=3,
            max=100_000,
        ),
    },
)
def clustering(ctx: RuleContext, spec) -> list[Finding]:
    """Town centroids not piled up: flag when the Clark–Evans R against its expectation under
    random placement in the city polygon (R / E[R], edge-aware) is below ``max_r`` with
    p < ``alpha`` (seeded Monte Carlo under CSR in the city polygon)."""
    p = spec.params
    from townsgis.checks.spatial import centroids

    c = centroids(ctx)
    n = len(c)
    if n < p["min_towns"] or ctx.city is None or ctx.city.is_empty:
        return []
    window = (float(ctx.city.area), float(ctx.city.length))
    test = _test(ctx, spec, n, mean_nn_distance(shapely.get_coordinates(c)), window)
    if test is None:
        return []
    return [
        _finding(spec, test, ctx.town_refs(range(n)), shapely.convex_hull(shapely.multipoints(c)))
    ]


def _test(ctx: RuleContext, spec, n: int, mean_nn: float, window: tuple) -> dict | None:
    """The test of :func:`clustering` on ``n`` centroids whose mean nearest-neighbour distance
    is ``mean_nn`` (m), in the city of ``window`` (area m², perimeter m): the numbers its
    finding reports, None when it does not flag."""
    p = spec.params
    area, perimeter = window
    expected = 0.5 / math.sqrt(n / area)
    r_obs = mean_nn / expected  # clark_evans_r
    if n <= p["mc_max_n"]:
        r_sim = simulated_r(ctx.city, n, p["sims"], p["seed"], ctx)
        p_value = (1 + int((r_sim <= r_obs).sum())) / (p["sims"] + 1)
        r_expected = float(r_sim.mean())
        method = f"Monte Carlo, {p['sims']} sims, seed {p['seed']}"
        method_zh = f"蒙特卡洛模拟 {p['sims']} 次，种子 {p['seed']}"
    else:
        p_value = donnelly_p(r_obs * expected, n, area, perimeter)
        r_expected = donnelly_mean(n, area, perimeter) / expected
        method = "normal approximation with Donnelly (1978) edge correction"
        method_zh = "正态近似，Donnelly (1978) 边缘校正"
    ratio = r_obs / r_expected
    if not (ratio < p["max_r"] and p_value < p["alpha"]):
        return None
    return {
        "r_obs": r_obs,
        "r_expected": r_expected,
        "ratio": ratio,
        "p_value": p_value,
        "method": method,
        "method_zh": method_zh,
        "n": n,
    }


def _finding(spec, t: dict, refs: list[dict], hull) -> Finding:
    """The finding of :func:`clustering` for the test ``t`` (:func:`_test`), naming the towns
    ``refs``, drawn as ``hull`` (the convex hull of the centroids)."""
    p = spec.params
    r_obs, r_expected, ratio, p_value = t["r_obs"], t["r_expected"], t["ratio"], t["p_value"]
    method, method_zh = t["method"], t["method_zh"]
    return make_finding(
        spec,
        refs,
        f"小镇空间分布聚集：Clark–Evans R = {r_obs:.3f}，本市范围内随机布局的期望值 "
        f"{r_expected:.3f}，比值 {ratio:.3f} < {p['max_r']:g}，"
        f"p = {p_value:.3f} < {p['alpha']:g}（{method_zh}）",
        f"towns are clustered: Clark–Evans R = {r_obs:.3f} against {r_expected:.3f} "
        f"expected for random placement in the city, ratio {ratio:.3f} < {p['max_r']:g}, "
        f"p = {p_value:.3f} < {p['alpha']:g} ({method})",
        measured=round(ratio, 4),
        limit=p["max_r"],
        geometry=hull,
        extra={
            "r": ratio,
            "r_clark_evans": r_obs,
            "r_expected": r_expected,
            "p_value": p_value,
            "method": method,
            "n": t["n"],
        },
    )


def findings_with_each(
    ctx: RuleContext, spec, extra: np.ndarray, refs: list[dict]
) -> list[list[Finding]]:
    """For each point of ``extra`` (centroids in the metric CRS) and its town ref in
    ``refs``, the findings :func:`clustering` gives on the towns' centroids plus that point
    alone: the same numbers, message and geometry. The layout's part is taken once and kept
    in ``ctx.cache``: its nearest-neighbour distances, its town refs (the findings share the
    refs of the layout's towns) and its convex hull's vertices (only they and the added point
    can be vertices of the hull with it)."""
    from townsgis.checks.spatial import centroids

    p = spec.params
    c = centroids(ctx)
    n = len(c) + 1
    if n < p["min_towns"] or ctx.city is None or ctx.city.is_empty or not len(extra):
        return [[] for _ in range(len(extra))]
    xy = shapely.get_coordinates(c)
    pts = shapely.get_coordinates(extra)
    mean_nn = mean_nn_with_each(xy, pts, _nn_part(ctx, xy))
    if "hull_refs" not in ctx.cache:
        hull = shapely.convex_hull(shapely.multipoints(c))
        vertices = np.unique(shapely.get_coordinates(hull), axis=0)
        ctx.cache["hull_refs"] = (vertices, ctx.town_refs(range(len(c))))
    vertices, layout_refs = ctx.cache["hull_refs"]
    window = (float(ctx.city.area), float(ctx.city.length))
    out = []
    for k in range(len(pts)):
        test = _test(ctx, spec, n, float(mean_nn[k]), window)
        if test is None:
            out.append([])
            continue
        hull = shapely.convex_hull(shapely.multipoints(np.vstack([vertices, pts[k]])))
        out.append([_finding(spec, test, [*layout_refs, refs[k]], hull)])
    return out


def _nn_part(ctx: RuleContext, xy: np.ndarray):
    """The layout's part of :func:`mean_nn_with_each` on its STRtree path (None on the dense
    path), kept in ``ctx.cache``."""
    if len(xy) + 1 <= 400:
        return None
    if "nn_part" not in ctx.cache:
        ctx.cache["nn_part"] = _nn_layout(xy)
    return ctx.cache["nn_part"]


def _nn_layout(xy: np.ndarray):
    """The points, their STRtree, each one's nearest-neighbour distance and the STRtree of
    the boxes of that size around them (what :func:`mean_nn_with_each` reads)."""
    pts = shapely.points(xy)
    tree = shapely.STRtree(pts)
    _, own = tree.query_nearest(pts, exclusive=True, return_distance=True, all_matches=False)
    x, y = xy[:, 0], xy[:, 1]
    reach = shapely.STRtree(shapely.box(x - own, y - own, x + own, y + own))
    return pts, tree, own, reach


def mean_nn_with_each(xy: np.ndarray, extra: np.ndarray, layout=None) -> np.ndarray:
    """For each point of ``extra`` (m×2, metres), the mean nearest-neighbour distance of
    ``xy`` (n×2) plus that point: the number :func:`mean_nn_distance` gives on the n + 1
    points (the same distances, the same summation), without recomputing the layout's pairs.
    ``layout``: ``_nn_layout(xy)`` when already made (above 400 points)."""
    n = len(xy)
    out = np.empty(len(extra))
    step = max(1, int(4e6 // (n + 1)))
    if n + 1 <= 400:  # nn_distances' dense path: squared distances, min, sqrt, mean
        x, y = xy[:, 0], xy[:, 1]
        d2 = (x[:, None] - x[None, :]) ** 2 + (y[:, None] - y[None, :]) ** 2
        d2[np.arange(n), np.arange(n)] = np.inf
        own = d2.min(axis=1) if n else np.empty(0)
        for a in range(0, len(extra), step):
            e = extra[a : a + step]
            t = (x[None, :] - e[:, 0:1]) ** 2 + (y[None, :] - e[:, 1:2]) ** 2
            nn = np.concatenate([np.minimum(own[None, :], t), t.min(axis=1, keepdims=True)], 1)
            out[a : a + step] = np.sqrt(nn).mean(axis=1)
        return out
    # its STRtree path (GEOS point distances, equal points left out): a new point is the
    # nearest neighbour of the towns closer to it than their own nearest one, found through
    # their boxes of that size
    pts, tree, own, reach = _nn_layout(xy) if layout is None else layout
    nn = np.empty((min(step, len(extra)), n + 1))  # rows: the towns' distances, the point's
    for a in range(0, len(extra), step):
        new = shapely.points(extra[a : a + step])
        _, first = tree.query_nearest(new, exclusive=True, return_distance=True, all_matches=False)
        k, i = reach.query(new, predicate="intersects")
        d = shapely.distance(pts[i], new[k])
        closer = (d < own[i]) & (d > 0)  # the query leaves out equal points (exclusive)
        rows = nn[: len(new)]
        rows[:, :n] = own
        rows[k[closer], i[closer]] = d[closer]
        rows[:, n] = first
        out[a : a + step] = rows.mean(axis=1)
    return out


def measured_with_each(ctx: RuleContext, spec, extra: np.ndarray) -> tuple[np.ndarray, float]:
    """For each point of ``extra`` (m×2, metres), the ``measured`` value of the finding
    :func:`clustering` gives on the towns' centroids plus that point alone (NaN: none), and
    the findings' ``limit``: the same numbers and test, for many points at once (used to
    judge many proposed sites, each alone)."""
    from townsgis.checks.spatial import centroids

    p = spec.params
    xy = shapely.get_coordinates(centroids(ctx))
    n = len(xy) + 1
    if n < p["min_towns"] or ctx.city is None or ctx.city.is_empty or not len(extra):
        return np.full(len(extra), np.nan), p["max_r"]
    area = float(ctx.city.area)
    expected = 0.5 / math.sqrt(n / area)
    r_obs = mean_nn_with_each(xy, extra, _nn_part(ctx, xy)) / expected
    if n <= p["mc_max_n"]:
        r_sim = simulated_r(ctx.city, n, p["sims"], p["seed"], ctx)
        p_value = (1 + np.searchsorted(np.sort(r_sim), r_obs, side="right")) / (p["sims"] + 1)
        r_expected = float(r_sim.mean())
    else:
        perimeter = float(ctx.city.length)
        p_value = np.array([donnelly_p(r * expected, n, area, perimeter) for r in r_obs])
        r_expected = donnelly_mean(n, area, perimeter) / expected
    ratio = r_obs / r_expected
    flagged = (ratio < p["max_r"]) & (p_value < p["alpha"])
    measured = [round(float(r), 4) if f else np.nan for r, f in zip(ratio, flagged, strict=True)]
    return np.array(measured, dtype=float), p["max_r"]


def added_mean_nn_limit(ctx: RuleContext, spec) -> tuple[np.ndarray, np.ndarray, float] | None:
    """Where one added town makes :func:`clustering` flag (a finding `site` counts as caused):
    the layout's centroids (n×2, metres), their nearest-neighbour distances d_i (m) and the
    limit T (m) such that the rule flags the n + 1 points exactly when their mean
    nearest-neighbour distance, S(x) / (n + 1) with S(x) = Σ min(d_i, |x − c_i|) +
    min |x − c_i| (as :func:`mean_nn_with_each`), is below T. The test's R, ratio and
    p-value all fall as that mean falls, so the flag is a sublevel set: T is the least of
    max_r·E[R], the Monte Carlo critical value (the smallest simulated R that would make
    p ≥ alpha; Donnelly's normal approximation above ``mc_max_n``) and, when the layout is
    already flagged, the R whose rounded ratio is below the layout's (siting.caused). None
    when no added town can make it flag."""
    from townsgis.checks.spatial import centroids

    p = spec.params
    xy = shapely.get_coordinates(centroids(ctx))
    n = len(xy) + 1
    if n < p["min_towns"] or ctx.city is None or ctx.city.is_empty or n < 2:
        return None
    area = float(ctx.city.area)
    expected = 0.5 / math.sqrt(n / area)
    if n <= p["mc_max_n"]:
        r_sim = np.sort(simulated_r(ctx.city, n, p["sims"], p["seed"], ctx))
        k = np.arange(p["sims"] + 1)  # #{R_sim <= R_obs}
        ok = np.flatnonzero((1 + k) / (p["sims"] + 1) < p["alpha"])
        if not len(ok):
            return None
        r_crit = float(r_sim[ok[-1]]) if ok[-1] < p["sims"] else math.inf
        r_expected = float(r_sim.mean())
    else:
        perimeter = float(ctx.city.length)
        lo, hi = 0.0, 10 * donnelly_mean(n, area, perimeter)
        if donnelly_p(lo, n, area, perimeter) >= p["alpha"]:
            return None
        for _ in range(100):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if donnelly_p(mid, n, area, perimeter) < p["alpha"] else (lo, mid)
        r_crit = lo / expected
        r_expected = donnelly_mean(n, area, perimeter) / expected
    r_crit = min(r_crit, p["max_r"] * r_expected)
    for f in clustering(ctx, spec):  # already flagged: only a lower rounded ratio counts
        r_crit = min(r_crit, (float(f.measured) - 5e-5) * r_expected)
    return xy, own_nn_distances(xy), r_crit * expected


def own_nn_distances(xy: np.ndarray) -> np.ndarray:
    """Each point's nearest-neighbour distance (m) among ``xy`` (n×2, metres; inf alone)."""
    if len(xy) < 2:
        return np.full(len(xy), np.inf)
    if len(xy) <= 400:
        d2 = (xy[:, None, 0] - xy[None, :, 0]) ** 2 + (xy[:, None, 1] - xy[None, :, 1]) ** 2
        np.fill_diagonal(d2, np.inf)
        return np.sqrt(d2.min(axis=1))
    pts = shapely.points(xy)
    tree = shapely.STRtree(pts)
    _, dist = tree.query_nearest(pts, exclusive=True, return_distance=True, all_matches=False)
    return dist
