"""The current feasible areas written by ``townsgis feasible`` (``maps/feasible-*.geojson``)."""

from __future__ import annotations

from pathlib import Path

from townsgis.project import Project


def _mtime(path: Path | float) -> float:
    """A file's modification time, or a store's layer stamp as given (seconds)."""
    if isinstance(path, int | float):
        return float(path)
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def feasible_layers(
    project: Project,
    ruleset_id: str,
    *,
    newer_than: tuple[Path | float, ...] = (),
    skipped: list[Path] | None = None,
):
    """The current feasible area(s), concatenated, WGS84; None when there is none.

    Stale ones are left out: files older than any of ``newer_than`` (the towns layer, the
    rule-set file: the area was computed before they changed) and rows whose ``ruleset``
    column is not ``ruleset_id`` (or that have no ``ruleset`` column). Files left out whole
    are appended to ``skipped``."""
    import geopandas as gpd
    import pandas as pd

    from townsgis.crs import WGS84
    from townsgis.layers import read_layer

    newest_input = max((_mtime(p) for p in newer_than), default=0.0)
    frames = []
    for path in sorted(project.maps_dir.glob("feasible-*.geojson")):
        gdf = None if _mtime(path) < newest_input else read_layer(path)
        if gdf is not None and "ruleset" in gdf.columns:
            gdf = gdf[gdf["ruleset"].astype(str) == str(ruleset_id)]
            if len(gdf):
                frames.append(gdf.to_crs(WGS84))
                continue
        if skipped is not None:
            skipped.append(path)
    if not frames:
        return None
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=WGS84)
