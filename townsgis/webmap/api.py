"""From a project to a self-contained HTML map: load → check → map model → draw → HTML.

The library functions the ``townsgis map`` command calls. Nothing here downloads anything.
``feasible_layers`` and ``proposal_verdicts`` live in ``townsgis.mapmodel`` (re-exported).
"""

from __future__ import annotations

import datetime as _dt

from townsgis.i18n import pick
from townsgis.mapmodel.feasible_files import feasible_layers
from townsgis.mapmodel.layout import proposal_verdicts
from townsgis.project import Project

__all__ = ["feasible_layers", "layout_html", "progress_html", "proposal_verdicts"]


def layout_html(
    project: Project,
    *,
    ruleset: str | None = None,
    lang: str = "zh",
    tiles: str = "none",
    today: _dt.date | None = None,
) -> str:
    """The layout map of ``project`` checked against ``ruleset`` as one offline HTML page."""
    from townsgis.mapmodel.layout import load_layout_model
    from townsgis.webmap.common import render_html
    from townsgis.webmap.display import check_tiles
    from townsgis.webmap.layout import build_layout_map

    check_tiles(tiles)  # validate --tiles (and the Tianditu key) before any work
    model = load_layout_model(project, ruleset=ruleset, lang=lang, today=today)
    return render_html(build_layout_map(model, tiles=tiles), lang)


def progress_html(
    project: Project,
    *,
    quarter: str | None = None,
    lang: str = "zh",
    tiles: str = "none",
    today: _dt.date | None = None,
) -> str:
    """The progress map of ``project`` at ``quarter`` as one offline HTML page; a quarter
    outside the projects' stage histories is refused (DataError)."""
    from townsgis.dataset import load_dataset
    from townsgis.mapmodel.progress import progress_model
    from townsgis.webmap.common import render_html
    from townsgis.webmap.display import check_tiles
    from townsgis.webmap.progress_map import build_progress_map

    check_tiles(tiles)  # validate --tiles (and the Tianditu key) before any work
    ds = load_dataset(project)
    place = pick(project.name_zh, project.name_en, lang)
    model = progress_model(ds, quarter=quarter, lang=lang, place=place, date=today)
    return render_html(build_progress_map(model, tiles=tiles), lang)
