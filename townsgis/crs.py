"""Coordinate systems: names users type, GCJ-02 and BD-09, and the metric analysis CRS.

PROJ knows WGS84, CGCS2000 (EPSG:4490) and its Gauss-Krüger zones, but not the two
obfuscated Chinese systems: GCJ-02 (Amap, Tencent) and BD-09 (Baidu). Their forward
transforms follow the widely published algorithm; the inverses iterate the forward
transform to convergence (well below 1 mm), vectorised with numpy. Points outside
China pass through unchanged, as the public convention does.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from pyproj import CRS
from pyproj.exceptions import CRSError as ProjCRSError

from townsgis.errors import CRSError
from townsgis.messages import msg, register

_SUGGEST = "EPSG:4549 (CGCS2000 3° GK CM 120°E)"
register(
    {
        "crs.unknown": (
            "未知的坐标系 {name}；可用：{choices}",
            "unknown CRS {name}; expected {choices}",
        ),
        "crs.none": ("图层没有坐标系；请用 --crs 指定", "layer has no CRS; name one with --crs"),
        "crs.outside_gk": (
            "经度 {lon} 不在中国的 3° 高斯-克吕格分带内（东经 75–135°）",
            "longitude {lon} is outside China's 3° Gauss-Krüger zones (75–135°E)",
        ),
        "crs.pseudo": (
            "不是投影（米制）坐标系（GCJ-02/BD-09 是偏移后的经纬度）",
            "is not a projected (metric) CRS (GCJ-02/BD-09 are offset lon/lat)",
        ),
        "crs.not_projected": (
            "不是投影（米制）坐标系；请改用如 {suggest}",
            "is not a projected (metric) CRS; use e.g. {suggest}",
        ),
        "crs.not_metres": (
            "单位不是米（轴单位：{units}）；请改用如 {suggest}",
            "is not in metres (axis units: {units}); use e.g. {suggest}",
        ),
        "crs.mercator": (
            "是墨卡托投影（{method}）：比例误差为 1/cos(纬度)，在北纬 30° 约 +15%，"
            "距离和面积会算错；请改用如 {suggest}",
            "is a Mercator projection ({method}): its scale error is 1/cos(lat), about +15% "
            "at 30°N, so distances and areas would be wrong; use e.g. {suggest}",
        ),
        "crs.analysis": ("分析坐标系 {crs} {problem}", "analysis CRS {crs} {problem}"),
        "crs.empty": (
            "图层为空，无法选择分析坐标系",
            "cannot choose an analysis CRS for an empty layer",
        ),
    }
)

if TYPE_CHECKING:
    import geopandas as gpd

WGS84 = "EPSG:4326"
CGCS2000 = "EPSG:4490"


class _Names(tuple):
    """Membership by string only: `crs in PSEUDO_CRS` with a pyproj CRS would call
    CRS.__eq__("gcj02"), a failing PROJ lookup that costs ~0.3 s each time."""

    def __contains__(self, item) -> bool:
        return isinstance(item, str) and tuple.__contains__(self, item)


PSEUDO_CRS = _Names(("gcj02", "bd09"))
CRS_CHOICES = "gcj02, bd09, wgs84, cgcs2000 or EPSG:n"

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 algorithm.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0
_ITER_TOL_DEG = 1e-12  # ≈ 0.1 µm
_MAX_ITER = 30


def out_of_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """True where (lon, lat) lies outside the rough box in which GCJ-02 applies an offset."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # Far outside China the polynomial overflows; those points are passed through unchanged
    # by the callers (out_of_china), so numpy's overflow warnings mean nothing there.
    with np.errstate(all="ignore"):
        return _delta_terms(lon, lat)


