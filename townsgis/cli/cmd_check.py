"""`townsgis check`: run a rule set on the project's towns and report the findings."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from townsgis.cli import app
from townsgis.cli.options import (
    FailOn,
    FailOnOpt,
    Lang,
    LangOpt,
    OutputOpt,
    ProjectOpt,
    RulesetOpt,
    open_project,
)


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    geojson = "geojson"
    markdown = "markdown"


_SUFFIX = {"text": "txt", "json": "json", "geojson": "geojson", "markdown": "md"}


@app.command("check")
def check(
    ruleset: RulesetOpt = None,
    fmt: Annotated[CheckFormat, typer.Option("--format", help="Output format.")] = CheckFormat.text,
    output: OutputOpt = None,
    fail_on: FailOnOpt = FailOn.error,
    lang: LangOpt = Lang.zh,
    project: ProjectOpt = None,
) -> None:
    """Check the towns against a rule set (default huzhou-2018).

    Exit 0 when no unwaived finding reaches --fail-on, 1 otherwise, 2 on bad input.
    """
    from townsgis.engine import load_inputs, run_rules
    from townsgis.layers import write_text_atomic
    from townsgis.outputs import output_path
    from townsgis.report import render

    proj = open_project(project)
    path = None
    if output is not None:
        path = output_path(proj, output, f"check.{_SUFFIX[fmt.value]}")
    ds, rs = load_inputs(proj, ruleset)
    result = run_rules(ds, rs)
    text = render(result, fmt.value, lang.value, fail_on.value)
    if path is not None:
        write_text_atomic(text, path)
        typer.echo(f"wrote {path}", err=True)
    else:
        typer.echo(text, nl=False)
    raise typer.Exit(result.exit_code(fail_on.value))
