"""Draw a ``MapModel`` on a sheet of paper with matplotlib: map frame, title band, locator
inset, legend and the panel (numbered findings, sources, notes, 审图号).

Units: the layout is computed in millimetres on the sheet; map data are in the model's metric
CRS (metres), so the scale bar and the representative fraction are exact on paper. The panel
is laid out first: the map draws a finding's number only when the panel lists it.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from townsgis import vocab
from townsgis.mapmodel.model import Layer, LegendSection, MapModel, Style
from townsgis.mapmodel.text import t
from townsgis.messages import msg
from townsgis.printmap import decor, graticule, labels
from townsgis.printmap.paper import MM_PER_INCH, figsize_inches, paper_mm

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PT_PER_MM = 72.0 / MM_PER_INCH
PX_TO_PT = 0.5  # a model Style's screen pixel drawn as half a point on paper
MARKER_COLOUR = vocab.colour("severity", "error")
STATE_TEXT = {"error": "#b2182b", "warning": "#b35806", "info": "0.25", "waived": "0.45"}
NO_LINE_START = "）)]】」』，。、；：！？,.;:!?%’”"  # never the first character of a line
# the findings panel's tries, in order: (type size factor, each finding cut to one line)
PANEL_FITS = ((1.0, False), (0.9, False), (0.8, False), (0.9, True), (0.8, True))
UNIT_LABEL_SHRINK = (1.0, 0.85, 0.72)  # a unit's name, smaller where it does not fit


@dataclass
class PrintInfo:
    """What a render drew, for tests and callers: the labels placed, the finding numbers
    drawn on the map and how many findings the panel lists."""

    placed_labels: list = field(default_factory=list)
    numbers_drawn: set[int] = field(default_factory=set)
    findings_listed: int = 0
    hidden_labels: list[str] = field(default_factory=list)
    unit_labels: list = field(default_factory=list)  # (unit feature, PlacedLabel)
    legend: list = field(default_factory=list)  # the sections drawn (legend_in_frame)


def text_width_em(s: str) -> float:
    """Rough width of ``s`` in ems: CJK/full-width characters 1 em, others 0.55 em."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in s)


def wrap(s: str, width_em: float) -> list[str]:
    """Wrap ``s`` to lines at most ``width_em`` wide (breaks at spaces for Latin text); a
    closing bracket or punctuation mark never starts a line (it stays with its word)."""
    lines, cur = [], ""
    for word in _tokens(s):
        if cur and text_width_em(cur + word) > width_em and word.strip()[:1] not in NO_LINE_START:
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
    model: MapModel, paper: str = "A4", orientation: str = "landscape", dpi: float | None = None
) -> Figure:
    """Draw ``model`` on a figure of exactly the paper size (snapped to whole pixels at
    ``dpi``); ``fig.townsgis`` is the ``PrintInfo``. Call inside
    ``matplotlib.rc_context(fonts.rc_params())``."""
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
        inset_box = (px0, top - 0.25 * (top - m), w_mm - m, top)
        legend_box = (px0, inset_box[1] - 0.30 * (top - m), w_mm - m, inset_box[1] - 3 * s)
        notes_box = (px0, m, w_mm - m, legend_box[1] - 2 * s)
    else:
        panel_h = 0.30 * h_mm
        map_box = (m + gutter, m + panel_h + gutter, w_mm - m, h_mm - m - title_h)
        col = (w_mm - 2 * m) / 10.0
        inset_box = (m, m + 0.15 * panel_h, m + 3 * col, m + panel_h - 2 * s)
        legend_box = (m + 3.3 * col, m, m + 6 * col, m + panel_h - 2 * s)
        notes_box = (m + 6.1 * col, m, w_mm - m, m + panel_h - 2 * s)

    info = PrintInfo()
    fig.townsgis = info
    frame_w_mm = map_box[2] - map_box[0]
    frame_h_mm = map_box[3] - map_box[1]
    xlim, ylim = _extent(model, frame_w_mm / frame_h_mm)
    denom = decor.round_scale(decor.scale_denominator(xlim[1] - xlim[0], frame_w_mm))
    panel = _panel(model, sheet, notes_box, denom, paper.upper())
    info.findings_listed = panel.shown
    ax = fig.add_axes(sheet.rect(*map_box))
    _draw_map(fig, ax, model, xlim, ylim, s, panel.shown, info)
    _draw_title(fig, sheet, model, m)
    _draw_inset(fig, sheet, model, inset_box, s)
    info.legend = legend_in_frame(model, xlim, ylim)
    _draw_legend(fig, sheet, model, legend_box, s, info.legend)
    panel.draw(fig, sheet)
    return fig


