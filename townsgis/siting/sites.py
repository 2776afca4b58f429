"""Building candidate sites from a lon/lat, a boundary or a layer file (§3.1).

Sites are returned in WGS84 (EPSG:4326); circles and polygon areas are made in the dataset's
metric analysis CRS (EPSG:4549 for Huzhou): radii in metres, areas in km².
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from townsgis import vocab
from townsgis.crs import WGS84, transform_xy
from townsgis.dataset import Dataset, assign_units
from townsgis.errors import SchemaError
from townsgis.messages import msg, register

register(
    {
        "sites.default_name": ("选址 {n}", "site {n}"),
        "sites.unnamed": ("（未命名）", "(unnamed)"),
        "sites.label": ("第 {n} 个要素（{name}）", "feature {n} ({name})"),
        "sites.problem": ("{label}：{text}", "{label}: {text}"),
        "sites.area": (
            "{label}：area_km2 {problem}（平方公里，须大于 0）",
            "{label}: area_km2 {problem} (km², above 0)",
        ),
        "sites.empty": ("{label}：几何为空", "{label}: empty geometry"),
        "sites.invalid": ("{label}：无效的面：{reason}", "{label}: invalid polygon: {reason}"),
        "sites.kind": ("{label}：{kind}；须为点或面", "{label}: {kind}; need point/polygon"),
        "sites.no_geometry": ("无几何", "no geometry"),
        "sites.boundary_polygon": (
            "{label}：{kind}；--boundary 需要面（选址的边界）；点（按 --area-km2 画圆）请用 --file",
            "{label}: {kind}; --boundary needs a polygon (the site's outline); for points "
            "(circles of --area-km2) use --file",
        ),
        "sites.outside": (
            "{name!r} 位于经度 {lon:.6f}、纬度 {lat:.6f}（WGS84），在{city}之外："
            "不在任何单元内；{hint}",
            "{name!r} at lon {lon:.6f}, lat {lat:.6f} (WGS84) is outside {city}: no unit "
            "contains it; {hint}",
        ),
        "sites.default_area": (
            "{file}：{n} 个点状选址未给面积，按默认 {area:g} 平方公里画圆（可在文件中加“面积”列）",
            "{file}: {n} point site(s) give no area; each is drawn as a circle of the default "
            "{area:g} km² (add an area column to the file)",
        ),
    }
)

DEFAULT_AREA_KM2 = 3.0
SITE_PREFIX = "SITE-"
CIRCLE_QUAD_SEGS = 64  # circle polygons: area within 0.01 % of πr²


def circle_radius_m(area_km2: float) -> float:
    """Radius in metres of a circle of ``area_km2`` square kilometres."""
    return math.sqrt(float(area_km2) * 1e6 / math.pi)


def _site_frame(rows: list[dict], geoms_wgs84: list, source: str) -> gpd.GeoDataFrame:
    from townsgis.validate import MAX_AREA_KM2, number_problem, show

    problems = []
    for i, r in enumerate(rows):
        label = msg("sites.label", n=i + 1, name=show(r.get("name")))
        for domain in ("category", "level"):  # 制造业, 省级培育 … → their ids
            found = vocab.lookup(domain, r.get(domain)) if _present(r.get(domain)) else None
            if found is None:
                problems.append(
                    msg(
                        "sites.problem", label=label, text=vocab.unknown_word(domain, r.get(domain))
                    )
                )
            else:
                r[domain] = found
        bad = number_problem(r.get("area_km2"), above=0.0, maximum=MAX_AREA_KM2)
        if bad:
            problems.append(msg("sites.area", label=label, problem=bad))
    if problems:
        raise SchemaError(source, problems)
    gdf = gpd.GeoDataFrame(rows, geometry=geoms_wgs84, crs=WGS84)
    ids = [r.get("site_id") for r in rows]
    if not all(_present(i) for i in ids) or len(set(map(str, ids))) != len(ids):
        ids = [f"{SITE_PREFIX}{i + 1}" for i in range(len(rows))]
    gdf["site_id"] = [str(i) for i in ids]
    return gdf


@dataclass
class SitePlan:
    """Sites checked and numbered, their outlines not built yet: ``frame`` has the columns of
    :func:`make_sites` with the input geometry (WGS84 point or polygon); ``outlines`` builds
    the circles a group at a time, so that many sites need not all be held as polygons."""

    frame: gpd.GeoDataFrame
    metric: np.ndarray  # the input geometry in the metric CRS
    radius: np.ndarray  # circle radius (m) of a point site; NaN for a polygon
    metric_crs: Any

    def __len__(self) -> int:
        return len(self.frame)

    def outlines(self, start: int = 0, stop: int | None = None) -> np.ndarray:
        """The WGS84 outlines of sites ``start:stop``: points become circles of their area in
        the metric CRS, polygons are kept."""
        g = self.metric[start:stop].copy()
        r = self.radius[start:stop]
        point = ~np.isnan(r)
        g[point] = shapely.buffer(g[point], r[point], quad_segs=CIRCLE_QUAD_SEGS)
        return gpd.GeoSeries(g, crs=self.metric_crs).to_crs(WGS84).values

    def sites(self, start: int = 0, stop: int | None = None) -> gpd.GeoDataFrame:
        """Sites ``start:stop`` as :func:`make_sites` returns them."""
        part = self.frame.iloc[start:stop]
        return part.set_geometry(gpd.GeoSeries(self.outlines(start, stop), index=part.index))


def make_sites(
    ds: Dataset, geoms: gpd.GeoSeries, attrs: list[dict], *, source: str = "site"
) -> gpd.GeoDataFrame:
    """Sites from WGS84 geometries: points become circles of ``area_km2`` in the metric CRS,
    polygons are kept (their area replaces ``area_km2``). Columns: site_id, name, category,
    level, area_km2, lon, lat (WGS84 of the point or polygon centroid), unit_id, geometry."""
    return plan_sites(ds, geoms, attrs, source=source).sites()


def plan_sites(
    ds: Dataset, geoms: gpd.GeoSeries, attrs: list[dict], *, source: str = "site"
) -> SitePlan:
    """The checks and numbering of :func:`make_sites` (raising the same SchemaError), the
    outlines left to :meth:`SitePlan.outlines`."""
    geoms = gpd.GeoSeries(list(geoms), crs=geoms.crs).to_crs(WGS84)
    metric = geoms.to_crs(ds.metric_crs)
    problems = []
    radius = np.full(len(metric), np.nan)
    centre_m = []
    rows = []
    for i, (g, a) in enumerate(zip(metric, attrs, strict=True)):
        a = dict(a)
        a.setdefault("name", msg("sites.default_name", n=i + 1))
        label = msg("sites.label", n=i + 1, name=repr(a["name"]))
        if g is None or g.is_empty:
            problems.append(msg("sites.empty", label=label))
            centre_m.append(None)
        elif g.geom_type == "Point":
            area = a.get("area_km2")
            ok = isinstance(area, int | float) and math.isfinite(area) and 0 < area <= 1e4
            radius[i] = circle_radius_m(area) if ok else 1.0
            centre_m.append(g)
        elif g.geom_type in ("Polygon", "MultiPolygon"):
            if not g.is_valid:
                reason = _invalid_reason(geoms.iloc[i], g)
                problems.append(msg("sites.invalid", label=label, reason=reason))
            a["area_km2"] = g.area / 1e6
            centre_m.append(g.centroid)
        else:
            problems.append(msg("sites.kind", label=label, kind=g.geom_type))
            centre_m.append(None)
        rows.append(a)
    if problems:
        raise SchemaError(source, problems)
    taken = set(ds.towns["town_id"].astype(str))
    if any(str(r.get("site_id")) in taken for r in rows):
        for r in rows:
            r.pop("site_id", None)
    gdf = _site_frame(rows, list(geoms), source)
    centre = gpd.GeoSeries(centre_m, crs=ds.metric_crs).to_crs(WGS84)
    # A point's own WGS84 coordinates (no round trip through the metric CRS).
    types = shapely.get_type_id(geoms.values)
    pts = np.where(
        types == 0, np.asarray(geoms.values, dtype=object), np.asarray(centre.values, dtype=object)
    )
    gdf["lon"] = shapely.get_x(pts)
    gdf["lat"] = shapely.get_y(pts)
    units = assign_units(gpd.GeoSeries(pts, crs=WGS84), ds.units)
    _refuse_outside(ds.project, ds.units, [r["name"] for r in rows], pts, units, source)
    gdf["unit_id"] = units
    return SitePlan(gdf, np.asarray(metric.values, dtype=object), radius, ds.metric_crs)


def _invalid_reason(g_wgs84, g_metric) -> str:
    """shapely's reason for an invalid polygon, with lon/lat (WGS84) where it can."""
    if g_wgs84 is not None and not g_wgs84.is_valid:
        return shapely.is_valid_reason(g_wgs84)
    return f"{shapely.is_valid_reason(g_metric)} (metric CRS)"


