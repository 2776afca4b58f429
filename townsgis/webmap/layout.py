"""The layout map: units, towns by category, findings of ``check``, spacing buffers,
feasible area and proposals, with legend and title block (issue 4).

Inputs are WGS84 frames (``Dataset``) and findings whose geometry is in the run's metric
CRS; everything is drawn in WGS84, or GCJ-02 when ``tiles="amap"``.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd

from townsgis.findings import Finding
from townsgis.webmap.common import base_map, expose, geojson_layer, page_title
from townsgis.webmap.display import display_frame, feature_collection
from townsgis.webmap.escape import esc, popup_table
from townsgis.webmap.legend import (
    LegendItem,
    LegendSection,
    add_html,
    legend_html,
    title_html,
)
from townsgis.webmap.provenance import disclaimer, flagged, provenance
from townsgis.webmap.style import (
    CATEGORY_COLORS,
    FINDING_STYLES,
    OTHER_COLOR,
    PROPOSAL_COLORS,
    t,
)

FUNCTIONAL_ZONE = "functional_zone"
SAMPLE_WAIVER = "示例豁免 / sample waiver"


@dataclass
class LayoutInputs:
    """Everything the layout map draws. Frames in WGS84 unless stated.

    ``findings`` carry geometry in ``metric_crs``; ``min_spacing_m`` (metres, centroid to
    centroid) draws circles of half that radius round each town's centroid, ``min_gap_m``
    (boundary to boundary) grows each town by half of it; ``proposal_status`` gives, per
    proposal row, ``{"status": "pass"|"fail"|"unknown", "reasons": [str, ...]}``. ``projects``
    (optional) only feeds the disclaimer (its ``synthetic`` flag); the disclaimer and the
    zones' "approximate" labels come from the layers' own flags (``townsgis.webmap.provenance``).
    """

    units: gpd.GeoDataFrame
    towns: gpd.GeoDataFrame
    findings: list[Finding] = field(default_factory=list)
    metric_crs: Any = None
    proposals: gpd.GeoDataFrame | None = None
    proposal_status: list[dict[str, Any]] | None = None
    feasible: gpd.GeoDataFrame | None = None
    projects: gpd.GeoDataFrame | None = None
    skipped_feasible: list[str] = field(default_factory=list)
    sample: bool = False
    min_spacing_m: float | None = None
    min_gap_m: float | None = None
    ruleset: str = ""
    title: str = ""
    date: _dt.date | None = None


def _rows(row: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(k, v) for k, v in row.items() if k != "geometry"]


def _finding_key(f: Finding) -> str:
    return "waived" if f.waived else str(f.severity)


CITY_WIDE_SHARE = 0.9  # a finding covering ≥ 90 % of the units' area is city-wide


def _measure_unit(f: Finding) -> str:
    """Unit of ``measured`` (``extra["unit"]``; ``Finding.unit`` names the admin unit)."""
    return str(f.extra.get("unit") or "").strip()


def _distance_label(f: Finding) -> str | None:
    if not isinstance(f.measured, int | float) or isinstance(f.measured, bool):
        return None
    unit = _measure_unit(f)
    if unit == "m":
        return f"{f.measured / 1000:.2f} km"
    if unit == "km":
        return f"{f.measured:.2f} km"
    return f"{f.measured:g} {unit}".strip()


def is_sample_waiver(f: Finding) -> bool:
    """The finding is waived by a fictitious sample waiver (``"sample": true``, item 7)."""
    return bool(f.waived and (f.waiver or {}).get("sample"))


def _finding_key_label(f: Finding, lang: str) -> str:
    """``错误`` / ``已豁免`` / ``已豁免（示例豁免 / sample waiver）``."""
    label = t(lang, _finding_key(f))
    if is_sample_waiver(f):
        label += (
            f"（{t(lang, 'sample_waiver')}）" if lang == "zh" else f" ({t(lang, 'sample_waiver')})"
        )
    return label


def _finding_popup(f: Finding, lang: str) -> str:
    rows: list[tuple[str, Any]] = [
        ("rule", f.rule),
        ("clause", f.clause),
        ("severity", f.severity),
        ("towns", "、".join(tw.get("name_zh", tw.get("id", "")) for tw in f.towns)),
        ("message", f.message(lang)),
        ("unit_id", f.unit),
        ("measured", f.measured),
        ("limit", f.limit),
        ("measure unit", _measure_unit(f) or None),
        ("waived", "yes" if f.waived else None),
        ("sample waiver", SAMPLE_WAIVER if is_sample_waiver(f) else None),
    ]
    for k, v in (f.waiver or {}).items():
        rows.append((f"waiver.{k}", v))
    return popup_table(f"{_finding_key_label(f, lang)}: {f.rule} {f.clause}", rows)


def _feasible_tip(category: Any, lang: str) -> str:
    """``可选址范围（制造业）``: the feasible area's tooltip names its category."""
    if not isinstance(category, str) or not category:
        return t(lang, "feasible")
    word = t(lang, category) if category in CATEGORY_COLORS else category
    return f"{t(lang, 'feasible')}（{word}）" if lang == "zh" else f"{t(lang, 'feasible')} ({word})"


