"""Label placement: no two town labels overlap, labels stay inside the frame, and the box
overlap test treats touching edges as not overlapping."""

from __future__ import annotations

import numpy as np
import pytest
from printmap_fixtures import make_scene

from townsgis.printmap import labels


def test_overlaps_boundaries():
    boxes = np.array([[0.0, 0.0, 10.0, 10.0]])
    assert labels.overlaps((5, 5, 15, 15), boxes)
    assert not labels.overlaps((10, 0, 20, 10), boxes)  # touching edge: no overlap
    assert labels.overlaps((10, 0, 20, 10), boxes, pad=0.5)  # within the padding: overlap
    assert not labels.overlaps((0, 0, 1, 1), np.empty((0, 4)))


def _render(scene, dpi=100):
    import matplotlib

    from townsgis.printmap import fonts
    from townsgis.printmap.render import render

    with matplotlib.rc_context(fonts.rc_params()):
        return render(scene, "A4", "landscape", dpi)


def _boxes(fig, placed):
    r = fig.canvas.get_renderer()
    return [p.text.get_window_extent(r) for p in placed]


def _assert_disjoint(bbs):
    for i, a in enumerate(bbs):
        for b in bbs[i + 1 :]:
            assert not a.overlaps(b), (a, b)


def test_fixture_labels_do_not_overlap_and_stay_in_frame():
    scene = make_scene()
    fig = _render(scene)
    placed = [p for p in fig.townsgis.placed_labels if p.text.get_fontsize() < 7]
    assert len(placed) == 4  # the four towns (the units' names are larger)
    bbs = _boxes(fig, placed)
    _assert_disjoint(bbs)
    frame = fig.axes[0].get_window_extent(fig.canvas.get_renderer())
    for bb in bbs:
        assert frame.x0 <= bb.x0 and bb.x1 <= frame.x1 and frame.y0 <= bb.y0 and bb.y1 <= frame.y1


@pytest.mark.parametrize("spread_m", [600.0, 1500.0])
def test_crowded_towns_get_disjoint_labels(spread_m):
    import shapely
    from printmap_fixtures import fixture_frames

    _, towns, _ = fixture_frames()
    c = towns.geometry.iloc[0].centroid
    # Four towns in a tight row: every default (right-hand) label would collide.
    geoms = [shapely.Point(c.x + i * spread_m, c.y).buffer(300) for i in range(4)]
    scene = make_scene(town_frame=towns.set_geometry(geoms), findings=[])
    fig = _render(scene)
    _assert_disjoint(_boxes(fig, fig.townsgis.placed_labels))
