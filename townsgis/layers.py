"""Read and write layer files. Outputs are written atomically; inputs are never modified.

Reads GeoJSON, GeoPackage, Shapefile, KML/KMZ (via pyogrio/GDAL) and CSV/XLSX tables with
lon/lat columns (via pandas). Every frame comes back in WGS84 (EPSG:4326), whatever the input
CRS (``crs=``: ``gcj02``, ``bd09``, ``wgs84``, ``cgcs2000`` or ``EPSG:n``).

CRS rules:

- ``crs=`` given: it names the input CRS and overrides whatever the file declares.
- GeoJSON without a ``crs`` member is OGC:CRS84 (WGS84 lon/lat) by RFC 7946; KML is always WGS84.
- A Shapefile without ``.prj`` has no CRS: an error unless ``crs=`` is given.
- CSV/XLSX carry no CRS: they default to WGS84 and a note says so (points picked off Amap are
  GCJ-02: pass ``crs="gcj02"``; off Baidu: ``crs="bd09"``).

Notes for the user (assumed CRS, detected encoding, …) are put in ``gdf.attrs["notes"]``;
the CRS the file itself declares (before reprojection; None if it declares none) in
``gdf.attrs["declared_crs"]``.
``gdf.attrs["row_word"]`` and ``gdf.attrs["row_base"]`` say how to number features in messages:
``"feature"`` counted from 1 for vector files, ``"row"`` as the spreadsheet row (header = row 1)
for CSV/XLSX, so row ``i`` of the frame is ``row_base + i``.
"""

from __future__ import annotations

import contextlib
import os
import re
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from townsgis.errors import CRSError, LayerIOError, SchemaError
from townsgis.messages import msg, register
from townsgis.validate import show