def legend_in_frame(model: MapModel, xlim, ylim) -> list[LegendSection]:
    """``model.legend`` without the entries of areas the sheet draws none of within the map
    frame (``xlim``, ``ylim``: map CRS metres): a town category, counties/districts,
    functional zones, neighbouring counties, water. Other entries are kept; empty sections
    are dropped."""
    import shapely

    frame = shapely.box(xlim[0], ylim[0], xlim[1], ylim[1])
    lang = model.lang

    def seen(layer_id: str, keep=lambda f: True) -> list:
        layer = model.layer(layer_id)
        if layer is None or not layer.show:
            return []
        return [f for f in layer.features if keep(f) and f.geometry.intersects(frame)]

    units = seen("units")
    towns = seen("towns")
    cats = {
        vocab.label("category", f.data["category"], lang)
        for f in towns
        if f.data.get("category") is not None
    }
    has = {
        t(lang, "district"): any(not f.data.get("zone") for f in units),
        t(lang, "zone"): any(f.data.get("zone") for f in units),
        t(lang, "zone_approx"): any(f.data.get("zone") for f in units),
        t(lang, "neighbours"): bool(seen("neighbours")),
        t(lang, "water"): bool(seen("water")),
    }
    out = []
    for sec in model.legend:
        if sec.title == t(lang, "towns"):
            entries = [e for e in sec.entries if e.label in cats]
        else:
            entries = [e for e in sec.entries if has.get(e.label, True)]
        if entries:
            out.append(dataclasses.replace(sec, entries=entries))
    return out


def _extent(model: MapModel, aspect: float, pad: float = 0.04):
    x0, y0, x1, y1 = model.extent
    w, h = (x1 - x0) * (1 + 2 * pad), (y1 - y0) * (1 + 2 * pad)
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return (cx - w / 2, cx + w / 2), (cy - h / 2, cy + h / 2)


def _dash(style: Style, s: float):
    if not style.dash:
        return "-"
    parts = [max(float(v) * PX_TO_PT, 0.5) for v in style.dash.split()]
    return (0, tuple(parts))


def _draw_layer(ax, layer: Layer, crs, s: float, zorder: float) -> None:
    """Draw a layer's features grouped by style (one plot call per style)."""
    import geopandas as gpd

    groups: dict[Style, list] = {}
    for f in layer.features:
        groups.setdefault(f.style, []).append(f.geometry)
    for style, geoms in groups.items():
        gs = gpd.GeoSeries(geoms, crs=crs)
        kinds = set(gs.geom_type)
        lw = style.weight * PX_TO_PT * s
        colour = style.stroke or "none"
        if kinds <= {"Point", "MultiPoint"}:
            gs.plot(ax=ax, marker="o", color=style.fill or colour, edgecolor=colour,
                    markersize=(style.radius or 5) ** 2, zorder=zorder)  # fmt: skip
        elif kinds <= {"LineString", "MultiLineString"}:
            gs.plot(ax=ax, color=colour, linewidth=lw * 1.4, linestyle=_dash(style, s),
                    zorder=zorder)  # fmt: skip
        else:
            face = style.fill if style.fill and style.fill_opacity > 0 else "none"
            if style.hatch:
                face = "none"
            gs.plot(
                ax=ax,
                facecolor=face,
                alpha=None,
                edgecolor=colour,
                linewidth=lw,
                linestyle=_dash(style, s),
                hatch="////" if style.hatch else None,
                zorder=zorder,
            )
            if face != "none" and style.fill_opacity < 1:
                # the fill's opacity without fading the outline
                ax.collections[-1].set_facecolor(_rgba(style.fill, style.fill_opacity))


