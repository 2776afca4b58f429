"""`townsgis export layout|progress|site|feasible`: print-ready PNG/PDF/SVG maps (A4/A3)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from townsgis.choices import Orientation, Paper, PrintFormat
from townsgis.cli import app
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
    examples,
    number_check,
    open_project,
)
from townsgis.errors import EXIT_OK, TownsgisError

export_app = typer.Typer(
    help="Print-ready static maps (PNG/PDF/SVG, A4/A3) with Chinese text, legend, scale bar, "
    "north arrow, degree ticks, locator inset and the 审图号 field.",
    no_args_is_help=True,
)
app.add_typer(export_app, name="export")


FmtOpt = Annotated[PrintFormat, typer.Option("--format", help="File format.")]
PaperOpt = Annotated[Paper, typer.Option("--paper", help="Paper size (ISO 216).")]
OrientOpt = Annotated[Orientation, typer.Option("--orientation", help="Page orientation.")]
DpiOpt = Annotated[
    float,
    typer.Option(
        "--dpi",
        help="Raster resolution (PNG); A4 landscape 300 dpi = 3508×2480.",
        callback=number_check(minimum=10, maximum=1200),
    ),
]
TitleOpt = Annotated[str | None, typer.Option("--title", help="Map title (default per kind).")]
ReviewOpt = Annotated[
    str | None,
    typer.Option("--review-number", help="Map review number (审图号) printed on the map."),
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


@export_app.command(
    "layout",
    epilog=examples(
        "townsgis export layout --format pdf --paper A3",
        "townsgis export layout --format svg --lang en",
    ),
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
    """The layout map: units, towns by category, the rule set's findings highlighted.
    Default output maps/layout.<format>."""
    return _run("layout", **locals())


@export_app.command(
    "progress", epilog=examples("townsgis export progress --quarter 2019Q4 --format pdf")
)
def export_progress(
    quarter: Annotated[
        str | None, typer.Option("--quarter", help="Quarter, e.g. 2019Q4 (default: latest).")
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
    """Towns coloured by invested / planned investment at a quarter (sample data are
    synthetic). Default output maps/progress.<format>."""
    return _run("progress", **locals())


@export_app.command(
    "site",
    epilog=examples("townsgis export site --lon 120.35 --lat 30.75 --category 制造业 --format pdf"),
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
            "--area-km2", help="Footprint: a circle of this area, km².", callback=area_check()
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
    """A proposed site with its gap and spacing buffers and the findings it causes (as
    `townsgis site`). Default output maps/site.<format>."""
    crs = crs or "wgs84"
    return _run("site", **locals())


@export_app.command(
    "feasible",
    epilog=examples("townsgis export feasible --category 制造业 --unit 南浔区 --format pdf"),
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
    """Where one more town's centre passes every spatial rule (as `townsgis feasible`).
    Default output maps/feasible.<format>."""
    return _run("feasible", **locals())
