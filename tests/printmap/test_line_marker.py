"""A spacing line's finding number sits beside the line with the distance it measures, not on
the line nor on the two towns' symbols (the sample's marker 10 hid the dotted line between
安吉天使小镇 and 安吉两山创客小镇 and both symbols, and no distance was written)."""

from __future__ import annotations

import matplotlib
import pytest
import shapely
from matplotlib.text import Text
from printmap_fixtures import make_scene

from townsgis.mapmodel.findings import distance_label
from townsgis.printmap import fonts
from townsgis.printmap.render import MARKER_COLOUR, render


def _render(scene):
    with matplotlib.rc_context(fonts.rc_params()):
        return render(scene, "A4", "landscape", 100)


def _check(fig, scene):
    ax = fig.axes[0]
    r = fig.canvas.get_renderer()
    lines = [f for f in scene.layer("findings").features if f.geometry.geom_type == "LineString"]
    assert lines
    towns = {f.ref: f for f in scene.layer("towns").features}
    for f in lines:
        n = f.numbers[0]
        dist = f.label
        assert dist and "km" in dist
        marks = [tx for tx in ax.texts if tx.get_text().split("：")[0].split(":")[0] == str(n)]
        assert len(marks) == 1, [tx.get_text() for tx in ax.texts]
        mk = marks[0]
        assert dist in mk.get_text()  # the legend's （标注距离）: the distance is written
        assert mk.get_color() == MARKER_COLOUR
        bb = Text.get_window_extent(mk, r)  # the boxed text, without its leader line
        box = shapely.box(
            *ax.transData.inverted().transform([(bb.x0, bb.y0), (bb.x1, bb.y1)]).ravel()
        )
        assert not box.intersects(f.geometry), "the marker covers the line"
        ends = [t["id"] for t in f_towns(scene, n)]
        for tid in ends:  # nor the two towns' symbols
            assert not box.intersects(towns[tid].geometry), tid
        assert fig.townsgis.numbers_drawn >= {n}


def f_towns(scene, n):
    return next(it for it in scene.findings if it.number == n).finding.towns


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_spacing_marker_beside_the_line_with_its_distance(lang):
    scene = make_scene(lang)
    _check(_render(scene), scene)


def test_sample_waived_spacing_line_is_labelled_beside_it():
    from townsgis.printmap.scenes import layout_scene
    from townsgis.project import Project

    scene = layout_scene(Project.open(None), lang="zh")
    fig = _render(scene)
    _check(fig, scene)
    waived = [it for it in scene.findings if it.state == "waived" and it.placement == "line"]
    assert waived and distance_label(waived[0].finding) in fonts.figure_text(fig)
