"""Pieces both web maps share: the base map, controls, JS snippets, final HTML."""

from __future__ import annotations

from typing import Any

from townsgis.mapmodel.text import t
from townsgis.webmap.assets import RawHTML, check_offline, inline_assets
from townsgis.webmap.display import add_tiles
from townsgis.webmap.escape import json_for_script
from townsgis.webmap.style import HATCH_SVG, PAGE_CSS

# Runs once per feature of every vector layer: binds the popup and the label/tooltip
# prepared (and escaped) in Python.
BIND_JS = """function(feature, layer) {
    var p = feature.properties;
    if (p._popup) { layer.bindPopup(p._popup, {maxWidth: 440}); }
    if (p._label) {
        layer.bindTooltip(p._label, {permanent: true, direction: p._ld || 'center',
                                     offset: p._ld === 'right' ? [6, 0] : [0, 0],
                                     className: 'tg-label ' + (p._lc || '')});
    } else if (p._tip) {
        layer.bindTooltip(p._tip, {sticky: true});
    }
}"""


def js_snippet(js: str):
    """A folium element whose JavaScript runs after its parent map is created.

    The code goes to the page verbatim: unlike a folium MacroElement, whose rendered script
    branca parses again as a Jinja template (slow for megabytes of data, and unsafe for text
    with ``{{``), it is never templated."""
    from branca.element import MacroElement

    class _Snippet(MacroElement):
        def __init__(self, code: str):
            super().__init__()
            self._name = "TownsgisSnippet"
            self.js = code

        def render(self, **kwargs) -> None:
            self.get_root().script.add_child(RawHTML(self.js), name=self.get_name())

    return _Snippet(js)


def base_map(
    bounds: tuple[float, float, float, float],
    tiles: str,
    lang: str,
    *,
    top_left: tuple[int, int] = (10, 110),
    bottom_right: tuple[int, int] = (180, 10),
):
    """A folium map fitted to ``bounds`` (minx, miny, maxx, maxy; display CRS) leaving
    ``top_left`` / ``bottom_right`` (x, y pixels) free for the title block, legend or slider,
    with a metric scale bar, fullscreen and measuring controls, page CSS and hatch pattern."""
    import folium
    from folium import plugins

    minx, miny, maxx, maxy = bounds
    m = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=10,
        tiles=None,
        control_scale=False,
        zoom_snap=0.25,
    )
    add_tiles(m, tiles)
    if tiles == "none":  # the vector map alone: the city's land drawn lighter (style.py)
        m.add_child(js_snippet(f"{m.get_name()}.getContainer().classList.add('tg-notiles');"))
    m.fit_bounds(
        [[miny, minx], [maxy, maxx]], padding_top_left=top_left, padding_bottom_right=bottom_right
    )
    m.add_child(
        js_snippet(f"L.control.scale({{metric: true, imperial: false}}).addTo({m.get_name()});")
    )
    plugins.Fullscreen(
        position="topleft",
        title=t(lang, "fullscreen"),
        title_cancel=t(lang, "exit_fullscreen"),
    ).add_to(m)
    plugins.MeasureControl(
        position="topleft",
        primary_length_unit="kilometers",
        secondary_length_unit="meters",
        primary_area_unit="hectares",
        secondary_area_unit="sqmeters",
    ).add_to(m)
    root = m.get_root()
    root.header.add_child(RawHTML(f"<style>{PAGE_CSS}</style>"), name="tg_page_css")
    root.html.add_child(RawHTML(HATCH_SVG), name="tg_hatch")
    return m


def geojson_layer(fc: dict[str, Any], group, *, point_radius: float | None = None):
    """A folium GeoJson layer of ``fc`` whose features carry their style in ``_s`` and their
    escaped popup/label in ``_popup``/``_label``/``_tip``."""
    import folium
    from folium.utilities import JsCode

    kwargs: dict[str, Any] = {}
    if point_radius is not None:
        kwargs["marker"] = folium.CircleMarker(radius=point_radius)
    layer = folium.GeoJson(
        fc,
        style_function=lambda f: f["properties"]["_s"],
        on_each_feature=JsCode(BIND_JS),
        zoom_on_click=False,
        **kwargs,
    )
    layer.add_to(group)
    return layer


def expose(m, name: str, layers: dict[str, Any]) -> None:
    """Publish the Leaflet objects as ``window.townsgisMap`` (for tests and power users)."""
    body = ", ".join(f"{json_for_script(k)}: {v.get_name()}" for k, v in layers.items())
    m.add_child(
        js_snippet(
            f"window.townsgisMap = {{kind: {json_for_script(name)}, map: {m.get_name()}, "
            f"layers: {{{body}}}}};"
        )
    )


def render_html(m, lang: str) -> str:
    """The complete, self-contained HTML page of map ``m`` (assets inlined, checked offline)."""
    inline_assets(m, lang)
    html = m.get_root().render()
    check_offline(html)
    return html
