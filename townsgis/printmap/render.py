"""Compose a print map (map frame, title band, inset, legend, notes) on a sheet of paper.

Units: the layout is computed in millimetres on the sheet; map data are in the scene's
metric CRS (metres), so the scale bar and the representative fraction are exact on paper.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

import numpy as np

from townsgis import vocab
from townsgis.printmap import decor, graticule, labels
from townsgis.printmap.paper import MM_PER_INCH, figsize_inches, paper_mm
from townsgis.printmap.scene import CATEGORY_COLORS, CATEGORY_NAMES, MapScene

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PT_PER_MM = 72.0 / MM_PER_INCH
FINDING_COLOR = vocab.colour("severity", "error")
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def text_width_em(s: str) -> float:
    """Rough width of ``s`` in ems: CJK/full-width characters 1 em, others 0.55 em."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in s)


def wrap(s: str, width_em: float) -> list[str]:
    """Wrap ``s`` to lines at most ``width_em`` wide (breaks at spaces for Latin text)."""
    lines, cur = [], ""
    for word in _tokens(s):
        if cur and text_width_em(cur + word) > width_em:
            lines.append(cur.rstrip())
            cur = word.lstrip()
        else:
            cur += word
    if cur.strip():
        lines.append(cur.rstrip())
    return lines


def _tokens(s: str) -> list[str]:
    out, buf = [], ""
    for c in s:
        if unicodedata.east_asian_width(c) in "WF":
            if buf:
                out.append(buf)
                buf = ""
            out.append(c)
        elif c == " ":
            out.append(buf + " ")
            buf = ""
        else:
            buf += c
    if buf:
        out.append(buf)
    return out


class _Sheet:
    """Millimetre layout helper: mm rectangles → figure fractions."""

    def __init__(self, w_mm: float, h_mm: float):
        self.w, self.h = w_mm, h_mm
        self.s = min(w_mm, h_mm) / 210.0  # font/spacing scale: 1 on A4

    def rect(self, x0: float, y0: float, x1: float, y1: float) -> list[float]:
        return [x0 / self.w, y0 / self.h, (x1 - x0) / self.w, (y1 - y0) / self.h]


