"""One builder per map layer: each takes frames in the metric CRS and returns a ``Layer`` with
its features' styles, labels and popups. Colours and value names come from
``townsgis.vocab``; the maps' own words from ``townsgis.mapmodel.text``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from townsgis import vocab
from townsgis.mapmodel.findings import distance_label, is_sample_waiver, state_style
from townsgis.mapmodel.model import FindingItem, Layer, MapFeature, Style
from townsgis.mapmodel.popups import attribute_rows, feature_name, popup
from townsgis.mapmodel.provenance import flagged
from townsgis.mapmodel.text import paren, t

if TYPE_CHECKING:
    import geopandas as gpd

FUNCTIONAL_ZONE = "functional_zone"
DISTRICT_COLOUR = vocab.colour("unit_kind", "district")
ZONE_COLOUR = vocab.colour("unit_kind", FUNCTIONAL_ZONE)
NEIGHBOUR_STYLE = Style(
    stroke="#9a9a9a", weight=1.0, fill="#ecebe6", fill_opacity=1.0, css="tg-neighbour"
)
WATER_STYLE = Style(stroke="#7fa7c9", weight=0.6, fill="#c6dbef", fill_opacity=1.0, css="tg-water")
FEASIBLE_STYLE = Style(
    stroke="#1a9641", weight=1, fill="#a6d96a", fill_opacity=0.35, css="tg-feasible"
)
BUFFER_STROKE, BUFFER_FILL = "#2b83ba", "#abd9e9"


def unit_style(zone: bool, *, fill_opacity: float = 0.0) -> Style:
    """A county/district outline, or a functional zone (dashed, hatched)."""
    if zone:
        return Style(
            stroke=ZONE_COLOUR,
            weight=2,
            dash="6 4",
            fill="#ffffff",
            fill_opacity=1.0,
            hatch=True,
            css="tg-unit tg-zone",
        )
    return Style(
        stroke=DISTRICT_COLOUR,
        weight=1.5,
        fill="#ffffff",
        fill_opacity=fill_opacity,
        css="tg-unit",
    )


def _records(gdf: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    return gdf.drop(columns="geometry").to_dict("records")


def unit_names(units: gpd.GeoDataFrame, lang: str) -> dict[str, str]:
    """``{unit_id: name in lang}``."""
    return {str(r["unit_id"]): feature_name(r, lang) for r in _records(units)}


def _numbers(items: list[FindingItem], placement: str) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for it in items:
        if it.placement == placement and it.ref is not None:
            out.setdefault(str(it.ref), []).append(it.number)
    return out


def _finding_rows(items: list[FindingItem], ref: str, placement: str, lang: str) -> list:
    return [
        (f"{t(lang, 'finding_rows')} {it.number}", it.text)
        for it in items
        if it.placement == placement and str(it.ref) == ref
    ]


def units_layer(
    units: gpd.GeoDataFrame,
    lang: str,
    items: list[FindingItem] = (),
    *,
    summaries: Mapping[str, list[tuple[str, Any]]] | None = None,
    fill_opacity: float = 0.0,
) -> Layer:
    """Counties/districts and functional zones; labels carry the numbers of unit findings;
    the popup lists the unit's attributes (or ``summaries[unit_id]``) and its findings."""
    names = unit_names(units, lang)
    marks = _numbers(list(items), "unit")
    approx = flagged(units, "approximate").tolist()
    feats = []
    for row, geom, row_approx in zip(_records(units), units.geometry, approx, strict=True):
        uid = str(row.get("unit_id"))
        zone = row.get("kind") == FUNCTIONAL_ZONE
        name = names.get(uid, uid)
        rows = (
            list(summaries[uid])
            if summaries and uid in summaries
            else attribute_rows(row, lang, names)
        )
        if row_approx:
            rows.append((t(lang, "notes"), t(lang, "approx_zone")))
        rows += _finding_rows(list(items), uid, "unit", lang)
        feats.append(
            MapFeature(
                geometry=geom,
                style=unit_style(zone, fill_opacity=fill_opacity),
                label=name,
                tip=paren(lang, name, t(lang, "approx_zone")) if row_approx else name,
                popup=popup(name, rows),
                ref=uid,
                numbers=marks.get(uid, []),
                data={"zone": zone, "approximate": bool(row_approx)},
            )
        )
    return Layer("units", t(lang, "units"), feats, label_kind="unit")


def neighbours_layer(neighbours: gpd.GeoDataFrame | None, lang: str) -> Layer | None:
    """County-level units around the city (context only: no popup, no click target)."""
    if neighbours is None or not len(neighbours):
        return None
    feats = [
        MapFeature(geometry=g, style=NEIGHBOUR_STYLE, label=feature_name(r, lang))
        for r, g in zip(_records(neighbours), neighbours.geometry, strict=True)
    ]
    return Layer(
        "neighbours", t(lang, "neighbours"), feats, interactive=False, label_kind="neighbour"
    )


