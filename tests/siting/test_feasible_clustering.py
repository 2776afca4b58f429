"""`feasible` leaves out where one more town makes the clustering rule (Clark–Evans) flag:
the sublevel set S(x) < (n + 1)·T of the layout's nearest-neighbour sum plus the new town,
with T from the rule's own test for n + 1 points. Checked against the rule itself (its
findings on the layout plus each point: the Monte Carlo and the normal-approximation paths,
and a layout the rule already flags) and the traced region against the exact field."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import shapely

from townsgis.checks import clustering as cl
from townsgis.checks.registry import RuleContext
from townsgis.dataset import load_dataset
from townsgis.engine import build_context
from townsgis.project import Project
from townsgis.siting.feasible import clustered_region, nn_sum


@pytest.fixture(scope="module")
def base():
    proj = Project.open(None)
    rs = proj.load_ruleset()
    ds = load_dataset(proj, layout_only=True)
    spec = next(r for r in rs.rules if r.kind == "clustering")
    return build_context(ds, rs), spec


def _layout(base, points: np.ndarray) -> RuleContext:
    ctx = RuleContext(base.towns, base.units, base.city, base.metric_crs)
    ctx.cache["centroids"] = shapely.points(points)
    ctx.cache["refs"] = ([f"T{k}" for k in range(len(points))],) * 2
    return ctx


def _flagged_by_rule(base, spec, xy, extra, before):
    """Whether the rule on ``xy`` plus each point flags a finding `site` counts as caused
    (new, or a lower rounded ratio than the layout's ``before`` findings)."""
    out = []
    for e in extra:
        f = cl.clustering(_layout(base, np.vstack([xy, e])), spec)
        caused = bool(f) and (not before or f[0].measured < before[0].measured - 1e-12)
        out.append(caused)
    return np.array(out)


@pytest.mark.parametrize(
    ("params", "crowd"),
    [
        ({}, 3),  # Monte Carlo for n + 1 points, the layout not flagged
        ({"mc_max_n": 10}, 3),  # Donnelly's normal approximation
        ({"alpha": 0.5}, 6),  # the layout already flagged: only a lower ratio counts
    ],
)
def test_the_limit_is_where_the_rule_flags_one_more_town(base, params, crowd):
    ctx0, spec = base
    spec = dataclasses.replace(spec, params={**spec.params, **params})
    rng = np.random.default_rng(5)
    xy = shapely.get_coordinates(shapely.centroid(ctx0.towns.geometry.to_numpy()))
    xy = np.vstack([xy, xy[0] + rng.normal(0, 2500, (crowd, 2))])
    ctx = _layout(ctx0, xy)
    before = cl.clustering(ctx, spec)
    assert bool(before) == ("alpha" in params)
    lim = cl.added_mean_nn_limit(ctx, spec)
    assert lim is not None
    got_xy, own, t = lim
    assert np.array_equal(got_xy, xy)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    extra = np.vstack([xy + rng.normal(0, 1500, xy.shape), rng.uniform(lo, hi, (60, 2))])
    s = nn_sum(xy, own, extra)
    assert np.allclose(s / (len(xy) + 1), cl.mean_nn_with_each(xy, extra), rtol=1e-12)
    want = _flagged_by_rule(ctx0, spec, xy, extra, before)
    assert 0 < want.sum() < len(want)  # both outcomes exercised
    assert ((s < (len(xy) + 1) * t) == want).all()


def test_no_added_town_flags_a_rule_that_cannot(base):
    ctx0, spec = base
    xy = shapely.get_coordinates(shapely.centroid(ctx0.towns.geometry.to_numpy()))
    strict = dataclasses.replace(spec, params={**spec.params, "alpha": 0.0009})
    assert cl.added_mean_nn_limit(_layout(ctx0, xy), strict) is None  # p >= 1/1000 always
    few = dataclasses.replace(spec, params={**spec.params, "min_towns": len(xy) + 2})
    assert cl.added_mean_nn_limit(_layout(ctx0, xy), few) is None


def test_traced_region_is_the_sublevel_set_to_a_metre(base):
    ctx0, spec = base
    spec = dataclasses.replace(spec, params={**spec.params, "alpha": 0.1})
    xy, own, t = cl.added_mean_nn_limit(ctx0, spec)
    city = ctx0.city
    region = clustered_region(xy, own, t, city)
    assert region.area > 50e6  # hundreds of km² of the city would tip the test
    rng = np.random.default_rng(8)
    minx, miny, maxx, maxy = region.bounds
    pts = np.column_stack([rng.uniform(minx, maxx, 20000), rng.uniform(miny, maxy, 20000)])
    pts = pts[shapely.contains_xy(city, pts[:, 0], pts[:, 1])]
    inside = shapely.contains_xy(region, pts[:, 0], pts[:, 1])
    flagged = nn_sum(xy, own, pts) < (len(xy) + 1) * t
    dist = shapely.distance(region.boundary, shapely.points(pts))
    assert not ((inside != flagged) & (dist >= 0.5)).any()
    # vertices are on the level: S there is (n + 1)·T within what 0.01 m moves it
    ring = np.vstack(
        [shapely.get_coordinates(r) for r in shapely.get_rings(shapely.get_parts(region))]
    )
    ring = ring[shapely.contains_xy(city.buffer(-1.0), ring[:, 0], ring[:, 1])]
    assert np.abs(nn_sum(xy, own, ring) - (len(xy) + 1) * t).max() < 0.01 * (len(xy) + 1)