def render(
    scene: MapScene, paper: str = "A4", orientation: str = "landscape", dpi: float | None = None
) -> Figure:
    """Draw ``scene`` on a figure of exactly the paper size (snapped to whole pixels at ``dpi``).

    Call inside ``matplotlib.rc_context(fonts.rc_params())``.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    w_mm, h_mm = paper_mm(paper, orientation)

    class _Canvas(FigureCanvasAgg):
        def draw_idle(self, *args, **kwargs):  # geopandas asks for a redraw per layer: skip
            pass

    fig = Figure(figsize=figsize_inches(paper, orientation, dpi), dpi=dpi or 100)
    _Canvas(fig)
    sheet = _Sheet(w_mm, h_mm)
    s = sheet.s
    m = 8.0 * s
    title_h = 15.0 * s
    gutter = 5.0 * s
    if orientation == "landscape":
        panel_w = 0.27 * w_mm
        map_box = (m + gutter, m + gutter, w_mm - m - panel_w - 4 * s, h_mm - m - title_h)
        px0 = w_mm - m - panel_w
        top = h_mm - m - title_h
        inset_box = (px0, top - 0.27 * (top - m), w_mm - m, top)
        legend_box = (px0, inset_box[1] - 0.24 * (top - m), w_mm - m, inset_box[1] - 3 * s)
        notes_box = (px0, m, w_mm - m, legend_box[1] - 2 * s)
    else:
        panel_h = 0.30 * h_mm
        map_box = (m + gutter, m + panel_h + gutter, w_mm - m, h_mm - m - title_h)
        col = (w_mm - 2 * m) / 10.0
        inset_box = (m, m + 0.15 * panel_h, m + 3 * col, m + panel_h - 2 * s)
        legend_box = (m + 3.3 * col, m, m + 6 * col, m + panel_h - 2 * s)
        notes_box = (m + 6.1 * col, m, w_mm - m, m + panel_h - 2 * s)

    ax = fig.add_axes(sheet.rect(*map_box))
    frame_w_mm = map_box[2] - map_box[0]
    frame_h_mm = map_box[3] - map_box[1]
    xlim, ylim = _extent(scene, frame_w_mm / frame_h_mm)
    _draw_map(fig, ax, scene, xlim, ylim, s)
    _draw_title(fig, sheet, scene, m, title_h)
    _draw_inset(fig, sheet, scene, inset_box, s)
    _draw_legend(fig, sheet, scene, legend_box, s)
    denom = decor.round_scale(decor.scale_denominator(xlim[1] - xlim[0], frame_w_mm))
    _draw_notes(fig, sheet, scene, notes_box, s, denom, paper.upper())
    return fig


def _extent(scene: MapScene, aspect: float, pad: float = 0.04):
    frames = [scene.units.total_bounds]
    frames += [o.gdf.total_bounds for o in scene.overlays if len(o.gdf)]
    b = np.array(frames)
    x0, y0 = b[:, 0].min(), b[:, 1].min()
    x1, y1 = b[:, 2].max(), b[:, 3].max()
    w, h = (x1 - x0) * (1 + 2 * pad), (y1 - y0) * (1 + 2 * pad)
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return (cx - w / 2, cx + w / 2), (cy - h / 2, cy + h / 2)


def _draw_map(fig, ax, scene: MapScene, xlim, ylim, s: float) -> None:
    from matplotlib import colormaps
    from matplotlib.colors import Normalize

    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal", adjustable="box")
    ax.set_facecolor("#f4f4f4")
    if scene.province is not None and len(scene.province):
        scene.province.plot(ax=ax, facecolor="#ebe8e0", edgecolor="0.65", linewidth=0.5, zorder=1)
    units = scene.units
    is_zone = (units["kind"] == "functional_zone").to_numpy() if "kind" in units else None
    base = units[~is_zone] if is_zone is not None else units
    zones = units[is_zone] if is_zone is not None else units.iloc[0:0]
    if len(base):
        base.plot(ax=ax, facecolor="#fdfcf7", edgecolor="0.25", linewidth=0.9 * s, zorder=2)
    if scene.city is not None and len(scene.city):
        scene.city.boundary.plot(ax=ax, color="0.1", linewidth=1.6 * s, zorder=3)
    if len(zones):
        zones.plot(
            ax=ax,
            facecolor="none",
            edgecolor="#4f7ca8",
            linewidth=0.8 * s,
            linestyle=(0, (4, 2)),
            zorder=3,
        )
    for line in graticule.graticule_lines(scene.crs, xlim, ylim):
        ax.plot(line[:, 0], line[:, 1], color="0.55", lw=0.25, ls=(0, (2, 2)), zorder=2.5)
    for ov in scene.overlays:
        _plot_overlay(ax, ov)

    towns = scene.towns
    if scene.town_style is not None:
        st = scene.town_style
        norm = Normalize(st.vmin, st.vmax)
        cmap = colormaps[st.cmap]
        colors = [cmap(norm(st.values[t])) if t in st.values else "0.8" for t in towns["town_id"]]
    else:
        colors = [CATEGORY_COLORS.get(c, "0.5") for c in towns["category"]]
    if len(towns):
        towns.plot(ax=ax, color=colors, edgecolor="0.15", linewidth=0.5 * s, zorder=7)

    markers = _draw_findings(ax, scene, s)

    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    xt, xl, yt, yl = graticule.edge_ticks(scene.crs, xlim, ylim)
    ax.set_xticks(xt, xl)
    ax.set_yticks(yt, yl)
    ax.tick_params(
        labelsize=6 * s, direction="in", length=3 * s, width=0.5, pad=2 * s, top=True, right=True
    )
    for lab in ax.get_yticklabels():
        lab.set_rotation(90)
        lab.set_va("center")
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_linewidth(0.9)

    renderer = fig.canvas.get_renderer()
    halo = 2.2 * s
    obstacles = []
    for t in markers:  # finding numbers: labels keep clear of them
        bb = t.get_window_extent(renderer)
        obstacles.append((bb.x0, bb.y0, bb.x1, bb.y1))
    # County/district names: fixed at a point inside each unit, grey, larger type.
    unit_marks = scene.extra.get("findings_map", {}).get("unit_marks", {})
    for _, row in units.iterrows():
        p = row.geometry.representative_point()
        zone = row.get("kind") == "functional_zone"
        name = scene.unit_name(row)
        if row.get("unit_id") in unit_marks:
            name += " [" + ",".join(_num(n) for n in unit_marks[row["unit_id"]]) + "]"
        marked = row.get("unit_id") in unit_marks
        t = ax.text(
            p.x,
            p.y,
            name,
            ha="center",
            va="center",
            fontsize=(7 if zone else 10) * s,
            color=FINDING_COLOR if marked else "#4f7ca8" if zone else "0.35",
            zorder=9,
        )
        labels.halo_text(t, halo)
        bb = t.get_window_extent(renderer)
        obstacles.append((bb.x0, bb.y0, bb.x1, bb.y1))
    # Towns themselves are obstacles for labels (display boxes).
    tb = towns.geometry.bounds.to_numpy()
    lo = ax.transData.transform(tb[:, :2])
    hi = ax.transData.transform(tb[:, 2:])
    obstacles += [tuple(r) for r in np.hstack([lo, hi])]
    cent = towns.geometry.centroid
    radius_pt = (np.maximum(hi[:, 0] - lo[:, 0], hi[:, 1] - lo[:, 1]) / 2) / (
        renderer.points_to_pixels(1.0)
    )
    marks = scene.extra.get("findings_map", {}).get("town_marks", {})
    texts = []
    for _, row in towns.iterrows():
        name = scene.town_name(row)
        if row.get("town_id") in marks:
            name += " [" + ",".join(_num(n) for n in marks[row["town_id"]]) + "]"
        if scene.town_style is not None:
            v = scene.town_style.values.get(row["town_id"])
            name += "" if v is None else f" {scene.town_style.fmt.format(v)}"
        texts.append(name)
    order = np.argsort(-towns.geometry.area.to_numpy(), kind="stable")
    anchors = [(cent.iloc[i].x, cent.iloc[i].y) for i in order]
    names = [texts[i] for i in order]
    gaps = [float(radius_pt[i]) + 2.0 * s for i in order]
    for ov in scene.overlays:  # named overlays (the proposed site) are labelled first
        if ov.name and len(ov.gdf):
            geom = ov.gdf.geometry.union_all()
            c = geom.centroid
            b = geom.bounds
            r = ax.transData.transform((b[2], b[3])) - ax.transData.transform((b[0], b[1]))
            anchors.insert(0, (c.x, c.y))
            names.insert(0, ov.name)
            gaps.insert(0, float(max(r) / 2 / renderer.points_to_pixels(1.0)) + 2.0 * s)
    placed = labels.place_labels(
        ax,
        anchors,
        names,
        renderer=renderer,
        obstacles=obstacles,
        gap_pt=gaps,
        text_kw={"fontsize": 6.5 * s, "zorder": 12, "color": "0.05"},
        halo_pt=halo,
    )
    scene.extra["placed_labels"] = placed
    decor.draw_scalebar(ax, decor.nice_scalebar_km(xlim[1] - xlim[0]), fontsize=6 * s)
    decor.draw_north_arrow(ax, fontsize=7 * s, lang=scene.lang)


def _plot_overlay(ax, ov) -> None:
    geom_types = set(ov.gdf.geom_type)
    if geom_types <= {"Point", "MultiPoint"}:
        ov.gdf.plot(
            ax=ax, marker=ov.marker or "*", color=ov.edgecolor, markersize=60, zorder=ov.zorder
        )
        return
    ov.gdf.plot(
        ax=ax,
        facecolor=ov.facecolor,
        edgecolor=ov.edgecolor,
        linewidth=ov.linewidth,
        linestyle=ov.linestyle,
        hatch=ov.hatch,
        alpha=ov.alpha,
        zorder=ov.zorder,
    )


def classify_findings(scene: MapScene) -> dict:
    """Where each finding shows on the map: ``town_marks`` (town_id → finding numbers, shown
    in the town's label), ``drawn`` (index → how its geometry is drawn: "town", "area",
    "line", "point") and ``listed_only`` (city-wide findings: text list only)."""
    city_area = (
        scene.city.union_all().area
        if scene.city is not None and len(scene.city)
        else scene.units.union_all().area
    )
    town_ids = set(scene.towns["town_id"]) if "town_id" in scene.towns else set()
    out = {"town_marks": {}, "unit_marks": {}, "drawn": {}, "listed_only": []}
    units = scene.units
    unit_areas = units.geometry.area.to_numpy() if len(units) else []
    for i, f in enumerate(scene.findings):
        g = f.geometry
        if g is None or g.is_empty:
            out["listed_only"].append(i)
            continue
        kind = g.geom_type
        if kind in ("Polygon", "MultiPolygon"):
            if g.area >= 0.6 * city_area:
                out["listed_only"].append(i)
                continue
            ids = [t["id"] for t in f.towns if t["id"] in town_ids]
            if g.area < 50e6 and len(ids) == 1:
                out["drawn"][i] = "town"
                out["town_marks"].setdefault(ids[0], []).append(i)
            else:
                out["drawn"][i] = "area"
                # A unit's own outline (e.g. a §3.1.1c cap): the number goes into its name.
                hit = [
                    uid
                    for uid, ua, ug in zip(
                        units["unit_id"], unit_areas, units.geometry, strict=True
                    )
                    if abs(ua - g.area) <= 0.01 * ua and ug.contains(g.representative_point())
                ]
                if hit:
                    out["unit_marks"].setdefault(hit[0], []).append(i)
        elif kind in ("LineString", "MultiLineString"):
            out["drawn"][i] = "line"
        else:
            out["drawn"][i] = "point"
    return out


def _draw_findings(ax, scene: MapScene, s: float) -> list:
    """Draw the findings' geometry and number markers; return the marker texts."""
    import geopandas as gpd

    cls = classify_findings(scene)
    scene.extra["findings_map"] = cls
    if not cls["drawn"]:
        return []
    idx = list(cls["drawn"])
    g = gpd.GeoDataFrame(
        {"n": idx, "how": [cls["drawn"][i] for i in idx]},
        geometry=[scene.findings[i].geometry for i in idx],
        crs=scene.crs,
    )
    town = g[g["how"] == "town"]
    area = g[g["how"] == "area"]
    line = g[g["how"] == "line"]
    pts = g[g["how"] == "point"]
    if len(town):
        town.plot(ax=ax, facecolor="none", edgecolor=FINDING_COLOR, linewidth=1.3 * s, zorder=8)
    if len(area):
        small = area[area.geometry.area < 50e6]
        big = area[area.geometry.area >= 50e6]
        if len(small):
            small.plot(
                ax=ax,
                facecolor="none",
                edgecolor=FINDING_COLOR,
                hatch="////",
                linewidth=1.1 * s,
                zorder=8,
            )
        if len(big):
            big.plot(
                ax=ax,
                facecolor="none",
                edgecolor=FINDING_COLOR,
                linewidth=1.4 * s,
                linestyle=(0, (5, 2)),
                zorder=8,
            )
    if len(line):
        line.plot(ax=ax, color=FINDING_COLOR, linewidth=1.6 * s, zorder=8)
    if len(pts):
        pts.plot(
            ax=ax,
            marker="o",
            facecolor="none",
            edgecolor=FINDING_COLOR,
            markersize=40,
            linewidth=1.2,
            zorder=8,
        )
    unit_marked = {n for ns in cls["unit_marks"].values() for n in ns}
    # Markers closer than ~4 mm on paper merge into one ("2,5") so they never overlap.
    merge_m = 4.0 / 1000.0 * _metres_per_paper_metre(ax)
    seen: dict[tuple, list[int]] = {}
    for n, how, geom in zip(g["n"], g["how"], g.geometry, strict=True):
        if how == "town" or n in unit_marked:
            continue
        mid = how == "line"
        p = geom.interpolate(0.5, normalized=True) if mid else geom.representative_point()
        near = [k for k in seen if (k[0] - p.x) ** 2 + (k[1] - p.y) ** 2 < merge_m**2]
        seen.setdefault(near[0] if near else (p.x, p.y), []).append(n)
    markers = []
    for (x, y), ns in seen.items():
        t = ax.text(
            x,
            y,
            ",".join(_num(n) for n in ns),
            ha="center",
            va="center",
            fontsize=6 * s,
            color=FINDING_COLOR,
            zorder=13,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": FINDING_COLOR, "lw": 0.5},
        )
        markers.append(t)
    return markers