def water_layer(water: gpd.GeoDataFrame | None, lang: str) -> Layer | None:
    """Large water bodies from a real source (none drawn without one)."""
    if water is None or not len(water):
        return None
    feats = [
        MapFeature(geometry=g, style=WATER_STYLE, label=feature_name(r, lang))
        for r, g in zip(_records(water), water.geometry, strict=True)
    ]
    return Layer("water", t(lang, "water"), feats, interactive=False, label_kind="water")


def town_style(category: Any, state: str | None = None) -> Style:
    """A town filled with its category's colour; outlined in the state colour of its worst
    finding when it has one."""
    colour = vocab.colour("category", category)
    if state is None:
        return Style(stroke=colour, weight=2, fill=colour, fill_opacity=0.55, css="tg-town")
    ring = state_style(state)
    return Style(
        stroke=ring.stroke,
        weight=3,
        dash=ring.dash,
        fill=colour,
        fill_opacity=0.55,
        css=f"tg-town tg-town-finding tg-sev-{state}",
    )


def towns_layer(
    towns: gpd.GeoDataFrame,
    lang: str,
    items: list[FindingItem] = (),
    units: gpd.GeoDataFrame | None = None,
) -> Layer:
    """Towns filled by category (vocabulary colour), labelled with their name and the
    numbers of their own findings; popup: every attribute, labelled, and those findings."""
    names = unit_names(units, lang) if units is not None else {}
    items = list(items)
    marks = _numbers(items, "town")
    worst = {}
    for it in items:
        if it.placement == "town" and it.ref is not None and str(it.ref) not in worst:
            worst[str(it.ref)] = it.state  # items are ordered: the first is the worst
    feats = []
    for row, geom in zip(_records(towns), towns.geometry, strict=True):
        tid = str(row.get("town_id"))
        name = feature_name(row, lang)
        rows = attribute_rows(row, lang, names) + _finding_rows(items, tid, "town", lang)
        feats.append(
            MapFeature(
                geometry=geom,
                style=town_style(row.get("category"), worst.get(tid)),
                label=name,
                popup=popup(name, rows),
                ref=tid,
                numbers=marks.get(tid, []),
                data={"category": row.get("category")},
            )
        )
    return Layer("towns", t(lang, "towns"), feats, label_kind="town")


def _finding_popup(it: FindingItem, lang: str, unit_names_: Mapping[str, str]) -> Any:
    f = it.finding
    rows: list[tuple[str, Any]] = [
        (vocab.field_label("rule", lang), f.rule),
        (vocab.field_label("clause", lang), f.clause),
        (vocab.field_label("severity", lang), it.state_label),
        (vocab.field_label("towns", lang), "、".join(tw.get("name_zh", "") for tw in f.towns)),
        (vocab.field_label("message", lang), f.message(lang)),
        (vocab.field_label("unit_id", lang), unit_names_.get(str(f.unit), f.unit)),
    ]
    dist = distance_label(f)
    if dist:
        rows.append((t(lang, "measured"), dist))
    waiver = f.waiver or {}
    for key, word in (
        ("reason", "waiver_reason"),
        ("document", "waiver_document"),
        ("expires", "waiver_expires"),
    ):
        if waiver.get(key):
            rows.append((t(lang, word), waiver[key]))
    return popup(f"{it.number}. {it.state_label} {f.clause}", rows)


def findings_layer(
    items: list[FindingItem],
    units: gpd.GeoDataFrame,
    lang: str,
) -> Layer:
    """Findings drawn where they are: areas (click target: their outline only, so a town
    under them still gets its clicks), unit outlines, spacing lines labelled with the
    distance, points. Town findings mark the town (``towns_layer``); city-wide ones are
    listed (``city_wide_layer``)."""
    names = unit_names(units, lang)
    unit_geom = dict(zip(units["unit_id"].astype(str), units.geometry, strict=True))
    feats = []
    for it in items:
        f = it.finding
        if it.placement in ("listed", "town"):
            continue
        geom = unit_geom[it.ref] if it.placement == "unit" and f.geometry is None else f.geometry
        line = it.placement == "line"
        style = state_style(
            it.state,
            area=not line,
            css="tg-finding-line" if line else "tg-finding-area",
        )
        if it.placement == "unit":
            style = state_style(it.state, area=False, css="tg-finding-area tg-finding-unit")
        label = distance_label(f) if line else None
        if label and is_sample_waiver(f):
            label = f"{label} {vocab.label('finding_state', 'sample_waiver', lang)}"
        feats.append(
            MapFeature(
                geometry=geom,
                style=style,
                label=label,
                tip=it.text,
                popup=_finding_popup(it, lang, names),
                ref=str(it.number),
                numbers=[] if it.placement == "unit" else [it.number],
                data={"state": it.state, "placement": it.placement},
            )
        )
    return Layer("findings", t(lang, "findings"), feats, label_kind="distance")


