"""The fixture map as PNG matches the committed reference image within a tolerance
(mean absolute difference per channel, 0–255). Regenerate: tests/printmap/make_reference.py."""

from __future__ import annotations

import io

import numpy as np
import pytest
from make_reference import DPI, REFERENCE, render_fixture
from PIL import Image
from printmap_fixtures import make_scene

from townsgis.printmap.export import figure_bytes

pytestmark = pytest.mark.filterwarnings("error")
TOLERANCE = 0.4  # mean |Δ| per channel (0–255): dropping the towns gives ≈ 1.5, one finding ≈ 0.6


def _pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as im:
        return np.asarray(im.convert("RGB"), dtype=float)


def mean_abs_diff(a: np.ndarray, b: np.ndarray) -> float:
    assert a.shape == b.shape, f"sizes differ: {a.shape} vs {b.shape}"
    return float(np.abs(a - b).mean())


def test_png_matches_reference():
    assert REFERENCE.is_file(), f"{REFERENCE} missing: run tests/printmap/make_reference.py"
    ref = _pixels(REFERENCE.read_bytes())
    got = _pixels(render_fixture())
    diff = mean_abs_diff(got, ref)
    assert diff <= TOLERANCE, f"PNG differs from the reference: mean |Δ| = {diff:.2f}"


def test_the_tolerance_catches_a_real_change():
    # The same map without its towns and findings must fail the comparison: the check has teeth.
    ref = _pixels(REFERENCE.read_bytes())
    other = _pixels(figure_bytes(make_scene(towns=False), "png", dpi=DPI))
    assert mean_abs_diff(other, ref) > TOLERANCE