register(
    {
        "layers.table_no_crs": (
            "{file}：表格没有坐标系，按 WGS84 经纬度读取（高德/腾讯坐标请加 --crs gcj02，"
            "百度坐标加 --crs bd09）",
            "{file}: a table has no CRS; assumed WGS84 lon/lat "
            "(pass --crs gcj02 for Amap/Tencent points, --crs bd09 for Baidu)",
        ),
        "layers.is_folder": (
            "{path}：是文件夹，不是图层文件（{supported}）",
            "{path}: is a folder, not a layer file ({supported})",
        ),
        "layers.empty_file": ("{path}：文件是空的", "{path}: file is empty"),
        "layers.unsupported": (
            "{path}：不支持的文件类型 {suffix}；请用 {supported}",
            "{path}: unsupported file type {suffix}; use {supported}",
        ),
        "layers.crs_of": ("{path}：{text}", "{path}: {text}"),
        "layers.declares": (
            "{file}：文件声明的坐标系为 {declared}；按 {crs} 读取（--crs）",
            "{file}: declares {declared}; read as {crs} (--crs)",
        ),
        "layers.missing_crs": (
            "{path}：缺少坐标系（没有 .prj，文件中也没有）；请用 --crs 指定输入坐标系"
            "（gcj02、bd09、wgs84、cgcs2000 或 EPSG:n）",
            "{path}: missing CRS (no .prj or CRS in the file); name the input CRS with "
            "--crs (gcj02, bd09, wgs84, cgcs2000 or EPSG:n)",
        ),
        "layers.no_cpg": (
            "{file}：没有 .cpg 文件；识别出的文字编码为 {encoding}",
            "{file}: no .cpg; detected text encoding {encoding}",
        ),
        "layers.cannot_read_as": (
            "{path}：无法作为 {suffix} 图层读取：“{reason}”",
            "{path}: cannot read as a {suffix} layer: {reason}",
        ),
        "layers.no_layer": ("{path}：不含任何图层", "{path}: contains no layer"),
        "layers.no_features": (
            "{path}：各文件夹 {names} 中都没有要素",
            "{path}: no features in any of its folders {names}",
        ),
        "layers.many_layers": (
            "{file}：含有图层 {names}；只读取第一个 {first}",
            "{file}: has layers {names}; read the first, {first}",
        ),
        "layers.cannot_read": ("{path}：无法读取：“{reason}”", "{path}: cannot read: {reason}"),
        "layers.no_geometry": ("{path}：没有几何列", "{path}: has no geometry column"),
        "layers.parquet_needs_pyarrow": (
            "{path}：读取 GeoParquet 需要 pyarrow（pip install pyarrow）",
            "{path}: reading GeoParquet needs pyarrow (pip install pyarrow)",
        ),
        "layers.not_utf8": (
            "{file}：不是 UTF-8 编码；按 {encoding} 读取",
            "{file}: not UTF-8; read as {encoding}",
        ),
        "layers.cannot_decode": (
            "{path}：无法解码文字（“{reason}”）；请用 --encoding 指定编码",
            "{path}: cannot decode text ({reason}); pass --encoding",
        ),
        "layers.cannot_read_table": (
            "{path}：无法作为表格读取：“{reason}”",
            "{path}: cannot read as a table: {reason}",
        ),
        "layers.longitude": ("经度", "longitude"),
        "layers.latitude": ("纬度", "latitude"),
        "layers.and": ("和", " and "),
        "layers.no_lonlat": (
            "{path}：没有{missing}列；应为 {lon} 之一和 {lat} 之一（不区分大小写）；"
            "文件中的列：{found}",
            "{path}: no {missing} column; expected one of {lon} and {lat} "
            "(case-insensitive); columns found: {found}",
        ),
        "layers.blank_row": ("第 {row} 行：空行", "row {row}: blank row"),
        "layers.not_a_pair": (
            "第 {row} 行：{lon_col}/{lat_col} = {lon}/{lat} 不是一对数字",
            "row {row}: {lon_col}/{lat_col} = {lon}/{lat} is not a pair of numbers",
        ),
        "layers.cannot_write_suffix": (
            "{path}：无法写出 {suffix}；请用 .geojson、.gpkg 或 .parquet",
            "{path}: cannot write {suffix}; use .geojson, .gpkg or .parquet",
        ),
        "layers.cannot_write": ("{path}：无法写入：{reason}", "{path}: cannot write: {reason}"),
        "layers.write_folder": (
            "{path}：是文件夹；请给出要写入的文件名",
            "{path}: is a folder; give a file name to write",
        ),
    }
)

WGS84 = "EPSG:4326"
VECTOR_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".kml", ".kmz", ".zip")
PARQUET_SUFFIXES = (".parquet", ".geoparquet")
TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")
SUPPORTED = ".geojson, .json, .gpkg, .parquet, .shp, .kml, .kmz, .csv, .xlsx"

_KML_STANDARD = ("id", "name", "description", "timestamp", "begin", "end", "snippet")
_KML_STYLE = ("altitudeMode", "tessellate", "extrude", "visibility", "drawOrder", "icon")
LON_NAMES = ("lon", "lng", "long", "longitude", "经度", "x_lon")
LAT_NAMES = ("lat", "latitude", "纬度", "y_lat")


