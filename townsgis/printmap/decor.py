"""Map furniture drawn in a metric CRS: scale bar (km), representative fraction, north arrow."""

from __future__ import annotations

from townsgis.messages import msg

_NICE_KM = (0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)


def nice_scalebar_km(map_width_m: float, fraction: float = 0.22) -> float:
    """The largest "nice" length (km) not longer than ``fraction`` of the map width."""
    want = map_width_m * fraction / 1000.0
    fits = [k for k in _NICE_KM if k <= want]
    return fits[-1] if fits else _NICE_KM[0]


def scale_denominator(map_width_m: float, frame_width_mm: float) -> float:
    """Representative fraction 1:N of a frame ``frame_width_mm`` wide showing ``map_width_m``."""
    return map_width_m / (frame_width_mm / 1000.0)


def round_scale(n: float) -> int:
    """Round a scale denominator to two significant figures (487 312 → 490 000)."""
    from math import floor, log10

    mag = 10 ** max(floor(log10(n)) - 1, 0)
    return int(round(n / mag) * mag)


def scalebar_box(ax, length_km: float) -> tuple[float, float, float, float]:
    """The scale bar's white box (x0, y0, x1, y1, data coordinates) at the lower left."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    w, h = x1 - x0, y1 - y0
    bx, by = x0 + 0.03 * w, y0 + 0.045 * h
    left, bottom = bx - 0.012 * w, by - 0.03 * h
    return left, bottom, left + length_km * 1000.0 + 0.045 * w, bottom + 0.085 * h


def north_arrow_box(ax) -> tuple[float, float, float, float]:
    """The north arrow with its letter (x0, y0, x1, y1, data coordinates) at the upper right."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    w, h = x1 - x0, y1 - y0
    cx, top = x1 - 0.05 * w, y1 - 0.05 * h
    return cx - 0.03 * w, top - 0.09 * h, cx + 0.03 * w, top + 0.045 * h


def draw_scalebar(ax, length_km: float, *, fontsize: float, segments: int = 4, lw: float = 0.6):
    """Alternating black/white bar of ``length_km`` at the lower left of a metric-CRS axes."""
    from matplotlib.patches import Rectangle

    y0, y1 = ax.get_ylim()
    h = y1 - y0
    left, bottom, right, top = scalebar_box(ax, length_km)
    bx, by = left + 0.012 * (ax.get_xlim()[1] - ax.get_xlim()[0]), bottom + 0.03 * h
    bar_h = 0.012 * h
    seg = length_km * 1000.0 / segments
    ax.add_patch(
        Rectangle(
            (left, bottom),
            right - left,
            top - bottom,
            fc="white",
            ec="0.6",
            lw=0.3,
            alpha=0.85,
            zorder=20,
        )
    )
    for i in range(segments):
        ax.add_patch(
            Rectangle(
                (bx + i * seg, by),
                seg,
                bar_h,
                fc="black" if i % 2 == 0 else "white",
                ec="black",
                lw=lw,
                zorder=21,
            )
        )
    for i in (0, segments // 2, segments):
        v = length_km * i / segments
        txt = f"{v:g}" + (" km" if i == segments else "")
        ax.text(
            bx + i * seg,
            by + bar_h * 1.6,
            txt,
            ha="center",
            va="bottom",
            fontsize=fontsize,
            zorder=22,
        )


def draw_north_arrow(ax, *, fontsize: float, lang: str = "zh"):
    """A north arrow at the upper right of the map frame (grid north of the GK projection)."""
    from matplotlib.patches import Polygon

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    w, h = x1 - x0, y1 - y0
    cx, top = x1 - 0.05 * w, y1 - 0.05 * h
    aw, ah = 0.018 * w, 0.09 * h
    left = [(cx, top), (cx - aw, top - ah), (cx, top - ah * 0.72)]
    right = [(cx, top), (cx + aw, top - ah), (cx, top - ah * 0.72)]
    ax.add_patch(Polygon(left, closed=True, fc="black", ec="black", lw=0.5, zorder=21))
    ax.add_patch(Polygon(right, closed=True, fc="white", ec="black", lw=0.5, zorder=21))
    ax.text(
        cx,
        top + 0.008 * h,
        msg("map.north", lang),
        ha="center",
        va="bottom",
        fontsize=fontsize,
        zorder=22,
    )
