"""`townsgis check`: run a rule set on the project's towns and report the findings."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from townsgis.cli import app
from townsgis.cli.help import command, text
from townsgis.cli.options import (
    FORMAT_HELP,
    FailOn,
    FailOnOpt,
    Lang,
    LangOpt,
    OutputOpt,
    ProjectOpt,
    RulesetOpt,
    open_project,
)
from townsgis.messages import msg


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    geojson = "geojson"
    markdown = "markdown"
    gpkg = "gpkg"


_SUFFIX = {"text": "txt", "json": "json", "geojson": "geojson", "markdown": "md", "gpkg": "gpkg"}


@command(
    app,
    "check",
    zh="对照规则集（默认 huzhou-2018）检查全部小镇，列出发现的问题。\n\n"
    "--format gpkg 写出 GeoPackage（默认 maps/check.gpkg），含问题、小镇和县区图层，"
    "样式与网页地图相同，可在 QGIS 中打开。退出码：没有未豁免的问题达到 --fail-on 时为 0，"
    "否则为 1；输入有误为 2。",
    en="Check the towns against a rule set (default huzhou-2018).\n\n"
    "--format gpkg writes a GeoPackage (default maps/check.gpkg) with the findings, towns and "
    "units styled for QGIS as on the web map. Exit 0 when no unwaived finding reaches "
    "--fail-on, 1 otherwise, 2 on bad input.",
    examples=["townsgis check", "townsgis check --format markdown --lang en -o maps/check.md"],
)
def check(
    ruleset: RulesetOpt = None,
    fmt: Annotated[CheckFormat, typer.Option("--format", help=FORMAT_HELP)] = CheckFormat.text,
    output: OutputOpt = None,
    fail_on: FailOnOpt = FailOn.error,
    lang: LangOpt = Lang.zh,
    project: ProjectOpt = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help=text(
                "check.since",
                "标出自某次运行以来新出现、已解决和仍存在的问题：last 为本规则集上次记录的"
                "运行（本次运行随后被记录），或 `check --format json` 写出的文件。",
                "Say which findings are new, resolved or persisting since 'last' (the last "
                "recorded run of this rule set; this run is then recorded) or since a FILE "
                "written by `check --format json`.",
            ),
        ),
    ] = None,
    record: Annotated[
        bool,
        typer.Option(
            "--record",
            help=text(
                "check.record",
                "在项目中记录本次运行（供 --since 比较）。",
                "Record this run in the project (for --since).",
            ),
        ),
    ] = False,
) -> None:
    from townsgis.engine import load_inputs, run_rules
    from townsgis.layers import write_text_atomic
    from townsgis.outputs import output_path
    from townsgis.report import render

    proj = open_project(project)
    path = None
    if output is not None or fmt == CheckFormat.gpkg:
        path = output_path(proj, output, f"check.{_SUFFIX[fmt.value]}")
    ds, rs = load_inputs(proj, ruleset)
    result = run_rules(ds, rs)
    if since is not None or record:
        from townsgis.runs import LAST, changes_since, record_run

        if since is not None:
            result.changes = changes_since(proj, result, since)
            record = record or since == LAST
        if record and proj.store.read_only:
            typer.echo(msg("note.prefix", text=msg("runs.not_recorded")), err=True)
        elif record:
            record_run(proj, result)
    if fmt == CheckFormat.gpkg:
        from townsgis.gpkg import write_check_gpkg

        write_check_gpkg(result, ds, path, lang.value)
        typer.echo(msg("cli.wrote", path=path), err=True)
        raise typer.Exit(result.exit_code(fail_on.value))
    text = render(result, fmt.value, lang.value, fail_on.value)
    if path is not None:
        write_text_atomic(text, path)
        typer.echo(msg("cli.wrote", path=path), err=True)
    else:
        typer.echo(text, nl=False)
    raise typer.Exit(result.exit_code(fail_on.value))
