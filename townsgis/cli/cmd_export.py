"""`townsgis export layout|progress|site|feasible`: print-ready PNG/PDF/SVG maps (A4/A3)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from townsgis.cli import app
from townsgis.cli.options import (
    CrsOpt,
    Lang,
    LangOpt,
    OutputOpt,
    ProjectOpt,
    RulesetOpt,
    open_project,
)
from townsgis.errors import EXIT_OK, TownsgisError

export_app = typer.Typer(
    help="Print-ready static maps (PNG/PDF/SVG, A4/A3) with Chinese text, legend, scale bar, "
    "north arrow, degree ticks, locator inset and the 审图号 field.",
    no_args_is_help=True,
)
app.add_typer(export_app, name="export")


class Fmt(StrEnum):
    png = "png"
    pdf = "pdf"
    svg = "svg"


class Paper(StrEnum):
    A4 = "A4"
    A3 = "A3"


class Orientation(StrEnum):
    landscape = "landscape"
    portrait = "portrait"


FmtOpt = Annotated[Fmt, typer.Option("--format", help="File format.")]
PaperOpt = Annotated[Paper, typer.Option("--paper", help="Paper size (ISO 216).")]
OrientOpt = Annotated[Orientation, typer.Option("--orientation", help="Page orientation.")]
DpiOpt = Annotated[
    float, typer.Option("--dpi", help="Raster resolution (PNG); A4 landscape 300 dpi = 3508×2480.")
]
TitleOpt = Annotated[str | None, typer.Option("--title", help="Map title (default per kind).")]
ReviewOpt = Annotated[
    str | None,
    typer.Option("--review-number", help="Map review number (审图号) printed on the map."),
]
CategoryOpt = Annotated[str, typer.Option("--category", help="manufacturing, tourism or services.")]
LevelHelp = "provincial_creation, provincial_cultivation, provincial_named or municipal."


def _run(
    kind: str,
    fmt: Fmt,
    paper: Paper,
    orientation: Orientation,
    dpi: float,
    output: Path | None,
    project: Path | None,
    **options,
) -> int:
    from townsgis.printmap import export_map

    if not 10 <= dpi <= 1200:
        raise TownsgisError(f"--dpi {dpi:g}: must be between 10 and 1200")
    proj = open_project(project)
    path = export_map(
        kind,
        proj,
        fmt=fmt.value,
        output=output,
        paper=paper.value,
        orientation=orientation.value,
        dpi=dpi,
        **options,
    )
    typer.echo(str(path))
    return EXIT_OK


@export_app.command("layout")
def export_layout(
    fmt: FmtOpt = Fmt.png,
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
    return _run(
        "layout",
        fmt,
        paper,
        orientation,
        dpi,
        output,
        project,
        lang=lang.value,
        ruleset=ruleset,
        title=title,
        review_number=review_number,
    )


@export_app.command("progress")
def export_progress(
    quarter: Annotated[
        str | None, typer.Option("--quarter", help="Quarter, e.g. 2019Q4 (default: latest).")
    ] = None,
    fmt: FmtOpt = Fmt.png,
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
    return _run(
        "progress",
        fmt,
        paper,
        orientation,
        dpi,
        output,
        project,
        quarter=quarter,
        lang=lang.value,
        ruleset=ruleset,
        title=title,
        review_number=review_number,
    )


@export_app.command("site")
def export_site(
    lon: Annotated[float, typer.Option("--lon", help="Longitude of the site centre.")],
    lat: Annotated[float, typer.Option("--lat", help="Latitude of the site centre.")],
    category: CategoryOpt,
    level: Annotated[str, typer.Option("--level", help=LevelHelp)] = "provincial_creation",
    crs: CrsOpt = None,
    area_km2: Annotated[
        float, typer.Option("--area-km2", help="Footprint: a circle of this area, km².")
    ] = 3.0,
    name: Annotated[str | None, typer.Option("--name", help="Name of the site.")] = None,
    fmt: FmtOpt = Fmt.png,
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
    return _run(
        "site",
        fmt,
        paper,
        orientation,
        dpi,
        output,
        project,
        lon=lon,
        lat=lat,
        crs=crs or "wgs84",
        area_km2=area_km2,
        category=category,
        level=level,
        name=name,
        lang=lang.value,
        ruleset=ruleset,
        title=title,
        review_number=review_number,
    )


@export_app.command("feasible")
def export_feasible(
    category: CategoryOpt,
    unit: Annotated[
        str | None, typer.Option("--unit", help="Only inside this unit id (e.g. 330503).")
    ] = None,
    level: Annotated[str, typer.Option("--level", help=LevelHelp)] = "provincial_creation",
    area_km2: Annotated[
        float, typer.Option("--area-km2", help="Footprint of the new town (a circle), km².")
    ] = 3.0,
    fmt: FmtOpt = Fmt.png,
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
    return _run(
        "feasible",
        fmt,
        paper,
        orientation,
        dpi,
        output,
        project,
        category=category,
        unit=unit,
        level=level,
        area_km2=area_km2,
        lang=lang.value,
        ruleset=ruleset,
        title=title,
        review_number=review_number,
    )