# --------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------
def read_layer(
    path: str | Path,
    *,
    crs: str | None = None,
    encoding: str | None = None,
    require_crs: bool = True,
) -> gpd.GeoDataFrame:
    """Read a layer file and return it in WGS84 (EPSG:4326).

    ``crs`` names the input CRS (needed for GCJ-02/BD-09, a Shapefile without ``.prj``, or a
    table not in WGS84). ``encoding`` overrides the Shapefile/CSV text-encoding detection.
    With ``require_crs=False`` a file without any CRS comes back with ``crs=None`` (so that
    the schema check can report it with the other problems) instead of raising ``CRSError``.
    """
    from townsgis.fileaccess import missing_reason

    path = Path(path)
    if path.is_dir():
        raise LayerIOError.of("layers.is_folder", path=str(path), supported=SUPPORTED)
    reason = missing_reason(path)
    if reason:
        raise LayerIOError(reason)
    if path.stat().st_size == 0:
        raise LayerIOError.of("layers.empty_file", path=str(path))
    suffix = path.suffix.lower()
    notes: list[str] = []
    if suffix in TABLE_SUFFIXES:
        gdf = _read_table(path, encoding, notes)
        row_word, row_base = "row", 2
        if crs is None:
            crs = "wgs84"
            notes.append(msg("layers.table_no_crs", file=path.name))
    elif suffix in VECTOR_SUFFIXES:
        gdf = _read_vector(path, suffix, encoding, notes)
        row_word, row_base = "feature", 1
    elif suffix in PARQUET_SUFFIXES:
        gdf = _read_parquet(path)
        row_word, row_base = "feature", 1
    else:
        raise LayerIOError.of(
            "layers.unsupported", path=str(path), suffix=repr(suffix or "—"), supported=SUPPORTED
        )

    gdf = gdf.reset_index(drop=True)
    declared_crs = gdf.crs.to_string() if gdf.crs is not None else None
    bad_coords = _unusable_coordinates(gdf, crs)
    if crs is not None:
        from townsgis.crs import PSEUDO_CRS, parse_crs, reproject

        try:
            src = parse_crs(crs)
        except CRSError as exc:
            raise CRSError.of("layers.crs_of", path=str(path), text=exc) from None
        declared = gdf.crs
        if (
            declared is not None
            and src not in PSEUDO_CRS
            and not declared.equals(src)
            and suffix not in (".geojson", ".json", ".kml", ".kmz")
        ):
            notes.append(
                msg("layers.declares", file=path.name, declared=declared.to_string(), crs=crs)
            )
        try:
            gdf = reproject(gdf, src, WGS84)
        except CRSError as exc:
            raise CRSError.of("layers.crs_of", path=str(path), text=exc) from None
    elif gdf.crs is None:
        if require_crs:
            raise CRSError.of("layers.missing_crs", path=str(path))
    elif not gdf.crs.equals(WGS84):
        gdf = gdf.to_crs(WGS84)
    if gdf.crs is not None:  # a value the conversion to lon/lat cannot place
        from townsgis.validate import coordinate_problems

        for row, text in coordinate_problems(gdf.geometry.values, WGS84).items():
            bad_coords.setdefault(row, msg("coord.after_conversion", text=text))
        gdf = _drop_geometries(gdf, bad_coords)
    gdf.attrs.update(
        coordinate_problems=bad_coords,
        notes=notes,
        row_word=row_word,
        row_base=row_base,
        source=str(path),
        declared_crs=declared_crs,
    )
    return gdf


def _unusable_coordinates(gdf: gpd.GeoDataFrame, crs: str | None) -> dict[int, str]:
    """Rows whose coordinates, as written in the file, are not finite or not plausible for
    the input CRS (``crs``, else the file's own). Their geometries are dropped (set to None)
    in place so that no conversion sees them; the schema check reports them by row."""
    from townsgis.validate import coordinate_problems

    src = crs if crs is not None else gdf.crs
    if src is not None and not isinstance(src, str):
        src = src.to_string()
    bad = coordinate_problems(gdf.geometry.values, src)
    if bad:
        geoms = gdf.geometry.values.copy()
        geoms[list(bad)] = None
        gdf.geometry = geoms
    return bad


def _drop_geometries(gdf: gpd.GeoDataFrame, rows: dict[int, str]) -> gpd.GeoDataFrame:
    if rows:
        geoms = gdf.geometry.values.copy()
        geoms[list(rows)] = None
        gdf = gdf.copy()
        gdf.geometry = geoms
    return gdf


