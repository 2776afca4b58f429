"""`townsgis export layout|progress|site|feasible`: print-ready PNG/PDF/SVG maps (A4/A3)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from townsgis.choices import Orientation, Paper, PrintFormat
from townsgis.cli import app
from townsgis.cli.help import command, group, text
from townsgis.cli.options import (
    DEFAULT_AREA_KM2,
    DEFAULT_LEVEL,
    CategoryOpt,
    CrsOpt,
    Lang,
    LangOpt,
    LatOpt,
    LevelOpt,
    LonOpt,
    NameOpt,
    OutputOpt,
    ProjectOpt,
    RulesetOpt,
    TownAreaOpt,
    UnitOpt,
    area_check,
    number_check,
    open_project,
)
from townsgis.errors import EXIT_OK, TownsgisError

export_app = group(
    app,
    "export",
    zh="可直接打印的静态地图（PNG/PDF/SVG，A4/A3）：中文注记、图例、比例尺、指北针、经纬度刻度、"
    "位置示意图和审图号。",
    en="Print-ready static maps (PNG/PDF/SVG, A4/A3) with Chinese text, legend, scale bar, "
    "north arrow, degree ticks, locator inset and the map review number (审图号).",
)


FmtOpt = Annotated[
    PrintFormat,
    typer.Option("--format", help=text("export.format", "文件格式。", "File format.")),
]
PaperOpt = Annotated[
    Paper,
    typer.Option(
        "--paper", help=text("export.paper", "纸张大小（ISO 216）。", "Paper size (ISO 216).")
    ),
]
OrientOpt = Annotated[
    Orientation,
    typer.Option(
        "--orientation",
        help=text(
            "export.orientation",
            "页面方向：landscape 横向，portrait 纵向。",
            "Page orientation: landscape or portrait.",
        ),
    ),
]
DpiOpt = Annotated[
    float,
    typer.Option(
        "--dpi",
        help=text(
            "export.dpi",
            "栅格分辨率（PNG）；A4 横向 300 dpi 即 3508×2480 像素。",
            "Raster resolution (PNG); A4 landscape 300 dpi = 3508×2480.",
        ),
        callback=number_check(minimum=10, maximum=1200),
    ),
]
TitleOpt = Annotated[
    str | None,
    typer.Option(
        "--title",
        help=text("export.title", "地图标题（默认按图的种类）。", "Map title (default per kind)."),
    ),
]
ReviewOpt = Annotated[
    str | None,
    typer.Option(
        "--review-number",
        help=text(
            "export.review_number",
            "印在图上的审图号。",
            "Map review number (审图号) printed on the map.",
        ),
    ),
]


def _run(
    kind: str,
    *,
    fmt: PrintFormat,
    paper: Paper,
    orientation: Orientation,
    dpi: float,
    lang: Lang,
    output: str | None,
    project: Path | None,
    **options,
) -> int:
    """Export one map of `kind`; `options` are the rest of the command's parameters."""
    from townsgis.outputs import output_path
    from townsgis.printmap import export_map

    if not 10 <= dpi <= 1200:
        raise TownsgisError.of("export.dpi", dpi=f"{dpi:g}")
    proj = open_project(project)
    out = output_path(proj, output, f"{kind}.{fmt.value}")
    path = export_map(
        kind,
        proj,
        fmt=fmt.value,
        output=out,
        paper=paper.value,
        orientation=orientation.value,
        dpi=dpi,
        lang=lang.value,
        **options,
    )
    typer.echo(str(path))
    return EXIT_OK


# Each command below passes all its parameters on with `_run(kind, **locals())`; the page
# options (--format ... --project) come last and are the same in every command.


@command(
    export_app,
    "export layout",
    zh="布局图：县区、按类别着色的小镇，突出显示规则集发现的问题。默认写出 maps/layout.<格式>。",
    en="The layout map: units, towns by category, the rule set's findings highlighted. "
    "Default output maps/layout.<format>.",
    examples=[
        "townsgis export layout --format pdf --paper A3",
        "townsgis export layout --format svg --lang en",
    ],
)
def export_layout(
    fmt: FmtOpt = PrintFormat.png,
    paper: PaperOpt = Paper.A4,
    orientation: OrientOpt = Orientation.landscape,
    dpi: DpiOpt = 300,
    lang: LangOpt = Lang.zh,
    title: TitleOpt = None,
    review_number: ReviewOpt = None,
    output: OutputOpt = None,
    ruleset: RulesetOpt = None,
    project: ProjectOpt = None,
) -> int:
    return _run("layout", **locals())


