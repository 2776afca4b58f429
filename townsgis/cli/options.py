"""Options shared by several commands, declared once."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from townsgis.project import Project


class Lang(StrEnum):
    zh = "zh"
    en = "en"


ProjectOpt = Annotated[
    Path | None,
    typer.Option(
        "--project",
        help="Project folder (default: the bundled Huzhou project).",
        file_okay=False,
        show_default=False,
    ),
]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of messages and labels.")]
RulesetOpt = Annotated[
    str | None,
    typer.Option("--ruleset", help="Rule set id in rules/ (e.g. huzhou-2018) or a .toml path."),
]
CrsOpt = Annotated[
    str | None,
    typer.Option("--crs", help="Input CRS: gcj02, bd09, wgs84, cgcs2000 or EPSG:n."),
]
OutputOpt = Annotated[
    Path | None, typer.Option("-o", "--output", help="Write to this file instead of stdout.")
]


def open_project(path: Path | None) -> Project:
    return Project.open(path)
