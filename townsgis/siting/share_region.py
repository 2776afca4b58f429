"""Where a disc keeps at least a given share of its area inside a polygon: the level set
{x : S(x) ≥ share} of S(x) = area(disc(x, r) ∩ U) / πr², traced from exact shares.

S is 1 deeper than r inside U, 0 farther than r outside, and Lipschitz in between with
|∇S| ≤ 2/(πr) (moving the disc by δ gains or loses at most a 2r·δ strip). So:

1. A quadtree of grid cells, 16h down to h (h = :data:`GRID_M`, 25 m), is refined only where
   the level can cross: a cell is *sure* when the disc at its centre reaches no edge of U
   within r + half its diagonal (S is constant there), or when the exact share at its
   corners is farther from ``share`` than the Lipschitz bound allows over half a diagonal.
   Every other cell is split and its new corners computed exactly (:class:`DiscShare`).
   The level set's shape (pieces, holes, necks) is that of this grid, not of an eroded
   polygon; it can miss only features inside an h-cell where S stays within 2h/(√2·πr)
   (0.012 for a 3 km² footprint) of ``share``.
2. The filled contour of the grid (contourpy) has one vertex on each grid edge the level
   crosses; each is moved along its grid edge onto the exact level (the edge's ends are on
   either side of it: bracketed Illinois iteration, to < 0.01 m).
3. Each polygon edge's midpoint is moved onto the level along the edge's normal; where it is
   more than :data:`CHORD_TOL_M` (0.25 m) off the chord it is inserted, and the halves are
   checked again (up to 8 rounds): the polygon is within ~0.25 m of the level set.

All in a metric CRS (metres).
"""

from __future__ import annotations

import math

import contourpy
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from townsgis.siting.disc_share import DiscShare

GRID_M = 25.0  # finest grid cell (m); the level set's topology is resolved at this size
LEVELS = 4  # quadtree levels above the finest: cells of 16·GRID_M = 400 m to start
MAX_NODES = 16_000_000  # finest grid nodes per unit; a larger unit gets a coarser grid
CHORD_TOL_M = 0.25  # a polygon edge is split while its midpoint is this far off the level
ROOT_TOL_M = 0.01  # vertices are put on the level to this distance


def share_region(
    area: BaseGeometry,
    r: float,
    share: float,
    *,
    grid_m: float = GRID_M,
    skip: BaseGeometry | None = None,
    clip: bool = True,
) -> BaseGeometry:
    """Centres x in ``area`` where a disc of radius ``r`` (m) has at least ``share`` of its
    area inside ``area``: the level set traced as the module says, intersected with
    ``area`` (``clip=False``: not intersected, so also the centres outside ``area`` whose
    disc reaches the share, e.g. on a spit of land in a lake). Parts inside ``skip`` (a
    region excluded anyway) are not traced exactly."""
    if area.is_empty or share <= 0:
        return area if clip else area.buffer(r, quad_segs=64)
    if share >= 1 - 1e-9:  # the whole disc inside: the centre at least r from the edge
        return area.buffer(-r, quad_segs=64)
    level = _Level(area, r, share, grid_m, skip)
    region = level.trace()
    return region.intersection(area) if clip and not region.is_empty else region


