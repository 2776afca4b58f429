"""`townsgis project copy SRC DST`: copy a project between a folder and PostGIS."""

from __future__ import annotations

import json

import typer

from townsgis.cli import app
from townsgis.cli.help import command, group, text
from townsgis.cli.options import Lang, LangOpt, TextFormat, TextFormatOpt

project_app = group(
    app,
    "project",
    zh="整个项目：在文件夹和 PostGIS 数据库之间复制。",
    en="Whole projects: copy between a folder and a PostGIS database.",
)

SAMPLE = "sample"


@command(
    project_app,
    "project copy",
    zh="把 SRC 的所有图层、规则集、豁免、表格和设置复制到新项目 DST。",
    en="Copy every layer, rule set, waiver, table and setting of SRC into a new project DST.",
    examples=[
        "townsgis project copy sample 湖州副本",
        "townsgis project copy sample postgresql://planner@localhost/gis?schema=towns",
    ],
)
def copy_cmd(
    source: str = typer.Argument(
        ...,
        metavar="SRC",
        help=text(
            "project.source",
            f"要复制的项目：文件夹、postgresql://…，或 {SAMPLE}（随附的示例项目）。",
            f"Project to copy: a folder, postgresql://…, or '{SAMPLE}' (the bundled one).",
        ),
    ),
    target: str = typer.Argument(
        ...,
        metavar="DST",
        help=text(
            "project.target",
            "新项目：文件夹，或 postgresql://USER@HOST/DB?schema=NAME。",
            "New project: a folder, or postgresql://USER@HOST/DB?schema=NAME.",
        ),
    ),
    fmt: TextFormatOpt = TextFormat.text,
    lang: LangOpt = Lang.zh,
) -> None:
    from townsgis.project import bundled_root
    from townsgis.store.copy import copy_project

    src = str(bundled_root()) if source == SAMPLE else source
    result = copy_project(src, target)
    if fmt == TextFormat.json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    for line in copy_summary(result, lang.value):
        typer.echo(line)


def copy_summary(result, lang: str) -> list[str]:
    """What a copy wrote, in ``lang``: source → target, layers with counts, documents."""
    from townsgis.messages import msg

    none = msg("none", lang)
    # layer names as the commands take them (import towns …, history towns)
    layers = ", ".join(f"{k} ({n})" for k, n in result.layers.items())
    logs = ", ".join(f"{k} ({n})" for k, n in result.logs.items() if n)
    return [
        msg("copy.done", lang, source=result.source, target=result.target),
        msg("copy.layers", lang, layers=layers or none),
        msg("copy.documents", lang, documents=", ".join(result.documents) or none),
        *([msg("copy.logs", lang, logs=logs)] if logs else []),
    ]
