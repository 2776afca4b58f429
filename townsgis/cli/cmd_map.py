"""`townsgis map layout|progress`: offline interactive HTML maps (issue 4)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from townsgis.cli import app
from townsgis.cli.help import command, group, text
from townsgis.cli.options import (
    Lang,
    LangOpt,
    OutputOpt,
    ProjectOpt,
    RulesetOpt,
    open_project,
)
from townsgis.messages import msg

map_app = group(
    app,
    "map",
    zh="可离线打开的交互式 HTML 地图（所有资源内嵌；底图瓦片可选）。",
    en="Interactive HTML maps that open offline (all assets inlined; tiles optional).",
)


class Tiles(StrEnum):
    none = "none"
    osm = "osm"
    tianditu = "tianditu"
    amap = "amap"


TilesOpt = Annotated[
    Tiles,
    typer.Option(
        "--tiles",
        help=text(
            "map.tiles",
            "底图：none（离线，默认）、osm、tianditu（天地图，密钥放在 $TIANDITU_KEY）或 amap"
            "（高德，所有图层转换到 GCJ-02 以与之对齐）。瓦片需要联网；没有瓦片地图也能用。",
            "Basemap: none (offline, default), osm, tianditu (key in $TIANDITU_KEY) or amap "
            "(every layer shifted to GCJ-02 to match it). Tiles need the network; the map works "
            "without them.",
        ),
    ),
]


def _write(html: str, path: Path) -> None:
    from townsgis.layers import write_text_atomic

    write_text_atomic(html, path)
    typer.echo(
        msg("cli.wrote_size", path=path, mb=f"{len(html.encode('utf-8')) / 1e6:.2f}"), err=True
    )


@command(
    map_app,
    "map layout",
    zh="布局地图：县区、小镇、check 发现的问题、间距缓冲区、可选址区域和拟选址。\n\n"
    "未给 -o 时写出项目的 maps/layout.html。退出码 0；输入有误为 2。",
    en="Map of units, towns, findings of `check`, spacing buffers, feasible area and "
    "proposals.\n\nWrites maps/layout.html of the project unless -o is given. Exit 0, or 2 "
    "on bad input.",
    examples=["townsgis map layout", "townsgis map layout --lang en -o maps/layout-en.html"],
)
def layout(
    output: OutputOpt = None,
    lang: LangOpt = Lang.zh,
    tiles: TilesOpt = Tiles.none,
    ruleset: RulesetOpt = None,
    project: ProjectOpt = None,
) -> None:
    from townsgis.outputs import output_path
    from townsgis.webmap.api import layout_html

    proj = open_project(project)
    path = output_path(proj, output, "layout.html")
    html = layout_html(proj, ruleset=ruleset, lang=lang.value, tiles=tiles.value)
    _write(html, path)


@command(
    map_app,
    "map progress",
    zh="进度地图：按阶段和投资显示项目，带季度滑块；小镇按已完成/计划投资着色，"
    "可查看各县区汇总，停滞项目有标记。\n\n"
    "未给 -o 时写出项目的 maps/progress.html。退出码 0；输入有误为 2。",
    en="Map of projects by stage and investment with a quarter slider, towns shaded by "
    "invested/planned, per-unit summaries and stalled projects marked.\n\nWrites "
    "maps/progress.html of the project unless -o is given. Exit 0, or 2 on bad input.",
    examples=["townsgis map progress --quarter 2019Q4"],
)
def progress(
    quarter: Annotated[
        str | None,
        typer.Option(
            "--quarter",
            help=text(
                "map.quarter",
                "滑块起始的季度 YYYYQn（默认：最新一季）。",
                "Quarter YYYYQn the slider starts at (default: latest).",
            ),
        ),
    ] = None,
    output: OutputOpt = None,
    lang: LangOpt = Lang.zh,
    tiles: TilesOpt = Tiles.none,
    project: ProjectOpt = None,
) -> None:
    from townsgis.outputs import output_path
    from townsgis.webmap.api import progress_html

    proj = open_project(project)
    path = output_path(proj, output, "progress.html")
    html = progress_html(proj, quarter=quarter, lang=lang.value, tiles=tiles.value)
    _write(html, path)