def _delta_terms(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = lon - 105.0
    y = lat - 35.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    s6 = (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x
    dlat = dlat + s6
    dlat = dlat + (20.0 * np.sin(y * math.pi) + 40.0 * np.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    dlat = dlat + (160.0 * np.sin(y / 12.0 * math.pi) + 320 * np.sin(y * math.pi / 30.0)) * 2 / 3
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x
    dlon = dlon + s6
    dlon = dlon + (20.0 * np.sin(x * math.pi) + 40.0 * np.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    dlon = dlon + (150.0 * np.sin(x / 12.0 * math.pi) + 300.0 * np.sin(x / 30.0 * math.pi)) * 2 / 3
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * math.pi)
    return dlon, dlat


def _arrays(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 → GCJ-02, degrees. Arrays of any shape; points outside China unchanged."""
    lon, lat = _arrays(lon, lat)
    dlon, dlat = _delta(lon, lat)
    outside = out_of_china(lon, lat)
    return np.where(outside, lon, lon + dlon), np.where(outside, lat, lat + dlat)


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 → BD-09, degrees; points outside China unchanged."""
    lon, lat = _arrays(lon, lat)
    with np.errstate(all="ignore"):  # overflow far outside China, where points pass through
        z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
        theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    outside = out_of_china(lon, lat)
    return (
        np.where(outside, lon, z * np.cos(theta) + 0.0065),
        np.where(outside, lat, z * np.sin(theta) + 0.006),
    )


def _invert(forward, lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Invert ``forward`` by fixed-point iteration: x ← x − (f(x) − target)."""
    tlon, tlat = _arrays(lon, lat)
    x, y = tlon.copy(), tlat.copy()
    for _ in range(_MAX_ITER):
        fx, fy = forward(x, y)
        with np.errstate(all="ignore"):
            ex, ey = fx - tlon, fy - tlat
            x, y = x - ex, y - ey
        if np.all(np.abs(ex) < _ITER_TOL_DEG) and np.all(np.abs(ey) < _ITER_TOL_DEG):
            break
    outside = out_of_china(tlon, tlat)
    return np.where(outside, tlon, x), np.where(outside, tlat, y)


def gcj02_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 → WGS84, degrees, exact to well below 1 mm (iterative inverse)."""
    return _invert(wgs84_to_gcj02, lon, lat)


def bd09_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 → GCJ-02, degrees, exact to well below 1 mm (iterative inverse)."""
    return _invert(gcj02_to_bd09, lon, lat)


def wgs84_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 → BD-09, degrees."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 → WGS84, degrees."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


_TO_WGS84 = {"gcj02": gcj02_to_wgs84, "bd09": bd09_to_wgs84}
_FROM_WGS84 = {"gcj02": wgs84_to_gcj02, "bd09": wgs84_to_bd09}
_ALIASES = {
    "wgs84": WGS84,
    "wgs-84": WGS84,
    "epsg:4326": WGS84,
    "cgcs2000": CGCS2000,
    "gcj02": "gcj02",
    "gcj-02": "gcj02",
    "amap": "gcj02",
    "tencent": "gcj02",
    "bd09": "bd09",
    "bd-09": "bd09",
    "baidu": "bd09",
}


def parse_crs(name: str) -> str | CRS:
    """Resolve a user-typed CRS name.

    Returns ``"gcj02"`` or ``"bd09"`` for the pseudo-CRSs PROJ lacks, else a pyproj CRS.
    Accepts ``wgs84``, ``cgcs2000``, ``gcj02``, ``bd09``, ``EPSG:n`` and anything PROJ parses.
    """
    key = str(name).strip()
    alias = _ALIASES.get(key.lower())
    if alias in PSEUDO_CRS:
        return alias
    try:
        return CRS.from_user_input(alias or key)
    except ProjCRSError:
        raise CRSError.of("crs.unknown", name=repr(name), choices=CRS_CHOICES) from None


def transform_xy(lon, lat, src: str | CRS, dst: str | CRS = WGS84):
    """Transform coordinate arrays between any two CRSs, pseudo-CRSs included."""
    src = parse_crs(src) if isinstance(src, str) else src
    dst = parse_crs(dst) if isinstance(dst, str) else dst
    x, y = _arrays(lon, lat)
    if src in PSEUDO_CRS:
        x, y = _TO_WGS84[src](x, y)
        src = CRS.from_epsg(4326)
    if dst in PSEUDO_CRS:
        if not CRS.from_epsg(4326).equals(src):
            x, y = _proj_xy(x, y, src, CRS.from_epsg(4326))
        return _FROM_WGS84[dst](x, y)
    return _proj_xy(x, y, src, dst)


def _proj_xy(x, y, src: CRS, dst: CRS):
    from townsgis.transformers import transformer

    if src.equals(dst):
        return x, y
    t = transformer(src, dst, always_xy=True)
    return t.transform(x, y)


def geometry_to_wgs84(gdf: gpd.GeoDataFrame, src: str | CRS | None = None) -> gpd.GeoDataFrame:
    """Return a copy of ``gdf`` in WGS84. ``src`` overrides the frame's own CRS (needed for
    GCJ-02/BD-09, which a file cannot declare)."""
    return reproject(gdf, src, WGS84)


def reproject(gdf: gpd.GeoDataFrame, src: str | CRS | None, dst: str | CRS) -> gpd.GeoDataFrame:
    """Return a copy of ``gdf`` moved from ``src`` (default: its own CRS) to ``dst``.

    Either side may be ``"gcj02"`` or ``"bd09"``; the result then carries EPSG:4326,
    as the pseudo-CRSs have no PROJ definition.
    """
    import shapely

    src_r = parse_crs(src) if isinstance(src, str) else (src if src is not None else gdf.crs)
    if src_r is None:
        raise CRSError.of("crs.none")
    dst_r = parse_crs(dst) if isinstance(dst, str) else dst
    if src_r not in PSEUDO_CRS and dst_r not in PSEUDO_CRS:
        out = gdf.set_crs(src_r, allow_override=True) if src is not None else gdf
        return out.to_crs(dst_r)

    def fn(coords: np.ndarray) -> np.ndarray:
        x, y = transform_xy(coords[:, 0], coords[:, 1], src_r, dst_r)
        return np.column_stack([x, y])

    out = gdf.copy()
    out.geometry = shapely.transform(gdf.geometry.values, fn)
    return out.set_crs(WGS84 if dst_r in PSEUDO_CRS else dst_r, allow_override=True)


def gauss_kruger_3deg_epsg(lon: float) -> int:
    """EPSG code of the CGCS2000 3° Gauss-Krüger CRS (central-meridian variant) for ``lon``.

    EPSG:4534 is CM 75°E, … EPSG:4549 is CM 120°E, … EPSG:4554 is CM 135°E.
    """
    cm = 3 * round(lon / 3.0)
    if not 75 <= cm <= 135:
        raise CRSError.of("crs.outside_gk", lon=f"{lon:.4f}")
    return 4534 + (cm - 75) // 3


def metric_crs_problem(crs: str | CRS) -> str | None:
    """Why ``crs`` cannot be an analysis CRS (None when it can): it must be projected, in
    metres, and not a (Web) Mercator, whose scale error is 1/cos(lat) ≈ +15% at 30°N."""
    if isinstance(crs, str) and crs in PSEUDO_CRS:
        return msg("crs.pseudo")
    if not isinstance(crs, CRS):
        crs = CRS.from_user_input(crs)
    if not crs.is_projected:
        return msg("crs.not_projected", suggest=_SUGGEST)
    units = {a.unit_name for a in crs.axis_info}
    if units - {"metre", "meter"}:
        return msg("crs.not_metres", units=", ".join(sorted(units)), suggest=_SUGGEST)
    op = crs.coordinate_operation
    method = (op.method_name if op is not None else "") or ""
    if "Mercator" in method and "Transverse" not in method and "Oblique" not in method:
        return msg("crs.mercator", method=method, suggest=_SUGGEST)
    return None


def analysis_crs(gdf_wgs84: gpd.GeoDataFrame | None = None, *, override: str | None = None) -> CRS:
    """The metric CRS for distances and areas.

    ``override`` (from a rule set) wins; otherwise the CGCS2000 3° Gauss-Krüger zone of the
    data's centroid (EPSG:4549 for Huzhou).
    """
    if override:
        crs = parse_crs(override)
        problem = metric_crs_problem(crs)
        if problem:
            raise CRSError.of("crs.analysis", crs=repr(override), problem=problem)
        return crs
    if gdf_wgs84 is None or gdf_wgs84.empty:
        raise CRSError.of("crs.empty")
    minx, miny, maxx, maxy = gdf_wgs84.to_crs(WGS84).total_bounds
    return CRS.from_epsg(gauss_kruger_3deg_epsg((minx + maxx) / 2.0))
