"""The progress map: projects coloured by stage ("four batches", §2.3/§3.3.1) and sized by
investment, towns shaded by invested-to-date against planned, per-unit summaries, a quarter
slider and stalled projects marked (issue 4).

Projects are drawn by ONE canvas-rendered Leaflet GeoJSON layer built in the browser from
compact arrays (5-decimal coordinates, stage histories as short strings), so the page stays
usable at 100,000 projects. The tables come from ``townsgis.progress``.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from townsgis.errors import DataError
from townsgis.webmap.assets import RawHTML
from townsgis.webmap.common import base_map, expose, geojson_layer, js_snippet, page_title
from townsgis.webmap.display import display_frame, feature_collection
from townsgis.webmap.escape import esc, json_for_script, popup_table
from townsgis.webmap.legend import LegendItem, LegendSection, add_html, legend_html, title_html
from townsgis.webmap.provenance import disclaimer, provenance
from townsgis.webmap.style import (
    RATIO_BREAKS,
    RATIO_COLORS,
    STAGE_COLORS,
    STAGES,
    STALLED_COLOR,
    t,
)

PROJECT_DECIMALS = 5  # ≈ 1 m: plenty for a point drawn as a circle
STAGE_CODES = "raco"  # reserve, approval, construction, operation
_JS = Path(__file__).with_name("static") / "progress.js"


def ratio_color(share: float) -> str:
    """Fill colour of an invested/planned share (0–1) in 5 classes (RATIO_BREAKS)."""
    return RATIO_COLORS[int(np.searchsorted(RATIO_BREAKS, share, side="right"))]


def encode_histories(hist: pd.DataFrame, rows: pd.Index, q0: int) -> list[str]:
    """Per project (``rows``), its stage changes as ``"<quarter-q0><code>..."`` (e.g.
    ``"0r3a7c"``), consecutive repeats of a stage dropped, in time order."""
    h = hist.sort_values(["row", "quarter", "seq"])
    changed = h["stage"] != h.groupby("row")["stage"].shift()
    h = h[changed]
    code = h["rank"].map(dict(enumerate(STAGE_CODES)))
    token = ((h["quarter"] - q0).astype(str) + code).tolist()
    out = [""] * len(rows)
    for pos, tok in zip(rows.get_indexer(h["row"]).tolist(), token, strict=True):
        out[pos] += tok  # rows are sorted by time within each project
    return out


def progress_payload(
    projects, hist: pd.DataFrame, quarters: list[int], initial: int, town_names: dict, lang: str
) -> dict[str, Any]:
    """The compact arrays the browser builds the project layer from (display CRS)."""
    from townsgis.progress import DEFAULT_STALL_QUARTERS, format_quarter

    q0 = quarters[0]
    x = np.round(projects.geometry.x.to_numpy(), PROJECT_DECIMALS)
    y = np.round(projects.geometry.y.to_numpy(), PROJECT_DECIMALS)
    names = projects["name_zh"] if "name_zh" in projects else projects["project_id"]
    return {
        "x": x.tolist(),
        "y": y.tolist(),
        "v": np.round(projects["total_investment"].astype(float).to_numpy(), 2).tolist(),
        "inv": np.round(projects["invested_to_date"].astype(float).to_numpy(), 2).tolist(),
        "h": encode_histories(hist, projects.index, q0),
        "name": [esc(v) for v in names],
        "id": [esc(v) for v in projects["project_id"]],
        "town": [esc(town_names.get(v, v)) for v in projects["town_id"]],
        "quarters": [format_quarter(q) for q in quarters],
        "initial": initial - q0,
        "stall_quarters": DEFAULT_STALL_QUARTERS,
        "stage_codes": STAGE_CODES,
        "stage_labels": [esc(t(lang, s)) for s in STAGES],
        "stage_colors": [STAGE_COLORS[s] for s in STAGES],
        "stalled_color": STALLED_COLOR,
        "labels": {
            k: esc(v)
            for k, v in {
                "quarter": t(lang, "quarter"),
                "stage": t(lang, "stage"),
                "not_started": t(lang, "not_started"),
                "stalled": t(lang, "stalled", n=DEFAULT_STALL_QUARTERS),
                "total": t(lang, "total_investment"),
                "invested": t(lang, "invested_to_date") + f" ({t(lang, 'as_recorded')})",
                "id": "project_id",
                "town": t(lang, "towns"),
                "since": "since",
                "play": "play",
            }.items()
        },
    }


def build_progress_map(
    ds,
    *,
    quarter: str | None = None,
    lang: str = "zh",
    tiles: str = "none",
    title: str = "",
    date: _dt.date | None = None,
):
    """The progress map of dataset ``ds`` (folium Map, not yet rendered). ``quarter``
    (``YYYYQn``, default: the latest quarter in the stage histories) sets the slider's start
    and the quarter of the summaries."""
    import folium

    from townsgis.progress import (
        DEFAULT_STALL_QUARTERS,
        format_quarter,
        parse_history,
        parse_quarter,
        town_progress,
        unit_summary,
    )

    if ds.projects is None or ds.projects.empty:
        raise DataError(f"{ds.project.store.layer_source('projects')}: no projects to map")
    projects = ds.projects
    hist = parse_history(projects, ds.project.store.layer_source("projects"))
    qmin, qmax = int(hist["quarter"].min()), int(hist["quarter"].max())
    q = qmax if quarter is None else parse_quarter(quarter)
    quarters = list(range(min(qmin, q), max(qmax, q) + 1))

    units = display_frame(ds.units, tiles)
    towns = display_frame(ds.towns, tiles)
    m = base_map(tuple(units.total_bounds), tiles, lang)
    exposed: dict[str, Any] = {}

    # --- units with per-unit summaries ---------------------------------------------------
    us = unit_summary(ds, q).set_index("unit_id")
    g_units = folium.FeatureGroup(name=t(lang, "units"), show=True).add_to(m)
    props = []
    for row in units.drop(columns="geometry").to_dict("records"):
        zone = row.get("kind") == "functional_zone"
        name = row.get("name_zh") if lang == "zh" else row.get("name_en") or row.get("name_zh")
        s = us.loc[row["unit_id"]] if row["unit_id"] in us.index else None
        rows = [(t(lang, "quarter"), format_quarter(q))]
        if s is not None:
            rows += [
                (t(lang, "towns"), int(s["towns"])),
                (t(lang, "projects_n"), int(s["projects"])),
                (t(lang, "implemented"), int(s["implemented"])),
                (t(lang, "stalled", n=DEFAULT_STALL_QUARTERS), int(s["stalled"])),
                (t(lang, "total_investment"), f"{s['total_investment']:.2f}"),
                (t(lang, "invested_to_date"), f"{s['invested_to_date']:.2f}"),
                (t(lang, "ratio"), f"{100 * s['share']:.1f}%"),
            ]
        props.append(
            {
                "_s": {
                    "color": "#6a3d9a" if zone else "#555555",
                    "weight": 2 if zone else 1.5,
                    "dashArray": "6 4" if zone else None,
                    "fillColor": "#ffffff",
                    "fillOpacity": 1.0 if zone else 0.05,
                    "className": "tg-unit tg-zone" if zone else "tg-unit",
                },
                "_tip": esc(name),
                "_popup": popup_table(str(name), rows),
            }
        )
    exposed["units"] = geojson_layer(feature_collection(units, props), g_units)

    # --- towns shaded by invested / planned ----------------------------------------------
    tp = town_progress(ds, q).set_index("town_id")
    g_towns = folium.FeatureGroup(name=t(lang, "towns"), show=True).add_to(m)
    props = []
    for row in towns.drop(columns="geometry").to_dict("records"):
        p = tp.loc[row["town_id"]] if row["town_id"] in tp.index else None
        share = float(p["share"]) if p is not None else 0.0
        name = row.get("name_zh") if lang == "zh" else row.get("name_en") or row.get("name_zh")
        rows = [(t(lang, "quarter"), format_quarter(q))]
        if p is not None:
            rows += [
                (t(lang, "projects_n"), int(p["projects"])),
                (t(lang, "implemented"), int(p["implemented"])),
                (t(lang, "total_investment"), f"{p['total_investment']:.2f}"),
                (t(lang, "invested_to_date"), f"{p['invested_to_date']:.2f}"),
                (t(lang, "ratio"), f"{100 * share:.1f}%"),
            ]
        props.append(
            {
                "_s": {
                    "color": "#333333",
                    "weight": 1.5,
                    "fillColor": ratio_color(share),
                    "fillOpacity": 0.85,
                    "className": "tg-town",
                },
                "_label": esc(name),
                "_ld": "right",
                "_lc": "tg-town-label",
                "_popup": popup_table(str(name), rows),
            }
        )
    exposed["towns"] = geojson_layer(feature_collection(towns, props), g_towns)

    # --- projects: one canvas layer + quarter slider --------------------------------------
    g_proj = folium.FeatureGroup(name=t(lang, "projects"), show=True).add_to(m)
    disp = display_frame(projects, tiles)
    town_names = dict(zip(ds.towns["town_id"], ds.towns["name_zh"], strict=False))
    data = progress_payload(disp, hist, quarters, q, town_names, lang)
    m.get_root().header.add_child(
        RawHTML(f"<script>{_JS.read_text(encoding='utf-8')}</script>"), name="tg_progress_js"
    )
    g_proj.add_child(
        js_snippet(
            f"window.townsgisProgress = townsgisProgress({m.get_name()}, "
            f"{g_proj.get_name()}, {json_for_script(data)});"
        )
    )
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    expose(m, "progress", exposed)

    # --- legend and title -----------------------------------------------------------------
    lo = [0.0, *RATIO_BREAKS]
    hi = [*RATIO_BREAKS, 1.0]
    sections = [
        LegendSection(
            t(lang, "projects"),
            [LegendItem(t(lang, s), STAGE_COLORS[s], kind="circle") for s in STAGES]
            + [
                LegendItem(
                    t(lang, "stalled", n=DEFAULT_STALL_QUARTERS),
                    "#ffffff",
                    kind="circle",
                    stroke=STALLED_COLOR,
                ),
                LegendItem(t(lang, "size"), "#bbbbbb", kind="circle", radius=9),
            ],
        ),
        LegendSection(
            t(lang, "ratio"),
            [
                LegendItem(f"{a * 100:.0f}–{b * 100:.0f}%", c)
                for a, b, c in zip(lo, hi, RATIO_COLORS, strict=True)
            ],
        ),
    ]
    add_html(m, legend_html(sections), "tg_legend")
    lines = [
        f"{t(lang, 'quarter')}: {format_quarter(q)}",
        f"{t(lang, 'date')}: {(date or _dt.date.today()).isoformat()}",
        f"{t(lang, 'projects_n')}: {len(projects):,}",
    ]
    if tiles != "none":
        lines.append(f"{t(lang, 'tiles_note')}: {tiles}" + (" (GCJ-02)" if tiles == "amap" else ""))
    head = page_title(title, t(lang, "progress_title"), lang)
    warning = disclaimer(
        provenance(ds.units, ds.towns, ds.projects, sample=ds.project.sample_data), lang
    )
    add_html(m, title_html(head, lines, warning), "tg_title")
    return m
