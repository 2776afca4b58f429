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
    examples,
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


@app.command(
    "check",
    epilog=examples(
        "townsgis check", "townsgis check --format markdown --lang en -o maps/check.md"
    ),
)
def check(
    ruleset: RulesetOpt = None,
    fmt: Annotated[CheckFormat, typer.Option("--format", help="Output format.")] = CheckFormat.text,
    output: OutputOpt = None,
    fail_on: FailOnOpt = FailOn.error,
    lang: LangOpt = Lang.zh,
    project: ProjectOpt = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Say which findings are new, resolved or persisting since 'last' (the last "
            "recorded run of this rule set; this run is then recorded) or since a FILE "
            "written by `check --format json`.",
        ),
    ] = None,
    record: Annotated[
        bool, typer.Option("--record", help="Record this run in the project (for --since).")
    ] = False,
) -> None:
    """Check the towns against a rule set (default huzhou-2018).

    --format gpkg writes a GeoPackage (default maps/check.gpkg) with the findings, towns and
    units styled for QGIS as on the web map. Exit 0 when no unwaived finding reaches
    --fail-on, 1 otherwise, 2 on bad input.

    Examples: townsgis check --lang en ; townsgis check --format gpkg -o maps/check.gpkg ;
    townsgis check --since last --project DIR
    """
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
