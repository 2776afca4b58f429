"""The progress map on the web: the progress ``MapModel`` (``townsgis.mapmodel.progress``)
drawn with folium, plus the projects as ONE canvas-rendered Leaflet layer built in the
browser from compact arrays (5-decimal coordinates, stage histories as short strings), so the
page stays usable at 100,000 projects. A quarter slider restyles the projects, recolours the
towns, switches the county and town summaries and the quarter in the title."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from townsgis import vocab
from townsgis.mapmodel.model import MapModel
from townsgis.mapmodel.progress import STALLED_COLOUR
from townsgis.mapmodel.text import paren, t
from townsgis.webmap.assets import RawHTML
from townsgis.webmap.common import js_snippet
from townsgis.webmap.display import display_frame
from townsgis.webmap.escape import esc, esc_all, json_for_script, popup_table
from townsgis.webmap.legend import add_html
from townsgis.webmap.render import draw, finish, title_lines

PROJECT_DECIMALS = 5  # ≈ 1 m: plenty for a point drawn as a circle
STAGE_CODES = "raco"  # reserve, approval, construction, operation
DATA_ID = "tg-progress-data"
_JS = Path(__file__).with_name("static") / "progress.js"
# Room (x, y pixels) the fitted map leaves for the title block (top left), the legend
# (right) and the quarter slider (bottom left), so none of them covers land.
PADDING = {"top_left": (10, 120), "bottom_right": (230, 150)}


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
    """The compact columnar arrays the browser draws the projects from (display CRS,
    lon/lat as integers of 1e-``PROJECT_DECIMALS``° from ``x0``/``y0``; towns as indices
    into one list of names); every text HTML-escaped."""
    from townsgis.progress import DEFAULT_STALL_QUARTERS, format_quarter

    q0 = quarters[0]
    unit = 10**PROJECT_DECIMALS
    gx = np.round(projects.geometry.x.to_numpy() * unit).astype(np.int64)
    gy = np.round(projects.geometry.y.to_numpy() * unit).astype(np.int64)
    x0, y0 = (int(a.min()) if len(a) else 0 for a in (gx, gy))
    names = projects["name_zh"] if "name_zh" in projects else projects["project_id"]
    town_code, town_ids = pd.factorize(projects["town_id"])
    return {
        "decimals": PROJECT_DECIMALS,
        "x0": x0,
        "y0": y0,
        "dx": (gx - x0).tolist(),
        "dy": (gy - y0).tolist(),
        "v": np.round(projects["total_investment"].astype(float).to_numpy(), 2).tolist(),
        "inv": np.round(projects["invested_to_date"].astype(float).to_numpy(), 2).tolist(),
        "h": encode_histories(hist, projects.index, q0),
        "name": esc_all(names),
        "id": esc_all(projects["project_id"]),
        "t": town_code.tolist(),
        "towns": esc_all(town_names.get(v, v) for v in town_ids),
        "quarters": [format_quarter(q) for q in quarters],
        "initial": initial - q0,
        "stall_quarters": DEFAULT_STALL_QUARTERS,
        "stage_codes": STAGE_CODES,
        "stage_labels": [esc(vocab.label("stage", s, lang)) for s in vocab.STAGES],
        "stage_colors": [vocab.colour("stage", s) for s in vocab.STAGES],
        "stalled_color": STALLED_COLOUR,
        "labels": {
            k: esc(v)
            for k, v in {
                "quarter": t(lang, "quarter"),
                "stage": vocab.field_label("stage", lang),
                "not_started": t(lang, "not_started"),
                "stalled": t(lang, "stalled", n=DEFAULT_STALL_QUARTERS),
                "total": vocab.field_label("total_investment", lang),
                "invested": vocab.field_label("invested_to_date", lang)
                + f" ({t(lang, 'as_recorded')})",
                "id": vocab.field_label("project_id", lang),
                "town": t(lang, "towns"),
                "since": t(lang, "since"),
                "play": t(lang, "play"),
            }.items()
        },
    }


def _quarter_title(model: MapModel, quarter: str, tiles: str) -> str:
    """The title block with the quarter in a ``.tg-q`` span the slider keeps current."""
    lang = model.lang
    head = esc(model.title)
    q = f'<span class="tg-q">{esc(quarter)}</span>'
    head = paren(lang, head, q)
    lines = [f"<div>{esc(t(lang, 'quarter'))}: {q}</div>"]
    count = f"{t(lang, 'projects_n')}: "
    for line in title_lines(model, tiles):
        if line.startswith(count):  # the number at the slider's quarter (progress.js)
            n = esc(line[len(count) :])
            lines.append(f'<div>{esc(count)}<span class="tg-n">{n}</span></div>')
        else:
            lines.append(f"<div>{esc(line)}</div>")
    warn = f'<div class="tg-warn">{esc(model.warning)}</div>' if model.warning else ""
    return f'<div class="tg-box tg-title" id="tg-title"><h1>{head}</h1>{"".join(lines)}{warn}</div>'


def build_progress_map(model: MapModel, *, tiles: str = "none"):
    """The progress map of ``model`` (folium Map, not yet rendered)."""
    import folium

    tl = model.timeline or {}
    m, exposed = draw(model, tiles=tiles, padding=PADDING)
    g_proj = folium.FeatureGroup(name=t(model.lang, "projects"), show=True).add_to(m)
    projects = tl["projects"]
    disp = display_frame(projects, tiles)
    towns = model.layer("towns")
    town_names = {f.ref: f.label for f in towns.features} if towns else {}
    data = progress_payload(disp, tl["hist"], tl["quarters"], tl["initial"], town_names, model.lang)
    sums = tl["summaries"]
    data["unit_popups"] = [[popup_table(p.title, p.rows) for p in qs] for qs in sums["units"]]
    data["town_popups"] = [[popup_table(p.title, p.rows) for p in qs] for qs in sums["towns"]]
    data["town_colors"] = [[model.scale.colour(v) for v in qs] for qs in sums["share"]]
    m.get_root().header.add_child(
        RawHTML(f"<script>{_JS.read_text(encoding='utf-8')}</script>"), name="tg_progress_js"
    )
    units_js = exposed["units"].get_name() if "units" in exposed else "null"
    towns_js = exposed["towns"].get_name() if "towns" in exposed else "null"
    # the data as a JSON element (JSON.parse reads megabytes faster than a script literal)
    m.get_root().html.add_child(
        RawHTML(f'<script type="application/json" id="{DATA_ID}">{json_for_script(data)}</script>'),
        name="tg_progress_data",
    )
    g_proj.add_child(
        js_snippet(
            f"window.townsgisProgress = townsgisProgress({m.get_name()}, {g_proj.get_name()}, "
            f"JSON.parse(document.getElementById({DATA_ID!r}).textContent), "
            f"{units_js}, {towns_js});"
        )
    )
    finish(m, model.kind, exposed)
    initial = tl["quarter_labels"][tl["quarters"].index(tl["initial"])]
    add_html(m, _quarter_title(model, initial, tiles), "tg_title")
    return m
