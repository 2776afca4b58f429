"""The layout map on the web: the layout ``MapModel`` (``townsgis.mapmodel.layout``) drawn
with folium. City-wide findings are listed in the title block and their outline takes no
clicks; area findings take clicks on their outline only, so every town keeps its popup."""

from __future__ import annotations

from townsgis.mapmodel.model import MapModel
from townsgis.webmap.render import add_title, draw, finish

# Room (x, y pixels) the fitted map leaves for the title block (top left, up to five lines)
# and the legend (right), so that neither covers the city.
PADDING = {"top_left": (10, 175), "bottom_right": (300, 10)}


def build_layout_map(model: MapModel, *, tiles: str = "none"):
    """The layout map as a folium Map (not yet rendered; see ``common.render_html``)."""
    m, exposed = draw(model, tiles=tiles, padding=PADDING)
    finish(m, model.kind, exposed)
    add_title(m, model, tiles)
    return m