def _finding_frame(inp: LayoutInputs, lang: str) -> tuple[gpd.GeoDataFrame, list[Finding]]:
    """Findings with a geometry as a frame (WGS84), and the findings listed in the title
    block instead: those without a location and city-wide ones (drawn as an outline only).
    A finding without geometry whose ``unit`` names a unit is drawn on that unit."""
    unit_geom = dict(zip(inp.units["unit_id"], inp.units.geometry, strict=False))
    metric_units = inp.units.to_crs(inp.metric_crs) if inp.metric_crs is not None else None
    city_area = float(metric_units.union_all().area) if metric_units is not None else 0.0
    geoms, props, listed = [], [], []
    crs = inp.metric_crs
    for f in inp.findings:
        g = f.geometry
        g_crs = crs
        if g is None and f.unit in unit_geom:
            g, g_crs = unit_geom[f.unit], inp.units.crs
        if g is None or g.is_empty:
            listed.append(f)
            continue
        gs = gpd.GeoSeries([g], crs=g_crs or crs)
        city_wide = bool(
            city_area
            and g.geom_type in ("Polygon", "MultiPolygon")
            and float(gs.to_crs(crs).area.iloc[0]) >= CITY_WIDE_SHARE * city_area
        )
        if city_wide:
            listed.append(f)
        gs = gs.to_crs(inp.units.crs)
        key = _finding_key(f)
        st = FINDING_STYLES[key]
        line = g.geom_type in ("LineString", "MultiLineString")
        style = {
            "color": st["color"],
            "weight": st["weight"] + (1 if line or city_wide else 0),
            "dashArray": st["dashArray"],
            "fillColor": st["color"],
            "fillOpacity": 0.0 if line or city_wide else st["fillOpacity"],
            "className": f"tg-finding tg-sev-{key}" + (" tg-city-wide" if city_wide else ""),
        }
        p = {"_s": style, "_popup": _finding_popup(f, lang)}
        label = _distance_label(f) if line else None
        if label:
            p["_label"] = esc(
                f"{label} {t(lang, 'sample_short')}" if is_sample_waiver(f) else label
            )
            p["_lc"] = f"tg-dist-label tg-dist-{key}"
        else:
            tip = f.message(lang)
            p["_tip"] = esc(f"{tip}（{SAMPLE_WAIVER}）" if is_sample_waiver(f) else tip)
        geoms.append(gs.iloc[0])
        props.append(p)
    frame = gpd.GeoDataFrame({"_i": range(len(geoms))}, geometry=geoms, crs=inp.units.crs)
    frame.attrs["props"] = props
    return frame, listed


