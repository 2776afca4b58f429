"""`townsgis map layout|progress`: offline interactive HTML maps (issue 4)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from townsgis.cli import app
from townsgis.cli.options import (
    Lang,
    LangOpt,
    OutputOpt,
    ProjectOpt,
    RulesetOpt,
    examples,
    open_project,
)
from townsgis.messages import msg

map_app = typer.Typer(
    help="Interactive HTML maps that open offline (all assets inlined; tiles optional).",
    no_args_is_help=True,
)
app.add_typer(map_app, name="map")


class Tiles(StrEnum):
    none = "none"
    osm = "osm"
    tianditu = "tianditu"
    amap = "amap"


TilesOpt = Annotated[
    Tiles,
    typer.Option(
        "--tiles",
        help="Basemap: none (offline, default), osm, tianditu (key in $TIANDITU_KEY) or amap "
        "(every layer shifted to GCJ-02 to match it). Tiles need the network; the map works "
        "without them.",
    ),
]


def _write(html: str, path: Path) -> None:
    from townsgis.layers import write_text_atomic

    write_text_atomic(html, path)
    typer.echo(
        msg("cli.wrote_size", path=path, mb=f"{len(html.encode('utf-8')) / 1e6:.2f}"), err=True
    )


@map_app.command(
    "layout",
    epilog=examples("townsgis map layout", "townsgis map layout --lang en -o maps/layout-en.html"),
)
def layout(
    output: OutputOpt = None,
    lang: LangOpt = Lang.zh,
    tiles: TilesOpt = Tiles.none,
    ruleset: RulesetOpt = None,
    project: ProjectOpt = None,
) -> None:
    """Map of units, towns, findings of `check`, spacing buffers, feasible area and proposals.

    Writes maps/layout.html of the project unless -o is given. Exit 0, or 2 on bad input.
    """
    from townsgis.outputs import output_path
    from townsgis.webmap.api import layout_html

    proj = open_project(project)
    path = output_path(proj, output, "layout.html")
    html = layout_html(proj, ruleset=ruleset, lang=lang.value, tiles=tiles.value)
    _write(html, path)


@map_app.command("progress", epilog=examples("townsgis map progress --quarter 2019Q4"))
def progress(
    quarter: Annotated[
        str | None,
        typer.Option("--quarter", help="Quarter YYYYQn the slider starts at (default: latest)."),
    ] = None,
    output: OutputOpt = None,
    lang: LangOpt = Lang.zh,
    tiles: TilesOpt = Tiles.none,
    project: ProjectOpt = None,
) -> None:
    """Map of projects by stage and investment with a quarter slider, towns shaded by
    invested/planned, per-unit summaries and stalled projects marked.

    Writes maps/progress.html of the project unless -o is given. Exit 0, or 2 on bad input.
    """
    from townsgis.outputs import output_path
    from townsgis.webmap.api import progress_html

    proj = open_project(project)
    path = output_path(proj, output, "progress.html")
    html = progress_html(proj, quarter=quarter, lang=lang.value, tiles=tiles.value)
    _write(html, path)
