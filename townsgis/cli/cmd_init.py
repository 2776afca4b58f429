"""`townsgis init DIR`: create a project folder for another city."""

from __future__ import annotations

from pathlib import Path

import typer

from townsgis.cli import app
from townsgis.cli.options import Lang, LangOpt
from townsgis.project import init_project


@app.command("init")
def init_cmd(
    directory: Path = typer.Argument(..., help="Folder to create.", file_okay=False),
    name: str = typer.Option(None, "--name", help="City name (default: the folder name)."),
    lang: LangOpt = Lang.zh,
) -> None:
    """Create an empty project folder (layers/, rules/, maps/, data/boundaries/)."""
    project = init_project(directory, name=name)
    typer.echo(f"created project {project.root}")
    typer.echo("next: add data/boundaries/units.geojson, then `townsgis import towns FILE`")