def _refuse_outside(project, units, names: list, pts, found: list, source: str) -> None:
    """Raise one SchemaError naming every WGS84 point of ``pts`` that no unit contains
    (``found[k]`` None), with the reading that would place it inside (``--crs gcj02`` …)."""
    out = [k for k, u in enumerate(found) if u is None]
    if not out:
        return
    from townsgis.i18n import get_lang

    city = project.name_en if get_lang() == "en" and project.name_en else project.name_zh
    hints = _outside_hints_in(units, [pts[k] for k in out])
    raise SchemaError(
        source,
        [
            msg(
                "sites.outside",
                name=str(names[k]),
                lon=pts[k].x,
                lat=pts[k].y,
                city=city,
                hint=h,
            )
            for k, h in zip(out, hints, strict=True)
        ],
    )


def _outside_hints(ds: Dataset, pts: list) -> list[str]:
    """Why each WGS84 point may lie outside the city (see :func:`_outside_hints_in`)."""
    return _outside_hints_in(ds.units, pts)


def _outside_hints_in(units: gpd.GeoDataFrame, pts: list) -> list[str]:
    """Why each WGS84 point may lie outside the units: swapped lon/lat, a GCJ-02/BD-09
    mix-up, … (schema's region hints against the units' polygons)."""
    from townsgis.schema import region_hints

    units = units.to_crs(WGS84)
    box = tuple(float(v) for v in units.total_bounds)
    x = np.array([p.x for p in pts], float)
    y = np.array([p.y for p in pts], float)
    # "outside" here means outside every unit: a reading is offered only when the point read
    # that way falls inside one (not merely inside the city's box)
    return region_hints(x, y, box, area=units.union_all())