def _metres_per_paper_metre(ax) -> float:
    """Scale denominator of a metric-CRS axes: map metres per metre of paper."""
    x0, x1 = ax.get_xlim()
    bbox = ax.get_position()  # figure fraction
    width_m = bbox.width * ax.figure.get_figwidth() * 0.0254
    return (x1 - x0) / width_m


def _num(i: int) -> str:
    return str(i + 1)


def _draw_title(fig, sheet: _Sheet, scene: MapScene, m: float, title_h: float) -> None:
    s = sheet.s
    y = 1 - m / sheet.h
    fig.text(m / sheet.w, y, scene.title, ha="left", va="top", fontsize=15 * s)
    sub = scene.subtitle or " · ".join(
        x
        for x in (
            f"{scene.t('ruleset')} {scene.ruleset}" if scene.ruleset else "",
            f"{scene.t('date')} {scene.date}" if scene.date else "",
        )
        if x
    )
    fig.text(
        m / sheet.w, y - 8.5 * s / sheet.h, sub, ha="left", va="top", fontsize=8 * s, color="0.3"
    )


def _draw_inset(fig, sheet: _Sheet, scene: MapScene, box, s: float) -> None:
    x0, y0, x1, y1 = box
    cap_h = 5 * s
    caption = scene.inset_caption()
    fig.text(x0 / sheet.w, y1 / sheet.h, caption, ha="left", va="top", fontsize=7.5 * s)
    ax = fig.add_axes(sheet.rect(x0, y0, x1, y1 - cap_h))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#f4f4f4")
    if scene.province is not None and len(scene.province):
        scene.province.plot(ax=ax, facecolor="#ebe8e0", edgecolor="0.4", linewidth=0.5)
        px0, py0, px1, py1 = scene.province.total_bounds
    else:
        px0, py0, px1, py1 = scene.units.total_bounds
    city = scene.city if scene.city is not None else scene.units
    city.plot(ax=ax, facecolor=FINDING_COLOR, edgecolor=FINDING_COLOR, linewidth=0.4, alpha=0.8)
    w_mm, h_mm = x1 - x0, y1 - y0 - cap_h
    dx, dy = (px1 - px0) * 1.06, (py1 - py0) * 1.06
    if dx / dy < w_mm / h_mm:
        dx = dy * w_mm / h_mm
    else:
        dy = dx * h_mm / w_mm
    cx, cy = (px0 + px1) / 2, (py0 + py1) / 2
    ax.set_xlim(cx - dx / 2, cx + dx / 2)
    ax.set_ylim(cy - dy / 2, cy + dy / 2)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("")
    ax.set_ylabel("")
    c = city.union_all().centroid
    if scene.city_name:
        ax.annotate(
            scene.city_name,
            (c.x, c.y),
            xytext=(10 * s, 4 * s),
            textcoords="offset points",
            fontsize=6.5 * s,
            color=FINDING_COLOR,
            arrowprops={"arrowstyle": "-", "lw": 0.4, "color": FINDING_COLOR},
        )
    if scene.province_name:
        ax.text(
            0.62,
            0.04,
            scene.province_name,
            transform=ax.transAxes,
            ha="center",
            fontsize=6.5 * s,
            color="0.3",
        )


