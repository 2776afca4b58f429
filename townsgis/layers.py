"""Read and write layer files. Outputs are written atomically; inputs are never modified.

(Minimal version: GeoJSON/GeoPackage via pyogrio. The I/O work extends this module.)
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import geopandas as gpd

from townsgis.errors import LayerIOError


def read_layer(
    path: str | Path, *, crs: str | None = None, encoding: str | None = None
) -> gpd.GeoDataFrame:
    """Read a layer file. ``crs`` names the input CRS when the file cannot (GCJ-02, BD-09, CSV)."""
    path = Path(path)
    if not path.exists():
        raise LayerIOError(f"{path}: file not found")
    try:
        gdf = gpd.read_file(path, engine="pyogrio", encoding=encoding)
    except Exception as exc:  # pyogrio raises several types
        raise LayerIOError(f"{path}: cannot read: {exc}") from None
    if crs is not None:
        from townsgis.crs import reproject

        gdf = reproject(gdf, crs, "EPSG:4326")
    return gdf


def write_layer(gdf: gpd.GeoDataFrame, path: str | Path) -> Path:
    """Write ``gdf`` to ``path`` (GeoJSON or GeoPackage by suffix) atomically."""
    path = Path(path)
    driver = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GPKG"}.get(path.suffix.lower())
    if driver is None:
        raise LayerIOError(f"{path}: cannot write {path.suffix!r}; use .geojson or .gpkg")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    os.unlink(tmp)
    try:
        kwargs = {"RFC7946": "NO", "WRITE_NAME": "NO"} if driver == "GeoJSON" else {}
        gdf.to_file(tmp, driver=driver, engine="pyogrio", **kwargs)
        os.replace(tmp, path)
    except Exception as exc:
        Path(tmp).unlink(missing_ok=True)
        raise LayerIOError(f"{path}: cannot write: {exc}") from None
    return path


def write_text_atomic(text: str | bytes, path: str | Path) -> Path:
    """Write text or bytes to ``path`` atomically (temporary file in the same folder, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
