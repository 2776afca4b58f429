"""The print legend calls functional zones approximate only when the units layer says so
(``approximate`` column, review item 6)."""

from __future__ import annotations

import matplotlib
import pytest
from printmap_fixtures import make_scene

from townsgis.printmap import fonts
from townsgis.printmap.render import render


def _legend_text(approximate) -> str:
    from printmap_fixtures import fixture_frames

    units, _, _ = fixture_frames()
    units = units.assign(kind=["district", "functional_zone"])
    if approximate is not None:
        units = units.assign(approximate=[False, approximate])
    scene = make_scene("zh", units=units)
    with matplotlib.rc_context(fonts.rc_params()):
        return fonts.figure_text(render(scene, dpi=50))


def test_approximate_zone_is_labelled_so():
    assert "功能区（示意范围）" in _legend_text(True)


@pytest.mark.parametrize("approximate", [False, None])
def test_exact_or_unflagged_zone_is_not(approximate):
    text = _legend_text(approximate)
    assert "功能区" in text and "示意范围" not in text
