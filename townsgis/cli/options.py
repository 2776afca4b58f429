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
from townsgis.cli.help import text
from townsgis.i18n import get_lang, set_lang
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
        help=text(
            "opt.project",
            "项目文件夹，或 PostGIS 项目 postgresql://USER@HOST/DB?schema=NAME"
            "（默认：随附的湖州示例项目）。",
            "Project folder, or a PostGIS project postgresql://USER@HOST/DB?schema=NAME "
            "(default: the bundled Huzhou project).",
        ),
        show_default=False,
    ),
]


def _set_lang(ctx: typer.Context, param: typer.CallbackParam, value: Lang | None) -> Lang:
    """Make ``--lang`` the current language of messages (townsgis.i18n). Not given, a
    command takes the language already chosen (``townsgis --lang en check``), not zh."""
    source = ctx.get_parameter_source(param.name) if param.name else None
    if value is None or source is None or source.name == "DEFAULT":
        return Lang(get_lang())
    return Lang(set_lang(str(value)))


LangOpt = Annotated[
    Lang,
    typer.Option(
        "--lang",
        help=text(
            "opt.lang",
            "消息和标注的语言：zh（中文，默认）或 en（英文）。",
            "Language of messages and labels: zh (Chinese, default) or en (English).",
        ),
        callback=_set_lang,
        is_eager=True,
    ),
]
RulesetOpt = Annotated[
    str | None,
    typer.Option(
        "--ruleset",
        help=text(
            "opt.ruleset",
            "规则集：rules/ 中的编号（如 huzhou-2018）或 .toml 文件路径。",
            "Rule set id in rules/ (e.g. huzhou-2018) or a .toml path.",
        ),
    ),
]
CrsOpt = Annotated[
    str | None,
    typer.Option(
        "--crs",
        help=text(
            "opt.crs",
            "输入坐标系：gcj02、bd09、wgs84、cgcs2000 或 EPSG:n。",
            "Input CRS: gcj02, bd09, wgs84, cgcs2000 or EPSG:n.",
        ),
    ),
]
# A string, not a Path: a trailing "/" (write the default file name into that folder) must
# survive; townsgis.outputs.output_path interprets and checks it.
OutputOpt = Annotated[
    str | None,
    typer.Option(
        "-o",
        "--output",
        help=text(
            "opt.output",
            "写入此文件（以 / 结尾的路径是文件夹：在其中写入默认文件名）。"
            "不会写到项目的输入数据、文件夹或设备上。",
            "Write to this file (a path ending in / is a folder: the default name inside it). "
            "Never onto the project's inputs, a folder or a device.",
        ),
    ),
]
FORMAT_HELP = text("opt.format", "输出格式。", "Output format.")
TextFormatOpt = Annotated[TextFormat, typer.Option("--format", help=FORMAT_HELP)]

# --fail-on: `check` fails the run, `site` fails a site.
FailOnOpt = Annotated[
    FailOn,
    typer.Option(
        "--fail-on",
        help=text(
            "opt.fail_on",
            "未豁免的问题达到此严重程度（error 错误，warning 警告）时退出码为 1。",
            "Exit 1 when an unwaived finding reaches this severity.",
        ),
    ),
]
SiteFailOnOpt = Annotated[
    FailOn,
    typer.Option(
        "--fail-on",
        help=text(
            "opt.site_fail_on",
            "判定选址不通过的最低严重程度（error 错误，warning 警告）。",
            "Lowest severity that fails a site.",
        ),
    ),
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


def accepted_words(domain: str):
    """A help placeholder: the names of ``domain``'s values in the vocabulary, in the language
    of the moment (the vocabulary is imported only when help is shown)."""

    def words() -> str:
        from townsgis import vocab

        return vocab.join(domain, vocab.ids(domain))

    return words


LEVELS_HELP = text(
    "opt.level",
    "小镇级别：{words}；也接受常用说法（如 培育、省级培育类）和英文代码。",
    "Level of the town: {words}; common Chinese words (省级培育, 培育) and the codes "
    "(provincial_cultivation) are accepted too.",
    words=accepted_words("level"),
)
CATEGORIES_HELP = text(
    "opt.category",
    "小镇类别：{words}；也接受常用说法（如 制造业、旅游、服务业）和英文代码。",
    "Category of the town: {words}; common Chinese words (制造业, 旅游, 服务业) and the codes "
    "(manufacturing, tourism, services) are accepted too.",
    words=accepted_words("category"),
)


def _vocab_option(domain: str, flag: str):
    """A callback reading an option's value with the vocabulary (制造业 → manufacturing)."""

    def parse(value: str | None) -> str | None:
        from townsgis import vocab

        return None if value is None else vocab.parse(domain, value, what=flag)

    return parse


_LON = typer.Option(
    "--lon",
    help=text("opt.lon", "选址中心的经度。", "Longitude of the site centre."),
    callback=number_check(),
)
_LAT = typer.Option(
    "--lat",
    help=text("opt.lat", "选址中心的纬度。", "Latitude of the site centre."),
    callback=number_check(),
)
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
NameOpt = Annotated[
    str | None, typer.Option("--name", help=text("opt.name", "选址名称。", "Name of the site."))
]
UnitOpt = Annotated[
    str | None,
    typer.Option(
        "--unit",
        help=text(
            "opt.unit",
            "只在此县区内：代码或名称（330503、南浔区、南浔）。",
            "Only inside this unit: its code or name (330503, 南浔区, 南浔).",
        ),
    ),
]
_SITE_AREA = typer.Option(
    "--area-km2",
    help=text(
        "opt.site_area",
        f"点位选址的占地：此面积的圆，平方公里（默认 {DEFAULT_AREA_KM2:g}）。",
        f"Footprint of a point site: a circle of this area, km² (default {DEFAULT_AREA_KM2:g}).",
    ),
    callback=area_check(),
)
OptionalSiteAreaOpt = Annotated[float | None, _SITE_AREA]
TownAreaOpt = Annotated[
    float,
    typer.Option(
        "--area-km2",
        help=text(
            "opt.town_area",
            "新增小镇的占地（圆形），平方公里。",
            "Footprint of the new town (a circle), km².",
        ),
        callback=area_check(),
    ),
]


def open_project(path: str | Path | None) -> Project:
    """The project at `path` (a folder or a store URL), or the bundled Huzhou project when
    None."""
    return Project.open(path)