def sites_from_point(
    ds: Dataset,
    lon: float,
    lat: float,
    *,
    crs: str = "wgs84",
    area_km2: float = DEFAULT_AREA_KM2,
    category: str,
    level: str,
    name: str | None = None,
) -> gpd.GeoDataFrame:
    """One circular site of ``area_km2`` around (lon, lat) given in ``crs``. Raises DataError
    naming the option (``--lon``, ``--area-km2``) for a value that is not finite or not
    plausible."""
    from townsgis.validate import check_area_option, check_lonlat_option, coordinate_problems

    lon, lat = check_lonlat_option(lon, lat, crs)
    area_km2 = check_area_option("--area-km2", area_km2)
    x, y = transform_xy(np.array([lon], float), np.array([lat], float), crs, WGS84)
    geom = gpd.GeoSeries([shapely.Point(float(x[0]), float(y[0]))], crs=WGS84)
    bad = coordinate_problems(geom.values, WGS84)
    if bad:
        raise SchemaError(f"site ({lon:g}, {lat:g} {crs})", [f"{bad[0]} after conversion"])
    attrs = {
        "name": name or msg("sites.unnamed"),
        "category": category,
        "level": level,
        "area_km2": area_km2,
    }
    return make_sites(ds, geom, [attrs], source=f"site ({lon}, {lat} {crs})")


def sites_from_file(
    ds: Dataset,
    path: str | Path,
    *,
    crs: str | None = None,
    defaults: dict | None = None,
    overrides: dict | None = None,
    polygons_only: bool = False,
    fix_geometry: bool = False,
) -> gpd.GeoDataFrame:
    """Sites from a layer file: points get a circle of their ``area_km2``, polygons as is.

    Fields name/name_zh, category, level, area_km2 (km²). ``overrides`` (e.g. options given
    explicitly on the command line) win over the file's values; ``defaults`` only fill the
    ones the file leaves blank. ``polygons_only`` (a ``--boundary`` file) rejects any feature
    that is not a polygon, naming it. The file goes through the same reader and schema as
    ``townsgis import proposals`` (:func:`read_site_file`)."""
    gdf = read_site_file(
        ds,
        path,
        crs=crs,
        defaults=defaults,
        overrides=overrides,
        polygons_only=polygons_only,
        fix_geometry=fix_geometry,
    )
    return _sites_of(ds, gdf, str(path))


