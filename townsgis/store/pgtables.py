"""GeoDataFrames as PostGIS tables: one typed column per attribute, ``geometry`` in WGS84
(EPSG:4326) with a GiST index, and ``_fid`` keeping the features' order.

Column types follow the pandas dtypes (bool → boolean, integers → bigint, floats → double
precision, text → text, datetimes → timestamp[tz], anything else → jsonb); the dtypes
themselves are recorded (``columns`` of ``townsgis_layers``) so that a layer reads back with
the dtypes it was written with. Coordinates travel as WKB doubles: they come back exactly.
"""

from __future__ import annotations

import datetime
import json
import math
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from psycopg import sql
from psycopg.types.json import Jsonb

from townsgis.errors import DataError

if TYPE_CHECKING:
    import psycopg

SRID = 4326
GEOM = "geometry"
FID = "_fid"
MAX_NAME_BYTES = 63  # PostgreSQL's identifier length


def column_specs(gdf: gpd.GeoDataFrame, source: str) -> list[dict[str, str]]:
    """``[{"name", "dtype", "pg"}]`` for the attribute columns of ``gdf`` (not the geometry);
    DataError naming ``source`` for a column name PostgreSQL cannot hold."""
    specs = []
    geom = gdf.geometry.name if isinstance(gdf, gpd.GeoDataFrame) else None
    for name in gdf.columns:
        if name == geom:
            continue
        text = str(name)
        if text in (FID, GEOM) or len(text.encode("utf-8")) > MAX_NAME_BYTES or not text:
            raise DataError.of("store.pg_column", source=source, name=text, n=MAX_NAME_BYTES)
        specs.append({"name": text, "dtype": str(gdf[name].dtype), "pg": _pg_type(gdf[name])})
    return specs


def _pg_type(s: pd.Series) -> str:
    dt = s.dtype
    if pd.api.types.is_bool_dtype(dt):
        return "boolean"
    if pd.api.types.is_integer_dtype(dt):
        return "bigint"
    if pd.api.types.is_float_dtype(dt):
        return "double precision"
    if isinstance(dt, pd.DatetimeTZDtype):
        return "timestamptz"
    if pd.api.types.is_datetime64_any_dtype(dt):
        return "timestamp"
    values = [v for v in s.tolist() if not _missing(v)]
    if all(isinstance(v, str) for v in values):
        return "text"
    if values and all(type(v) is datetime.date for v in values):
        return "date"
    if all(isinstance(v, bool | np.bool_) for v in values):
        return "boolean"
    return "jsonb"


def create_table(
    conn: psycopg.Connection,
    table: str,
    specs: list[dict[str, str]],
    *,
    has_z: bool = False,
    geometry: bool = True,
) -> None:
    """``CREATE TABLE`` for a layer: ``_fid``, the typed columns, ``geometry`` + GiST index
    (none with ``geometry=False``: a plain table). ``has_z``: some geometries have Z, so the
    column takes both 2D and 3D (SRID checked)."""
    cols = [sql.SQL("{} bigserial PRIMARY KEY").format(sql.Identifier(FID))]
    cols += [sql.SQL("{} {}").format(sql.Identifier(c["name"]), sql.SQL(c["pg"])) for c in specs]
    geom = sql.Identifier(GEOM)
    if not geometry:
        conn.execute(
            sql.SQL("CREATE TABLE {} ({})").format(sql.Identifier(table), sql.SQL(", ").join(cols))
        )
        return
    if has_z:
        cols.append(sql.SQL("{} geometry CHECK (ST_SRID({}) = {})").format(geom, geom, SRID))
    else:
        cols.append(sql.SQL("{} geometry(Geometry, {})").format(geom, SRID))
    conn.execute(
        sql.SQL("CREATE TABLE {} ({})").format(sql.Identifier(table), sql.SQL(", ").join(cols))
    )
    conn.execute(
        sql.SQL("CREATE INDEX {} ON {} USING gist ({})").format(
            sql.Identifier(f"{table}_geometry_gist"), sql.Identifier(table), sql.Identifier(GEOM)
        )
    )