def _draw_legend(fig, sheet: _Sheet, scene: MapScene, box, s: float) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    ax = fig.add_axes(sheet.rect(*box))
    ax.set_axis_off()
    handles = []
    if scene.town_style is None:
        names = CATEGORY_NAMES["en" if scene.lang == "en" else "zh"]
        present = [c for c in CATEGORY_COLORS if c in set(scene.towns["category"])]
        handles += [
            Patch(fc=CATEGORY_COLORS[c], ec="0.15", lw=0.5, label=names[c]) for c in present
        ]
    handles.append(Line2D([], [], color="0.25", lw=0.9, label=scene.t("unit")))
    if "kind" in scene.units and (scene.units["kind"] == "functional_zone").any():
        zones = scene.units[scene.units["kind"] == "functional_zone"]
        approx = "approximate" in zones and bool(zones["approximate"].fillna(False).any())
        label = scene.t("zone" if approx else "zone_plain")
        handles.append(Line2D([], [], color="#4f7ca8", lw=0.8, ls=(0, (4, 2)), label=label))
    for ov in scene.overlays:
        if set(ov.gdf.geom_type) <= {"Point", "MultiPoint"}:
            handles.append(
                Line2D(
                    [],
                    [],
                    marker=ov.marker or "*",
                    color=ov.edgecolor,
                    ls="",
                    markersize=7,
                    label=ov.label,
                )
            )
        else:
            handles.append(
                Patch(
                    fc=ov.facecolor,
                    ec=ov.edgecolor,
                    hatch=ov.hatch,
                    ls=ov.linestyle,
                    alpha=ov.alpha,
                    label=ov.label,
                )
            )
    if any(f.geometry is not None for f in scene.findings):
        handles.append(Patch(fc="none", ec=FINDING_COLOR, lw=1.2, label=scene.t("finding")))
    ax.legend(
        handles=handles,
        loc="upper left",
        frameon=False,
        fontsize=7 * s,
        title=scene.t("legend"),
        title_fontsize=7.5 * s,
        alignment="left",
        borderaxespad=0,
        handlelength=2.2,
    )
    if scene.town_style is not None:
        from matplotlib import colormaps
        from matplotlib.cm import ScalarMappable
        from matplotlib.colors import Normalize
        from matplotlib.ticker import FuncFormatter

        st = scene.town_style
        x0, y0, x1, y1 = box
        cax = fig.add_axes(sheet.rect(x0 + 2 * s, y0 + 4 * s, x0 + 0.8 * (x1 - x0), y0 + 7 * s))
        cb = fig.colorbar(
            ScalarMappable(Normalize(st.vmin, st.vmax), colormaps[st.cmap]),
            cax=cax,
            orientation="horizontal",
        )
        cb.ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: st.fmt.format(v)))
        cb.ax.tick_params(labelsize=6 * s, width=0.4, length=2)
        cb.outline.set_linewidth(0.4)
        fig.text(
            (x0 + 2 * s) / sheet.w, (y0 + 8.5 * s) / sheet.h, st.label, fontsize=7 * s, va="bottom"
        )


