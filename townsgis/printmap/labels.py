"""Greedy label placement: each label takes the first candidate position around its anchor
whose box overlaps no label already placed, no obstacle and stays inside the map frame."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Candidate offsets (points) tried in order: right, left, above, below, diagonals, then farther.
_DIRS = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1))
_RINGS = (1.0, 2.2, 3.6)


@dataclass
class PlacedLabel:
    text: object  # matplotlib.text.Annotation
    box: tuple[float, float, float, float]  # display coords x0, y0, x1, y1
    moved: bool  # True when a leader line was needed


def _ha_va(dx: int, dy: int) -> tuple[str, str]:
    ha = "left" if dx > 0 else "right" if dx < 0 else "center"
    va = "bottom" if dy > 0 else "top" if dy < 0 else "center"
    return ha, va


def overlaps(box: tuple[float, float, float, float], boxes: np.ndarray, pad: float = 0.0) -> bool:
    """Whether ``box`` intersects any row (x0, y0, x1, y1) of ``boxes`` (display units)."""
    if len(boxes) == 0:
        return False
    x0, y0, x1, y1 = box
    return bool(
        np.any(
            (boxes[:, 0] < x1 + pad)
            & (boxes[:, 2] > x0 - pad)
            & (boxes[:, 1] < y1 + pad)
            & (boxes[:, 3] > y0 - pad)
        )
    )


def place_labels(
    ax,
    anchors: list[tuple[float, float]],
    texts: list[str],
    *,
    renderer,
    obstacles: list[tuple[float, float, float, float]] | None = None,
    gap_pt: float | list[float] = 4.0,
    text_kw: dict | None = None,
    halo_pt: float = 0.0,
    centred: bool = False,
    optional: bool = False,
    rings: tuple[float, ...] = _RINGS,
) -> list[PlacedLabel]:
    """Place ``texts`` at data-coordinate ``anchors`` of ``ax`` without overlaps.

    Labels are tried in the given order (put the important ones first). ``gap_pt`` is the
    distance from the anchor (one value, or one per label, e.g. the feature's radius). A label
    that fits nowhere takes the first candidate inside the frame; ``moved`` flags a leader line.
    ``halo_pt`` > 0 adds a white outline drawn as a separate path, so the label stays text.
    ``centred``: first try the label centred on its anchor (area names); ``optional``: a
    label that fits nowhere is left out instead of overlapping. ``rings``: the distances
    tried, in multiples of the gap.
    """
    gaps = list(gap_pt) if isinstance(gap_pt, list | tuple) else [gap_pt] * len(texts)
    text_kw = dict(text_kw or {})
    frame = ax.get_window_extent(renderer)
    placed: list[PlacedLabel] = []
    boxes = np.array(obstacles or [], dtype=float).reshape(-1, 4)
    scale = renderer.points_to_pixels(1.0)
    for (x, y), label, gap in zip(anchors, texts, gaps, strict=True):
        ann = ax.annotate(label, (x, y), xytext=(0, 0), textcoords="offset points", **text_kw)
        best = None
        dirs = (((0, 0),) if centred else ()) + _DIRS
        for ring in rings:
            for dx, dy in dirs:
                ha, va = _ha_va(dx, dy)
                step = gap if gap > 0 else ann.get_window_extent(renderer).height / scale
                off = (dx * step * ring, dy * step * ring)
                ann.set_position(off)
                ann.set_ha(ha)
                ann.set_va(va)
                bb = ann.get_window_extent(renderer)
                box = (bb.x0, bb.y0, bb.x1, bb.y1)
                inside = (
                    bb.x0 >= frame.x0
                    and bb.x1 <= frame.x1
                    and bb.y0 >= frame.y0
                    and bb.y1 <= frame.y1
                )
                if best is None and inside and not optional:
                    best = (off, ha, va, box)
                if inside and not overlaps(box, boxes, pad=1.0 * scale):
                    best = (off, ha, va, box)
                    break
            else:
                continue
            break
        if best is None and optional:
            ann.remove()
            continue
        if best is None:
            bb = ann.get_window_extent(renderer)
            best = ((0, 0), "center", "center", (bb.x0, bb.y0, bb.x1, bb.y1))
        off, ha, va, box = best
        ann.remove()
        moved = gap > 0 and (abs(off[0]) > gap * 1.5 or abs(off[1]) > gap * 1.5)
        arrow = {"arrowstyle": "-", "lw": 0.4, "color": "0.35", "shrinkA": 0, "shrinkB": 0}
        ann = ax.annotate(
            label,
            (x, y),
            xytext=off,
            textcoords="offset points",
            ha=ha,
            va=va,
            arrowprops=arrow if moved else None,
            **text_kw,
        )
        if halo_pt > 0:
            halo_text(ann, halo_pt)
        placed.append(PlacedLabel(ann, box, moved))
        boxes = np.vstack([boxes, np.array(box)[None, :]])
    return placed


def halo_text(text, width_pt: float):
    """A white outline behind ``text``: a twin drawn only as a stroked path (Stroke effect,
    no Normal), so in PDF/SVG the halo is a path and the label itself stays searchable text."""
    from matplotlib import patheffects as pe

    ax = text.axes
    kw = {
        "fontsize": text.get_fontsize(),
        "ha": text.get_ha(),
        "va": text.get_va(),
        "rotation": text.get_rotation(),
        "color": "white",
        "zorder": text.get_zorder() - 0.01,
        "path_effects": [pe.Stroke(linewidth=width_pt, foreground="white")],
    }
    if hasattr(text, "xyann"):  # Annotation
        twin = ax.annotate(
            text.get_text(),
            text.xy,
            xytext=text.xyann,
            textcoords=text.anncoords,
            xycoords=text.xycoords,
            **kw,
        )
    else:
        twin = ax.text(*text.get_position(), text.get_text(), transform=text.get_transform(), **kw)
    twin.set_gid("halo")
    return twin


def inside_candidates(geom, n: int = 24) -> list:
    """Points inside the polygon ``geom`` (data CRS) where an area's name may sit, best first:
    the centre of its largest inscribed circle (the pole of inaccessibility) and its
    representative point, then points of a grid over it, farthest from its edge first (so a
    name blocked at the centre can move within the area), at most ``n`` in all."""
    import shapely

    largest = max(shapely.get_parts(geom), key=lambda g: g.area)
    tol = max(largest.length / 2000.0, 1.0)
    pts = [
        shapely.get_point(shapely.maximum_inscribed_circle(largest, tol), 0),
        largest.representative_point(),
    ]
    x0, y0, x1, y1 = geom.bounds
    step = max(x1 - x0, y1 - y0) / 12.0
    if step > 0:
        xs, ys = np.meshgrid(np.arange(x0 + step / 2, x1, step), np.arange(y0 + step / 2, y1, step))
        grid = shapely.points(xs.ravel(), ys.ravel())
        grid = grid[shapely.contains(geom, grid)]
        depth = shapely.distance(grid, geom.boundary)
        pts += list(grid[np.argsort(-depth)][: max(n - len(pts), 0)])
    return [p for p in pts if geom.covers(p)]


def place_inside(
    ax,
    geom,
    text: str,
    *,
    renderer,
    obstacles: list[tuple[float, float, float, float]],
    fontsizes: list[float],
    text_kw: dict | None = None,
    halo_pt: float = 0.0,
    min_inside: float = 0.5,
) -> PlacedLabel | None:
    """Centre ``text`` on a point inside the polygon ``geom`` (data CRS of ``ax``), never
    beside it: candidate points from ``inside_candidates``, each font size of ``fontsizes``
    in turn (largest first). A candidate is taken when the label's box stays in the map frame,
    overlaps no ``obstacles`` (display boxes) and has at least ``min_inside`` of its area
    over the polygon; None (label left out) when none is."""
    import shapely

    text_kw = dict(text_kw or {})
    frame = ax.get_window_extent(renderer)
    boxes = np.array(obstacles or [], dtype=float).reshape(-1, 4)
    pad = renderer.points_to_pixels(1.0)
    inv = ax.transData.inverted()
    cands = inside_candidates(geom)
    for size in fontsizes:
        for p in cands:
            ann = ax.annotate(
                text, (p.x, p.y), xytext=(0, 0), textcoords="offset points", ha="center",
                va="center", fontsize=size, **text_kw,
            )  # fmt: skip
            bb = ann.get_window_extent(renderer)
            box = (bb.x0, bb.y0, bb.x1, bb.y1)
            in_frame = (
                bb.x0 >= frame.x0 and bb.x1 <= frame.x1 and bb.y0 >= frame.y0 and bb.y1 <= frame.y1
            )
            (dx0, dy0), (dx1, dy1) = inv.transform([(bb.x0, bb.y0), (bb.x1, bb.y1)])
            rect = shapely.box(dx0, dy0, dx1, dy1)
            share = rect.intersection(geom).area / rect.area if rect.area > 0 else 0.0
            if in_frame and share >= min_inside and not overlaps(box, boxes, pad=pad):
                if halo_pt > 0:
                    halo_text(ann, halo_pt)
                return PlacedLabel(ann, box, False)
            ann.remove()
    return None