def _read_vector(path: Path, suffix: str, encoding: str | None, notes: list[str]):
    import pyogrio

    kwargs: dict = {}
    if suffix == ".shp":
        enc = encoding or shapefile_encoding(path)
        if encoding is None and not path.with_suffix(".cpg").exists():
            notes.append(msg("layers.no_cpg", file=path.name, encoding=enc))
        kwargs["encoding"] = enc
    elif encoding is not None:
        kwargs["encoding"] = encoding
    if suffix in (".geojson", ".json"):
        # One layer by definition: listing layers would parse the whole file a second time.
        try:
            with _quiet_reader():
                gdf = gpd.read_file(path, engine="pyogrio", **kwargs)
        except Exception as exc:
            raise LayerIOError.of(
                "layers.cannot_read_as", path=str(path), suffix=suffix, reason=_gdal_msg(exc)
            ) from None
        return _check_vector(gdf, path)
    try:
        layers = pyogrio.list_layers(path)
    except Exception as exc:
        raise LayerIOError.of(
            "layers.cannot_read_as", path=str(path), suffix=suffix, reason=_gdal_msg(exc)
        ) from None
    names = [str(n) for n in layers[:, 0]] if len(layers) else []
    if not names:
        raise LayerIOError.of("layers.no_layer", path=str(path))
    try:
        if suffix in (".kml", ".kmz") and len(names) > 1:
            with _quiet_reader():
                parts = [gpd.read_file(path, layer=n, engine="pyogrio", **kwargs) for n in names]
            parts = [p for p in parts if len(p)]
            if not parts:
                raise LayerIOError.of("layers.no_features", path=str(path), names=names)
            gdf = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=WGS84)
        else:
            if len(names) > 1:
                notes.append(
                    msg("layers.many_layers", file=path.name, names=names, first=repr(names[0]))
                )
            with _quiet_reader():
                gdf = gpd.read_file(path, layer=names[0], engine="pyogrio", **kwargs)
    except LayerIOError:
        raise
    except Exception as exc:
        raise LayerIOError.of("layers.cannot_read", path=str(path), reason=_gdal_msg(exc)) from None
    if suffix in (".kml", ".kmz"):
        import shapely

        gdf = gdf.rename(columns={c: c.lower() for c in gdf.columns if c in ("Name",)})
        if "name" in gdf.columns and "name_zh" not in gdf.columns:
            gdf = gdf.rename(columns={"name": "name_zh"})
        gdf = gdf.set_geometry(shapely.force_2d(gdf.geometry.values))
        drop = [c for c in _KML_STYLE if c in gdf.columns]
        drop += [c for c in _KML_STANDARD if c in gdf.columns and gdf[c].isna().all()]
        gdf = gdf.drop(columns=drop)
        if gdf.crs is None:
            gdf = gdf.set_crs(WGS84)
    return _check_vector(gdf, path)


@contextlib.contextmanager
def _quiet_reader():
    """GDAL's and geopandas' remarks while reading mean nothing to a person once the schema
    check has looked at the result: "Non closed ring detected" (GDAL closes it; an unusable
    ring is reported as an invalid geometry), "Could not parse column as JSON" (the file's
    own values are put back by _geojson_value_types)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"pyogrio(\..*)?$")
        warnings.filterwarnings("ignore", message="Could not parse column", category=UserWarning)
        yield


def _check_vector(gdf, path: Path) -> gpd.GeoDataFrame:
    if "geometry" not in gdf.columns or not isinstance(gdf, gpd.GeoDataFrame):
        raise LayerIOError.of("layers.no_geometry", path=str(path))
    if Path(path).suffix.lower() in (".geojson", ".json"):
        gdf = _geojson_value_types(path, gdf)
    return gdf


class _JsonWord(str):
    """NaN or Infinity as written in a (non-standard) JSON file."""


def _json_word(v):
    if isinstance(v, float) and not np.isfinite(v):
        return _JsonWord("NaN" if np.isnan(v) else ("Infinity" if v > 0 else "-Infinity"))
    return v


_RAW_JSON_LIMIT = 256 * 2**20  # bytes: larger GeoJSON files keep GDAL's reading


def _geojson_value_types(path: Path, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Put back a GeoJSON file's own values where GDAL merged JSON types: in a property that
    holds ``true`` in one feature and ``2`` in another GDAL gives 1, and ``["a"]`` next to
    ``"b"`` makes every value a list. The schema then sees ``true`` and ``["a"]`` as they
    were written and names them."""
    import json

    try:
        if path.stat().st_size > _RAW_JSON_LIMIT:
            return gdf
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return gdf
    feats = data.get("features") if isinstance(data, dict) else None
    if not isinstance(feats, list) or len(feats) != len(gdf):
        return gdf
    props = [f.get("properties") if isinstance(f, dict) else None for f in feats]
    props = [p if isinstance(p, dict) else {} for p in props]
    for col in gdf.columns:
        if col == gdf.geometry.name:
            continue
        values = [_json_word(p.get(col)) for p in props]
        kinds = {type(v) for v in values if v is not None}
        odd = any(isinstance(v, _JsonWord) for v in values)  # NaN, Infinity: not JSON
        if odd or (kinds & {bool, list, dict} and len(kinds) > 1):
            values = [str(v) if isinstance(v, _JsonWord) else v for v in values]
            gdf[col] = pd.Series(values, index=gdf.index, dtype=object)
    return gdf