def city_wide_layer(items: list[FindingItem], lang: str) -> Layer | None:
    """City-wide findings as outlines with no click target (they are listed as text)."""
    feats = [
        MapFeature(
            geometry=it.finding.geometry,
            style=state_style(it.state, area=False, css="tg-city-wide"),
            ref=str(it.number),
            data={"state": it.state},
        )
        for it in items
        if it.city_wide
    ]
    if not feats:
        return None
    return Layer("city_wide", t(lang, "city_wide"), feats, interactive=False, in_legend=False)


def feasible_layer(feasible: gpd.GeoDataFrame | None, lang: str, *, show: bool = False):
    """The feasible area(s) written by ``townsgis feasible``, tip naming the category."""
    if feasible is None or not len(feasible):
        return None
    cats = feasible["category"] if "category" in feasible.columns else [None] * len(feasible)
    feats = []
    for cat, geom in zip(cats, feasible.geometry, strict=True):
        tip = t(lang, "feasible")
        if isinstance(cat, str) and cat:
            tip = paren(lang, tip, vocab.label("category", cat, lang))
        feats.append(MapFeature(geometry=geom, style=FEASIBLE_STYLE, tip=tip))
    return Layer("feasible", t(lang, "feasible"), feats, show=show)


def buffer_layers(
    towns: gpd.GeoDataFrame,
    lang: str,
    *,
    min_spacing_m: float | None,
    min_gap_m: float | None,
) -> list[Layer]:
    """Half-distance buffers: circles of D/2 round each centroid (centroid spacing ≥ D) and
    each town grown by G/2 (boundary gap ≥ G). Hidden by default."""
    out = []
    names = [feature_name(r, lang) for r in _records(towns)]
    for dist, kind, dash in ((min_spacing_m, "spacing", "4 4"), (min_gap_m, "gap", "1 3")):
        if not dist:
            continue
        geoms = (
            towns.geometry.centroid.buffer(dist / 2.0)
            if kind == "spacing"
            else towns.geometry.buffer(dist / 2.0)
        )
        tip = t(lang, f"buffer_{kind}", d=f"{dist / 1000:g}", r=f"{dist / 2000:g}")
        style = Style(
            stroke=BUFFER_STROKE,
            weight=1,
            dash=dash,
            fill=BUFFER_FILL,
            fill_opacity=0.15,
            css=f"tg-buffer tg-buffer-{kind}",
        )
        feats = [
            MapFeature(geometry=g, style=style, tip=f"{n}: {tip}")
            for g, n in zip(geoms, names, strict=True)
        ]
        out.append(Layer(f"buffers_{kind}", t(lang, "buffers"), feats, show=False))
    return out


def proposals_layer(
    proposals: gpd.GeoDataFrame | None,
    status: list[dict[str, Any]] | None,
    lang: str,
    units: gpd.GeoDataFrame | None = None,
) -> Layer | None:
    """Proposed sites coloured by their verdict (``townsgis site``: pass / fail / unknown)."""
    if proposals is None or not len(proposals):
        return None
    names = unit_names(units, lang) if units is not None else {}
    status = status or [{"status": "unknown"}] * len(proposals)
    feats = []
    for row, geom, st in zip(_records(proposals), proposals.geometry, status, strict=True):
        key = st.get("status", "unknown")
        colour = vocab.colour("verdict", key)
        verdict = vocab.label("verdict", key, lang)
        name = feature_name(row, lang)
        rows = [(t(lang, "status"), verdict)]
        rows += [(t(lang, "reason"), r) for r in st.get("reasons", [])]
        rows += attribute_rows(row, lang, names)
        feats.append(
            MapFeature(
                geometry=geom,
                style=Style(
                    stroke="#222222" if key == "fail" else colour,
                    weight=2,
                    dash="4 3" if key == "fail" else None,
                    fill=colour,
                    fill_opacity=0.8,
                    radius=8,
                    css=f"tg-proposal tg-proposal-{key}",
                ),
                label=paren(lang, name, verdict),
                popup=popup(name, rows),
                data={"status": key},
            )
        )
    return Layer("proposals", t(lang, "proposals"), feats, label_kind="town")
