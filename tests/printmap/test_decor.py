"""Scale bar length (km), representative fraction and its rounding."""

from __future__ import annotations

import pytest

from townsgis.printmap import decor


@pytest.mark.parametrize(
    ("width_m", "km"),
    [(100_000, 20), (113_636.4, 25), (113_636.3, 20), (10_000, 2), (1_000, 0.5)],
)
def test_nice_scalebar_is_the_largest_nice_length_within_22_percent(width_m, km):
    # 25 km fits exactly when 22 % of the width is 25 km (width 113 636.36 m).
    assert decor.nice_scalebar_km(width_m) == km


def test_scale_denominator_100km_on_200mm_is_500000():
    assert decor.scale_denominator(100_000, 200) == pytest.approx(500_000)


@pytest.mark.parametrize(("n", "rounded"), [(487_312, 490_000), (500_000, 500_000), (1234, 1200)])
def test_round_scale(n, rounded):
    assert decor.round_scale(n) == rounded