def _read_parquet(path: Path) -> gpd.GeoDataFrame:
    """A GeoParquet file (needs pyarrow): columnar, the fastest of the formats to read."""
    try:
        gdf = gpd.read_parquet(path)
    except ImportError:
        raise LayerIOError.of("layers.parquet_needs_pyarrow", path=str(path)) from None
    except Exception as exc:
        raise LayerIOError.of(
            "layers.cannot_read_as", path=str(path), suffix="GeoParquet", reason=_gdal_msg(exc)
        ) from None
    return gdf


def _gdal_msg(exc: Exception) -> str:
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return msg[:300]


# --------------------------------------------------------------------------------------
# Shapefile encoding
# --------------------------------------------------------------------------------------
def shapefile_encoding(path: str | Path) -> str:
    """The text encoding of a Shapefile's attributes.

    ``.cpg`` wins when present; otherwise the ``.dbf``'s character fields are tried as UTF-8,
    and if that fails GB18030 (a superset of GBK/GB2312, what Chinese desktop GIS writes).
    """
    path = Path(path)
    cpg = path.with_suffix(".cpg")
    if not cpg.exists():
        cpg = path.with_suffix(".CPG")
    if cpg.exists():
        name = cpg.read_bytes().decode("ascii", "ignore").strip()
        return _normalise_codepage(name) or "UTF-8"
    dbf = next(
        (p for p in (path.with_suffix(".dbf"), path.with_suffix(".DBF")) if p.exists()), None
    )
    if dbf is None:
        return "UTF-8"
    text = _dbf_text_bytes(dbf.read_bytes())
    try:
        text.decode("utf-8")
        return "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        text.decode("gb18030")
        return "GB18030"
    except UnicodeDecodeError:
        return "ISO-8859-1"


def _normalise_codepage(name: str) -> str | None:
    n = name.strip().upper()
    if not n:
        return None
    if n.isdigit():
        return {"936": "CP936", "65001": "UTF-8", "54936": "GB18030"}.get(n, f"CP{n}")
    if n in ("ANSI 936", "CP936", "GBK", "GB2312", "GB18030"):
        return "GB18030" if n == "GB18030" else "CP936"
    return name.strip()


