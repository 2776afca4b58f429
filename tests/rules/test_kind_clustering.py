"""clustering (§3.1.2b): Clark–Evans R checked against known results; seeded Monte Carlo."""

import math

import numpy as np
import pytest
import shapely
from rules_fixtures import town

from townsgis.checks.clustering import clark_evans_r, csr_points, mean_nn_distance, nn_distances


def hex_lattice(nx, ny, d):
    xs, ys = np.meshgrid(np.arange(nx, dtype=float), np.arange(ny, dtype=float))
    xs = xs * d + (ys % 2) * d / 2
    ys = ys * d * math.sqrt(3) / 2
    return np.column_stack([xs.ravel(), ys.ravel()])


def test_hexagonal_lattice_gives_known_r_2149():
    d = 1000.0
    xy = hex_lattice(30, 30, d)
    area = len(xy) * d * d * math.sqrt(3) / 2  # one hexagonal cell per point
    assert clark_evans_r(xy, area) == pytest.approx(2.1491, abs=1e-3)


def test_mean_nn_distance_of_square_lattice_is_the_spacing():
    d = 750.0
    xs, ys = np.meshgrid(np.arange(12.0), np.arange(9.0))
    xy = np.column_stack([xs.ravel() * d, ys.ravel() * d])
    assert mean_nn_distance(xy) == pytest.approx(d, rel=1e-12)


def test_batched_and_tree_paths_agree():
    rng = np.random.default_rng(3)
    small = rng.uniform(0, 1000, (4, 50, 2))
    big = rng.uniform(0, 1000, (2, 450, 2))  # > 400 points: the STRtree path
    brute = [
        np.sort(np.linalg.norm(p[:, None] - p[None], axis=-1), axis=1)[:, 1].mean() for p in big
    ]
    assert nn_distances(big) == pytest.approx(brute, rel=1e-12)
    brute = [
        np.sort(np.linalg.norm(p[:, None] - p[None], axis=-1), axis=1)[:, 1].mean() for p in small
    ]
    assert nn_distances(small) == pytest.approx(brute, rel=1e-12)


def test_csr_points_lie_in_window_and_average_r_near_one():
    window = shapely.Polygon([(0, 0), (10_000, 0), (10_000, 10_000), (0, 4_000)])
    pts = csr_points(window, 100, 200, np.random.default_rng(1))
    assert pts.shape == (200, 100, 2)
    assert shapely.contains_xy(window, pts[..., 0].ravel(), pts[..., 1].ravel()).all()
    r = nn_distances(pts) / (0.5 / math.sqrt(100 / window.area))
    assert 0.98 < r.mean() < 1.12  # CSR (edge effects push R slightly above 1)


def _cluster(n, spread_m, x0=14000, y0=14000):
    rng = np.random.default_rng(11)
    off = rng.uniform(0, spread_m, (n, 2))
    return [town(f"C{i}", x0 + dx, y0 + dy, 100) for i, (dx, dy) in enumerate(off)]


def test_tight_cluster_is_flagged_with_p_value(run_kind):
    (f,) = run_kind(_cluster(12, 3000), "clustering", severity="warning", sims=999, seed=5)
    assert f.measured < 1 and f.extra["p_value"] < 0.05
    assert f.extra["p_value"] == pytest.approx(1 / 1000)  # nothing random is that clustered
    assert "Monte Carlo, 999 sims" in f.message_en
    assert len(f.towns) == 12


def test_spread_layout_passes(run_kind):
    rows = [town(f"G{i}{j}", 3000 + i * 9000, 3000 + j * 9000) for i in range(6) for j in range(3)]
    assert run_kind(rows, "clustering", sims=999) == []


def test_seeded_result_is_reproducible(run_kind):
    rows = _cluster(6, 20000, 2000, 2000)
    a = run_kind(rows, "clustering", sims=999, seed=9, alpha=1.0)
    b = run_kind(rows, "clustering", sims=999, seed=9, alpha=1.0)
    assert [f.extra["p_value"] for f in a] == [f.extra["p_value"] for f in b]


def test_alpha_and_max_r_are_strict_bounds(run_kind):
    rows = _cluster(12, 3000)
    # p = 1/1000 exactly: alpha equal to p passes, just above p fails
    assert run_kind(rows, "clustering", sims=999, alpha=0.001) == []
    assert len(run_kind(rows, "clustering", sims=999, alpha=0.0011)) == 1
    (f,) = run_kind(rows, "clustering", sims=999)
    assert run_kind(rows, "clustering", sims=999, max_r=f.extra["r"]) == []  # R == max_r passes


def test_normal_approximation_above_mc_max_n(run_kind):
    (f,) = run_kind(_cluster(12, 3000), "clustering", sims=999, mc_max_n=5)
    assert "normal approximation" in f.message_en and f.extra["p_value"] < 1e-6


def test_too_few_towns_skipped(run_kind):
    assert run_kind(_cluster(2, 100), "clustering", sims=999) == []


def test_donnelly_approximation_agrees_with_monte_carlo():
    from townsgis.checks.clustering import donnelly_p

    window = shapely.box(0, 0, 30_000, 20_000)
    rng = np.random.default_rng(21)
    n = 150
    sims = csr_points(window, n, 999, rng)
    expected = 0.5 / math.sqrt(n / window.area)
    r_sim = nn_distances(sims) / expected
    for xy in csr_points(window, n, 5, rng):  # five CSR patterns
        obs = mean_nn_distance(xy)
        p_mc = (1 + int((r_sim <= obs / expected).sum())) / 1000
        assert donnelly_p(obs, n, window.area, window.length) == pytest.approx(p_mc, abs=0.08)
