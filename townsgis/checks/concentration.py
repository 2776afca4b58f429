"""Concentration of towns (§3.1.2b 空间上避免堆积集中): Ripley's L function of the town
centroids against a Monte Carlo envelope of random placement in the city, over a range of
distances.

K(d) = A / (n (n − 1)) · #{ordered pairs i ≠ j with |x_i − x_j| ≤ d}, L(d) = sqrt(K(d) / π)
(metres; no edge correction: the simulated patterns lie in the same window, so they carry the
same edge effects). Under complete spatial randomness L(d) ≈ d. Unlike the nearest-neighbour
ratio (kind ``clustering``) this sees many towns crowded into one part of the city even when a
spacing rule keeps each pair apart.

The test is a global one over all distances, so its false-alarm rate is ``alpha`` however many
distances are looked at: for each pattern T = max over d of (L(d) − mean_sim L(d)) / sd_sim L(d);
p = (1 + #{T_sim ≥ T_obs}) / (sims + 1) with ``sims`` seeded CSR patterns in the city polygon.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import shapely

from townsgis.checks.clustering import csr_batches, kept_simulation
from townsgis.checks.common import make_finding
from townsgis.checks.registry import Param, RuleContext, rule_kind
from townsgis.findings import Finding
from townsgis.messages import msg, register

register(
    {
        "concentration.range": (
            "min_m（{lo}）须小于 max_m（{hi}）",
            "min_m ({lo}) must be below max_m ({hi})",
        )
    }
)


def distances_of(params: dict) -> np.ndarray:
    """The distances (m) the rule looks at: ``steps`` values from ``min_m`` to ``max_m``."""
    return np.linspace(float(params["min_m"]), float(params["max_m"]), int(params["steps"]))


def ripley_l(batch: np.ndarray, d: np.ndarray, area: float) -> np.ndarray:
    """Ripley's L (m) of each pattern in ``batch`` (s×n×2, metres) at distances ``d`` (m),
    in a window of ``area`` m², without edge correction: (s×len(d)). Up to DENSE_MAX_N points
    all pairs are measured at once; above, a grid of cells of max(d) finds the pairs within
    max(d) for all patterns together (a national layout has few such pairs, where all pairs
    grow with n²)."""
    s, n, _ = batch.shape
    counts = np.empty((s, len(d)))
    if n <= DENSE_MAX_N:
        iu, ju = np.triu_indices(n, 1)
        step = max(1, int(4e6 // max(1, len(iu) * len(d))))
        for a in range(0, s, step):
            b = batch[a : a + step]
            pd_ = np.hypot(b[:, iu, 0] - b[:, ju, 0], b[:, iu, 1] - b[:, ju, 1])  # (c, pairs)
            counts[a : a + step] = 2 * (pd_[:, :, None] <= d[None, None, :]).sum(axis=1)
    else:
        counts[:] = _grid_counts(batch, d)
    return np.sqrt(area * counts / (n * (n - 1)) / np.pi)


def _grid_counts(batch: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Ordered pairs i ≠ j of each pattern in ``batch`` (s×n×2, m) within each distance of
    ``d`` (m, ascending): (s×len(d)) integers, as the STRtree path counts them. Candidates
    come from a grid of cells just wider than max(d), all patterns at once: a pair within
    max(d) lies in one cell or two neighbouring ones, so each unordered pair is met once
    (same cell, or the cell to the right / above) and counted for both orders (``hypot`` of
    the difference is the same either way). The points are sorted by cell and a table of
    where each cell's run starts (one entry per cell of every pattern) finds a neighbour's
    run by indexing; candidates farther than max(d) by a margin are dropped on their squared
    distance before the exact ``hypot``."""
    s, n, _ = batch.shape
    cell = float(d.max()) * (1 + 1e-9)
    ij = np.floor((batch - batch.min(axis=(0, 1))) / cell).astype(np.int64) + 1
    nx, ny = int(ij[..., 0].max()) + 2, int(ij[..., 1].max()) + 2
    key = ((np.arange(s, dtype=np.int64)[:, None] * nx + ij[..., 0]) * ny + ij[..., 1]).ravel()
    order = np.argsort(key)
    key = key[order]
    x = batch[..., 0].ravel()[order]
    y = batch[..., 1].ravel()[order]
    pattern = order // n
    nd = len(d)
    run_of = _cell_runs(key, s * nx * ny)
    binned = np.zeros(s * (nd + 1), dtype=np.int64)
    idx = np.arange(len(key))
    reach = (float(d[-1]) * (1 + 1e-6)) ** 2  # above any pair whose hypot is ≤ max(d)
    for step in (0, ny - 1, ny, ny + 1, 1):  # same cell, then (x+1, y-1 … y+1), (x, y+1)
        first, end = run_of(key + step)
        lo = idx + 1 if step == 0 else first  # same cell: each pair once
        cnt = np.maximum(end - lo, 0)
        i = np.repeat(idx, cnt)
        j = np.repeat(lo - np.cumsum(cnt) + cnt, cnt) + np.arange(len(i))
        dx, dy = x[i] - x[j], y[i] - y[j]
        close = dx * dx + dy * dy <= reach
        dist = np.hypot(dx[close], dy[close])
        near = dist <= d[-1]
        k = np.searchsorted(d, dist[near], side="left")  # dist ≤ d[m] ⇔ k ≤ m
        binned += np.bincount(pattern[i[close][near]] * (nd + 1) + k, minlength=len(binned))
    return 2 * np.cumsum(binned.reshape(s, nd + 1)[:, :nd], axis=1)


