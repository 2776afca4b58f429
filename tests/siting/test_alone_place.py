"""The clustering and concentration statistics of a layout plus each of many points, computed
at once from the layout's own part, are exactly those of the rule on the layout plus that
point (the same floats, not merely close), on both sides of each kind's dense/STRtree switch;
and the sites they flag are those the rule flags."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from townsgis.checks import clustering as cl
from townsgis.checks import concentration as co
from townsgis.checks.registry import RuleContext
from townsgis.dataset import load_dataset
from townsgis.engine import build_context
from townsgis.project import Project


def _points(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 100_000, size=(n, 2))


@pytest.mark.parametrize("n", [1, 20, 398, 399, 450])
def test_mean_nn_with_each_is_the_mean_nn_of_the_points_plus_one(n):
    xy, extra = _points(n, 1), _points(40, 2)
    extra[0] = xy[0]  # a point on a town: distance 0
    got = cl.mean_nn_with_each(xy, extra)
    want = [cl.mean_nn_distance(np.vstack([xy, e])) for e in extra]
    assert got.tolist() == want


@pytest.mark.parametrize("n", [4, 120, co.DENSE_MAX_N - 1, co.DENSE_MAX_N, 340])
def test_pair_counts_plus_one_are_ripleys(n):
    xy, extra = _points(n, 3), _points(25, 4)
    d = np.linspace(2000.0, 20000.0, 7)
    extra[1] = xy[2] + [d[3], 0.0]  # exactly at one of the distances
    dense = n + 1 <= co.DENSE_MAX_N
    tree = None if dense else shapely.STRtree(shapely.points(xy))
    counts = co._own_counts(xy, d, dense)[None, :] + co._added_counts(xy, extra, d, tree)
    n1, area = n + 1, 1e10
    got = np.sqrt(area * counts.astype(float) / (n1 * (n1 - 1)) / np.pi)
    want = np.array([co.ripley_l(np.vstack([xy, e])[None], d, area)[0] for e in extra])
    assert got.tolist() == want.tolist()


def edge_layout(project_copy, kind: str, crowd: int, *, n_random: int):
    """Huzhou's town centroids plus ``crowd`` piled near the first (metric CRS), points to
    add (each centroid jittered, and ``n_random`` uniform in the extent), the rule of
    ``kind``, and a function making a RuleContext of any set of centroids."""
    proj = Project.open(project_copy)
    ds = load_dataset(proj, layout_only=True)
    rs = proj.load_ruleset()
    spec = next(r for r in rs.rules if r.kind == kind)
    base = build_context(ds, rs)
    rng = np.random.default_rng(3)
    xy = shapely.get_coordinates(shapely.centroid(base.towns.geometry.to_numpy()))
    xy = np.vstack([xy, xy[0] + rng.normal(0, 2500, (crowd, 2))])
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    extra = np.vstack([xy + rng.normal(0, 2000, xy.shape), rng.uniform(lo, hi, (n_random, 2))])

    def layout(points: np.ndarray) -> RuleContext:
        ctx = RuleContext(base.towns, base.units, base.city, base.metric_crs)
        ctx.cache["centroids"] = shapely.points(points)
        ctx.cache["refs"] = ([f"T{k}" for k in range(len(points))],) * 2
        return ctx

    return spec, xy, extra, layout


@pytest.mark.parametrize(("kind", "crowd"), [("clustering", 3), ("concentration", 1)])
def test_flagged_sites_are_those_the_rule_flags(project_copy, kind, crowd):
    """Huzhou's towns plus ``crowd`` towns piled near the first: a layout on the edge of the
    test, where some added points tip it and others do not."""
    spec, xy, extra, layout = edge_layout(project_copy, kind, crowd, n_random=40)
    mod = cl if kind == "clustering" else co
    measured, limit = mod.measured_with_each(layout(xy), spec, extra)
    fn = cl.clustering if kind == "clustering" else co.concentration
    found = [fn(layout(np.vstack([xy, e])), spec) for e in extra]
    want = [f[0].measured if f else None for f in found]
    assert [None if np.isnan(v) else float(v) for v in measured] == want
    assert {f[0].limit for f in found if f} == {limit}
    assert 0 < sum(w is not None for w in want) < len(want)  # both outcomes are exercised


def test_added_count_thresholds_are_where_concentration_flags(project_copy):
    """`feasible` reads the rule as 'flagged when, for some distance d_k, at least m_k towns
    lie within d_k of the added one': on a layout at the edge of the test, that reading
    gives the rule's own verdict on the layout plus each point."""
    spec, xy, extra, layout = edge_layout(project_copy, "concentration", 1, n_random=200)
    d, m = co.added_count_thresholds(layout(xy), spec)
    near = np.hypot(*(extra[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    counts = (near[:, :, None] <= d[None, None, :]).sum(axis=1)
    got = (counts >= m[None, :]).any(axis=1)
    want = [bool(co.concentration(layout(np.vstack([xy, e])), spec)) for e in extra]
    assert got.tolist() == want
    assert 0 < sum(want) < len(want)
