"""Draw a ``MapModel`` with folium/Leaflet: one GeoJSON layer per model layer, the legend and
the title block (with the findings that are listed rather than drawn), label de-cluttering
and a metric scale bar. Every model text is escaped here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from townsgis.mapmodel.model import Layer, MapModel, Style
from townsgis.mapmodel.text import t
from townsgis.webmap.common import base_map, expose, geojson_layer, js_snippet
from townsgis.webmap.display import display_frame, feature_collection
from townsgis.webmap.escape import esc, popup_table
from townsgis.webmap.legend import LegendItem, LegendSection, add_html, legend_html, title_html

# Layers drawn in one toggle group of the layer control (``group id: member layer ids``).
GROUPS = {"findings": ("findings", "city_wide"), "buffers": ("buffers_spacing", "buffers_gap")}
LABEL_CLASS = {
    "unit": ("tg-unit-label", "center"),
    "town": ("tg-town-label", "right"),
    "distance": ("tg-dist-label", "center"),
    "neighbour": ("tg-neighbour-label", "center"),
    "water": ("tg-water-label", "center"),
}

# Keeps permanent labels apart (web/static/declutter.js, served to the workbench too; inlined
# here so that a map file opens offline).
DECLUTTER_JS = Path(__file__).resolve().parent.parent / "web" / "static" / "declutter.js"


def leaflet_style(s: Style) -> dict[str, Any]:
    """A model Style as Leaflet path options."""
    out: dict[str, Any] = {
        "color": s.stroke or "#000000",
        "stroke": s.stroke is not None,
        "weight": s.weight,
        "dashArray": s.dash,
        "fillColor": s.fill or s.stroke or "#000000",
        "fillOpacity": s.fill_opacity if s.fill else 0.0,
        "fill": s.fill is not None,
        "className": s.css,
    }
    return out


def layer_props(layer: Layer) -> list[dict[str, Any]]:
    """Per-feature properties the page binds: style, escaped popup / label / tip."""
    cls, direction = LABEL_CLASS.get(layer.label_kind, ("", "center"))
    props = []
    for f in layer.features:
        p: dict[str, Any] = {"_s": leaflet_style(f.style)}
        if f.ref is not None:
            p["_ref"] = str(f.ref)
        if layer.interactive and f.popup is not None:
            p["_popup"] = popup_table(f.popup.title, f.popup.rows)
        label = f.label_text()
        if label and layer.label_kind:
            p["_label"] = esc(label)
            state = f.data.get("state") if layer.label_kind == "distance" else None
            p["_lc"] = f"{cls} tg-dist-{state}" if state else cls
            p["_ld"] = direction
        elif layer.interactive and f.tip:
            p["_tip"] = esc(f.tip)
        props.append(p)
    return props


def _legend(model: MapModel) -> str:
    sections = []
    for sec in model.legend:
        items = []
        for e in sec.entries:
            s = e.style
            colour = s.fill if e.kind in ("fill", "circle") and s.fill else s.stroke or "#999999"
            items.append(
                LegendItem(
                    e.label,
                    colour,
                    kind=e.kind,
                    dash=s.dash,
                    stroke=s.stroke,
                    radius=s.radius or 6.0,
                )
            )
        sections.append(LegendSection(sec.title, items))
    return legend_html(sections)


def title_lines(model: MapModel, tiles: str) -> list[str]:
    """The title block's lines: the model's info, then the findings listed, not drawn."""
    lines = list(model.info)
    for it in model.listed_findings():
        lines.append(it.line())
    if tiles != "none":
        lines.append(
            f"{t(model.lang, 'tiles_note')}: {tiles}" + (" (GCJ-02)" if tiles == "amap" else "")
        )
    return lines


def draw(model: MapModel, *, tiles: str = "none", padding: dict | None = None):
    """The folium Map of ``model`` (not yet rendered: see ``common.render_html``) and the
    Leaflet layers by model layer id."""
    import folium
    import geopandas as gpd
    import shapely

    box = gpd.GeoDataFrame(geometry=[shapely.box(*model.extent)], crs=model.crs)
    bounds = tuple(display_frame(box, tiles).total_bounds)
    m = base_map(bounds, tiles, model.lang, **(padding or {}))
    groups: dict[str, Any] = {}
    exposed: dict[str, Any] = {}
    for layer in model.layers:
        gid = next((g for g, ids in GROUPS.items() if layer.id in ids), layer.id)
        if gid not in groups:
            title = t(model.lang, "findings") if gid == "findings" else layer.title
            groups[gid] = folium.FeatureGroup(name=title, show=layer.show).add_to(m)
        if not layer.features:
            continue
        frame = display_frame(layer.frame(model.crs), tiles)
        radius = next((f.style.radius for f in layer.features if f.style.radius), None)
        if radius is None and any(f.geometry.geom_type == "Point" for f in layer.features):
            radius = 9
        exposed[layer.id] = geojson_layer(
            feature_collection(frame, layer_props(layer)), groups[gid], point_radius=radius
        )
    add_html(m, _legend(model), "tg_legend")
    return m, exposed


def finish(m, kind: str, exposed: dict[str, Any]) -> None:
    """Add the layer control (after every group), publish the layers as
    ``window.townsgisMap`` and start the label de-cluttering."""
    import folium

    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    expose(m, kind, exposed)
    code = DECLUTTER_JS.read_text(encoding="utf-8")
    m.add_child(js_snippet(f"{code}\ntgDeclutter({m.get_name()});"))


def add_title(m, model: MapModel, tiles: str, extra: list[str] | None = None) -> None:
    """The title block: title, info lines, listed findings, the data warning."""
    lines = title_lines(model, tiles) + list(extra or [])
    add_html(m, title_html(model.title, lines, model.warning), "tg_title")