class _Level:
    """The quadtree, contour and refinement of one unit's share level set."""

    upper = 2.0  # above every value of the field: the filled contour is {level ≤ field}

    def __init__(self, area, r, share, grid_m, skip):
        self.disc = DiscShare(area, r)
        self.area, self.r, self.share = area, float(r), float(share)
        self.lip = 2.0 / (math.pi * self.r)  # bound of |∇S| (per metre)
        self.skip = skip if skip is not None and not skip.is_empty else None
        if self.skip is not None:
            shapely.prepare(self.skip)
        minx, miny, maxx, maxy = area.bounds
        pad = self.r + grid_m  # S = 0 beyond r outside the bounding box
        w, hgt = maxx - minx + 2 * pad, maxy - miny + 2 * pad
        h = max(grid_m, math.sqrt(w * hgt / MAX_NODES))
        cell0 = h * 2**LEVELS
        self.h = h
        self.nx0, self.ny0 = int(math.ceil(w / cell0)), int(math.ceil(hgt / cell0))
        self.x0, self.y0 = minx - pad, miny - pad

    def shares(self, xy: np.ndarray, step: float) -> tuple[np.ndarray, np.ndarray]:
        """The exact share at ``xy``, and whether no edge of U is within r + step/√2 (then
        S is constant on the cells of side ``step`` that have only such corners)."""
        if not len(xy):
            return np.zeros(0), np.zeros(0, bool)
        pairs = self.disc.near(xy, self.r + step / math.sqrt(2))
        far = np.bincount(pairs[0], minlength=len(xy)) == 0
        return self.disc(xy, pairs), far

    def trace(self) -> BaseGeometry:
        z = self.grid()
        return self.contour(z)

    # 1. the quadtree ------------------------------------------------------------------
    def nodes_xy(self, step: float, iy: np.ndarray, ix: np.ndarray) -> np.ndarray:
        return np.column_stack([self.x0 + ix * step, self.y0 + iy * step])

    def grid(self) -> np.ndarray:
        """The share on the finest grid: exact where a cell may hold the level, else 1.0 or
        0.0 (the side a sure cell is on). Shape (rows, cols) = (y, x)."""
        step = self.h * 2**LEVELS
        iy, ix = np.mgrid[0 : self.ny0 + 1, 0 : self.nx0 + 1]
        z, far = self.shares(self.nodes_xy(step, iy.ravel(), ix.ravel()), step)
        z, far = z.reshape(iy.shape), far.reshape(iy.shape)
        state = self.classify(z, far, np.ones((self.ny0, self.nx0), bool), step)
        for _ in range(LEVELS):
            step /= 2
            ny, nx = 2 * state.shape[0], 2 * state.shape[1]
            fine = np.full((ny + 1, nx + 1), np.nan)
            fine[::2, ::2] = z
            fine_far = np.zeros((ny + 1, nx + 1), bool)
            fine_far[::2, ::2] = far
            state = np.repeat(np.repeat(state, 2, axis=0), 2, axis=1)
            open_ = state == 0
            need = _corners(open_) & np.isnan(fine)
            iy, ix = np.nonzero(need)
            fine[iy, ix], fine_far[iy, ix] = self.shares(self.nodes_xy(step, iy, ix), step)
            # the rest touch sure cells only: fill with the side they are sure of
            side = _corners(state > 0)
            fine = np.where(np.isnan(fine), side.astype(float), fine)
            state = self.classify(fine, fine_far, open_, step, state)
            z, far = fine, fine_far
        return z

    def classify(self, z, far, todo, step, state=None) -> np.ndarray:
        """Cell states: 1 sure above the level, -1 sure below, 0 open (may hold it). Only
        the ``todo`` cells are judged; the others keep ``state``. ``far``: nodes with no
        edge of U within r + step/√2 (every point of a cell is that close to a corner)."""
        out = np.zeros(todo.shape, np.int8) if state is None else state.copy()
        iy, ix = np.nonzero(todo)
        if not len(iy):
            return out
        c = np.stack([z[iy, ix], z[iy + 1, ix], z[iy, ix + 1], z[iy + 1, ix + 1]])
        half_diag = step / math.sqrt(2)
        margin = self.lip * half_diag
        s = np.zeros(len(iy), np.int8)
        s[c.min(axis=0) >= self.share + margin] = 1
        s[c.max(axis=0) < self.share - margin] = -1
        # S is constant (0 or 1) on a cell no edge comes within r of
        flat = (s == 0) & far[iy, ix] & far[iy + 1, ix] & far[iy, ix + 1] & far[iy + 1, ix + 1]
        s[flat] = np.where(c[0, flat] > 0.5, 1, -1)
        if self.skip is not None:
            rest = np.flatnonzero(s == 0)
            if len(rest):
                lo = self.nodes_xy(step, iy[rest], ix[rest])
                boxes = shapely.box(lo[:, 0], lo[:, 1], lo[:, 0] + step, lo[:, 1] + step)
                s[rest[shapely.contains(self.skip, boxes)]] = -1  # excluded anyway
        out[iy, ix] = s
        return out

    # 2. the contour on the exact level ------------------------------------------------
    def contour(self, z: np.ndarray) -> BaseGeometry:
        ny, nx = z.shape
        xs = self.x0 + np.arange(nx) * self.h
        ys = self.y0 + np.arange(ny) * self.h
        gen = contourpy.contour_generator(xs, ys, z, fill_type=contourpy.FillType.OuterOffset)
        points, offsets = gen.filled(self.share, self.upper)
        if not len(points):
            return shapely.Polygon()
        # every ring of every polygon in one array (closing vertex dropped), ``ring`` its id
        xy, ring, poly, shell = [], [], [], []
        for k, (pts, off) in enumerate(zip(points, offsets, strict=True)):
            for j, (a, b) in enumerate(zip(off[:-1], off[1:], strict=True)):
                xy.append(pts[a : b - 1])
                ring.append(np.full(b - 1 - a, len(poly)))
                poly.append(k)
                shell.append(j == 0)
        xy, ring = np.vstack(xy), np.concatenate(ring)
        xy = self.on_level(xy, z)
        # shells counter-clockwise, holes clockwise: the region is on every ring's left
        nxt = _next_in_ring(ring)
        area2 = np.bincount(ring, weights=_cross(xy, xy[nxt]), minlength=len(poly))
        flip = (area2 < 0) == np.array(shell)
        first = np.searchsorted(ring, ring)
        idx = np.arange(len(ring))
        order = np.where(flip[ring], first + _last_of(ring)[ring] - idx, idx)
        xy, ring = self.densify(xy[order], ring[order])
        rings = shapely.linearrings(xy, indices=ring)
        polys = shapely.polygons(rings, indices=np.array(poly))
        bad = ~shapely.is_valid(polys)
        polys[bad] = shapely.make_valid(polys[bad], method="structure", keep_collapsed=False)
        return shapely.union_all(polys)

    def on_level(self, ring: np.ndarray, z: np.ndarray) -> np.ndarray:
        """Ring vertices (each on a grid edge the level crosses) moved along that edge onto
        the exact level."""
        fx = (ring[:, 0] - self.x0) / self.h
        fy = (ring[:, 1] - self.y0) / self.h
        rx, ry = np.round(fx), np.round(fy)
        on_v = np.abs(fx - rx) < 1e-6  # on a vertical grid line: the edge runs in y
        on_h = ~on_v & (np.abs(fy - ry) < 1e-6)
        a = np.column_stack([np.where(on_v, rx, np.floor(fx)), np.where(on_h, ry, np.floor(fy))])
        b = a + np.column_stack([~on_v & on_h, on_v]).astype(float)
        ny, nx = z.shape
        ok = (on_v | on_h) & (a[:, 0] >= 0) & (a[:, 1] >= 0) & (b[:, 0] < nx) & (b[:, 1] < ny)
        pa = np.column_stack([self.x0 + a[:, 0] * self.h, self.y0 + a[:, 1] * self.h])
        pb = np.column_stack([self.x0 + b[:, 0] * self.h, self.y0 + b[:, 1] * self.h])
        ok &= ~self.skipped(ring)
        out = ring.copy()
        k = np.flatnonzero(ok)
        if len(k):
            out[k] = self.root(pa[k], pb[k] - pa[k])
        return out

    def skipped(self, xy: np.ndarray) -> np.ndarray:
        if self.skip is None:
            return np.zeros(len(xy), bool)
        return shapely.contains_xy(self.skip, xy[:, 0], xy[:, 1])

    def along(self, p: np.ndarray, d: np.ndarray):
        """f(t, k): the share minus the level at p[k] + t·d[k] (rows ``k``, t in [0, 1])."""
        pairs_row, pairs_edge = self.disc.near(p + d / 2, self.r + np.hypot(*d.T).max() / 2)
        pos = np.empty(len(p), int)

        def f(t, k):
            pos[:] = -1
            pos[k] = np.arange(len(k))
            keep = pos[pairs_row] >= 0
            pairs = (pos[pairs_row[keep]], pairs_edge[keep])
            return self.disc(p[k] + t[:, None] * d[k], pairs) - self.share

        return f

    def root(self, p: np.ndarray, d: np.ndarray) -> np.ndarray:
        """The point p + t·d, t in [0, 1], where the field equals the level, for rows whose
        ends are on either side of it (else the nearer end); bracketed Illinois iteration
        until the bracket is < ROOT_TOL_M long."""
        f = self.along(p, d)
        every = np.arange(len(p))
        ta, tb = np.zeros(len(p)), np.ones(len(p))
        fa, fb = f(ta, every), f(tb, every)
        t = np.where(np.abs(fa) <= np.abs(fb), ta, tb)
        length = np.hypot(d[:, 0], d[:, 1])
        todo = np.flatnonzero((np.sign(fa) != np.sign(fb)) & (fa != 0) & (fb != 0))
        side = np.zeros(len(p))
        for _ in range(60):
            if not len(todo):
                break
            k = todo
            tc = (ta[k] * fb[k] - tb[k] * fa[k]) / (fb[k] - fa[k])
            fc = f(tc, k)
            t[k] = tc
            left = np.sign(fc) == np.sign(fa[k])
            kl, kr = k[left], k[~left]
            ta[kl], fa[kl] = tc[left], fc[left]
            fb[kl] = np.where(side[kl] == 1, fb[kl] / 2, fb[kl])
            side[kl] = 1
            tb[kr], fb[kr] = tc[~left], fc[~left]
            fa[kr] = np.where(side[kr] == -1, fa[kr] / 2, fa[kr])
            side[kr] = -1
            todo = k[((tb[k] - ta[k]) * length[k] > ROOT_TOL_M) & (fc != 0)]
        return p + t[:, None] * d

    # 3. densify where the level bends away from the chord ------------------------------
    def densify(self, xy: np.ndarray, ring: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Midpoints of ring edges put on the level along the edge's normal (outwards: the
        region is on every ring's left) and inserted where > CHORD_TOL_M off the chord.
        ``ring``: each vertex's ring id, rings stored one after another."""
        todo = np.ones(len(xy), bool)  # edge i runs from vertex i to the next of its ring
        for _ in range(8):
            k = np.flatnonzero(todo)
            if not len(k):
                break
            nxt = _next_in_ring(ring)[k]
            mid = (xy[k] + xy[nxt]) / 2
            e = xy[nxt] - xy[k]
            length = np.hypot(e[:, 0], e[:, 1])
            live = (length > 2 * CHORD_TOL_M) & ~self.skipped(mid)
            k, mid, e, length = k[live], mid[live], e[live], length[live]
            if not len(k):
                break
            normal = np.column_stack([e[:, 1], -e[:, 0]]) / length[:, None]  # to the right
            # the level lies within half an edge (and at least a grid cell) of the chord
            reach = np.maximum(length / 2, self.h)[:, None]
            fixed = self.root(mid - reach * normal, 2 * reach * normal)
            off = np.hypot(*(fixed - mid).T)
            bent = (off > CHORD_TOL_M) & (off < reach[:, 0] * 0.999)
            ins = k[bent]
            if not len(ins):
                break
            xy = np.insert(xy, ins + 1, fixed[bent], axis=0)
            ring = np.insert(ring, ins + 1, ring[ins])
            todo = np.zeros(len(xy), bool)
            at = ins + np.arange(len(ins))  # edges before and after each inserted vertex
            todo[at] = True
            todo[at + 1] = True
        return xy, ring


def _next_in_ring(ring: np.ndarray) -> np.ndarray:
    """Index of each vertex's successor in its ring (rings stored one after another)."""
    nxt = np.arange(len(ring)) + 1
    last = _last_of(ring)
    first = np.concatenate([[0], last[:-1] + 1])
    nxt[last] = first
    return nxt


def _last_of(ring: np.ndarray) -> np.ndarray:
    """Index of the last vertex of each ring (ring ids 0, 1, … stored one after another)."""
    return np.flatnonzero(np.diff(ring, append=-1) != 0)


def _cross(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0]


def _corners(cells: np.ndarray) -> np.ndarray:
    """Grid nodes that are a corner of at least one True cell."""
    ny, nx = cells.shape
    out = np.zeros((ny + 1, nx + 1), bool)
    out[:-1, :-1] |= cells
    out[1:, :-1] |= cells
    out[:-1, 1:] |= cells
    out[1:, 1:] |= cells
    return out


class FieldLevel(_Level):
    """The set {x : f(x) ≥ level} of a scalar field ``f`` (m×2 metres → m values) over
    ``bounds``, with |∇f| at most ``lip(centres, half_diagonal)`` on each cell of side 16
    grid steps (a bound per cell): ``f`` is taken exactly at the nodes of a 16-step grid,
    then at every ``grid_m`` node of the cells where the level can cross (the rest are
    filled with the side they are sure of), then the contour, its vertices put on the exact
    level and the edges split as in :class:`_Level` (steps 2 and 3). Features narrower
    than a grid cell can be missed."""

    def __init__(self, f, level: float, bounds, lip, grid_m: float = GRID_M):
        self.f, self.lipf, self.share, self.skip = f, lip, float(level), None
        minx, miny, maxx, maxy = bounds
        w, hgt = maxx - minx + 2 * grid_m, maxy - miny + 2 * grid_m
        self.h = max(grid_m, math.sqrt(w * hgt / MAX_NODES))
        cell0 = self.h * 2**LEVELS
        self.x0, self.y0 = minx - self.h, miny - self.h
        self.nx0 = int(math.ceil((w + self.h) / cell0))
        self.ny0 = int(math.ceil((hgt + self.h) / cell0))

    def grid(self) -> np.ndarray:
        k = 2**LEVELS
        cell0 = self.h * k
        iy, ix = np.mgrid[0 : self.ny0 + 1, 0 : self.nx0 + 1]
        zc = self.f(self.nodes_xy(cell0, iy.ravel(), ix.ravel())).reshape(iy.shape)
        c = np.stack([zc[:-1, :-1], zc[1:, :-1], zc[:-1, 1:], zc[1:, 1:]])
        cy, cx = np.mgrid[0 : self.ny0, 0 : self.nx0]
        centres = self.nodes_xy(cell0, cy.ravel() + 0.5, cx.ravel() + 0.5)
        half_diag = cell0 / math.sqrt(2)
        margin = self.lipf(centres, half_diag).reshape(cy.shape) * half_diag
        above = c.min(axis=0) - margin >= self.share
        below = c.max(axis=0) + margin < self.share
        # only the cells that are not surely below, and one more around them, are kept
        ry, rx = np.nonzero(~below)
        if not len(ry):
            ry, rx = np.array([0]), np.array([0])
        y0, y1 = max(ry.min() - 1, 0), min(ry.max() + 2, self.ny0)
        x0, x1 = max(rx.min() - 1, 0), min(rx.max() + 2, self.nx0)
        above, below = above[y0:y1, x0:x1], below[y0:y1, x0:x1]
        self.x0, self.y0 = self.x0 + x0 * cell0, self.y0 + y0 * cell0
        z = np.repeat(np.repeat(np.where(above, 1.0, -1.0), k, 0), k, 1)
        z = np.pad(z, ((0, 1), (0, 1)), mode="edge") + self.share
        open_ = ~above & ~below
        oy, ox = np.nonzero(open_)
        if len(oy):
            fy, fx = np.mgrid[0 : k + 1, 0 : k + 1]
            ny_, nx_ = (
                (oy[:, None] * k + fy.ravel()).ravel(),
                (ox[:, None] * k + fx.ravel()).ravel(),
            )
            node = np.unique(ny_ * (z.shape[1]) + nx_)
            ny_, nx_ = np.divmod(node, z.shape[1])
            for a in range(0, len(node), 1_000_000):
                sl = slice(a, a + 1_000_000)
                z[ny_[sl], nx_[sl]] = self.f(self.nodes_xy(self.h, ny_[sl], nx_[sl]))
        self.upper = float(z.max()) + 1.0
        return z

    def along(self, p: np.ndarray, d: np.ndarray):
        def f(t, k):
            return self.f(p[k] + t[:, None] * d[k]) - self.share

        return f