def insert_frame(
    conn: psycopg.Connection, table: str, gdf: pd.DataFrame, specs: list[dict[str, str]]
) -> None:
    """Insert every feature of ``gdf`` (WGS84) in order; a plain DataFrame has no geometry."""
    names = [c["name"] for c in specs]
    spatial = isinstance(gdf, gpd.GeoDataFrame)
    holders = [sql.Placeholder()] * len(names)
    if spatial:
        holders.append(sql.SQL("ST_GeomFromWKB(%s, {})").format(SRID))
    query = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
        sql.Identifier(table),
        sql.SQL(", ").join(sql.Identifier(n) for n in [*names, GEOM][: len(holders)]),
        sql.SQL(", ").join(holders),
    )
    columns = [[_to_db(v, c["pg"]) for v in gdf[c["name"]].tolist()] for c in specs]
    if spatial:
        wkb = shapely.to_wkb(np.asarray(gdf.geometry.values), output_dimension=3)
        columns.append([None if w is None else bytes(w) for w in wkb])
    rows = list(zip(*columns, strict=True)) if columns else [()] * len(gdf)
    if rows:
        with conn.cursor() as cur:
            cur.executemany(query, rows)


def read_frame(
    conn: psycopg.Connection, table: str, specs: list[dict[str, str]]
) -> gpd.GeoDataFrame:
    """The table as a GeoDataFrame in WGS84, in feature order, with the recorded dtypes."""
    names = [c["name"] for c in specs]
    query = sql.SQL("SELECT {} FROM {} ORDER BY {}").format(
        sql.SQL(", ").join(
            [sql.Identifier(n) for n in names]
            + [sql.SQL("ST_AsBinary({})").format(sql.Identifier(GEOM))]
        ),
        sql.Identifier(table),
        sql.Identifier(FID),
    )
    rows = conn.execute(query).fetchall()
    data = {}
    for k, c in enumerate(specs):
        data[c["name"]] = _from_db([r[k] for r in rows], c)
    geoms = shapely.from_wkb([None if r[-1] is None else bytes(r[-1]) for r in rows])
    return gpd.GeoDataFrame(
        pd.DataFrame(data, index=pd.RangeIndex(len(rows))),
        geometry=gpd.GeoSeries(geoms, crs=f"EPSG:{SRID}"),
        crs=f"EPSG:{SRID}",
    )


def _to_db(v: Any, pg: str) -> Any:
    if pg == "jsonb":
        return None if _missing(v) else Jsonb(v, dumps=_json_dumps)
    if _missing(v):
        return None
    if pg == "boolean":
        return bool(v)
    if pg == "bigint":
        return int(v)
    if pg == "double precision":
        return float(v)
    if pg.startswith("timestamp"):
        return pd.Timestamp(v).to_pydatetime()
    if pg == "date":
        return v
    return str(v)


def _from_db(values: list, spec: dict[str, str]) -> pd.Series:
    s = pd.Series(values, dtype=object)
    if spec["pg"] == "double precision":
        s = s.map(lambda v: math.nan if v is None else v)
    try:
        return s.astype(spec["dtype"])
    except (TypeError, ValueError):
        return s.infer_objects()


def _missing(v: Any) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float | np.floating) and math.isnan(v)


def _json_dumps(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, default=str)


def replace_plain_table(
    conn: psycopg.Connection, table: str, df: pd.DataFrame | None, comment: str
) -> None:
    """Drop ``table`` and, when ``df`` is given, create it again holding ``df`` (no
    geometry), with ``comment`` on the table."""
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table)))
    if df is None or not len(df.columns):
        return
    specs = column_specs(df, table)
    create_table(conn, table, specs, geometry=False)
    insert_frame(conn, table, df, specs)
    conn.execute(
        sql.SQL("COMMENT ON TABLE {} IS {}").format(sql.Identifier(table), sql.Literal(comment))
    )
