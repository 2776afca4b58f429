"""`townsgis history` and `townsgis restore LAYER [VERSION]`: the kept versions of a project's
layers and documents, and bringing one back byte for byte."""

from __future__ import annotations

import json

import typer

from townsgis.cli import app
from townsgis.cli.help import command, text
from townsgis.cli.options import (
    Lang,
    LangOpt,
    ProjectOpt,
    TextFormat,
    TextFormatOpt,
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


@command(
    app,
    "history",
    zh="列出项目各图层保留的历史版本（每次导入或恢复都会保留被替换的版本），从旧到新。",
    en="List the kept versions of the project's layers (each import or restore keeps the one "
    "it replaces), oldest first.",
    examples=["townsgis history towns"],
)
def history_cmd(
    layer: str = typer.Argument(
        None,
        metavar="LAYER",
        help=text(
            "history.layer",
            "只列此图层或文档（towns、units、waivers……）；默认：全部。",
            "Only this layer or document (towns, units, waivers, …); default: all.",
        ),
    ),
    project: ProjectOpt = None,
    fmt: TextFormatOpt = TextFormat.text,
    lang: LangOpt = Lang.zh,
) -> None:
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


@command(
    app,
    "restore",
    zh="逐字节恢复某图层保留的版本。当前版本会先被保留，所以恢复也可以用同样方式撤销。",
    en="Bring back a kept version of a layer, byte for byte. The current one is kept first, "
    "so a restore can be undone the same way.",
    examples=["townsgis restore towns", "townsgis restore towns 2"],
)
def restore_cmd(
    layer: str = typer.Argument(
        ...,
        metavar="LAYER",
        help=text(
            "restore.layer",
            "要恢复的图层或文档（towns、waivers……）。",
            "Layer or document to restore (towns, waivers, …).",
        ),
    ),
    version: int = typer.Argument(
        None,
        metavar="VERSION",
        help=text(
            "restore.version",
            "版本号（默认：保留的最新版本）。",
            "Version number (default: the newest kept).",
        ),
    ),
    project: ProjectOpt = None,
    lang: LangOpt = Lang.zh,
) -> None:
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