def build_layout_map(inp: LayoutInputs, *, lang: str = "zh", tiles: str = "none"):
    """The layout map as a folium Map (not yet rendered; see ``common.render_html``)."""
    import folium

    units = display_frame(inp.units, tiles)
    towns = display_frame(inp.towns, tiles)
    m = base_map(tuple(units.total_bounds), tiles, lang)
    exposed: dict[str, Any] = {}

    # --- units -------------------------------------------------------------------
    g_units = folium.FeatureGroup(name=t(lang, "units"), show=True).add_to(m)
    props = []
    approx = flagged(units, "approximate").tolist()
    for row, row_approx in zip(
        units.drop(columns="geometry").to_dict("records"), approx, strict=True
    ):
        zone = row.get("kind") == FUNCTIONAL_ZONE
        name = row.get("name_zh") if lang == "zh" else row.get("name_en") or row.get("name_zh")
        label = (
            f"{esc(name)}<br><small>（{esc(t(lang, 'approx_zone'))}）</small>"
            if row_approx
            else esc(name)
        )
        props.append(
            {
                "_s": {
                    "color": "#6a3d9a" if zone else "#555555",
                    "weight": 2 if zone else 1.5,
                    "dashArray": "6 4" if zone else None,
                    "fillColor": "#ffffff",
                    "fillOpacity": 0.0 if not zone else 1.0,
                    "className": "tg-unit tg-zone" if zone else "tg-unit",
                },
                "_label": label,
                "_lc": "tg-unit-label",
                "_popup": popup_table(str(name), _rows(row)),
            }
        )
    exposed["units"] = geojson_layer(feature_collection(units, props), g_units)

    # --- feasible area (optional) ------------------------------------------------------
    if inp.feasible is not None and not inp.feasible.empty:
        feas = display_frame(inp.feasible, tiles)
        g_feas = folium.FeatureGroup(name=t(lang, "feasible"), show=False).add_to(m)
        cats = feas["category"] if "category" in feas.columns else [None] * len(feas)
        props = [
            {
                "_s": {
                    "color": "#1a9641",
                    "weight": 1,
                    "fillColor": "#a6d96a",
                    "fillOpacity": 0.35,
                    "className": "tg-feasible",
                },
                "_tip": esc(_feasible_tip(cat, lang)),
            }
            for cat in cats
        ]
        exposed["feasible"] = geojson_layer(feature_collection(feas, props), g_feas)

    # --- spacing buffers (optional, off by default) ------------------------------------------
    bufs = []
    if inp.metric_crs is not None:
        towns_m = inp.towns.to_crs(inp.metric_crs)
        if inp.min_spacing_m:  # centroid to centroid ≥ D: circles of D/2 round each centroid
            bufs.append((towns_m.geometry.centroid.buffer(inp.min_spacing_m / 2.0), "spacing"))
        if inp.min_gap_m:  # boundary to boundary ≥ G: the town grown by G/2
            bufs.append((towns_m.geometry.buffer(inp.min_gap_m / 2.0), "gap"))
    if bufs:
        g_buf = folium.FeatureGroup(name=t(lang, "buffers"), show=False).add_to(m)
        names = list(inp.towns.get("name_zh", [""] * len(inp.towns)))
        for geoms, kind in bufs:
            dist = inp.min_spacing_m if kind == "spacing" else inp.min_gap_m
            frame = display_frame(gpd.GeoDataFrame(geometry=geoms, crs=inp.metric_crs), tiles)
            tip = t(lang, f"buffer_{kind}", d=f"{dist / 1000:g}", r=f"{dist / 2000:g}")
            props = [
                {
                    "_s": {
                        "color": "#2b83ba",
                        "weight": 1,
                        "dashArray": "4 4" if kind == "spacing" else "1 3",
                        "fillColor": "#abd9e9",
                        "fillOpacity": 0.15,
                        "className": f"tg-buffer tg-buffer-{kind}",
                    },
                    "_tip": esc(f"{name}: {tip}"),
                }
                for name in names
            ]
            exposed[f"buffers_{kind}"] = geojson_layer(feature_collection(frame, props), g_buf)

    # --- towns ---------------------------------------------------------------------
    g_towns = folium.FeatureGroup(name=t(lang, "towns"), show=True).add_to(m)
    props = []
    for row in towns.drop(columns="geometry").to_dict("records"):
        color = CATEGORY_COLORS.get(row.get("category"), OTHER_COLOR)
        name = row.get("name_zh") if lang == "zh" else row.get("name_en") or row.get("name_zh")
        props.append(
            {
                "_s": {
                    "color": color,
                    "weight": 2,
                    "fillColor": color,
                    "fillOpacity": 0.55,
                    "className": "tg-town",
                },
                "_label": esc(name),
                "_ld": "right",
                "_lc": "tg-town-label",
                "_popup": popup_table(str(name), _rows(row)),
            }
        )
    exposed["towns"] = geojson_layer(feature_collection(towns, props), g_towns)

    # --- findings ------------------------------------------------------------------
    ff, listed = _finding_frame(inp, lang)
    g_find = folium.FeatureGroup(name=t(lang, "findings"), show=True).add_to(m)
    if len(ff):
        fdisp = display_frame(ff, tiles)
        exposed["findings"] = geojson_layer(
            feature_collection(fdisp, ff.attrs["props"]), g_find, point_radius=9
        )

    # --- proposals ------------------------------------------------------------------
    if inp.proposals is not None and not inp.proposals.empty:
        prop_disp = display_frame(inp.proposals, tiles)
        status = inp.proposal_status or [{"status": "unknown"}] * len(prop_disp)
        g_prop = folium.FeatureGroup(name=t(lang, "proposals"), show=True).add_to(m)
        props = []
        for row, st in zip(
            prop_disp.drop(columns="geometry").to_dict("records"), status, strict=True
        ):
            key = st.get("status", "unknown")
            color = PROPOSAL_COLORS.get(key, PROPOSAL_COLORS["unknown"])
            name = (row.get("name_en") if lang == "en" else None) or row.get("name_zh")
            name = name or row.get("name") or ""
            rows = (
                [("status", t(lang, key))]
                + [("reason", r) for r in st.get("reasons", [])]
                + _rows(row)
            )
            props.append(
                {
                    "_s": {
                        "color": "#222222" if key == "fail" else color,
                        "weight": 2,
                        "dashArray": "4 3" if key == "fail" else None,
                        "fillColor": color,
                        "fillOpacity": 0.8,
                        "className": f"tg-proposal tg-proposal-{key}",
                    },
                    "_label": esc(
                        f"{name}（{t(lang, key)}）" if lang == "zh" else f"{name} ({t(lang, key)})"
                    ),
                    "_ld": "right",
                    "_popup": popup_table(str(name), rows),
                }
            )
        exposed["proposals"] = geojson_layer(
            feature_collection(prop_disp, props), g_prop, point_radius=8
        )

    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    expose(m, "layout", exposed)

    # --- legend and title ----------------------------------------------------------------
    prov = provenance(inp.units, inp.towns, inp.projects, sample=inp.sample)
    cats = sorted(
        set(inp.towns.get("category", [])),
        key=lambda c: list(CATEGORY_COLORS).index(c) if c in CATEGORY_COLORS else 99,
    )
    sections = [
        LegendSection(
            t(lang, "towns"),
            [
                LegendItem(
                    t(lang, c) if c in CATEGORY_COLORS else str(c),
                    CATEGORY_COLORS.get(c, OTHER_COLOR),
                )
                for c in cats
            ],
        ),
        LegendSection(
            t(lang, "units"),
            [
                LegendItem(t(lang, "district"), "#555555", kind="line"),
                LegendItem(
                    t(lang, "zone_approx" if prov.approx_zones else "zone"), "#6a3d9a", kind="hatch"
                ),
            ],
        ),
        LegendSection(
            t(lang, "findings"),
            [
                LegendItem(
                    t(lang, k),
                    FINDING_STYLES[k]["color"],
                    kind="line",
                    dash=FINDING_STYLES[k]["dashArray"],
                )
                for k in ("error", "warning", "waived")
            ]
            + [
                LegendItem(t(lang, "overlap"), FINDING_STYLES["error"]["color"]),
                LegendItem(t(lang, "too_close"), FINDING_STYLES["error"]["color"], kind="line"),
            ],
        ),
    ]
    if inp.proposals is not None and not inp.proposals.empty:
        sections.append(
            LegendSection(
                t(lang, "proposals"),
                [
                    LegendItem(t(lang, k), PROPOSAL_COLORS[k], kind="circle")
                    for k in ("pass", "fail", "unknown")
                ],
            )
        )
    extra = []
    if bufs:
        extra.append(LegendItem(f"{t(lang, 'buffers')}", "#abd9e9", stroke="#2b83ba", dash="4 4"))
    if inp.feasible is not None and not inp.feasible.empty:
        extra.append(LegendItem(t(lang, "feasible"), "#a6d96a", stroke="#1a9641"))
    if extra:
        sections.append(LegendSection("", extra))
    add_html(m, legend_html(sections), "tg_legend")

    date = (inp.date or _dt.date.today()).isoformat()
    lines = [f"{t(lang, 'ruleset')}: {inp.ruleset or '—'}", f"{t(lang, 'date')}: {date}"]
    if inp.skipped_feasible:
        names = ", ".join(inp.skipped_feasible)
        lines.append(t(lang, "feasible_skipped", n=len(inp.skipped_feasible), files=names))
    for f in listed:
        lines.append(f"{_finding_key_label(f, lang)} {f.clause}: {f.message(lang)}")
    if tiles != "none":
        lines.append(f"{t(lang, 'tiles_note')}: {tiles}" + (" (GCJ-02)" if tiles == "amap" else ""))
    title = page_title(inp.title, t(lang, "layout_title"), lang)
    add_html(m, title_html(title, lines, disclaimer(prov, lang)), "tg_title")
    return m