def _draw_outlines(ax, layer: Layer, crs, s: float, zorder: float) -> None:
    """The outlines of a layer's areas, each in its style's stroke and dash."""
    import geopandas as gpd

    for f in layer.features:
        st = f.style
        gpd.GeoSeries([f.geometry], crs=crs).boundary.plot(
            ax=ax, color=st.stroke or "0.1", linewidth=max(st.weight * PX_TO_PT, 1.2) * s,
            linestyle=_dash(st, s), zorder=zorder,
        )  # fmt: skip


def _rgba(colour: str, alpha: float):
    from matplotlib.colors import to_rgba

    return to_rgba(colour, alpha)


def _draw_map(fig, ax, model: MapModel, xlim, ylim, s: float, shown: int, info) -> None:
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal", adjustable="box")
    ax.set_facecolor("#f4f4f4")
    loc = model.locator
    if loc is not None and loc.province is not None and model.kind != "site":
        import geopandas as gpd

        gpd.GeoSeries([loc.province], crs=model.crs).plot(
            ax=ax, facecolor="#ebe8e0", edgecolor="0.65", linewidth=0.5, zorder=0.5
        )
    units = model.layer("units")
    if units is not None and units.features:  # the city's land, lighter than its neighbours
        import geopandas as gpd

        gpd.GeoSeries([f.geometry for f in units.features], crs=model.crs).plot(
            ax=ax, facecolor="#fdfcf7", edgecolor="none", zorder=1.5
        )
    z = 1.0
    for layer in model.layers:
        if not layer.show or not layer.features:
            continue
        if layer.id == "towns":
            z = max(z, 7.0)
        if layer.id == "units":
            z = max(z, 2.0)
        if layer.id == "city_wide":
            # listed in the panel; the city's outline drawn in the finding's colour, over
            # the black city outline, as the legend shows it
            _draw_outlines(ax, layer, model.crs, s, max(z, 2.2))
            z += 1.0
            continue
        _draw_layer(ax, layer, model.crs, s, z)
        if layer.id == "units" and loc is not None and model.kind != "site":
            import geopandas as gpd

            gpd.GeoSeries([loc.city], crs=model.crs).boundary.plot(
                ax=ax, color="0.1", linewidth=1.6 * s, zorder=z + 0.1
            )
        z += 1.0
    for line in graticule.graticule_lines(model.crs, xlim, ylim):
        ax.plot(line[:, 0], line[:, 1], color="0.55", lw=0.25, ls=(0, (2, 2)), zorder=0.8)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    xt, xl, yt, yl = graticule.edge_ticks(model.crs, xlim, ylim)
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
    _draw_labels(fig, ax, model, s, shown, info)
    decor.draw_scalebar(ax, decor.nice_scalebar_km(xlim[1] - xlim[0]), fontsize=6 * s)
    decor.draw_north_arrow(ax, fontsize=7 * s, lang=model.lang)


def _numbered(numbers: list[int], shown: int) -> list[int]:
    return [n for n in numbers if n <= shown]


def _with_numbers(text: str, numbers: list[int]) -> str:
    return f"{text} [{','.join(str(n) for n in numbers)}]" if numbers else text


def _marker_kw(s: float) -> dict:
    return {
        "fontsize": 6 * s,
        "color": MARKER_COLOUR,
        "zorder": 13,
        "bbox": {"boxstyle": "round,pad=0.15", "fc": "white", "ec": MARKER_COLOUR, "lw": 0.5},
    }


