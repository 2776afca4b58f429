"""`townsgis history` and `townsgis restore LAYER [VERSION]`: the kept versions of a project's
layers and documents, and bringing one back byte for byte."""

from __future__ import annotations

import json

import typer

from townsgis.cli import app
from townsgis.cli.options import (
    Lang,
    LangOpt,
    ProjectOpt,
    TextFormat,
    TextFormatOpt,
    examples,
    open_project,
)
from townsgis.messages import msg, register

register(
    {
        "history.none": ("{where} 中没有保留的版本{what}", "no kept versions{what} in {where}"),
        "history.of": ("（{name}）", " of {name}"),
        "history.row": (
            "{name:<12} {version:>3}  {saved_at}  {count}{size} 字节  被替换于：{reason}",
            "{name:<12} {version:>3}  {saved_at}  {count}{size} bytes  replaced by: {reason}",
        ),
        "history.count": ("{n} 个要素，", "{n} features, "),
        "history.restored": (
            "已恢复 {name} 的版本 {version}（保存于 {saved_at}），位于 {where}",
            "restored {name} version {version} (saved {saved_at}) in {where}",
        ),
        "history.kept": (
            "原图层已保留为版本 {version}（撤销：townsgis restore {kind} {version}）",
            "kept the previous layer as version {version} "
            "(undo: townsgis restore {kind} {version})",
        ),
    }
)


@app.command("history", epilog=examples("townsgis history towns"))
def history_cmd(
    layer: str = typer.Argument(
        None, help="Only this layer or document (towns, units, waivers, …); default: all."
    ),
    project: ProjectOpt = None,
    fmt: TextFormatOpt = TextFormat.text,
    lang: LangOpt = Lang.zh,
) -> None:
    """List the kept versions of the project's layers (each import or restore keeps the one
    it replaces), oldest first.
    """
    proj = open_project(project)
    versions = proj.store.history(layer)
    if fmt == TextFormat.json:
        typer.echo(
            json.dumps({"versions": [v.to_dict() for v in versions]}, ensure_ascii=False, indent=2)
        )
        return
    if not versions:
        what = msg("history.of", name=layer) if layer else ""
        typer.echo(msg("history.none", what=what, where=proj.store.location))
        return
    for v in versions:
        count = msg("history.count", n=v.count) if v.count is not None else ""
        row = v.to_dict() | {"count": count}
        typer.echo(msg("history.row", **row))


@app.command("restore", epilog=examples("townsgis restore towns", "townsgis restore towns 2"))
def restore_cmd(
    layer: str = typer.Argument(..., help="Layer or document to restore (towns, waivers, …)."),
    version: int = typer.Argument(None, help="Version number (default: the newest kept)."),
    project: ProjectOpt = None,
    lang: LangOpt = Lang.zh,
) -> None:
    """Bring back a kept version of a layer, byte for byte. The current one is kept first,
    so a restore can be undone the same way.
    """
    proj = open_project(project)
    v = proj.store.restore(layer, version)
    typer.echo(
        msg(
            "history.restored",
            name=layer,
            version=v.version,
            saved_at=v.saved_at,
            where=proj.store.location,
        )
    )