SEVERITY_COLORS = vocab.colours("severity")


def _draw_notes(fig, sheet: _Sheet, scene: MapScene, box, s: float, denom: int, paper: str) -> None:
    """Findings list, sources, notes (approximate/synthetic data, CRS, scale) and 审图号."""
    x0, y0, x1, y1 = box
    fs = 6.2 * s
    line_mm = fs / PT_PER_MM * 1.4
    width_em = (x1 - x0) / (fs / PT_PER_MM) - 0.5

    def items(rows: list[str], color: str) -> list[list[tuple[str, str]]]:
        return [[(w, color) for w in wrap(r, width_em)] for r in rows]

    finding_items = []
    for i, f in enumerate(scene.findings):
        msg = f.message(scene.lang) + (scene.t("waived") if f.waived else "")
        if f.waived and (f.waiver or {}).get("sample"):
            msg += scene.t("sample_waiver")
        color = (
            vocab.colour("finding_state", "waived")
            if f.waived
            else SEVERITY_COLORS.get(str(f.severity), FINDING_COLOR)
        )
        finding_items += items([f"{_num(i)}. [{f.rule} {f.clause}] {msg}"], color)
    tail = list(scene.notes)
    epsg = scene.crs.to_epsg()
    cm = _central_meridian(scene.crs)
    tail.append(scene.t("crs", cm=cm, epsg=f"EPSG:{epsg}" if epsg else scene.crs.name))
    tail.append(scene.t("scale", n=denom, paper=paper))
    fixed_blocks = []
    if scene.sources:
        fixed_blocks.append((scene.t("sources"), items(scene.sources, "0.2")))
    fixed_blocks.append((scene.t("notes"), items(tail, "0.2")))
    review = (
        scene.t("review", v=scene.review_number) if scene.review_number else scene.t("review_blank")
    )
    review_lines = wrap(review, width_em)

    total = int((y1 - y0) / line_mm) - len(review_lines)
    used = sum(1 + sum(len(it) for it in b) for _, b in fixed_blocks)
    lines: list[tuple[str, str, float]] = []
    if finding_items or scene.kind in ("layout", "site"):
        lines.append((scene.t("findings"), "0.05", fs * 1.08))
        if not finding_items:
            lines.append((scene.t("no_findings"), "0.2", fs))
        room = total - used  # lines left for the findings block, its title included
        shown = 0
        for k, it in enumerate(finding_items):
            more = 1 if k + 1 < len(finding_items) else 0  # keep a line for "… n more"
            if len(lines) + len(it) + more > room:
                break
            lines += [(t, c, fs) for t, c in it]
            shown += 1
        if shown < len(finding_items):
            rest = "、".join(_num(k) for k in range(shown, len(finding_items)))
            more = scene.t("more", n=len(finding_items) - shown, ids=rest)
            lines += [(t, "0.2", fs) for t in wrap(more, width_em)]
        scene.extra["findings_listed"] = shown
    for title, block in fixed_blocks:
        lines.append((title, "0.05", fs * 1.08))
        lines += [(t, c, fs) for it in block for t, c in it]
    y = y1
    for text, color, size in lines:
        fig.text(x0 / sheet.w, y / sheet.h, text, ha="left", va="top", fontsize=size, color=color)
        y -= line_mm
    for i, text in enumerate(review_lines):
        fig.text(
            x0 / sheet.w,
            (y0 + (len(review_lines) - 1 - i) * line_mm) / sheet.h,
            text,
            ha="left",
            va="bottom",
            fontsize=fs * 1.05,
            color="0.05",
        )


def _central_meridian(crs) -> str:
    try:
        for p in crs.coordinate_operation.params:
            if "longitude of natural origin" in p.name.lower():
                return f"{p.value:g}"
    except AttributeError:
        pass
    return "?"
