"""City-wide findings on paper: the legend's entry and the drawing agree. The city outline is
drawn in the finding's colour (the legend's line) and the entry points to the findings list,
which paper has (there is no title bar on a sheet)."""

from __future__ import annotations

import matplotlib
import pytest
from matplotlib.colors import to_hex

from townsgis.mapmodel.text import t
from townsgis.printmap import fonts
from townsgis.printmap.render import render
from townsgis.printmap.scenes import layout_scene
from townsgis.project import Project


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_city_wide_legend_entry_matches_the_drawn_outline(lang):
    scene = layout_scene(Project.open(None), lang=lang)
    wide = [it for it in scene.findings if it.city_wide]
    assert wide, "the sample has city-wide findings (category shares)"
    entries = [e for sec in scene.legend for e in sec.entries]
    labels = [e.label for e in entries]
    assert t(lang, "city_wide") not in labels  # the web's wording (见标题栏) is not on paper
    entry = entries[labels.index(t(lang, "city_wide_print"))]
    with matplotlib.rc_context(fonts.rc_params()):
        fig = render(scene, dpi=40)
    text = fonts.figure_text(fig)
    assert t(lang, "city_wide_print") in text
    assert t(lang, "findings_short") in text  # the list the entry points to
    for it in wide:  # each city-wide finding is listed there with its number
        assert it.line() in text.replace("\n", "") or f"{it.number}." in text
    # the map draws a line in the entry's colour (the city outline), not only black
    ax = fig.axes[0]
    colours = {
        to_hex(c) for coll in ax.collections for c in coll.get_edgecolor() if len(c) and c[3] > 0
    }
    assert to_hex(entry.style.stroke) in colours
