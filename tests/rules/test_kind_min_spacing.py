"""min-spacing (§3.1.2c): centroid-to-centroid distance; exactly the limit passes."""

import pytest
from rules_fixtures import town


def _pair(d_m, side=1000.0, side2=1000.0):
    # centroids at (500, 500) and (500 + d, 500) relative to the first square's corner
    return [
        town("T1", 0, 0, side),
        town("T2", 500 + d_m - side2 / 2, 500 - side2 / 2, side2),
    ]


def test_exactly_at_distance_passes(run_kind):
    assert run_kind(_pair(5000.0), "min-spacing", severity="warning", min_m=5000) == []


def test_just_inside_distance_fails(run_kind):
    (f,) = run_kind(_pair(4999.99), "min-spacing", severity="warning", min_m=5000)
    assert str(f.severity) == "warning"
    assert f.measured == pytest.approx(4999.99, abs=1e-3)
    assert f.geometry.length == pytest.approx(4999.99, abs=1e-3)
    assert "5.00 km" in f.message_en


def test_uses_centroids_not_boundaries(run_kind):
    # boundaries 1 km apart but centroids 4 km apart when the second town is 3 km wide
    rows = _pair(3000.0, side2=3000.0)
    (f,) = run_kind(rows, "min-spacing", min_m=3500)
    assert f.measured == pytest.approx(3000.0, abs=1e-3)
    assert run_kind(rows, "min-gap", min_m=1000) == []
