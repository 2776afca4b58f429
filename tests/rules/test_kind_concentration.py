"""§3.1.2b concentration (issue 12): Ripley's L against a Monte Carlo envelope sees 10 of 14
towns crowded into one corner of 长兴县 where Clark–Evans cannot; random layouts in the same
window are flagged at most at the nominal rate; L agrees with a brute-force count; Clark–Evans
R is reported against its expectation in the window (≈ 1 for random placement)."""

from __future__ import annotations

import dataclasses
import math

import geopandas as gpd
import numpy as np
import pytest
import shapely

from townsgis.checks.clustering import csr_points
from townsgis.checks.concentration import ripley_l
from townsgis.dataset import load_dataset, own_unit_areas
from townsgis.engine import run_rules
from townsgis.errors import RulesetError
from townsgis.project import Project
from townsgis.ruleset import load_ruleset, parse_ruleset
from townsgis.siting import circle_radius_m

# these tests read the English wording of library messages
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(scope="module")
def hz():
    proj = Project.open(None)
    rs = load_ruleset(proj.ruleset_path("huzhou-2018"))
    ds = load_dataset(proj, crs_override=rs.analysis_crs)
    keep = ("HZ-CLUSTER", "HZ-CONCENTRATION")
    return ds, dataclasses.replace(rs, rules=tuple(r for r in rs.rules if r.id in keep))


def layout(ds, xy):
    """The Huzhou towns moved to the centres ``xy`` (metric), 3 km² circles."""
    circles = shapely.buffer(shapely.points(xy), circle_radius_m(3.0), quad_segs=64)
    towns = ds.towns.iloc[: len(xy)].copy()
    towns = towns.set_geometry(gpd.GeoSeries(circles, crs=ds.metric_crs).to_crs(towns.crs).values)
    return towns


def corner_layout(ds):
    """10 towns 5.2 km apart (the spacing rule holds) in the west corner of 长兴县, 4 towns
    in the other counties."""
    units = ds.metric("units")
    own = own_unit_areas(units)
    cx = own[units["unit_id"] == "330522"].iloc[0].buffer(-1500)
    west = min(shapely.get_coordinates(cx.exterior), key=lambda p: p[0])
    d = 5200.0
    ii, jj = np.meshgrid(np.arange(-6, 7), np.arange(-6, 7))
    lat = np.column_stack([(ii + (jj % 2) / 2).ravel() * d, jj.ravel() * d * math.sqrt(3) / 2])
    lat = lat + west
    lat = lat[shapely.contains_xy(cx, lat[:, 0], lat[:, 1])]
    lat = lat[np.argsort(np.hypot(*(lat - west).T))][:10]
    others = [
        own[units["unit_id"] == u].iloc[0].representative_point()
        for u in ("330523", "330521", "330503", "330502")
    ]
    return np.vstack([lat, shapely.get_coordinates(others)])


def test_ten_of_fourteen_in_a_corner_of_changxing_is_flagged(hz):
    ds, rs = hz
    xy = corner_layout(ds)
    assert len(xy) == 14
    d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    assert d[~np.eye(14, dtype=bool)].min() >= 5000  # the 5 km spacing rule is met
    found = run_rules(ds, rs, towns=layout(ds, xy), waivers=[]).findings
    rules = {f.rule: f for f in found}
    assert "HZ-CLUSTER" not in rules  # nearest neighbours alone cannot see it
    f = rules["HZ-CONCENTRATION"]
    assert f.extra["p_value"] < 0.05 and f.severity == "warning"
    assert len(f.towns) >= 10 and f.extra["l_m"] > f.extra["l_upper_m"]
    assert "Ripley" in f.message_en and "堆积集中" in f.message_zh


def test_random_layouts_are_flagged_at_most_at_the_nominal_rate(hz):
    ds, rs = hz
    city = ds.metric("units").union_all()
    flagged = 0
    for seed in range(20):
        xy = csr_points(city, 14, 1, np.random.default_rng(1000 + seed))[0]
        found = run_rules(ds, rs, towns=layout(ds, xy), waivers=[]).findings
        flagged += any(f.rule == "HZ-CONCENTRATION" for f in found)
    assert flagged <= 1  # alpha = 0.05 of 20 layouts