def _finding_markers(ax, model: MapModel, s: float, shown: int, obstacles: list, renderer) -> list:
    """Boxed finding numbers at the areas and points the panel lists (markers closer than
    ~4 mm on paper merge: "2,5"); a spacing line's number, with its distance ("10：3.99 km"),
    beside the line, off the line and off ``obstacles`` (display boxes: the town symbols).
    Returns (text artist, numbers) pairs."""
    layer = model.layer("findings")
    if layer is None:
        return []
    merge_m = 4.0 / 1000.0 * _metres_per_paper_metre(ax)
    seen: dict[tuple, list[int]] = {}
    lines = []
    for f in layer.features:
        nums = _numbered(f.numbers, shown)
        if not nums:
            continue
        g = f.geometry
        if g.geom_type in ("LineString", "MultiLineString"):
            lines.append((f, nums))
            continue
        p = g.representative_point()
        near = [k for k in seen if (k[0] - p.x) ** 2 + (k[1] - p.y) ** 2 < merge_m**2]
        seen.setdefault(near[0] if near else (p.x, p.y), []).extend(nums)
    markers = [
        (ax.text(x, y, ",".join(map(str, ns)), ha="center", va="center", **_marker_kw(s)), ns)
        for (x, y), ns in seen.items()
    ]
    taken = list(obstacles)
    for mk, _ in markers:
        bb = mk.get_window_extent(renderer)
        taken.append((bb.x0, bb.y0, bb.x1, bb.y1))
    colon = msg("punct.colon", model.lang)
    for f, nums in lines:
        g = f.geometry
        mid = g.interpolate(0.5, normalized=True)
        text = ",".join(str(n) for n in nums) + (colon + f.label if f.label else "")
        (lx0, ly0), (lx1, ly1) = ax.transData.transform(
            [(g.bounds[0], g.bounds[1]), (g.bounds[2], g.bounds[3])]
        )
        got = labels.place_labels(
            ax, [(mid.x, mid.y)], [text], renderer=renderer,
            obstacles=[*taken, (lx0, ly0, lx1, ly1)], gap_pt=4.0 * s, text_kw=_marker_kw(s),
            rings=(1.0, 2.2, 3.6, 5.5, 8.0),  # farther out (with a leader) before overlapping
        )  # fmt: skip
        for p in got:
            markers.append((p.text, nums))
            taken.append(p.box)
    return markers


