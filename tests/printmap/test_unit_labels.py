"""A unit's name lies inside the unit (smaller if need be) or is left out; never beside it,
where a reader would take it for the neighbour's name."""

from __future__ import annotations

import geopandas as gpd
import shapely
from printmap_fixtures import METRIC, fixture_frames, make_scene

from townsgis.printmap import labels


def _render(scene):
    import matplotlib

    from townsgis.printmap import fonts
    from townsgis.printmap.render import render

    with matplotlib.rc_context(fonts.rc_params()):
        return render(scene, "A4", "landscape", 100)


def _units():
    """A large unit, a thin strip along it, a tiny square and a unit in two parts whose
    small part lies far from its large part."""
    _, _, (x0, y0) = fixture_frames()
    big = shapely.box(x0 - 30_000, y0 - 20_000, x0, y0 + 20_000)
    strip = shapely.box(x0, y0 - 20_000, x0 + 1_500, y0 + 20_000)
    tiny = shapely.box(x0 + 1_500, y0 - 600, x0 + 2_700, y0 + 600)
    two = shapely.MultiPolygon(
        [
            shapely.box(x0 + 1_500, y0 + 1_000, x0 + 30_000, y0 + 20_000),
            shapely.box(x0 + 1_500, y0 - 20_000, x0 + 4_000, y0 - 17_000),
        ]
    )
    return gpd.GeoDataFrame(
        {
            "unit_id": ["a", "b", "c", "d"],
            "name_zh": ["大区", "狭长县", "小小区", "两块区"],
            "name_en": ["Big", "Strip", "Tiny", "Two-part"],
            "kind": ["district", "county", "district", "district"],
        },
        geometry=[big, strip, tiny, two],
        crs=METRIC,
    )


def test_every_placed_unit_name_lies_inside_its_unit():
    units = _units()
    fig = _render(make_scene(units=units))
    info = fig.townsgis
    assert info.unit_labels, "no unit name placed"
    r = fig.canvas.get_renderer()
    ax = fig.axes[0]
    for feature, placed in info.unit_labels:
        x, y = placed.text.xy
        assert feature.geometry.covers(shapely.Point(x, y)), feature.label
        # drawn centred on that point: no offset, no leader line
        assert tuple(placed.text.xyann) == (0, 0) and placed.text.arrow_patch is None
        bb = placed.text.get_window_extent(r)
        cx, cy = ax.transData.inverted().transform(((bb.x0 + bb.x1) / 2, (bb.y0 + bb.y1) / 2))
        assert feature.geometry.buffer(1.0).covers(shapely.Point(cx, cy)), feature.label
    names = {f.label for f, _ in info.unit_labels}
    assert {"大区", "两块区"} <= names  # large units are named
    # the tiny unit (1.2 km at 1:~500 000, under 3 mm) cannot hold its name: left out
    assert "小小区" not in names and "小小区" in info.hidden_labels
    # and every unit is either named inside or left out
    assert names | set(info.hidden_labels) >= set(units["name_zh"])


def test_inside_candidates_are_inside_and_best_first():
    c = shapely.Polygon([(0, 0), (100, 0), (100, 10), (10, 10), (10, 100), (0, 100)])  # an L
    pts = labels.inside_candidates(c)
    assert pts and all(c.covers(p) for p in pts)
    # the first is the pole of inaccessibility: at least as deep as any other candidate
    depth = [c.boundary.distance(p) for p in pts]
    assert depth[0] >= max(depth) - 1.0
