"""Coordinate ticks in degrees and minutes on a map drawn in a projected (metric) CRS."""

from __future__ import annotations

import numpy as np
from pyproj import CRS, Transformer

# Candidate graticule steps in arc-minutes.
_STEPS_MIN = (1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600)


def nice_step_minutes(span_deg: float, target: int = 5) -> int:
    """The candidate step (arc-minutes) giving about ``target`` intervals over ``span_deg``."""
    want = span_deg * 60.0 / max(target, 1)
    return min(_STEPS_MIN, key=lambda s: abs(np.log(s / want)))


def format_dms(value: float, axis: str) -> str:
    """120.5, "lon" → "120°30′E"; 30.75, "lat" → "30°45′N" (rounded to the whole minute)."""
    hemi = ("E" if value >= 0 else "W") if axis == "lon" else ("N" if value >= 0 else "S")
    total = round(abs(value) * 60)
    deg, minute = divmod(total, 60)
    return f"{deg}°{minute:02d}′{hemi}"


def edge_ticks(
    crs: CRS, xlim: tuple[float, float], ylim: tuple[float, float], target: int = 5
) -> tuple[list[float], list[str], list[float], list[str]]:
    """Tick positions (map metres) and labels where meridians cross the bottom edge and
    parallels cross the left edge of the extent ``xlim × ylim`` in ``crs``."""
    to_geo = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    xs = np.linspace(*xlim, 400)
    lon_b, _ = to_geo.transform(xs, np.full_like(xs, ylim[0]))
    ys = np.linspace(*ylim, 400)
    _, lat_l = to_geo.transform(np.full_like(ys, xlim[0]), ys)
    xt, xl = _crossings(xs, np.asarray(lon_b), target, "lon")
    yt, yl = _crossings(ys, np.asarray(lat_l), target, "lat")
    return xt, xl, yt, yl


def _crossings(pos: np.ndarray, deg: np.ndarray, target: int, axis: str):
    step = nice_step_minutes(float(deg.max() - deg.min()), target) / 60.0
    first = np.ceil(deg.min() / step - 1e-9) * step
    values = np.arange(first, deg.max() + 1e-9, step)
    ticks = np.interp(values, deg, pos)  # deg grows monotonically along the edge
    return ticks.tolist(), [format_dms(v, axis) for v in values]


def graticule_lines(
    crs: CRS, xlim: tuple[float, float], ylim: tuple[float, float], target: int = 5
) -> list[np.ndarray]:
    """Meridians and parallels ((n, 2) arrays in ``crs``) at the tick step over the extent."""
    to_geo = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    to_map = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    gx, gy = np.meshgrid(np.linspace(*xlim, 20), np.linspace(*ylim, 20))
    lon, lat = to_geo.transform(gx.ravel(), gy.ravel())
    lon0, lon1, lat0, lat1 = min(lon), max(lon), min(lat), max(lat)
    lines = []
    for lo, hi, other_lo, other_hi, is_lon in (
        (lon0, lon1, lat0, lat1, True),
        (lat0, lat1, lon0, lon1, False),
    ):
        step = nice_step_minutes(hi - lo, target) / 60.0
        along = np.linspace(other_lo, other_hi, 100)
        for v in np.arange(np.ceil(lo / step - 1e-9) * step, hi + 1e-9, step):
            xs, ys = (np.full_like(along, v), along) if is_lon else (along, np.full_like(along, v))
            mx, my = to_map.transform(xs, ys)
            lines.append(np.column_stack([mx, my]))
    return lines