def _draw_labels(fig, ax, model: MapModel, s: float, shown: int, info: PrintInfo) -> None:
    """Labels that keep clear of the map's symbols and of each other: the site, then towns
    (with their finding numbers), units, then neighbouring counties (left out where no room)."""
    renderer = fig.canvas.get_renderer()
    ax.apply_aspect()  # the frame's final size, so boxes measured now are those drawn
    pt = renderer.points_to_pixels(1.0)
    halo = 2.2 * s

    def boxes(geoms) -> np.ndarray:
        b = np.array([g.bounds for g in geoms], dtype=float).reshape(-1, 4)
        lo = ax.transData.transform(b[:, :2])
        hi = ax.transData.transform(b[:, 2:])
        return np.hstack([lo, hi])

    towns = model.layer("towns")
    sites = [ly for ly in model.layers if ly.label_kind == "site"]
    symbol_feats = (towns.features if towns else []) + [f for ly in sites for f in ly.features]
    sym = boxes([f.geometry for f in symbol_feats]) if symbol_feats else np.empty((0, 4))
    markers = _finding_markers(ax, model, s, shown, [tuple(r) for r in sym], renderer)
    obstacles = []
    for mk, nums in markers:
        info.numbers_drawn |= set(nums)
        bb = mk.get_window_extent(renderer)
        obstacles.append((bb.x0, bb.y0, bb.x1, bb.y1))
    obstacles += [tuple(r) for r in sym]
    # the scale bar and the north arrow, drawn later over the map, keep labels off them
    length = decor.nice_scalebar_km(ax.get_xlim()[1] - ax.get_xlim()[0])
    furniture = [decor.scalebar_box(ax, length), decor.north_arrow_box(ax)]
    lo = ax.transData.transform([b[:2] for b in furniture])
    hi = ax.transData.transform([b[2:] for b in furniture])
    obstacles += [(*a, *b) for a, b in zip(lo, hi, strict=True)]

    anchors, texts, gaps = [], [], []
    for i, f in enumerate(symbol_feats):
        nums = _numbered(f.numbers, shown)
        info.numbers_drawn |= set(nums)
        text = _with_numbers(f.label or "", nums)
        scale = towns.features[0].data.get("share") if towns and towns.features else None
        if model.scale is not None and f.data.get("share") is not None and scale is not None:
            text += f" {model.scale.fmt.format(f.data['share'])}"
        c = f.geometry.centroid
        r = max(sym[i, 2] - sym[i, 0], sym[i, 3] - sym[i, 1]) / 2 / pt
        anchors.append((c.x, c.y))
        texts.append(text)
        gaps.append(float(r) + 2.0 * s)
    order = sorted(range(len(texts)), key=lambda i: (0 if i >= len(towns.features if towns
                   else []) else 1, -symbol_feats[i].geometry.area))  # fmt: skip
    placed = labels.place_labels(
        ax,
        [anchors[i] for i in order],
        [texts[i] for i in order],
        renderer=renderer,
        obstacles=obstacles,
        gap_pt=[gaps[i] for i in order],
        text_kw={"fontsize": 6.5 * s, "zorder": 12, "color": "0.05"},
        halo_pt=halo,
    )
    info.placed_labels += placed
    taken = obstacles + [p.box for p in placed]
    units = model.layer("units")
    if units is not None:
        for f in units.features:
            nums = _numbered(f.numbers, shown)
            info.numbers_drawn |= set(nums)
            zone = f.data.get("zone")
            text = _with_numbers(f.label or "", nums)
            size = (7 if zone else 10) * s
            colour = (
                MARKER_COLOUR if nums else vocab.colour("unit_kind", "functional_zone")
                if zone else "0.35"
            )  # fmt: skip
            # a unit's name sits inside the unit or is left out, never beside it
            got = labels.place_inside(
                ax, f.geometry, text, renderer=renderer, obstacles=taken,
                fontsizes=[size * k for k in UNIT_LABEL_SHRINK],
                text_kw={"zorder": 9, "color": colour}, halo_pt=halo,
            )  # fmt: skip
            if got is not None:
                taken.append(got.box)
                info.placed_labels.append(got)
                info.unit_labels.append((f, got))
            else:
                info.hidden_labels.append(text)
    import shapely

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    frame = shapely.box(x0, y0, x1, y1)
    # named lakes (an unnamed lake has no label), then neighbouring counties on their land
    water = model.layer("water")
    wet = shapely.union_all([f.geometry for f in water.features]) if water else None
    for layer_id, colour in (("water", "#4a78a8"), ("neighbours", "0.5")):
        layer = model.layer(layer_id)
        for f in layer.features if layer is not None else []:
            part = f.geometry.intersection(frame)
            if layer_id == "neighbours" and wet is not None:
                part = part.difference(wet)
            if not f.label or part.is_empty or part.area < 0.02 * frame.area:
                continue
            p = part.representative_point()
            got = labels.place_labels(
                ax, [(p.x, p.y)], [f.label], renderer=renderer, obstacles=taken,
                gap_pt=0.0, text_kw={"fontsize": 8 * s, "zorder": 8.5, "color": colour,
                                     "style": "italic"},
                halo_pt=halo, centred=True, optional=True,
            )  # fmt: skip
            if got:
                taken.append(got[0].box)
                info.placed_labels += got
            else:
                info.hidden_labels.append(f.label or "")


def _metres_per_paper_metre(ax) -> float:
    """Scale denominator of a metric-CRS axes: map metres per metre of paper."""
    x0, x1 = ax.get_xlim()
    bbox = ax.get_position()  # figure fraction
    width_m = bbox.width * ax.figure.get_figwidth() * 0.0254
    return (x1 - x0) / width_m


def _draw_title(fig, sheet: _Sheet, model: MapModel, m: float) -> None:
    s = sheet.s
    y = 1 - m / sheet.h
    fig.text(m / sheet.w, y, model.title, ha="left", va="top", fontsize=15 * s)
    fig.text(
        m / sheet.w, y - 8.5 * s / sheet.h, model.subtitle, ha="left", va="top",
        fontsize=8 * s, color="0.3",
    )  # fmt: skip