def test_ripley_l_agrees_with_a_brute_force_count():
    rng = np.random.default_rng(5)
    xy = rng.uniform(0, 30_000, (17, 2))
    area = 30_000.0**2
    d = np.array([0.0, 1000.0, 4999.0, 12_000.0, 50_000.0])
    n = len(xy)
    brute = []
    for dist in d:
        pairs = sum(
            1 for i in range(n) for j in range(n) if i != j and math.dist(xy[i], xy[j]) <= dist
        )
        brute.append(math.sqrt(area * pairs / (n * (n - 1)) / math.pi))
    assert ripley_l(xy[None], d, area)[0] == pytest.approx(brute, rel=1e-12)
    assert ripley_l(xy[None], d, area)[0][-1] == pytest.approx(math.sqrt(area / math.pi))


def test_clark_evans_is_reported_against_its_expectation_in_the_window(hz):
    ds, rs = hz
    city = ds.metric("units").union_all()
    # the audit's corner layout: raw R above 1, ratio to the window's expectation near 1
    rs_all = dataclasses.replace(
        rs,
        rules=tuple(
            dataclasses.replace(r, params=r.params | {"alpha": 1.0, "max_r": 10.0})
            for r in rs.rules
            if r.id == "HZ-CLUSTER"
        ),
    )
    ratios = []
    for seed in range(5):
        xy = csr_points(city, 14, 1, np.random.default_rng(2000 + seed))[0]
        (f,) = run_rules(ds, rs_all, towns=layout(ds, xy), waivers=[]).findings
        assert f.extra["r"] == pytest.approx(f.extra["r_clark_evans"] / f.extra["r_expected"])
        assert 1.05 < f.extra["r_expected"] < 1.3  # edge effects of the city window
        ratios.append(f.extra["r"])
    assert 0.7 < np.mean(ratios) < 1.3
    assert "expected for random placement in the city" in f.message_en


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ("min_m = 9000\nmax_m = 5000", "min_m (9000) must be below max_m (5000)"),
        ("sims = 10", "key 'sims' has bad value 10"),
        ("steps = 1", "key 'steps' has bad value 1"),
    ],
)
def test_parameters_are_checked_at_load(params, needle):
    text = f"""
[ruleset]
id = "x"
version = "1"
title_zh = "x"
title_en = "x"

[[rule]]
id = "C"
clause = "§3.1.2b"
title_zh = "x"
title_en = "x"
severity = "warning"
kind = "concentration"
{params}
"""
    with pytest.raises(RulesetError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        parse_ruleset(text)


def test_ripley_l_tree_path_equals_all_pairs(monkeypatch):
    """Above DENSE_MAX_N towns the pairs come from an STRtree: the same L as all pairs."""
    import numpy as np

    from townsgis.checks import concentration as conc

    rng = np.random.default_rng(3)
    d = np.linspace(5000, 20000, 16)
    batch = rng.uniform(0, 200_000, (4, conc.DENSE_MAX_N + 50, 2))
    tree = conc.ripley_l(batch, d, 200_000.0**2)
    monkeypatch.setattr(conc, "DENSE_MAX_N", 10**6)
    assert np.array_equal(tree, conc.ripley_l(batch, d, 200_000.0**2))


def _csr_all_at_once(window, n, sims, rng):
    """The sampler as it was before batching (all rounds drawn whole): the reference."""
    minx, miny, maxx, maxy = window.bounds
    need, got, have = n * sims, [], 0
    frac = max(window.area / ((maxx - minx) * (maxy - miny)), 0.05)
    while have < need:
        m = int((need - have) / frac * 1.1) + 16
        x, y = rng.uniform(minx, maxx, m), rng.uniform(miny, maxy, m)
        ok = shapely.contains_xy(window, x, y)
        got.append(np.column_stack([x[ok], y[ok]]))
        have += len(got[-1])
    return np.concatenate(got)[:need].reshape(sims, n, 2)


@pytest.mark.parametrize("grid", [False, True])
@pytest.mark.parametrize(("n", "sims", "batch"), [(14, 999, 1), (14, 999, 64), (120, 99, 98)])
def test_batched_patterns_are_the_patterns_drawn_at_once(monkeypatch, n, sims, batch, grid):
    """The patterns drawn a batch at a time (candidates read in small chunks, so a round of
    rejection sampling spans many chunks), with or without the window's grid of cells, are
    the very floats drawn all at once, the seed's generator ends in the same state, and no
    batch is larger than asked."""
    from townsgis.checks import clustering

    monkeypatch.setattr(clustering, "CANDIDATE_CHUNK", 333)
    monkeypatch.setattr(clustering, "GRID_MIN_CANDIDATES", 0 if grid else 10**12)
    window = shapely.Polygon([(0, 0), (9e4, 0), (9e4, 2e4), (2e4, 2e4), (2e4, 9e4), (0, 9e4)])
    ref_rng, rng = np.random.default_rng(7), np.random.default_rng(7)
    ref = _csr_all_at_once(window, n, sims, ref_rng)
    parts = list(clustering.csr_batches(window, n, sims, rng, batch))
    assert max(len(p) for p in parts) <= batch
    assert np.array_equal(np.concatenate(parts), ref)
    assert rng.bit_generator.state == ref_rng.bit_generator.state
    assert np.array_equal(csr_points(window, n, sims, np.random.default_rng(7)), ref)


def test_simulated_l_in_batches_equals_all_patterns_at_once(hz, monkeypatch):
    """Ripley's L of the simulated patterns is the same, bit for bit, whether the 999
    patterns are simulated a few at a time (bounded memory) or all at once."""
    from townsgis.checks import clustering
    from townsgis.checks import concentration as conc
    from townsgis.engine import build_context

    city = build_context(*hz).city
    d = np.linspace(5000, 20000, 16)
    whole = conc.ripley_l(
        _csr_all_at_once(city, 14, 999, np.random.default_rng(11)), d, float(city.area)
    )
    monkeypatch.setattr(clustering, "_SIMULATED", {})
    monkeypatch.setattr(conc, "SIM_POINTS", 14 * 37)
    monkeypatch.setattr(clustering, "CANDIDATE_CHUNK", 1000)
    assert conc.sim_batch(14) == 37
    assert np.array_equal(conc.simulated_l(city, 14, 999, 11, d), whole)


def _strtree_counts(xy, d):
    """Ordered pairs within each distance through an STRtree (the way before the grid)."""
    pts = shapely.points(xy)
    i, j = shapely.STRtree(pts).query(pts, predicate="dwithin", distance=float(d.max()))
    keep = i != j
    return np.searchsorted(np.sort(np.hypot(*(xy[i[keep]] - xy[j[keep]]).T)), d, side="right")


def test_grid_pair_counts_equal_an_strtree_on_clustered_and_tied_patterns():
    """The grid counts every pattern of a batch as an STRtree counts it alone: random,
    clustered (hundreds of points in one cell), and a lattice whose spacing equals the
    distances looked at (pairs exactly at d and at max(d), on the cells' edges)."""
    from townsgis.checks.concentration import _grid_counts

    rng = np.random.default_rng(5)
    d = np.linspace(5000, 20000, 16)
    spread = rng.uniform(0, 300_000, (350, 2))
    clump = rng.normal(150_000, 3_000, (350, 2))
    ii, jj = np.meshgrid(np.arange(25), np.arange(14))
    lattice = np.column_stack([ii.ravel() * 5000.0, jj.ravel() * 20000.0])
    batch = np.stack([spread, clump, lattice])
    got = _grid_counts(batch, d)
    for pattern, row in zip(batch, got, strict=True):
        assert np.array_equal(row, _strtree_counts(pattern, d))
    assert got[2, 0] > 0 and got[2, -1] > got[2, -2]  # the ties are counted


def test_grid_pair_counts_over_a_wide_window_with_short_distances_stay_small():
    """Distances far below the window's size make many more cells than points: their runs
    are found by search, not through a table of every cell (which would take gigabytes),
    with the same counts as an STRtree."""
    import tracemalloc

    from townsgis.checks.concentration import _grid_counts

    rng = np.random.default_rng(11)
    d = np.linspace(100, 1000, 4)
    spread = rng.uniform(0, 4e6, (3, 2000, 2))  # 4,000 km: 16 M cells a pattern
    spread[:, :500] = rng.uniform(0, 3000, (3, 500, 2))  # and a crowd within 3 km
    tracemalloc.start()
    got = _grid_counts(spread, d)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 50e6
    for pattern, row in zip(spread, got, strict=True):
        assert np.array_equal(row, _strtree_counts(pattern, d))
    assert got[:, 0].min() > 0


def test_inside_grid_on_a_window_whose_cells_all_touch_its_boundary():
    """A triangle on a coarse grid: no cell is wholly inside or outside, so every point is
    tested against the polygon itself."""
    from townsgis.checks.clustering import inside_grid

    window = shapely.Polygon([(0, 0), (10, 0), (0, 10)])
    inside = inside_grid(window, cells=2)
    xy = np.random.default_rng(3).uniform(0, 10, (1000, 2))
    got = inside(xy[:, 0], xy[:, 1])
    assert np.array_equal(got, shapely.contains_xy(window, xy[:, 0], xy[:, 1]))


@pytest.mark.parametrize("cells", [64, 512])
def test_inside_grid_equals_contains_xy_on_a_ragged_window_with_holes(cells):
    """The grid's test is ``contains_xy`` itself: random points, every vertex and edge
    midpoint of the outline (on the boundary: outside), points just either side of edges,
    on a two-part window with a hole and a coastline much finer than the cells (64) or
    coarser (512: long runs of free cells, inside and in the hole, share one test)."""
    from townsgis.checks.clustering import inside_grid

    rng = np.random.default_rng(9)
    t = np.linspace(0, 2 * np.pi, 4000, endpoint=False)
    r = 50_000 + 8_000 * np.sin(37 * t) + rng.uniform(0, 500, len(t))
    coast = shapely.Polygon(
        np.column_stack([r * np.cos(t), r * np.sin(t)]),
        [shapely.box(-9e3, -9e3, 9e3, 9e3).exterior.coords],
    )
    window = shapely.union(coast, shapely.box(70_000, 0, 70_000 + 1e-3 * 5e4, 30_000))
    inside = inside_grid(window, cells=cells)
    edge = shapely.get_coordinates(shapely.boundary(window))
    mid = (edge[:-1] + edge[1:]) / 2
    jitter = mid + rng.normal(0, 1e-6, mid.shape)
    box = window.bounds
    spread = np.column_stack(
        [rng.uniform(box[0], box[2], 200_000), rng.uniform(box[1], box[3], 200_000)]
    )
    for xy in (spread, edge, mid, jitter):
        assert np.array_equal(
            inside(xy[:, 0], xy[:, 1]), shapely.contains_xy(window, xy[:, 0], xy[:, 1])
        )


def test_overlapped_gives_each_result_in_order_and_holds_few_items():
    """Counting in worker threads returns the results in the items' order whatever order
    the threads finish in, and never asks for more than workers + 1 items ahead."""
    import time

    from townsgis.checks.concentration import overlapped

    drawn = []

    def items():
        for k in range(12):
            drawn.append(k)
            yield k

    def slow(k):
        time.sleep(0.002 * ((7 * k) % 5))  # later items often finish first
        return k, len(drawn)

    got = list(overlapped(slow, items(), workers=2))
    assert [k for k, _ in got] == list(range(12))
    assert all(n <= k + 3 for k, n in got)  # at most workers + 1 drawn past the one returned
