"""One description of a map (``MapModel``), built once from the data and drawn by both the
folium renderer (``townsgis.webmap``) and the matplotlib renderer (``townsgis.printmap``).

Builders: ``layout.load_layout_model`` / ``layout.layout_model``, ``progress``, ``site``.
Pieces: ``layers`` (one builder per layer), ``findings`` (numbers, states and THE city-wide
definition), ``popups`` (labelled tables), ``context`` (neighbours, locator, notes, sources),
``text`` (the maps' own words; value names and colours come from ``townsgis.vocab``).
"""

from __future__ import annotations

from townsgis.mapmodel.model import (
    FindingItem,
    Layer,
    LegendEntry,
    LegendSection,
    MapFeature,
    MapModel,
    Popup,
    Style,
)

__all__ = [
    "FindingItem",
    "Layer",
    "LegendEntry",
    "LegendSection",
    "MapFeature",
    "MapModel",
    "Popup",
    "Style",
]
