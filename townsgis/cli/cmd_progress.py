"""`townsgis progress`: the 2020 scorecard, county bulletin, pipeline and assessment."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from townsgis.cli import app
from townsgis.cli.options import (
    Lang,
    LangOpt,
    OutputOpt,
    ProjectOpt,
    RulesetOpt,
    examples,
    open_project,
)
from townsgis.messages import msg


class ProgressFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    xlsx = "xlsx"
    html = "html"


@app.command(
    "progress",
    epilog=examples(
        "townsgis progress --quarter 2019Q4",
        "townsgis progress --quarter 2019Q4 --format xlsx -o 进度-2019Q4.xlsx",
    ),
)
def progress(
    quarter: Annotated[
        str | None,
        typer.Option("--quarter", help="Report quarter, e.g. 2019Q4 (default: the latest)."),
    ] = None,
    fmt: Annotated[
        ProgressFormat, typer.Option("--format", help="Output format (xlsx needs -o).")
    ] = ProgressFormat.text,
    lang: LangOpt = Lang.zh,
    output: OutputOpt = None,
    stall_quarters: Annotated[
        int,
        typer.Option(
            "--stall-quarters",
            min=1,
            help="A project is stalled after N quarters without a stage change.",
        ),
    ] = 4,
    project: ProjectOpt = None,
    ruleset: RulesetOpt = None,
) -> int:
    """Progress against the §2/§3 targets to 2020: scorecard with projections, investment
    shares per town, four-batches pipeline, stalled projects, county bulletin ranking (§4.2a),
    assessment and one-vote veto (§4.3b), culture revenue growth. Exit 0 for a report (even
    when targets are missed), 2 for bad data."""
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