def _draw_inset(fig, sheet: _Sheet, model: MapModel, box, s: float) -> None:
    """The locator: the province (or, on a site map, the city) with the city (or the site)
    marked in red; both named."""
    import geopandas as gpd

    loc = model.locator
    x0, y0, x1, y1 = box
    cap_h = 5 * s
    caption = loc.caption if loc is not None else t(model.lang, "inset_plain")
    fig.text(x0 / sheet.w, y1 / sheet.h, caption, ha="left", va="top", fontsize=7.5 * s)
    ax = fig.add_axes(sheet.rect(x0, y0, x1, y1 - cap_h))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#f4f4f4")
    if loc is None:
        return
    outer = loc.province if loc.province is not None else loc.city
    if loc.province is None:  # no province known: the city alone, outlined, not filled red
        gpd.GeoSeries([outer], crs=model.crs).plot(ax=ax, facecolor="#ebe8e0", edgecolor="0.2")
        ax.set_xlabel("")
        ax.set_ylabel("")
        return
    gpd.GeoSeries([outer], crs=model.crs).plot(
        ax=ax, facecolor="#ebe8e0", edgecolor="0.4", linewidth=0.5
    )
    gpd.GeoSeries([loc.city], crs=model.crs).plot(
        ax=ax, facecolor=MARKER_COLOUR, edgecolor=MARKER_COLOUR, linewidth=0.4, alpha=0.8
    )
    px0, py0, px1, py1 = outer.bounds
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
    c = loc.city.centroid
    if loc.city_name:
        ax.annotate(
            loc.city_name, (c.x, c.y), xytext=(10 * s, 4 * s), textcoords="offset points",
            fontsize=6.5 * s, color=MARKER_COLOUR,
            arrowprops={"arrowstyle": "-", "lw": 0.4, "color": MARKER_COLOUR},
        )  # fmt: skip
    if loc.province_name:
        ax.text(
            0.62, 0.04, loc.province_name, transform=ax.transAxes, ha="center",
            fontsize=6.5 * s, color="0.3",
        )  # fmt: skip


def _handle(entry, s: float):
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    st = entry.style
    if entry.kind == "line":
        return Line2D([], [], color=st.stroke or "0.3", lw=max(st.weight * PX_TO_PT, 0.6),
                      ls=_dash(st, s), label=entry.label)  # fmt: skip
    if entry.kind == "circle":
        return Line2D([], [], marker="o", ls="", markersize=6, markerfacecolor=st.fill or "none",
                      markeredgecolor=st.stroke or "0.3", label=entry.label)  # fmt: skip
    face = _rgba(st.fill, st.fill_opacity) if st.fill and not st.hatch else "none"
    return Patch(fc=face, ec=st.stroke or "0.3", lw=max(st.weight * PX_TO_PT, 0.5),
                 ls=_dash(st, s), hatch="////" if st.hatch else None,
                 label=entry.label)  # fmt: skip


def _draw_legend(fig, sheet: _Sheet, model: MapModel, box, s: float, legend) -> None:
    """The model's legend sections, each under its heading."""
    from matplotlib.lines import Line2D

    ax = fig.add_axes(sheet.rect(*box))
    ax.set_axis_off()
    handles, heads = [], []
    for sec in legend:
        if not sec.entries:
            continue
        if sec.title:
            heads.append(len(handles))
            handles.append(Line2D([], [], ls="", label=sec.title))
        handles += [_handle(e, s) for e in sec.entries]
    if not handles:
        return
    ncol = 2 if len(handles) > 14 else 1
    leg = ax.legend(
        handles=handles, loc="upper left", frameon=False, fontsize=6.3 * s,
        title=t(model.lang, "legend"), title_fontsize=7.5 * s, alignment="left",
        borderaxespad=0, handlelength=2.2, ncol=ncol, columnspacing=1.0,
        labelspacing=0.35,
    )  # fmt: skip
    texts = leg.get_texts()
    for i in heads:
        texts[i].set_color("0.05")
        texts[i].set_fontsize(6.8 * s)


