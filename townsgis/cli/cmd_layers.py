"""`townsgis layers`: every layer with its feature count, CRS, bounds and source."""

from __future__ import annotations

import json

import typer

from townsgis.cli import app
from townsgis.cli.help import command
from townsgis.cli.options import (
    Lang,
    LangOpt,
    ProjectOpt,
    TextFormat,
    TextFormatOpt,
    open_project,
)


@command(
    app,
    "layers",
    zh="列出项目的每个图层：种类、要素数、坐标系、范围和来源。",
    en="List every layer of the project: kind, feature count, CRS, bounds and source.",
    examples=["townsgis layers", "townsgis layers --format json"],
)
def layers_cmd(
    project: ProjectOpt = None,
    fmt: TextFormatOpt = TextFormat.text,
    lang: LangOpt = Lang.zh,
) -> None:
    from townsgis.inventory import list_layers
    from townsgis.messages import msg

    rows = list_layers(open_project(project))
    if fmt == TextFormat.json:
        typer.echo(json.dumps({"layers": rows}, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo(msg("layers.none"))
        return
    for r in rows:
        b = ", ".join(f"{v:.4f}" for v in r["bounds"]) if r["bounds"] else "-"
        typer.echo(f"{r['name']:<10} {r['kind']:<10} {r['count']:>6}  {r['crs']:<10} [{b}]")
        typer.echo(f"{'':<10} {msg('layers.source')}: {r['source']}")