def plan_from_file(ds: Dataset, path: str | Path, **options) -> SitePlan:
    """:func:`sites_from_file` with the outlines left to :meth:`SitePlan.outlines` (a file of
    many sites judged a group at a time); the same checks and messages."""
    gdf = read_site_file(ds, path, **options)
    return plan_sites(ds, gdf.geometry, _attrs_of(gdf), source=str(path))


def sites_from_frame(
    ds: Dataset, gdf: gpd.GeoDataFrame, source: str, **options
) -> gpd.GeoDataFrame:
    """Sites from a layer already read (the project's own proposals, from its store), checked
    as a file is (:func:`check_site_frame`); ``source`` names the layer in messages."""
    return _sites_of(ds, check_site_frame(ds, gdf, source, **options), source)


def _sites_of(ds: Dataset, gdf: gpd.GeoDataFrame, source: str) -> gpd.GeoDataFrame:
    return make_sites(ds, gdf.geometry, _attrs_of(gdf), source=source)


def _attrs_of(gdf: gpd.GeoDataFrame) -> list[dict]:
    attrs = []
    for row in gdf.drop(columns="geometry").to_dict("records"):
        a = {"name": str(row["name_zh"])}
        if _present(row.get("proposal_id")):
            a["site_id"] = str(row["proposal_id"])
        for key in ("category", "level", "area_km2"):
            a[key] = row.get(key)
        attrs.append(a)
    return attrs


def read_site_file(
    ds: Dataset,
    path: str | Path,
    *,
    crs: str | None = None,
    defaults: dict | None = None,
    overrides: dict | None = None,
    polygons_only: bool = False,
    fix_geometry: bool = False,
) -> gpd.GeoDataFrame:
    """A file of proposed sites read and checked as ``townsgis import proposals`` does (same
    reader, same schema and messages, same duplicate-id rule, CRS notes and region hints),
    after ``overrides`` and ``defaults`` are applied and blank names become ``site N``.
    Returns the normalised WGS84 frame; raises one SchemaError listing every problem."""
    from townsgis.layers import read_layer

    gdf = read_layer(path, crs=crs, require_crs=False)
    return check_site_frame(
        ds,
        gdf,
        str(path),
        defaults=defaults,
        overrides=overrides,
        polygons_only=polygons_only,
        fix_geometry=fix_geometry,
    )


def check_site_frame(
    ds: Dataset,
    gdf: gpd.GeoDataFrame,
    source: str,
    *,
    defaults: dict | None = None,
    overrides: dict | None = None,
    polygons_only: bool = False,
    fix_geometry: bool = False,
) -> gpd.GeoDataFrame:
    """The checks and normalisation of :func:`read_site_file` on a frame already read."""
    return proposals_frame(
        ds.project,
        ds.units,
        gdf,
        source,
        defaults=defaults,
        overrides=overrides,
        polygons_only=polygons_only,
        fix_geometry=fix_geometry,
    )


