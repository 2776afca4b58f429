"""Options and choices shared by several commands, declared once.

Each alias is an ``Annotated[type, typer.Option(...)]``; a command writes
``lang: LangOpt = Lang.zh``. Where commands need the same option with another type (a site
option that is optional in `site` but required in `export site`), the option itself is one
module constant and the aliases differ only in type. Only light modules are imported here,
so ``townsgis --help`` does not load geopandas.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from townsgis.choices import FailOn, Lang
from townsgis.i18n import set_lang
from townsgis.project import Project


class TextFormat(StrEnum):
    """`--format` of the commands that print either text or JSON."""

    text = "text"
    json = "json"


# a str, not a Path: Path("postgresql://…") would fold the "//" of a store URL
ProjectOpt = Annotated[
    str | None,
    typer.Option(
        "--project",
        help="Project folder, or a PostGIS project postgresql://USER@HOST/DB?schema=NAME "
        "(default: the bundled Huzhou project).",
        show_default=False,
    ),
]


def _set_lang(value: Lang | None) -> Lang | None:
    """Make ``--lang`` the current language of messages (townsgis.i18n)."""
    if value is not None:
        set_lang(str(value))
    return value


LangOpt = Annotated[
    Lang,
    typer.Option(
        "--lang",
        help="Language of messages and labels: zh (default) or en.",
        callback=_set_lang,
        is_eager=True,
    ),
]
RulesetOpt = Annotated[
    str | None,
    typer.Option("--ruleset", help="Rule set id in rules/ (e.g. huzhou-2018) or a .toml path."),
]
CrsOpt = Annotated[
    str | None,
    typer.Option("--crs", help="Input CRS: gcj02, bd09, wgs84, cgcs2000 or EPSG:n."),
]
# A string, not a Path: a trailing "/" (write the default file name into that folder) must
# survive; townsgis.outputs.output_path interprets and checks it.
OutputOpt = Annotated[
    str | None,
    typer.Option(
        "-o",
        "--output",
        help="Write to this file (a path ending in / is a folder: the default name inside it). "
        "Never onto the project's inputs, a folder or a device.",
    ),
]
TextFormatOpt = Annotated[TextFormat, typer.Option("--format", help="Output format.")]

# --fail-on: `check` fails the run, `site` fails a site.
FailOnOpt = Annotated[
    FailOn, typer.Option("--fail-on", help="Exit 1 when an unwaived finding reaches this.")
]
SiteFailOnOpt = Annotated[
    FailOn, typer.Option("--fail-on", help="Lowest severity that fails a site.")
]

# A proposed site or one more town: `site`, `feasible`, `export site`, `export feasible`.
DEFAULT_LEVEL = "provincial_creation"
DEFAULT_AREA_KM2 = 3.0


def number_check(**bounds):
    """A typer callback checking a numeric option (finite, within ``bounds``: minimum,
    maximum, above) at parse time: a bad value is a usage error naming the option, exit 2."""

    def check(value):
        if value is None:
            return value
        from townsgis.validate import number_problem

        problem = number_problem(value, **bounds)
        if problem:
            raise typer.BadParameter(problem)
        return value

    return check


def area_check():
    """The callback of every area option: finite, above 0, at most 10,000 km²."""
    from townsgis.validate import MAX_AREA_KM2

    return number_check(above=0.0, maximum=MAX_AREA_KM2)


LEVELS_HELP = (
    "省级创建, 省级培育, 省级命名 or 市级 (or provincial_creation, provincial_cultivation, "
    "provincial_named, municipal)."
)
CATEGORIES_HELP = (
    "制造类 (制造业), 休闲旅游类 (旅游) or 其他现代服务业 (服务业); or manufacturing, tourism, "
    "services."
)


def _vocab_option(domain: str, flag: str):
    """A callback reading an option's value with the vocabulary (制造业 → manufacturing)."""

    def parse(value: str | None) -> str | None:
        from townsgis import vocab

        return None if value is None else vocab.parse(domain, value, what=flag)

    return parse


_LON = typer.Option("--lon", help="Longitude of the site centre.", callback=number_check())
_LAT = typer.Option("--lat", help="Latitude of the site centre.", callback=number_check())
_CATEGORY = typer.Option(
    "--category", help=CATEGORIES_HELP, callback=_vocab_option("category", "--category")
)
_LEVEL = typer.Option("--level", help=LEVELS_HELP, callback=_vocab_option("level", "--level"))

LonOpt = Annotated[float, _LON]
LatOpt = Annotated[float, _LAT]
CategoryOpt = Annotated[str, _CATEGORY]
LevelOpt = Annotated[str, _LEVEL]
# The same options where `site` leaves them unset (it also takes --boundary/--file).
OptionalLonOpt = Annotated[float | None, _LON]
OptionalLatOpt = Annotated[float | None, _LAT]
OptionalCategoryOpt = Annotated[str | None, _CATEGORY]
OptionalLevelOpt = Annotated[str | None, _LEVEL]
NameOpt = Annotated[str | None, typer.Option("--name", help="Name of the site.")]
UnitOpt = Annotated[
    str | None,
    typer.Option("--unit", help="Only inside this unit: its code or name (330503, 南浔区, 南浔)."),
]
_SITE_AREA = typer.Option(
    "--area-km2",
    help=f"Footprint of a point site: a circle of this area, km² (default {DEFAULT_AREA_KM2}).",
    callback=area_check(),
)
OptionalSiteAreaOpt = Annotated[float | None, _SITE_AREA]
TownAreaOpt = Annotated[
    float,
    typer.Option(
        "--area-km2", help="Footprint of the new town (a circle), km².", callback=area_check()
    ),
]


def examples(*commands: str) -> str:
    """The ``--help`` epilog: one or two real commands, each on its own line."""
    return "示例 Examples:\n\n" + "\n\n".join(f"  {c}" for c in commands)


def open_project(path: str | Path | None) -> Project:
    """The project at `path` (a folder or a store URL), or the bundled Huzhou project when
    None."""
    return Project.open(path)