def _cell_runs(key: np.ndarray, cells: int):
    """For sorted cell numbers ``key`` (< ``cells``), a function giving where the run of
    each asked cell starts and ends in ``key`` (empty cell: start = end). A table of every
    cell's start is read by indexing when it is not much larger than the points; otherwise
    (a small max(d) over a wide window: many cells, few occupied) the runs are found with
    ``searchsorted``, whose memory follows the points, not the window."""
    if cells <= max(8 * len(key), 1 << 20):
        start = np.zeros(cells + 1, dtype=np.int64)
        np.cumsum(np.bincount(key, minlength=cells), out=start[1:])
        return lambda c: (start[c], start[c + 1])
    return lambda c: (
        np.searchsorted(key, c, side="left"),
        np.searchsorted(key, c, side="right"),
    )


DENSE_MAX_N = 300
#: Simulated points held at once (a batch of patterns: 16 bytes a point, ~8 MB; counting
#: their pairs takes ~10x that for a moment). Larger batches are no faster: their
#: temporaries go back to the system after each batch, and the page faults of taking them
#: again cost system time (2 M points: 2.4 s of system CPU over 999 × 20,000, 0.7 GB;
#: 0.5 M: 0.3 s, 0.3 GB; the same user time).
SIM_POINTS = 500_000


