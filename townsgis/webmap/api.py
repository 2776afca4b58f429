"""From a project to a self-contained HTML map: load → check → site → draw → HTML.

The library functions the ``townsgis map`` command calls. Nothing here downloads anything.
"""

from __future__ import annotations

import datetime as _dt
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
    """The current feasible area(s) written by ``townsgis feasible``
    (``maps/feasible-*.geojson``), concatenated, WGS84; None when there is none.

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


def proposal_verdicts(ds, ruleset) -> list[dict]:
    """``{"status": "pass"|"fail", "reasons": [...]}`` per proposal of ``ds``, judged by
    ``townsgis.siting`` (each site alone against the current layout)."""
    from townsgis.siting import evaluate_sites, sites_from_frame

    sites = sites_from_frame(ds, ds.proposals, ds.project.store.layer_source("proposals"))
    report = evaluate_sites(ds, ruleset, sites)
    return [
        {
            "status": s.verdict,
            "reasons": [f"{f.clause} {f.message('zh')}" for f in s.findings],
        }
        for s in report.sites
    ]


def layout_html(
    project: Project,
    *,
    ruleset: str | None = None,
    lang: str = "zh",
    tiles: str = "none",
    today: _dt.date | None = None,
) -> str:
    """The layout map of ``project`` checked against ``ruleset`` as one offline HTML page."""
    from townsgis.engine import load_inputs, run_rules
    from townsgis.siting import spatial_limits
    from townsgis.webmap.common import render_html
    from townsgis.webmap.display import check_tiles
    from townsgis.webmap.layout import LayoutInputs, build_layout_map

    check_tiles(tiles)  # validate --tiles (and the Tianditu key) before any work
    ds, rs = load_inputs(project, ruleset)
    result = run_rules(ds, rs, today=today)
    status = None
    if ds.proposals is not None and not ds.proposals.empty:
        status = proposal_verdicts(ds, rs)
    limits = spatial_limits(rs)
    stale: list[Path] = []
    feasible = feasible_layers(
        project,
        rs.id,
        newer_than=(project.store.layer_stamp("towns") or 0.0, Path(rs.path)),
        skipped=stale,
    )
    inp = LayoutInputs(
        units=ds.units,
        towns=ds.towns,
        findings=result.findings,
        metric_crs=result.metric_crs,
        proposals=ds.proposals,
        proposal_status=status,
        feasible=feasible,
        skipped_feasible=[p.name for p in stale],
        projects=ds.projects,
        sample=project.sample_data,
        min_spacing_m=limits.get("min_spacing_m") or None,
        min_gap_m=limits.get("min_gap_m") or None,
        ruleset=f"{rs.id} {rs.version} {rs.title(lang)}",
        title=project.name_zh if lang == "zh" else project.name_en,
        date=today,
    )
    return render_html(build_layout_map(inp, lang=lang, tiles=tiles), lang)


def progress_html(
    project: Project,
    *,
    quarter: str | None = None,
    lang: str = "zh",
    tiles: str = "none",
    today: _dt.date | None = None,
) -> str:
    """The progress map of ``project`` at ``quarter`` as one offline HTML page."""
    from townsgis.dataset import load_dataset
    from townsgis.webmap.common import render_html
    from townsgis.webmap.display import check_tiles
    from townsgis.webmap.progress_map import build_progress_map

    check_tiles(tiles)  # validate --tiles (and the Tianditu key) before any work
    ds = load_dataset(project)
    title = project.name_zh if lang == "zh" else project.name_en
    m = build_progress_map(ds, quarter=quarter, lang=lang, tiles=tiles, title=title, date=today)
    return render_html(m, lang)