@command(
    export_app,
    "export progress",
    zh="进度图：某季度各小镇按已完成投资占计划投资的比例着色（示例数据为虚构）。"
    "默认写出 maps/progress.<格式>。",
    en="Towns coloured by invested / planned investment at a quarter (sample data are "
    "synthetic). Default output maps/progress.<format>.",
    examples=["townsgis export progress --quarter 2019Q4 --format pdf"],
)
def export_progress(
    quarter: Annotated[
        str | None,
        typer.Option(
            "--quarter",
            help=text(
                "export.quarter",
                "季度，如 2019Q4（默认：最新一季）。",
                "Quarter, e.g. 2019Q4 (default: latest).",
            ),
        ),
    ] = None,
    fmt: FmtOpt = PrintFormat.png,
    paper: PaperOpt = Paper.A4,
    orientation: OrientOpt = Orientation.landscape,
    dpi: DpiOpt = 300,
    lang: LangOpt = Lang.zh,
    title: TitleOpt = None,
    review_number: ReviewOpt = None,
    output: OutputOpt = None,
    ruleset: RulesetOpt = None,
    project: ProjectOpt = None,
) -> int:
    return _run("progress", **locals())


@command(
    export_app,
    "export site",
    zh="选址图：拟选址及其间距缓冲区和它引发的问题（与 townsgis site 相同）。"
    "默认写出 maps/site.<格式>。",
    en="A proposed site with its gap and spacing buffers and the findings it causes (as "
    "`townsgis site`). Default output maps/site.<format>.",
    examples=["townsgis export site --lon 120.35 --lat 30.75 --category 制造业 --format pdf"],
)
def export_site(
    lon: LonOpt,
    lat: LatOpt,
    category: CategoryOpt,
    level: LevelOpt = DEFAULT_LEVEL,
    crs: CrsOpt = None,
    area_km2: Annotated[
        float,
        typer.Option(
            "--area-km2",
            help=text(
                "export.site_area",
                "占地：此面积的圆，平方公里。",
                "Footprint: a circle of this area, km².",
            ),
            callback=area_check(),
        ),
    ] = DEFAULT_AREA_KM2,
    name: NameOpt = None,
    fmt: FmtOpt = PrintFormat.png,
    paper: PaperOpt = Paper.A4,
    orientation: OrientOpt = Orientation.landscape,
    dpi: DpiOpt = 300,
    lang: LangOpt = Lang.zh,
    title: TitleOpt = None,
    review_number: ReviewOpt = None,
    output: OutputOpt = None,
    ruleset: RulesetOpt = None,
    project: ProjectOpt = None,
) -> int:
    crs = crs or "wgs84"
    return _run("site", **locals())


@command(
    export_app,
    "export feasible",
    zh="可选址区域图：再增加一个小镇时，其中心满足全部空间规则的区域（与 townsgis feasible 相同）。"
    "默认写出 maps/feasible.<格式>。",
    en="Where one more town's centre passes every spatial rule (as `townsgis feasible`). "
    "Default output maps/feasible.<format>.",
    examples=["townsgis export feasible --category 制造业 --unit 南浔区 --format pdf"],
)
def export_feasible(
    category: CategoryOpt,
    unit: UnitOpt = None,
    level: LevelOpt = DEFAULT_LEVEL,
    area_km2: TownAreaOpt = DEFAULT_AREA_KM2,
    fmt: FmtOpt = PrintFormat.png,
    paper: PaperOpt = Paper.A4,
    orientation: OrientOpt = Orientation.landscape,
    dpi: DpiOpt = 300,
    lang: LangOpt = Lang.zh,
    title: TitleOpt = None,
    review_number: ReviewOpt = None,
    output: OutputOpt = None,
    ruleset: RulesetOpt = None,
    project: ProjectOpt = None,
) -> int:
    return _run("feasible", **locals())
