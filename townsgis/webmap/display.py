"""Display frames: WGS84 (or GCJ-02 for the Amap basemap), compact GeoJSON, basemap tiles.

Maps are drawn in WGS84 lon/lat. With ``tiles="amap"`` every layer is shifted to GCJ-02 so
it lines up with Amap's basemap (which is published in GCJ-02).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from townsgis.errors import TownsgisError
from townsgis.messages import register

register(
    {
        "tiles.unknown": (
            "--tiles {value}：请选 {allowed} 之一",
            "--tiles {value}: choose one of {allowed}",
        ),
        "tiles.no_key": (
            "--tiles tianditu 需要在环境变量 {env} 中提供天地图密钥（可在天地图开发者网站申请）",
            "--tiles tianditu needs a Tianditu key in the environment variable {env} (get one at "
            "the Tianditu developer site)",
        ),
    }
)

TILE_CHOICES = ("none", "osm", "tianditu", "amap")
TIANDITU_ENV = "TIANDITU_KEY"
COORD_DECIMALS = 6  # ≈ 0.1 m


def display_frame(gdf, tiles: str = "none"):
    """``gdf`` in the display CRS: WGS84, or GCJ-02 (labelled EPSG:4326) when ``tiles`` is amap."""
    from townsgis.crs import WGS84, reproject

    out = gdf.to_crs(WGS84) if gdf.crs is not None else gdf.set_crs(WGS84)
    if tiles == "amap":
        out = reproject(out, None, "gcj02")
    return out


def feature_collection(
    gdf, props: list[dict[str, Any]], decimals: int = COORD_DECIMALS
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of ``gdf``'s geometries (display CRS, rounded to
    ``decimals``) with the given per-row properties (already escaped where shown as HTML)."""
    import shapely

    geoms = shapely.transform(gdf.geometry.values, lambda c: np.round(c, decimals))
    features = []
    for i, (geom, p) in enumerate(zip(geoms, props, strict=True)):
        if geom is None or geom.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "id": i,
                "geometry": shapely.geometry.mapping(geom),
                "properties": p,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def check_tiles(tiles: str) -> str | None:
    """Validate a ``--tiles`` choice; returns the Tianditu key for ``tianditu``.
    Raises TownsgisError (exit 2) for an unknown choice or a missing key."""
    if tiles not in TILE_CHOICES:
        raise TownsgisError.of("tiles.unknown", value=repr(tiles), allowed=", ".join(TILE_CHOICES))
    if tiles != "tianditu":
        return None
    key = os.environ.get(TIANDITU_ENV, "").strip()
    if not key:
        raise TownsgisError.of("tiles.no_key", env=TIANDITU_ENV)
    return key


def add_tiles(m, tiles: str) -> None:
    """Add the optional basemap. ``none`` adds nothing: the vector boundaries carry the map."""
    import folium

    key = check_tiles(tiles)
    if tiles == "osm":
        folium.TileLayer(
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            attr="&copy; OpenStreetMap contributors",
            name="OpenStreetMap",
            max_zoom=19,
        ).add_to(m)
    elif tiles == "tianditu":
        # CGCS2000 (Tianditu's datum) is within a metre or so of WGS84: no shift needed.
        for layer, name in (("vec", "天地图 矢量"), ("cva", "天地图 注记")):
            folium.TileLayer(
                f"https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
                f"&VERSION=1.0.0&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
                f"&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}",
                attr="&copy; 天地图 Tianditu",
                name=name,
                subdomains="01234567",
                max_zoom=18,
                overlay=layer == "cva",
            ).add_to(m)
    elif tiles == "amap":
        folium.TileLayer(
            "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
            "&x={x}&y={y}&z={z}",
            attr="&copy; 高德地图 AutoNavi (GCJ-02)",
            name="高德地图 Amap",
            subdomains="1234",
            max_zoom=18,
        ).add_to(m)