@dataclass
class _Panel:
    lines: list[tuple[str, str, float]]
    review: list[str]
    shown: int
    box: tuple
    line_mm: float
    fs: float

    def draw(self, fig, sheet: _Sheet) -> None:
        x0, y0, x1, y1 = self.box
        y = y1
        for text, colour, size in self.lines:
            fig.text(x0 / sheet.w, y / sheet.h, text, ha="left", va="top", fontsize=size,
                     color=colour)  # fmt: skip
            y -= self.line_mm * size / self.fs
        for i, text in enumerate(self.review):
            fig.text(
                x0 / sheet.w, (y0 + (len(self.review) - 1 - i) * self.line_mm) / sheet.h, text,
                ha="left", va="bottom", fontsize=self.fs * 1.05, color="0.05",
            )  # fmt: skip


def _panel(model: MapModel, sheet: _Sheet, box, denom: int, paper: str) -> _Panel:
    """The findings list, sources, notes (CRS, scale) and 审图号, fitted to ``box``: the
    findings' type shrinks (down to 80 %), then each finding is cut to one line (the list
    says so), before the list is cut; a cut list says how many more there are, and the map
    numbers only what is listed. A finding keeps its number (the web map's) either way."""
    lang = model.lang
    s = sheet.s
    x0, y0, x1, y1 = box
    tail = list(model.notes)
    epsg = model.crs.to_epsg()
    tail.append(
        t(lang, "crs", cm=_central_meridian(model.crs),
          epsg=f"EPSG:{epsg}" if epsg else model.crs.name)
    )  # fmt: skip
    tail.append(t(lang, "scale", n=denom, paper=paper))
    review = (
        t(lang, "review", v=model.review_number) if model.review_number else t(lang, "review_blank")
    )
    best = None
    for k, clipped in PANEL_FITS:
        fs = 6.2 * s * k
        line_mm = fs / PT_PER_MM * 1.4
        width_em = (x1 - x0) / (fs / PT_PER_MM) - 0.5
        review_lines = wrap(review, width_em)
        fixed: list[tuple[str, str, float]] = []
        for title, rows in ((t(lang, "sources"), model.sources), (t(lang, "notes"), tail)):
            if rows:
                fixed.append((title, "0.05", fs * 1.08))
                fixed += [(w, "0.2", fs) for r in rows for w in wrap(r, width_em)]
        total = int((y1 - y0) / line_mm) - len(review_lines) - 1
        lines: list[tuple[str, str, float]] = []
        shown = 0
        if model.findings or model.kind in ("layout", "site"):
            lines.append((t(lang, "findings_short"), "0.05", fs * 1.08))
            if not model.findings:
                lines.append((t(lang, "no_findings"), "0.2", fs))
            if clipped:
                lines += [(w, "0.2", fs) for w in wrap(t(lang, "findings_clipped"), width_em)]
            room = total - len(fixed)
            for i, it in enumerate(model.findings):
                rows = [clip(it.line(), width_em)] if clipped else wrap(it.line(), width_em)
                more = 1 if i + 1 < len(model.findings) else 0
                if len(lines) + len(rows) + more > room:
                    break
                colour = STATE_TEXT.get(it.state, "0.2")
                lines += [(w, colour, fs) for w in rows]
                shown += 1
            if shown < len(model.findings):
                more = t(lang, "more", n=len(model.findings) - shown)
                lines += [(w, "0.2", fs) for w in wrap(more, width_em)]
        panel = _Panel(lines + fixed, review_lines, shown, box, line_mm, fs)
        if best is None or panel.shown > best.shown:
            best = panel
        if shown == len(model.findings):
            break
    return best


def clip(s: str, width_em: float) -> str:
    """``s`` cut to one line ``width_em`` wide, ending in an ellipsis when cut."""
    if text_width_em(s) <= width_em:
        return s
    out = ""
    for c in s:
        if text_width_em(out + c) > width_em - 1.0:
            break
        out += c
    return out.rstrip() + "…"


def _central_meridian(crs) -> str:
    try:
        for p in crs.coordinate_operation.params:
            if "longitude of natural origin" in p.name.lower():
                return f"{p.value:g}"
    except AttributeError:
        pass
    return "?"
