"""The share of a disc that lies inside a polygon, computed exactly and vectorised.

The area of disc(c, r) ∩ U is the sum, over the directed edges a→b of U's rings (exterior
counter-clockwise, holes clockwise), of the signed area of disc ∩ triangle(c, a, b). An edge
farther than r from c contributes the circular sector r²/2 · angle(a, b); those angles add up
to 2π for a centre inside U and to 0 outside. So only the edges within r of a centre (found
with an STRtree) are visited, and

    area = πr² · [c in U] + Σ_near (triangle-term − r²/2 · angle).

All coordinates in a metric CRS (metres).
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry


class DiscShare:
    """Share of disc(c, r) inside ``area`` for many centres c: built once per polygon."""

    def __init__(self, area: BaseGeometry, r: float) -> None:
        self.r = float(r)
        self.area = shapely.orient_polygons(area, exterior_cw=False)
        shapely.prepare(self.area)
        rings = shapely.get_rings(shapely.get_parts(self.area))
        segs = []
        for ring in rings:
            xy = shapely.get_coordinates(ring)
            if len(xy) >= 2:
                segs.append(np.hstack([xy[:-1], xy[1:]]))
        self.segs = np.vstack(segs) if segs else np.empty((0, 4))
        self.tree = shapely.STRtree(shapely.linestrings(self.segs.reshape(-1, 2, 2)))

    def near(self, xy: np.ndarray, reach: float) -> tuple[np.ndarray, np.ndarray]:
        """(row, edge) index pairs holding every edge within ``reach`` (m) of each row of
        ``xy``: the edges whose bounding box meets the square of half-side ``reach`` around
        it (a few more than those within reach; cheaper than a distance query)."""
        if not len(self.segs) or not len(xy):
            return np.empty(0, int), np.empty(0, int)
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        lo, hi = xy - reach, xy + reach
        return self.tree.query(shapely.box(lo[:, 0], lo[:, 1], hi[:, 0], hi[:, 1]))

    def __call__(self, xy: np.ndarray, pairs: tuple[np.ndarray, np.ndarray] | None = None):
        """Share (0–1) of the disc of radius r centred at each row of ``xy`` (n×2) in the area.

        ``pairs`` (from :meth:`near` with any reach ≥ r, for these rows) skips the tree query:
        an edge farther than r from a centre adds a sector and takes the same away, so extra
        edges change nothing."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        r = self.r
        inside = shapely.contains_xy(self.area, xy[:, 0], xy[:, 1]).astype(float)
        total = math.pi * r * r * inside
        if len(self.segs) and len(xy):
            pi, si = self.near(xy, r) if pairs is None else pairs
            if len(pi):
                c = xy[pi]
                p = self.segs[si, :2] - c
                q = self.segs[si, 2:] - c
                near = _triangle_terms(p, q, r) - 0.5 * r * r * _angle(p, q)
                total = total + np.bincount(pi, weights=near, minlength=len(xy))
        return np.clip(total / (math.pi * r * r), 0.0, 1.0)


def _cross(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0]


def _angle(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Signed angle from u to v (radians)."""
    return np.arctan2(_cross(u, v), np.einsum("ij,ij->i", u, v))


def _triangle_terms(p: np.ndarray, q: np.ndarray, r: float) -> np.ndarray:
    """Signed area of disc(0, r) ∩ triangle(0, p, q) for each row: the edge p→q is cut where
    it crosses the circle; pieces inside give their triangle, pieces outside their sector."""
    d = q - p
    a = np.einsum("ij,ij->i", d, d)
    b = 2 * np.einsum("ij,ij->i", p, d)
    cc = np.einsum("ij,ij->i", p, p) - r * r
    disc = b * b - 4 * a * cc
    ok = (disc > 0) & (a > 0)
    root = np.sqrt(np.where(ok, disc, 0.0))
    safe_a = np.where(a > 0, a, 1.0)
    t1 = np.where(ok, np.clip((-b - root) / (2 * safe_a), 0.0, 1.0), 1.0)
    t2 = np.where(ok, np.clip((-b + root) / (2 * safe_a), 0.0, 1.0), 1.0)
    u = p + t1[:, None] * d
    v = p + t2[:, None] * d
    outside = _angle(p, u) + _angle(v, q)
    return 0.5 * r * r * outside + 0.5 * _cross(u, v)
