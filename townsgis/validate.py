"""One validation layer for the values that enter townsgis, whatever the door.

Layer files, ``site --file``, CLI options, rule sets, waivers, indicators and assessment
tables all check their numbers and coordinates with these functions before anything reaches
numpy, shapely or GEOS: numbers are finite and within physical bounds, coordinates are finite
lon/lat degrees (±180/±90) before the project's region is looked at. Values quoted in messages
go through :func:`show`, so a person never sees a 300-digit number or ``np.float64(nan)``.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from townsgis.errors import DataError
from townsgis.messages import msg, register

register(
    {
        "value.not_number": ("{value} 不是数字", "{value} is not a number"),
        "value.not_finite": ("{value} 不是有限的数字", "{value} is not a finite number"),
        "value.not_whole": ("{value} 不是整数", "{value} is not a whole number"),
        "value.not_above": ("{value} 须大于 {bound}", "{value} must be above {bound}"),
        "value.below": ("{value} 小于下限 {bound}", "{value} is below {bound}"),
        "value.above": ("{value} 超过上限 {bound}", "{value} is above {bound}"),
        "option.lon_range": (
            "--lon {value} 超出 -180…180 度",
            "--lon {value} is outside -180…180 degrees",
        ),
        "option.lat_range": (
            "--lat {value} 超出 -90…90 度{hint}",
            "--lat {value} is outside -90…90 degrees{hint}",
        ),
        "option.swapped": ("：经纬度似乎写反了", ": lon/lat look swapped"),
        "option.projected_range": (
            "--lon/--lat {lon}, {lat} 对 {crs} 而言过大",
            "--lon/--lat {lon}, {lat} are too large for {crs}",
        ),
        "coord.not_finite": (
            "坐标 {x}, {y} 不是一对有限的数字",
            "coordinate {x}, {y} is not a pair of finite numbers",
        ),
        "coord.swapped": (
            "坐标 {x}, {y} 超出 ±180/±90 度：经纬度似乎写反了",
            "coordinate {x}, {y} is outside ±180/±90 degrees: lon/lat look swapped",
        ),
        "coord.not_degrees": (
            "坐标 {x}, {y} 超出 ±180/±90 度（是投影坐标米数？请用 --crs 指明坐标系）",
            "coordinate {x}, {y} is outside ±180/±90 degrees (projected metres? name the CRS "
            "with --crs)",
        ),
        "coord.too_large": (
            "坐标 {x}, {y} 作为投影坐标（米）过大",
            "coordinate {x}, {y} is too large for a projected coordinate (metres)",
        ),
        "coord.after_conversion": (
            "{text}（转换为 WGS84 经纬度后）",
            "{text} after conversion to WGS84 lon/lat",
        ),
    }
)

# numpy is imported inside the functions that need it: the CLI's option callbacks use this
# module, and `townsgis --help` stays fast.

#: Largest area accepted anywhere (a town, a site's footprint, a km² field), km².
MAX_AREA_KM2 = 10_000.0
#: Largest amount of money accepted for one project or one quarter, 亿元 (100 trillion yuan:
#: about a year of China's GDP; anything above is a unit or typing error).
MAX_YI = 1_000_000.0
LON_LIMIT = 180.0
LAT_LIMIT = 90.0
#: Largest absolute easting/northing accepted from a projected CRS, metres.
MAX_PROJECTED_M = 1e8
_SHOW_WIDTH = 40


def show(value: Any, width: int = _SHOW_WIDTH) -> str:
    """``value`` as a person should read it in a message: short, no numpy reprs.

    Floats as ``%g`` (``1e+308``, ``nan``, ``inf``), long integers shortened, text quoted and
    cut at ``width`` characters with an ellipsis, lists and tables cut likewise."""
    if type(value).__module__ == "numpy" and hasattr(value, "tolist"):
        value = value.tolist()  # a numpy scalar → its Python value, an array → a list
    if value is None:
        return "(empty)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return f"{value:.10g}"
    if isinstance(value, int):
        text = str(value) if abs(value) < 10**15 else f"{float(value):.6g}"
        return text if len(text) <= width else text[: width - 1] + "…"
    if isinstance(value, str):
        text = value if len(value) <= width else value[: width - 1] + "…"
        return repr(text)
    if isinstance(value, list | tuple):
        text = "[" + ", ".join(show(v, width) for v in value[:5])
        text += ", …]" if len(value) > 5 else "]"
    elif isinstance(value, dict):
        items = list(value.items())
        text = "{" + ", ".join(f"{k} = {show(v, width)}" for k, v in items[:5])
        text += ", …}" if len(items) > 5 else "}"
    else:
        text = str(value)
    return text if len(text) <= 2 * width else text[: 2 * width - 1] + "…"


def is_number(value: Any) -> bool:
    """True for int/float values (numpy scalars too), False for bool and everything else."""
    if isinstance(value, bool) or type(value).__name__ in ("bool_", "bool"):
        return False
    return isinstance(value, numbers.Real)


def number_problem(
    value: Any,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    above: float | None = None,
    integer: bool = False,
) -> str | None:
    """Why ``value`` is not an acceptable number (None when it is).

    ``minimum``/``maximum`` are inclusive bounds, ``above`` an exclusive lower bound."""
    if not is_number(value):
        return msg("value.not_number", value=show(value))
    v = float(value)
    if not math.isfinite(v):
        return msg("value.not_finite", value=show(value))
    if integer and not v.is_integer():
        return msg("value.not_whole", value=show(value))
    if above is not None and not v > above:
        return msg("value.not_above", value=show(value), bound=f"{above:g}")
    if minimum is not None and v < minimum:
        return msg("value.below", value=show(value), bound=f"{minimum:g}")
    if maximum is not None and v > maximum:
        return msg("value.above", value=show(value), bound=f"{maximum:g}")
    return None


def check_option(name: str, value: Any, **bounds) -> float:
    """A numeric command-line option, checked; raises DataError naming the option."""
    problem = number_problem(value, **bounds)
    if problem:
        raise DataError(f"{name} {problem}")
    return float(value)


def check_area_option(name: str, value: Any) -> float:
    """An area option in km²: finite, above 0, at most :data:`MAX_AREA_KM2`."""
    return check_option(name, value, above=0.0, maximum=MAX_AREA_KM2)


def check_lonlat_option(lon: Any, lat: Any, crs: str | None) -> tuple[float, float]:
    """``--lon``/``--lat`` checked: finite, and within ±180/±90 unless ``crs`` is projected."""
    lon = check_option("--lon", lon)
    lat = check_option("--lat", lat)
    if _geographic(crs):
        if abs(lon) > LON_LIMIT:
            raise DataError(msg("option.lon_range", value=show(lon)))
        if abs(lat) > LAT_LIMIT:
            hint = msg("option.swapped") if abs(lon) <= LAT_LIMIT else ""
            raise DataError(msg("option.lat_range", value=show(lat), hint=hint))
    elif max(abs(lon), abs(lat)) > MAX_PROJECTED_M:
        raise DataError(msg("option.projected_range", lon=show(lon), lat=show(lat), crs=crs))
    return lon, lat


def _geographic(crs) -> bool:
    """True when ``crs`` (a name users type or a pyproj CRS; None = WGS84) is in degrees."""
    if crs is None:
        return True
    if isinstance(crs, str) and crs.strip().lower() in ("wgs84", "gcj02", "bd09", "cgcs2000"):
        return True
    try:
        from pyproj import CRS

        return bool(CRS.from_user_input(crs).is_geographic)
    except Exception:
        return True


def coordinate_problems(geoms, crs=None) -> dict[int, str]:
    """Per row of ``geoms`` (shapely array), why its coordinates cannot be used, if they
    cannot: non-finite values anywhere, or (for a geographic ``crs``, None = unknown,
    treated as degrees only for non-finite checks) lon/lat beyond ±180/±90, or projected
    values beyond :data:`MAX_PROJECTED_M`. The first bad coordinate is quoted."""
    import numpy as np
    import shapely

    coords, index = shapely.get_coordinates(geoms, return_index=True)
    if len(coords) == 0:
        return {}
    x, y = coords[:, 0], coords[:, 1]
    finite = np.isfinite(x) & np.isfinite(y)
    bad = ~finite
    geographic = crs is not None and _geographic(crs)
    with np.errstate(invalid="ignore"):
        if geographic:
            bad |= (np.abs(x) > LON_LIMIT) | (np.abs(y) > LAT_LIMIT)
        elif crs is not None:
            bad |= (np.abs(x) > MAX_PROJECTED_M) | (np.abs(y) > MAX_PROJECTED_M)
    out: dict[int, str] = {}
    for k in np.flatnonzero(bad):
        row = int(index[k])
        if row in out:
            continue
        xv, yv = float(x[k]), float(y[k])
        if not (math.isfinite(xv) and math.isfinite(yv)):
            key = "coord.not_finite"
        elif geographic and (abs(yv) > LAT_LIMIT and abs(yv) <= LON_LIMIT and abs(xv) <= 90):
            key = "coord.swapped"
        elif geographic:
            key = "coord.not_degrees"
        else:
            key = "coord.too_large"
        out[row] = msg(key, x=show(xv), y=show(yv))
    return out