def sim_batch(n: int) -> int:
    """How many simulated patterns of ``n`` points are drawn and counted at a time."""
    return max(1, SIM_POINTS // max(1, n))


def overlapped(fn, items: Iterable, workers: int = 2) -> Iterator:
    """``fn`` of each of ``items``, in order, computed by ``workers`` threads while the next
    items are produced (numpy and GEOS release the GIL in their array work, so drawing one
    batch and counting others use the cores: counting takes about twice as long as drawing);
    at most ``workers + 1`` items are held at once. The results do not depend on the
    threads: each item is counted alone and they come back in order."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque = deque()
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def simulated_l(
    window, n: int, sims: int, seed: int, d: np.ndarray, ctx: RuleContext | None = None
) -> np.ndarray:
    """Ripley's L at ``d`` of ``sims`` seeded CSR patterns of ``n`` points in ``window``,
    kept in the process and, with ``ctx``, in the project's cache
    (:func:`~townsgis.checks.clustering.kept_simulation`; 999 patterns of 20,000 towns over
    China take seconds to simulate)."""

    def make() -> np.ndarray:
        rng = np.random.default_rng(seed)
        area = float(window.area)
        batches = csr_batches(window, n, sims, rng, sim_batch(n))
        return np.concatenate(list(overlapped(lambda b: ripley_l(b, d, area), batches)))

    params = (n, sims, seed, tuple(np.asarray(d).tolist()))
    return kept_simulation("sim-concentration", "l", window, params, make, ctx)


def neighbour_counts(xy: np.ndarray, dist: float) -> np.ndarray:
    """How many other points of ``xy`` (n×2, metres) lie within ``dist`` metres of each
    (STRtree; memory grows with the pairs found, not with n²)."""
    pts = shapely.points(xy)
    i, j = shapely.STRtree(pts).query(pts, predicate="dwithin", distance=dist * (1 + 1e-9))
    keep = (i != j) & (np.hypot(*(xy[i] - xy[j]).T) <= dist)
    return np.bincount(i[keep], minlength=len(xy))


def _validate(params: dict) -> list[str]:
    if params["min_m"] >= params["max_m"]:
        return [msg("concentration.range", lo=f"{params['min_m']:g}", hi=f"{params['max_m']:g}")]
    return []


@rule_kind(
    "concentration",
    params={
        "min_m": Param("number", "Shortest distance looked at (m).", default=5000.0, min=1),
        "max_m": Param("number", "Longest distance looked at (m).", default=20000.0, min=1),
        "steps": Param("int", "Distances between min_m and max_m.", default=16, min=2, max=200),
        "alpha": Param(
            "number", "Flag when the global p-value is below this.", default=0.05, min=0, max=1
        ),
        "sims": Param("int", "Monte Carlo simulations (>= 99).", default=999, min=99),
        "seed": Param("int", "Random seed of the simulations.", default=20180101, min=0),
        "min_towns": Param("int", "Skip the test with fewer towns than this.", default=5, min=3),
    },
    validate=_validate,
)
def concentration(ctx: RuleContext, spec) -> list[Finding]:
    """Towns not crowded into one part of the city: flag when Ripley's L of the town centroids
    rises above its Monte Carlo envelope under random placement in the city polygon at some
    distance in [`min_m`, `max_m`] (global test, p < `alpha`)."""
    p = spec.params
    from townsgis.checks.spatial import centroids

    c = centroids(ctx)
    n = len(c)
    if n < p["min_towns"] or ctx.city is None or ctx.city.is_empty:
        return []
    xy = shapely.get_coordinates(c)
    area = float(ctx.city.area)
    d = distances_of(p)
    obs = ripley_l(xy[None], d, area)[0]
    sims = simulated_l(ctx.city, n, p["sims"], p["seed"], d, ctx)
    mean, sd = sims.mean(axis=0), sims.std(axis=0, ddof=1)
    sd = np.where(sd > 0, sd, np.inf)
    t_obs = float(((obs - mean) / sd).max())
    t_sim = ((sims - mean) / sd).max(axis=1)
    p_value = (1 + int((t_sim >= t_obs - 1e-12).sum())) / (p["sims"] + 1)
    if not p_value < p["alpha"]:
        return []
    k = int(np.argmax((obs - mean) / sd))
    upper = float(np.quantile(sims[:, k], 1 - p["alpha"]))
    dk = float(d[k])
    # the crowded towns: those with more neighbours within dk than twice the random expectation
    near = neighbour_counts(xy, dk)
    expect = (n - 1) * np.pi * dk * dk / area
    crowded = np.flatnonzero((near >= 2) & (near >= 2 * expect))
    crowded = crowded if len(crowded) else np.arange(n)
    method = f"Monte Carlo, {p['sims']} sims, seed {p['seed']}"
    return [
        make_finding(
            spec,
            ctx.town_refs(crowded),
            f"小镇在局部堆积集中：{len(crowded)} 个小镇在 {dk / 1000:.1f} 公里内彼此相邻；"
            f"Ripley L({dk / 1000:.1f} km) = {obs[k] / 1000:.2f} km，高于随机布局包络上限 "
            f"{upper / 1000:.2f} km（期望 {mean[k] / 1000:.2f} km），全局检验 p = {p_value:.3f} "
            f"< {p['alpha']:g}（蒙特卡洛模拟 {p['sims']} 次，种子 {p['seed']}）",
            f"towns are concentrated in part of the city: {len(crowded)} towns lie within "
            f"{dk / 1000:.1f} km of each other; Ripley's L({dk / 1000:.1f} km) = "
            f"{obs[k] / 1000:.2f} km, above the random-placement envelope {upper / 1000:.2f} km "
            f"(expected {mean[k] / 1000:.2f} km), global test p = {p_value:.3f} < "
            f"{p['alpha']:g} ({method})",
            measured=round(p_value, 4),
            limit=p["alpha"],
            geometry=shapely.convex_hull(shapely.multipoints(c[crowded])),
            extra={
                "p_value": p_value,
                "distance_m": dk,
                "l_m": float(obs[k]),
                "l_expected_m": float(mean[k]),
                "l_upper_m": upper,
                "distances_m": d.tolist(),
                "l_observed_m": obs.tolist(),
                "method": method,
                "n": n,
            },
        )
    ]


def _own_counts(xy: np.ndarray, d: np.ndarray, dense: bool) -> np.ndarray:
    """Ordered pairs of ``xy`` within each distance of ``d`` (m), counted as
    :func:`ripley_l` counts them (all pairs when ``dense``, else through its grid)."""
    if dense:
        iu, ju = np.triu_indices(len(xy), 1)
        dist = np.hypot(xy[iu, 0] - xy[ju, 0], xy[iu, 1] - xy[ju, 1])
        return 2 * (dist[:, None] <= d[None, :]).sum(axis=0)
    return _grid_counts(xy[None], d)[0]


def _added_counts(xy: np.ndarray, extra: np.ndarray, d: np.ndarray, tree) -> np.ndarray:
    """For each point of ``extra``, the ordered pairs it adds to ``xy`` within each distance
    of ``d`` ((m, len(d)); a pair counted from both ends), as :func:`ripley_l` counts them:
    all pairs without ``tree``, else through ``tree`` (an STRtree of ``xy``'s points)."""
    if tree is None:
        to_new = np.hypot(xy[None, :, 0] - extra[:, 0:1], xy[None, :, 1] - extra[:, 1:2])
        return 2 * (to_new[:, :, None] <= d[None, None, :]).sum(axis=1)
    k, t = tree.query(shapely.points(extra), predicate="dwithin", distance=float(d.max()))
    to_new = np.hypot(*(xy[t] - extra[k]).T)
    added = np.zeros((len(extra), len(d)), dtype=np.int64)
    for c, limit in enumerate(d):
        added[:, c] = 2 * np.bincount(k[to_new <= limit], minlength=len(extra))
    return added


def _test_parts(ctx: RuleContext, spec):
    """What the test of the layout plus one added town needs: the layout's centroids (m), n
    (with the added town), the distances, the envelope (mean and sd of the simulated L) and
    the simulated patterns' sorted T. None when the rule does not run."""
    p = spec.params
    xy = centroids_xy(ctx)
    n = len(xy) + 1
    if n < p["min_towns"] or ctx.city is None or ctx.city.is_empty:
        return None
    d = distances_of(p)
    sims = simulated_l(ctx.city, n, p["sims"], p["seed"], d, ctx)
    mean, sd = sims.mean(axis=0), sims.std(axis=0, ddof=1)
    sd = np.where(sd > 0, sd, np.inf)
    t_sim = np.sort(((sims - mean) / sd).max(axis=1))
    return xy, n, d, mean, sd, t_sim


def _p_values(counts: np.ndarray, area: float, parts, sims: int) -> np.ndarray:
    """The global test's p-value for each row of pair ``counts`` (…×len(d))."""
    _, n, _, mean, sd, t_sim = parts
    obs = np.sqrt(area * counts / (n * (n - 1)) / np.pi)
    t_obs = ((obs - mean) / sd).max(axis=-1)
    above = sims - np.searchsorted(t_sim, t_obs - 1e-12, side="left")
    return (1 + above) / (sims + 1)


def measured_with_each(ctx: RuleContext, spec, extra: np.ndarray) -> tuple[np.ndarray, float]:
    """For each point of ``extra`` (m×2, metres), the ``measured`` value (the p-value) of
    the finding :func:`concentration` gives on the towns' centroids plus that point alone
    (NaN: none), and the findings' ``limit``: the same counts, envelope and test, for many
    points at once (used to judge many proposed sites, each alone)."""
    p = spec.params
    parts = _test_parts(ctx, spec) if len(extra) else None
    if parts is None:
        return np.full(len(extra), np.nan), p["alpha"]
    xy, n, d = parts[:3]
    area = float(ctx.city.area)
    dense = n <= DENSE_MAX_N
    own = _own_counts(xy, d, dense)
    tree = None if dense else shapely.STRtree(shapely.points(xy))
    out = np.full(len(extra), np.nan)
    step = max(1, int(2e6 // (n * len(d)))) if dense else 2000
    for a in range(0, len(extra), step):
        counts = (own[None, :] + _added_counts(xy, extra[a : a + step], d, tree)).astype(float)
        p_value = _p_values(counts, area, parts, p["sims"])
        out[a : a + step] = [round(float(v), 4) if v < p["alpha"] else np.nan for v in p_value]
    return out, p["alpha"]


def added_count_thresholds(
    ctx: RuleContext, spec, p_max: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Where one added town makes :func:`concentration` flag with a p-value below ``p_max``
    (default ``alpha``): the distances d (m) and, for each d_k, the least number m_k of the
    layout's centroids within d_k of the added town that does it (``len(layout) + 1``, more
    than there are, when none does). The test's T is a maximum over d of terms each rising
    with its own count, so the rule flags exactly when some d_k has at least m_k centroids
    within it: the same counts, envelope and test as :func:`measured_with_each`."""
    p = spec.params
    parts = _test_parts(ctx, spec)
    d = distances_of(p)
    if parts is None:
        return d, np.full(len(d), len(centroids_xy(ctx)) + 1)
    xy, n = parts[:2]
    own = _own_counts(xy, d, n <= DENSE_MAX_N).astype(float)
    c = np.arange(n, dtype=float)  # 0 … n − 1 centroids within d_k of the added town
    counts = own[None, None, :] + 2 * c[None, :, None] * np.eye(len(d))[:, None, :]
    p_value = _p_values(counts, float(ctx.city.area), parts, p["sims"])
    flag = p_value < (p["alpha"] if p_max is None else p_max)
    return d, np.where(flag.any(axis=1), flag.argmax(axis=1), n)


def centroids_xy(ctx: RuleContext) -> np.ndarray:
    """The layout's town centroids (m×2, metres), as the rule measures them."""
    from townsgis.checks.spatial import centroids

    return shapely.get_coordinates(centroids(ctx))
