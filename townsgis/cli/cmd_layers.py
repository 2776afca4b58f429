"""`townsgis layers`: every layer with its feature count, CRS, bounds and source."""

from __future__ import annotations

import json
from enum import StrEnum

import typer

from townsgis.cli import app
from townsgis.cli.options import ProjectOpt, open_project
from townsgis.inventory import list_layers


class Fmt(StrEnum):
    text = "text"
    json = "json"


@app.command("layers")
def layers_cmd(
    project: ProjectOpt = None,
    fmt: Fmt = typer.Option(Fmt.text, "--format", help="Output format."),
) -> None:
    """List every layer of the project: kind, feature count, CRS, bounds and source."""
    rows = list_layers(open_project(project))
    if fmt == Fmt.json:
        typer.echo(json.dumps({"layers": rows}, ensure_ascii=False, indent=2))
        return
    for r in rows:
        b = ", ".join(f"{v:.4f}" for v in r["bounds"]) if r["bounds"] else "-"
        typer.echo(f"{r['name']:<10} {r['kind']:<10} {r['count']:>6}  {r['crs']:<10} [{b}]")
        typer.echo(f"{'':<10} source: {r['source']}")
