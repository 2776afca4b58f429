"""`townsgis progress`: the 2020 scorecard, county bulletin, pipeline and assessment."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from townsgis.cli import app
from townsgis.cli.help import command, text
from townsgis.cli.options import (
    Lang,
    LangOpt,
    OutputOpt,
    ProjectOpt,
    RulesetOpt,
    open_project,
)
from townsgis.messages import msg


class ProgressFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    xlsx = "xlsx"
    html = "html"


@command(
    app,
    "progress",
    zh="对照 2020 年目标（§2、§3）的建设进度报告。\n\n"
    "内容：带预测的目标完成情况、各小镇投资占比、"
    "“四个一批”项目进展、停滞项目、县区通报排名（§4.2a）、考核与一票否决（§4.3b）、"
    "文化产业收入增长。生成报告时退出码为 0（即使目标未完成），数据有误为 2。",
    en="Progress against the §2/§3 targets to 2020.\n\nScorecard with projections, investment "
    "shares per town, four-batches pipeline, stalled projects, county bulletin ranking "
    "(§4.2a), assessment and one-vote veto (§4.3b), culture revenue growth. Exit 0 for a "
    "report (even when targets are missed), 2 for bad data.",
    examples=[
        "townsgis progress --quarter 2019Q4",
        "townsgis progress --quarter 2019Q4 --format xlsx -o 进度-2019Q4.xlsx",
    ],
)
def progress(
    quarter: Annotated[
        str | None,
        typer.Option(
            "--quarter",
            help=text(
                "progress.quarter",
                "报告季度，如 2019Q4（默认：最新一季）。",
                "Report quarter, e.g. 2019Q4 (default: the latest).",
            ),
        ),
    ] = None,
    fmt: Annotated[
        ProgressFormat,
        typer.Option(
            "--format",
            help=text(
                "progress.format",
                "输出格式（xlsx 须同时给出 -o）。",
                "Output format (xlsx needs -o).",
            ),
        ),
    ] = ProgressFormat.text,
    lang: LangOpt = Lang.zh,
    output: OutputOpt = None,
    stall_quarters: Annotated[
        int,
        typer.Option(
            "--stall-quarters",
            min=1,
            help=text(
                "progress.stall_quarters",
                "项目连续 N 个季度阶段没有变化即视为停滞。",
                "A project is stalled after N quarters without a stage change.",
            ),
        ),
    ] = 4,
    project: ProjectOpt = None,
    ruleset: RulesetOpt = None,
) -> int:
    from townsgis.errors import DataError
    from townsgis.indicators import load_progress
    from townsgis.layers import write_text_atomic
    from townsgis.outputs import output_path
    from townsgis.progress_report import render

    if fmt == ProgressFormat.xlsx and output is None:
        raise DataError.of("progress.xlsx_needs_o")
    proj = open_project(project)
    path = None
    if output is not None:
        suffix = {"text": "txt", "markdown": "md"}.get(fmt.value, fmt.value)
        path = output_path(proj, output, f"progress.{suffix}")
    report = load_progress(proj, ruleset=ruleset, quarter=quarter, n_stall=stall_quarters)
    out = render(report, fmt.value, lang.value)
    if path is not None:
        write_text_atomic(out, path)
        typer.echo(msg("cli.wrote", path=path), err=True)
    else:
        typer.echo(out, nl=False)
    return 0
