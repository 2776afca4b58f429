"""What layers a project holds: counts, CRS, bounds and declared source."""

from __future__ import annotations

import contextlib
from pathlib import Path

from townsgis.project import Project

LAYER_KINDS = ("units", "towns", "projects", "proposals")


def list_layers(project: Project) -> list[dict]:
    """One dict per existing layer: name, kind, count, crs, bounds (lon/lat), source, path."""
    rows = []
    store = project.store
    for kind in LAYER_KINDS:
        if not store.has_layer(kind):
            continue
        gdf = store.read_layer(kind)
        where = store.layer_source(kind)
        with contextlib.suppress(ValueError):
            where = str(Path(where).relative_to(project.root))
        crs = gdf.crs.to_string() if gdf.crs is not None else None
        bounds = [round(float(v), 6) for v in gdf.to_crs(4326).total_bounds] if len(gdf) else None
        rows.append(
            {
                "name": kind,
                "kind": kind,
                "count": int(len(gdf)),
                "crs": crs,
                "bounds": bounds,
                "source": _source(gdf),
                "path": where,
            }
        )
    return rows


def _source(gdf) -> str:
    for col in ("source",):
        if col in gdf.columns and len(gdf):
            return "; ".join(sorted({str(v) for v in gdf[col].dropna().unique()}))
    flags = [c for c in ("synthetic", "approximate") if c in gdf.columns and gdf[c].any()]
    return "sample data (" + ", ".join(flags) + ")" if flags else "project data"