def proposals_frame(
    project,
    units: gpd.GeoDataFrame | None,
    gdf: gpd.GeoDataFrame,
    source: str,
    *,
    defaults: dict | None = None,
    overrides: dict | None = None,
    polygons_only: bool = False,
    fix_geometry: bool = False,
    notes: list[str] | None = None,
) -> gpd.GeoDataFrame:
    """A layer of proposed sites (WGS84) normalised and checked the one way both ``townsgis
    import proposals`` and ``site --file`` (and the workbench's upload) use: headers mapped
    (名称, 类别, 面积 …), ``overrides`` then ``defaults`` applied, a point without an area
    given the default footprint (:data:`DEFAULT_AREA_KM2` km², told in ``notes``), the
    proposals schema, and every site inside a unit of ``units`` (when given). Raises one
    SchemaError listing every problem."""
    from townsgis.schema import validate_layer

    path = source
    renames = vocab.header_map([c for c in gdf.columns if c != gdf.geometry.name], "proposals")
    gdf = gdf.rename(columns=renames)  # 名称, 类别, 级别, 面积 … as in an office's sheet
    gdf.attrs["headers"] = {b: a for a, b in renames.items()}
    if polygons_only:
        _require_polygons(gdf, path)
    defaults = {k: v for k, v in (defaults or {}).items() if v is not None}
    defaults.setdefault("area_km2", DEFAULT_AREA_KM2)
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    if len(gdf) and "area_km2" not in overrides:
        given = gdf["area_km2"].astype(object).tolist() if "area_km2" in gdf else [None] * len(gdf)
        points = (gdf.geometry.geom_type == "Point").to_numpy()
        n = sum(1 for v, pt in zip(given, points, strict=True) if pt and not _filled(v))
        if n and notes is not None:
            notes.append(
                msg("sites.default_area", file=Path(path).name, n=n, area=defaults["area_km2"])
            )
    if len(gdf):
        if "name_zh" not in gdf.columns:
            gdf["name_zh"] = gdf["name"] if "name" in gdf.columns else None
        names = gdf["name_zh"].astype(object).tolist()
        gdf["name_zh"] = [
            v if _filled(v) else msg("sites.default_name", n=i + 1) for i, v in enumerate(names)
        ]
        for key in ("category", "level", "area_km2"):
            if key in overrides:
                gdf[key] = [overrides[key]] * len(gdf)
            elif key in defaults:
                if key not in gdf.columns:
                    gdf[key] = [defaults[key]] * len(gdf)
                else:
                    values = gdf[key].astype(object).tolist()
                    gdf[key] = [v if _filled(v) else defaults[key] for v in values]
    clean, fixes = validate_layer(
        gdf,
        "proposals",
        source=str(path),
        project=project,
        units=units,
        fix_geometry=fix_geometry,
    )
    clean.attrs["fixes"] = fixes
    if units is not None and len(clean):
        from townsgis.crs import analysis_crs

        geoms = clean.geometry
        centres = geoms.to_crs(analysis_crs(units)).centroid.to_crs(WGS84)
        pts = np.where(
            (geoms.geom_type == "Point").to_numpy(),
            np.asarray(geoms.values, dtype=object),
            np.asarray(centres.values, dtype=object),
        )
        found = assign_units(gpd.GeoSeries(pts, crs=WGS84), units)
        _refuse_outside(project, units, clean["name_zh"].tolist(), pts, found, str(path))
    return clean


def _row_name(row: dict) -> str | None:
    name = row.get("name_zh") if _present(row.get("name_zh")) else row.get("name")
    return str(name) if _present(name) else None


def _require_polygons(gdf: gpd.GeoDataFrame, path: str | Path) -> None:
    """A boundary file holds polygons only: name every feature that is not one."""
    types = gdf.geometry.geom_type.to_numpy()
    bad = [i for i, t in enumerate(types) if t not in ("Polygon", "MultiPolygon")]
    if not bad:
        return
    from townsgis.schema import SCHEMAS  # noqa: F401  (registers the schema.* messages)

    word = gdf.attrs.get("row_word", "feature")
    word = msg(f"schema.word.{word}") if word in ("feature", "row") else word
    base = int(gdf.attrs.get("row_base", 1))
    records = gdf.drop(columns="geometry").to_dict("records")
    problems = []
    for i in bad:
        name = _row_name(records[i])
        tag = msg("schema.name_tag", name=repr(name)) if name else ""
        label = msg("schema.label", n=base + i, word=word, tag=tag)
        kind = types[i] or msg("sites.no_geometry")
        problems.append(msg("sites.boundary_polygon", label=label, kind=kind))
    raise SchemaError(str(path), problems)


def _filled(v: Any) -> bool:
    return _present(v) and not (isinstance(v, str) and not v.strip())


def _present(v: Any) -> bool:
    """False for None, NaN, pd.NA and the empty string (whatever type a reader gives)."""
    if v is None or (isinstance(v, str) and v == ""):
        return False
    try:
        return pd.isna(v) is not True
    except (TypeError, ValueError):
        return True
