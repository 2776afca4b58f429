"""The description of one map that every renderer draws: layers of features with their
styles, labels and popups, numbered findings, legend, notes, sources and extent.

All geometry is in the model's ``crs`` (the analysis CRS: metric, CGCS2000 3° GK for
Huzhou). ``MapModel.to_dict()`` gives a JSON-able form (GeoJSON in WGS84) for the web
workbench; the folium renderer (``townsgis.webmap``) and the matplotlib renderer
(``townsgis.printmap``) draw the model itself. Text in the model is plain (unescaped): each
renderer escapes what it puts in HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyproj import CRS
    from shapely.geometry.base import BaseGeometry

    from townsgis.findings import Finding


@dataclass(frozen=True)
class Style:
    """How a feature is drawn. ``weight`` is a screen width in CSS px (print draws half of
    it in points); ``dash`` is an SVG dash pattern in px ("6 4"); ``radius`` (px) makes a
    point a circle marker; ``hatch`` hatches the fill; ``css`` names classes for the web."""

    stroke: str | None = "#555555"
    weight: float = 1.0
    dash: str | None = None
    fill: str | None = None
    fill_opacity: float = 0.0
    hatch: bool = False
    radius: float | None = None
    css: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "", False)}


@dataclass(frozen=True)
class Popup:
    """A labelled table: a title and ``(label, value)`` rows, every word for a person."""

    title: str
    rows: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "rows": [list(r) for r in self.rows]}


@dataclass
class MapFeature:
    """One drawn feature. ``label`` is written on the map, ``tip`` shows on hover (web),
    ``numbers`` are the finding numbers shown with the label, ``ref`` the feature's id
    (town_id, unit_id, finding number …)."""

    geometry: BaseGeometry
    style: Style
    label: str | None = None
    tip: str | None = None
    popup: Popup | None = None
    ref: str | None = None
    numbers: list[int] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def label_text(self) -> str | None:
        """The label with its finding numbers: ``湖州丝绸小镇 [2]``."""
        if not self.label:
            return None
        if not self.numbers:
            return self.label
        return f"{self.label} [{','.join(str(n) for n in self.numbers)}]"


@dataclass
class Layer:
    """A group of features drawn together. ``interactive=False``: no click target (web).
    ``label_kind`` (unit | town | distance | site | neighbour | water) picks the label's look;
    ``labels_fixed``: labels stay on their anchor (unit names) instead of being placed."""

    id: str
    title: str
    features: list[MapFeature] = field(default_factory=list)
    show: bool = True
    interactive: bool = True
    label_kind: str = ""
    in_legend: bool = True

    def frame(self, crs: CRS):
        """The features as a GeoDataFrame (``crs``) with a ``_i`` column (feature index)."""
        import geopandas as gpd

        return gpd.GeoDataFrame(
            {"_i": range(len(self.features))},
            geometry=[f.geometry for f in self.features],
            crs=crs,
        )


@dataclass(frozen=True)
class LegendEntry:
    """One legend line. ``kind``: fill | line | circle | hatch."""

    label: str
    style: Style
    kind: str = "fill"


@dataclass
class LegendSection:
    title: str
    entries: list[LegendEntry] = field(default_factory=list)


@dataclass
class FindingItem:
    """A numbered finding. ``state``: error | warning | info | waived; ``placement``: town |
    unit | area | line | point | listed (city-wide or without a location: text only)."""

    number: int
    finding: Finding
    state: str
    state_label: str
    text: str
    placement: str
    city_wide: bool = False
    ref: str | None = None

    def line(self) -> str:
        """``4. 警告 §3.4.3 …``: number, state and text, as every map lists it."""
        return f"{self.number}. {self.state_label} {self.text}"

    def to_dict(self) -> dict[str, Any]:
        f = self.finding
        return {
            "number": self.number,
            "rule": f.rule,
            "clause": f.clause,
            "state": self.state,
            "state_label": self.state_label,
            "text": self.text,
            "placement": self.placement,
            "city_wide": self.city_wide,
            "ref": self.ref,
            "towns": [t.get("id") for t in f.towns],
        }


@dataclass
class ColourScale:
    """Towns coloured by a value in [vmin, vmax] (progress maps): class breaks and colours."""

    title: str
    breaks: tuple[float, ...]
    colours: tuple[str, ...]
    values: dict[str, float] = field(default_factory=dict)  # ref → value
    fmt: str = "{:.0%}"

    def colour(self, value: float) -> str:
        import bisect

        return self.colours[bisect.bisect_right(self.breaks, value)]

    def class_labels(self) -> list[str]:
        lo = [0.0, *self.breaks]
        hi = [*self.breaks, 1.0]
        return [f"{a * 100:.0f}–{b * 100:.0f}%" for a, b in zip(lo, hi, strict=True)]


@dataclass
class Locator:
    """What the locator inset shows: the province and the city in it, with their names."""

    province: BaseGeometry | None
    city: BaseGeometry
    caption: str
    city_name: str = ""
    province_name: str = ""
    source: str = ""


@dataclass
class MapModel:
    """One map, renderer-independent. Geometry in ``crs`` (metric); ``extent`` (minx, miny,
    maxx, maxy) in ``crs`` is what the map frames."""

    kind: str
    lang: str
    title: str
    crs: CRS
    extent: tuple[float, float, float, float]
    layers: list[Layer] = field(default_factory=list)
    findings: list[FindingItem] = field(default_factory=list)
    legend: list[LegendSection] = field(default_factory=list)
    info: list[str] = field(default_factory=list)  # title-block lines (rule set, date …)
    warning: str = ""  # what is approximate / synthetic, one sentence
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    subtitle: str = ""
    ruleset: str = ""
    date: str = ""
    review_number: str | None = None
    locator: Locator | None = None
    scale: ColourScale | None = None
    timeline: dict[str, Any] | None = None  # progress map: projects and their stage histories

    def layer(self, layer_id: str) -> Layer | None:
        return next((ly for ly in self.layers if ly.id == layer_id), None)

    def listed_findings(self) -> list[FindingItem]:
        """Findings shown as text only (city-wide, or without a location)."""
        return [f for f in self.findings if f.placement == "listed"]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able description: layers as GeoJSON FeatureCollections in WGS84 (6 decimals)
        whose features carry ``style``, ``label``, ``popup`` and ``ref``; findings, legend,
        notes, sources and the extent (WGS84 lon/lat bounds)."""
        import geopandas as gpd
        import numpy as np
        import shapely

        from townsgis.crs import WGS84

        def to_wgs(geoms: list) -> list:
            if not geoms:
                return []
            s = gpd.GeoSeries(geoms, crs=self.crs).to_crs(WGS84)
            return list(shapely.transform(s.values, lambda c: np.round(c, 6)))

        layers = []
        for ly in self.layers:
            feats = []
            for i, (f, g) in enumerate(
                zip(ly.features, to_wgs([f.geometry for f in ly.features]), strict=True)
            ):
                if g is None or g.is_empty:
                    continue
                feats.append(
                    {
                        "type": "Feature",
                        "id": i,
                        "geometry": shapely.geometry.mapping(g),
                        "properties": {
                            "ref": f.ref,
                            "label": f.label_text(),
                            "tip": f.tip,
                            "style": f.style.to_dict(),
                            "popup": f.popup.to_dict() if f.popup else None,
                            "numbers": list(f.numbers),
                        },
                    }
                )
            layers.append(
                {
                    "id": ly.id,
                    "title": ly.title,
                    "show": ly.show,
                    "interactive": ly.interactive,
                    "label_kind": ly.label_kind,
                    "geojson": {"type": "FeatureCollection", "features": feats},
                }
            )
        box = gpd.GeoSeries([shapely.box(*self.extent)], crs=self.crs).to_crs(WGS84)
        out: dict[str, Any] = {
            "kind": self.kind,
            "lang": self.lang,
            "title": self.title,
            "subtitle": self.subtitle,
            "crs": self.crs.to_string(),
            "extent_wgs84": [round(float(v), 6) for v in box.total_bounds],
            "layers": layers,
            "findings": [f.to_dict() for f in self.findings],
            "legend": [
                {
                    "title": s.title,
                    "entries": [
                        {"label": e.label, "kind": e.kind, "style": e.style.to_dict()}
                        for e in s.entries
                    ],
                }
                for s in self.legend
            ],
            "info": list(self.info),
            "warning": self.warning,
            "notes": list(self.notes),
            "sources": list(self.sources),
            "ruleset": self.ruleset,
            "date": self.date,
        }
        if self.scale is not None:
            out["scale"] = {
                "title": self.scale.title,
                "breaks": list(self.scale.breaks),
                "colours": list(self.scale.colours),
            }
        return out
