"""`townsgis history` and `townsgis restore LAYER [VERSION]`: the kept versions of a project's
layers and documents, and bringing one back byte for byte."""

from __future__ import annotations

import json

import typer

from townsgis.cli import app
from townsgis.cli.options import ProjectOpt, TextFormat, TextFormatOpt, examples, open_project


@app.command("history", epilog=examples("townsgis history towns"))
def history_cmd(
    layer: str = typer.Argument(
        None, help="Only this layer or document (towns, units, waivers, …); default: all."
    ),
    project: ProjectOpt = None,
    fmt: TextFormatOpt = TextFormat.text,
) -> None:
    """List the kept versions of the project's layers (each import or restore keeps the one
    it replaces), oldest first.

    Example: townsgis history towns --project hz2
    """
    proj = open_project(project)
    versions = proj.store.history(layer)
    if fmt == TextFormat.json:
        typer.echo(
            json.dumps({"versions": [v.to_dict() for v in versions]}, ensure_ascii=False, indent=2)
        )
        return
    if not versions:
        typer.echo(f"no kept versions{' of ' + layer if layer else ''} in {proj.store.location}")
        return
    for v in versions:
        count = f"{v.count} features, " if v.count is not None else ""
        typer.echo(
            f"{v.name:<12} {v.version:>3}  {v.saved_at}  {count}{v.size} bytes  "
            f"replaced by: {v.reason}"
        )


@app.command("restore", epilog=examples("townsgis restore towns", "townsgis restore towns 2"))
def restore_cmd(
    layer: str = typer.Argument(..., help="Layer or document to restore (towns, waivers, …)."),
    version: int = typer.Argument(None, help="Version number (default: the newest kept)."),
    project: ProjectOpt = None,
) -> None:
    """Bring back a kept version of a layer, byte for byte. The current one is kept first,
    so a restore can be undone the same way.

    Example: townsgis restore towns 2 --project hz2
    """
    proj = open_project(project)
    v = proj.store.restore(layer, version)
    where = proj.store.location
    typer.echo(f"restored {layer} version {v.version} (saved {v.saved_at}) in {where}")
