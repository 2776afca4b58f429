"""`townsgis import KIND FILE`: check a layer file, convert it to WGS84, write it to the project."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer

from townsgis.cli import app
from townsgis.cli.help import command, text
from townsgis.cli.options import (
    CrsOpt,
    Lang,
    LangOpt,
    ProjectOpt,
    TextFormat,
    TextFormatOpt,
    open_project,
)


class Mode(StrEnum):
    replace = "replace"
    append = "append"
    update = "update"


class Kind(StrEnum):
    units = "units"
    towns = "towns"
    projects = "projects"
    proposals = "proposals"


class LayerFormat(StrEnum):
    geojson = "geojson"
    gpkg = "gpkg"
    parquet = "parquet"


@command(
    app,
    "import",
    zh="按 KIND 的数据规范检查 FILE，并以 WGS84 写入项目图层（GeoJSON，或 --layer-format "
    "指定的 GeoPackage、GeoParquet）。\n\n"
    "未给 --crs 的 CSV/XLSX 按 WGS84 读取（会有说明提示）。输入文件从不被修改；被替换的图层会"
    "保留（townsgis history、townsgis restore KIND）。随附示例项目只读：请导入到自己的项目"
    "（先 townsgis init DIR，再加 --project DIR）。文件无误时退出码为 0，有问题时为 2 并列出"
    "全部问题。",
    en="Check FILE against the KIND schema and write it to the project's layers in WGS84 "
    "(GeoJSON, or the --layer-format given: GeoPackage, GeoParquet).\n\n"
    "CSV/XLSX without --crs are read as WGS84 (a note says so). The input is never modified; "
    "the layer it replaces is kept (`townsgis history`, `townsgis restore KIND`). The bundled "
    "sample is read-only: import into a project of your own (`townsgis init DIR`, then "
    "--project DIR). Exit 0 when the file is good, 2 with every problem listed when it is not.",
    examples=[
        "townsgis import proposals 选址.xlsx --crs gcj02 --check-only",
        "townsgis import towns 小镇.shp --mode update",
    ],
)
def import_cmd(
    kind: Kind = typer.Argument(
        ...,
        metavar="KIND",
        help=text(
            "import.kind",
            "图层种类：units（县区）、towns（小镇）、projects（项目）或 proposals（拟选址）。",
            "Layer kind: units, towns, projects or proposals.",
        ),
    ),
    file: Path = typer.Argument(
        ...,
        metavar="FILE",
        help=text(
            "import.file",
            "GeoJSON、GeoPackage、Shapefile、KML/KMZ，或带经纬度列的 CSV/XLSX。",
            "GeoJSON, GeoPackage, Shapefile, KML/KMZ, or CSV/XLSX with lon/lat columns.",
        ),
    ),
    crs: CrsOpt = None,
    encoding: str = typer.Option(
        None,
        "--encoding",
        help=text(
            "import.encoding",
            "Shapefile/CSV 的文字编码（默认：按 .cpg 文件，否则自动识别 UTF-8 或 GB18030）。",
            "Text encoding of a Shapefile/CSV (default: .cpg, else detect UTF-8 or GB18030).",
        ),
    ),
    fix_geometry: bool = typer.Option(
        False,
        "--fix-geometry",
        help=text(
            "import.fix_geometry",
            "修复无效几何（make_valid），并逐个报告。",
            "Repair invalid geometries (make_valid) and report each.",
        ),
    ),
    check_only: bool = typer.Option(
        False,
        "--check-only",
        help=text(
            "import.check_only_opt",
            "只检查文件，不写入任何内容。",
            "Check the file only; write nothing.",
        ),
    ),
    mode: Mode = typer.Option(
        Mode.replace,
        "--mode",
        help=text(
            "import.mode",
            "replace 替换整个图层；append 追加要素（编号须为新）；update 按编号更新要素"
            "（相同编号的被替换，新编号的被添加）。",
            "replace the layer, append features (ids must be new), or update features by id "
            "(matching ids replaced, new ones added).",
        ),
    ),
    force: bool = typer.Option(
        False,
        "--force",
        help=text(
            "import.force",
            "即使项目、豁免或表格会引用消失的小镇（或小镇引用消失的县区）也照样写入。",
            "Write even when projects, waivers or tables would name towns (or towns units) "
            "that disappear.",
        ),
    ),
    layer_format: LayerFormat = typer.Option(
        None,
        "--layer-format",
        help=text(
            "import.layer_format",
            "图层保存格式：geojson、gpkg（GeoPackage）或 parquet（GeoParquet：读取最快，"
            "适合大图层）；默认：保持现有格式（新图层为 GeoJSON）。",
            "Keep the layer as geojson, gpkg (GeoPackage) or parquet (GeoParquet: fastest to "
            "read, for big layers); default: the format it has now (GeoJSON for a new layer).",
        ),
    ),
    project: ProjectOpt = None,
    fmt: TextFormatOpt = TextFormat.text,
    lang: LangOpt = Lang.zh,
) -> None:
    from townsgis.importer import import_layer

    result = import_layer(
        open_project(project),
        kind.value,
        file,
        crs=crs,
        encoding=encoding,
        fix_geometry=fix_geometry,
        check_only=check_only,
        mode=mode.value,
        force=force,
        layer_format=layer_format.value if layer_format else None,
    )
    if fmt == TextFormat.json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    from townsgis import vocab
    from townsgis.messages import msg

    for note in result.notes:
        typer.echo(msg("cli.note", text=note), err=True)
    for fix in result.fixes:
        typer.echo(msg("cli.fixed", text=fix))
    b = ", ".join(f"{v:.5f}" for v in result.bounds) if result.bounds else "-"
    kind = vocab.label("layer_kind", result.kind)
    typer.echo(
        msg(
            "import.checked",
            source=result.source,
            count=result.count,
            kind=kind,
            crs=result.crs_in,
            bounds=b,
        )
    )
    if result.written:
        typer.echo(
            msg(
                "import.wrote",
                target=result.target,
                mode=msg(f"import.mode.{result.mode}"),
                total=result.total,
                kind=kind,
            )
        )
        if result.kept_version is not None:
            typer.echo(msg("history.kept", version=result.kept_version, kind=result.kind))
    else:
        typer.echo(msg("import.check_only"))
