"""A sheet's legend has an entry for a kind of feature iff the sheet draws such a feature
within its map frame: the site sheet (a small frame) leaves out categories, zones and water
it does not show; the progress sheet names the zones, lakes and neighbouring counties it
draws."""

from __future__ import annotations

import matplotlib
import pytest
import shapely

from townsgis import vocab
from townsgis.mapmodel.text import t
from townsgis.printmap import fonts
from townsgis.printmap.render import render
from townsgis.printmap.scenes import progress_scene, site_scene
from townsgis.project import Project


def _drawn(scene):
    with matplotlib.rc_context(fonts.rc_params()):
        fig = render(scene, dpi=40)
    ax = fig.axes[0]
    frame = shapely.box(*ax.get_xlim()[:1], *ax.get_ylim()[:1], ax.get_xlim()[1], ax.get_ylim()[1])
    labels = [e.label for sec in fig.townsgis.legend for e in sec.entries]
    return fig, frame, labels, fonts.figure_text(fig)


def _in_frame(scene, layer_id, frame, keep=lambda f: True) -> bool:
    layer = scene.layer(layer_id)
    return layer is not None and any(
        keep(f) and f.geometry.intersects(frame) for f in layer.features
    )


def _check_iff(scene, frame, labels, lang):
    units = lambda zone: lambda f: bool(f.data.get("zone")) == zone  # noqa: E731
    pairs = {
        t(lang, "district"): _in_frame(scene, "units", frame, units(False)),
        t(lang, "neighbours"): _in_frame(scene, "neighbours", frame),
        t(lang, "water"): _in_frame(scene, "water", frame),
    }
    zone = _in_frame(scene, "units", frame, units(True))
    pairs[t(lang, "zone_approx")] = zone and t(lang, "zone") not in labels
    for c in vocab.CATEGORIES:
        pairs[vocab.label("category", c, lang)] = _in_frame(
            scene, "towns", frame, lambda f, c=c: f.data.get("category") == c
        )
    for word, drawn in pairs.items():
        if word == t(lang, "zone_approx") and not zone:
            assert word not in labels and t(lang, "zone") not in labels
            continue
        assert (word in labels) == drawn, (word, drawn, labels)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_site_sheet_legend_lists_only_what_its_frame_shows(lang):
    # a site in 德清县, far from 太湖, the zones (吴兴区) and the tourism towns
    scene = site_scene(
        Project.open(None), lon=119.95, lat=30.55, category="manufacturing",
        level="provincial_creation", lang=lang,
    )  # fmt: skip
    fig, frame, labels, text = _drawn(scene)
    _check_iff(scene, frame, labels, lang)
    for gone in (vocab.label("category", "tourism", lang), t(lang, "water")):
        assert gone not in labels and gone not in text
    assert vocab.label("category", "manufacturing", lang) in labels


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_progress_sheet_names_the_zones_lakes_and_neighbours_it_draws(lang):
    scene = progress_scene(Project.open(None), lang=lang)
    fig, frame, labels, text = _drawn(scene)
    _check_iff(scene, frame, labels, lang)
    for word in (t(lang, "zone_approx"), t(lang, "water"), t(lang, "neighbours")):
        assert word in labels and word in text
