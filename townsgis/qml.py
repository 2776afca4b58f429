"""QGIS layer styles (QML) for townsgis layers: categorized symbols, labels, field aliases.

``categorized_qml(geometry, field, classes, label_field=..., aliases=...)`` returns the text of
a QGIS 3 ``.qml`` document: one category per ``Class`` (value, legend label, colour "#rrggbb",
fill opacity), drawn as a fill (polygons), line or marker symbol. Colours and labels come from
the caller (``townsgis.vocab``), so a GeoPackage styled with these shows the web map's colours
and the same words.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

SYMBOL_TYPES = {"polygon": "fill", "line": "line", "point": "marker"}


@dataclass(frozen=True)
class Class:
    """One category: attribute ``value``, legend ``label``, ``colour`` "#rrggbb", ``opacity``
    of the fill (0–1), ``outline`` colour (default: ``colour``), ``dash`` line style."""

    value: str
    label: str
    colour: str
    opacity: float = 0.5
    outline: str | None = None
    width_mm: float = 0.5
    dash: bool = False


def rgba(colour: str, alpha: float = 1.0) -> str:
    """ "#rrggbb" → QGIS "r,g,b,a" (0–255)."""
    c = colour.lstrip("#")
    r, g, b = (int(c[i : i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{round(alpha * 255)}"


def _options(parent: ET.Element, props: dict[str, str]) -> None:
    opt = ET.SubElement(parent, "Option", type="Map")
    for k, v in props.items():
        ET.SubElement(opt, "Option", name=k, type="QString", value=v)
    for k, v in props.items():  # QGIS < 3.26 reads <prop>
        ET.SubElement(parent, "prop", k=k, v=v)


def _symbol(parent: ET.Element, name: str, geometry: str, cls: Class) -> None:
    kind = SYMBOL_TYPES[geometry]
    sym = ET.SubElement(
        parent, "symbol", type=kind, name=name, alpha="1", clip_to_extent="1", force_rhr="0"
    )
    outline = cls.outline or cls.colour
    style = "dash" if cls.dash else "solid"
    if kind == "fill":
        layer = ET.SubElement(sym, "layer", {"class": "SimpleFill", "enabled": "1", "pass": "0"})
        layer.set("locked", "0")
        _options(
            layer,
            {
                "color": rgba(cls.colour, cls.opacity),
                "style": "solid" if cls.opacity > 0 else "no",
                "outline_color": rgba(outline),
                "outline_style": style,
                "outline_width": f"{cls.width_mm:g}",
                "outline_width_unit": "MM",
                "joinstyle": "bevel",
            },
        )
    elif kind == "line":
        layer = ET.SubElement(sym, "layer", {"class": "SimpleLine", "enabled": "1", "pass": "0"})
        layer.set("locked", "0")
        _options(
            layer,
            {
                "line_color": rgba(cls.colour),
                "line_style": style,
                "line_width": f"{cls.width_mm:g}",
                "line_width_unit": "MM",
                "capstyle": "round",
            },
        )
    else:
        layer = ET.SubElement(sym, "layer", {"class": "SimpleMarker", "enabled": "1", "pass": "0"})
        layer.set("locked", "0")
        _options(
            layer,
            {
                "color": rgba(cls.colour, max(cls.opacity, 0.8)),
                "name": "circle",
                "size": "3",
                "size_unit": "MM",
                "outline_color": rgba(outline),
                "outline_width": "0.3",
            },
        )


def categorized_qml(
    geometry: str,
    field: str,
    classes: list[Class],
    *,
    label_field: str | None = None,
    aliases: dict[str, str] | None = None,
    font: str = "Noto Sans CJK SC",
) -> str:
    """A QML document (see the module docstring); ``geometry``: polygon, line or point."""
    root = ET.Element(
        "qgis",
        version="3.28.0-Firenze",
        styleCategories="Symbology|Labeling|Fields",
        labelsEnabled="1" if label_field else "0",
    )
    renderer = ET.SubElement(
        root,
        "renderer-v2",
        type="categorizedSymbol",
        attr=field,
        symbollevels="0",
        enableorderby="0",
        forceraster="0",
    )
    cats = ET.SubElement(renderer, "categories")
    symbols = ET.SubElement(renderer, "symbols")
    for i, cls in enumerate(classes):
        ET.SubElement(
            cats, "category", render="true", symbol=str(i), value=cls.value, label=cls.label
        )
        _symbol(symbols, str(i), geometry, cls)
    if label_field:
        labeling = ET.SubElement(root, "labeling", type="simple")
        settings = ET.SubElement(labeling, "settings", calloutType="simple")
        ET.SubElement(
            settings,
            "text-style",
            fieldName=label_field,
            isExpression="0",
            fontFamily=font,
            fontSize="9",
            fontSizeUnit="Point",
            textColor="34,34,34,255",
            textOpacity="1",
        )
        buf = ET.SubElement(settings, "text-buffer")
        buf.set("bufferDraw", "1")
        buf.set("bufferSize", "0.8")
        buf.set("bufferColor", "255,255,255,255")
        ET.SubElement(settings, "placement", placement="1" if geometry == "polygon" else "0")
    if aliases:
        al = ET.SubElement(root, "aliases")
        for i, (fld, name) in enumerate(aliases.items()):
            ET.SubElement(al, "alias", field=fld, index=str(i), name=name)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body + "\n"


def qml_colours(qml: str) -> dict[str, str]:
    """``{category value: "#rrggbb"}`` read back from a categorized QML (for tests and checks):
    the fill/line/marker colour of each category's symbol."""
    root = ET.fromstring(qml.split("\n", 1)[1])
    symbols = {s.get("name"): s for s in root.iter("symbol")}
    out = {}
    for cat in root.iter("category"):
        sym = symbols[cat.get("symbol")]
        layer = sym.find("layer")
        opts = {o.get("name"): o.get("value") for o in layer.find("Option")}
        value = opts.get("color") or opts.get("line_color")
        r, g, b = (int(v) for v in value.split(",")[:3])
        out[cat.get("value")] = f"#{r:02x}{g:02x}{b:02x}"
    return out