def _dbf_text_bytes(data: bytes) -> bytes:
    """Bytes of every character (type C) field of a dBase file, fields joined by newlines."""
    if len(data) < 32:
        return b""
    nrec = int.from_bytes(data[4:8], "little")
    hlen = int.from_bytes(data[8:10], "little")
    rlen = int.from_bytes(data[10:12], "little")
    cols: list[int] = []
    offset = 1  # the deletion flag
    pos = 32
    while pos + 32 <= hlen and data[pos] != 0x0D:
        ftype = chr(data[pos + 11])
        flen = data[pos + 16]
        if ftype == "C":
            cols.append(offset)
            cols.append(offset + flen)
        offset += flen
        pos += 32
    if not cols or rlen <= 0:
        return b""
    nrec = min(nrec, max(0, (len(data) - hlen) // rlen))
    if nrec == 0:
        return b""
    recs = np.frombuffer(data, dtype=np.uint8, count=nrec * rlen, offset=hlen).reshape(nrec, rlen)
    sep = np.full((nrec, 1), 0x0A, dtype=np.uint8)
    pieces = []
    for start, stop in zip(cols[::2], cols[1::2], strict=True):
        pieces += [recs[:, start:stop], sep]
    return np.hstack(pieces).tobytes()


# --------------------------------------------------------------------------------------
# CSV / XLSX
# --------------------------------------------------------------------------------------
def _read_table(path: Path, encoding: str | None, notes: list[str]) -> gpd.GeoDataFrame:
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            # only an empty cell is missing: "nan", "NA", "null" are values the schema names
            df = pd.read_excel(
                path, sheet_name=0, engine="openpyxl", keep_default_na=False, na_values=[""]
            )
        else:
            raw = path.read_bytes()
            enc = encoding or _text_encoding(raw)
            if encoding is None and enc != "utf-8-sig":
                notes.append(msg("layers.not_utf8", file=path.name, encoding=enc))
            import io

            text = raw.decode(enc)
            sep = "\t" if suffix == ".tsv" else _delimiter(text[:20000])
            # keep blank lines so that "row N" in messages is the file's row N
            df = pd.read_csv(
                io.StringIO(text),
                sep=sep,
                skip_blank_lines=False,
                keep_default_na=False,
                na_values=[""],
            )
    except (UnicodeDecodeError, LookupError) as exc:
        raise LayerIOError.of("layers.cannot_decode", path=str(path), reason=exc) from None
    except Exception as exc:
        raise LayerIOError.of(
            "layers.cannot_read_table", path=str(path), reason=_gdal_msg(exc)
        ) from None
    df.columns = [str(c).strip() for c in df.columns]
    filled = ~df.isna().all(axis=1).to_numpy()
    df = df.iloc[: (len(df) - int(np.argmax(filled[::-1]))) if filled.any() else 0]  # trailing
    lon_col = _find_column(df.columns, LON_NAMES)
    lat_col = _find_column(df.columns, LAT_NAMES)
    if lon_col is None or lat_col is None:
        missing = msg("layers.and").join(
            msg(w)
            for w, c in (("layers.longitude", lon_col), ("layers.latitude", lat_col))
            if c is None
        )
        raise LayerIOError.of(
            "layers.no_lonlat",
            path=str(path),
            missing=missing,
            lon=f"{'/'.join(LON_NAMES[:4])}/经度",
            lat=f"{'/'.join(LAT_NAMES[:2])}/纬度",
            found=", ".join(map(repr, df.columns)) or msg("none"),
        )
    lon = pd.to_numeric(df[lon_col], errors="coerce")
    lat = pd.to_numeric(df[lat_col], errors="coerce")
    bad = np.flatnonzero((lon.isna() | lat.isna()).to_numpy())
    if len(bad):
        blank = df.isna().all(axis=1).to_numpy()
        problems = [
            msg("layers.blank_row", row=i + 2)
            if blank[i]
            else msg(
                "layers.not_a_pair",
                row=i + 2,
                lon_col=lon_col,
                lat_col=lat_col,
                lon=show(df[lon_col].iloc[i]),
                lat=show(df[lat_col].iloc[i]),
            )
            for i in bad
        ]
        raise SchemaError(str(path), problems)
    rest = df.drop(columns=[lon_col, lat_col])
    return gpd.GeoDataFrame(rest, geometry=gpd.points_from_xy(lon, lat), crs=None)


def _delimiter(sample: str) -> str:
    """The field separator of a text table: comma unless the header says tab/semicolon/|."""
    header = sample.splitlines()[0] if sample else ""
    counts = {sep: header.count(sep) for sep in (",", "\t", ";", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def _find_column(columns, names: tuple[str, ...]) -> str | None:
    lowered = {str(c).strip().lower(): c for c in columns}
    for n in names:
        if n in lowered:
            return lowered[n]
    # e.g. "经度(GCJ02)" or "lon_gcj"
    for c in columns:
        token = re.split(r"[\s_\-(（\[]", str(c).strip().lower())[0]
        if token in names:
            return c
    return None


def _text_encoding(raw: bytes) -> str:
    try:
        raw.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "gb18030"


# --------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------
def write_layer(gdf: gpd.GeoDataFrame, path: str | Path) -> Path:
    """Write ``gdf`` to ``path`` (GeoJSON, GeoPackage or GeoParquet by suffix) atomically.

    Raises ``LayerIOError`` naming the path when it cannot be written (a folder, a parent
    that cannot be created, no permission, …); the old file, if any, is left as it was.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    driver = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GPKG"}.get(suffix)
    if driver is None and suffix not in PARQUET_SUFFIXES:
        raise LayerIOError.of(
            "layers.cannot_write_suffix", path=str(path), suffix=repr(path.suffix)
        )
    tmp = _temp_path(path)
    os.unlink(tmp)
    try:
        if driver is None:  # GeoParquet
            out = gdf.copy()
            out.attrs = {}
            out.to_parquet(tmp)
            os.replace(tmp, path)
            return path
        kwargs = {"RFC7946": "NO", "WRITE_NAME": "NO"} if driver == "GeoJSON" else {}
        if driver == "GPKG":
            kwargs["layer"] = path.stem
        out = gdf.copy()
        out.attrs = {}
        out.to_file(tmp, driver=driver, engine="pyogrio", **kwargs)
        os.replace(tmp, path)
    except Exception as exc:
        Path(tmp).unlink(missing_ok=True)
        raise LayerIOError.of(
            "layers.cannot_write", path=str(path), reason=_os_msg(exc, path, tmp)
        ) from None
    return path


def write_text_atomic(text: str | bytes, path: str | Path) -> Path:
    """Write text or bytes to ``path`` atomically (temporary file in the same folder, renamed).

    Raises ``LayerIOError`` naming the path when it cannot be written.
    """
    path = Path(path)
    data = text.encode("utf-8") if isinstance(text, str) else text
    tmp = _temp_path(path)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, _default_mode())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise LayerIOError.of(
            "layers.cannot_write", path=str(path), reason=_os_msg(exc, path, tmp)
        ) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _temp_path(path: Path) -> str:
    """An empty temporary file next to ``path``, named ``.townsgis-tmp-<pid>-…-<name>`` (parent
    folders created, leftovers of killed runs removed; see ``townsgis.fileaccess``).
    ``LayerIOError`` naming ``path`` when ``path`` is a folder or its folder cannot be
    created or written."""
    from townsgis.fileaccess import temp_file

    if path.is_dir():
        raise LayerIOError.of("layers.write_folder", path=str(path))
    try:
        return temp_file(path)
    except OSError as exc:
        raise LayerIOError.of(
            "layers.cannot_write", path=str(path), reason=_os_msg(exc, path)
        ) from None


def _os_msg(exc: BaseException, path: Path | None = None, tmp: str | None = None) -> str:
    """A short reason: an OSError's strerror, naming the file only when it is another one
    than ``path`` or the temporary file (e.g. a parent folder that cannot be created)."""
    if isinstance(exc, OSError) and exc.strerror:
        f = exc.filename
        other = f and str(f) not in (str(path), str(tmp))
        return f"{exc.strerror} ({f})" if other else exc.strerror
    return _gdal_msg(exc) if isinstance(exc, Exception) else type(exc).__name__


def _default_mode() -> int:
    """0666 less the process umask: what a plain ``open(path, "w")`` would have given."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
