"""`townsgis import KIND FILE`: check a layer file, convert it to WGS84, write it to the project."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer

from townsgis.cli import app
from townsgis.cli.options import (
    CrsOpt,
    Lang,
    LangOpt,
    ProjectOpt,
    TextFormat,
    TextFormatOpt,
    examples,
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


@app.command(
    "import",
    epilog=examples(
        "townsgis import proposals 选址.xlsx --crs gcj02 --check-only",
        "townsgis import towns 小镇.shp --mode update",
    ),
)
def import_cmd(
    kind: Kind = typer.Argument(..., help="Layer kind: units, towns, projects or proposals."),
    file: Path = typer.Argument(
        ..., help="GeoJSON, GeoPackage, Shapefile, KML/KMZ, or CSV/XLSX with lon/lat columns."
    ),
    crs: CrsOpt = None,
    encoding: str = typer.Option(
        None,
        "--encoding",
        help="Text encoding of a Shapefile/CSV (default: .cpg, else detect UTF-8 or GB18030).",
    ),
    fix_geometry: bool = typer.Option(
        False, "--fix-geometry", help="Repair invalid geometries (make_valid) and report each."
    ),
    check_only: bool = typer.Option(
        False, "--check-only", help="Check the file only; write nothing."
    ),
    mode: Mode = typer.Option(
        Mode.replace,
        "--mode",
        help="replace the layer, append features (ids must be new), or update features by id "
        "(matching ids replaced, new ones added).",
    ),
    force: bool = typer.Option(
        False,
        "--force",
        help="Write even when projects, waivers or tables would name towns (or towns units) "
        "that disappear.",
    ),
    layer_format: LayerFormat = typer.Option(
        None,
        "--layer-format",
        help="Keep the layer as geojson, gpkg (GeoPackage) or parquet (GeoParquet: fastest to "
        "read, for big layers); default: the format it has now (GeoJSON for a new layer).",
    ),
    project: ProjectOpt = None,
    fmt: TextFormatOpt = TextFormat.text,
    lang: LangOpt = Lang.zh,
) -> None:
    """Check FILE against the KIND schema and write it to the project's layers in WGS84
    (GeoJSON, or the --layer-format given: GeoPackage, GeoParquet).

    CSV/XLSX without --crs are read as WGS84 (a note says so). The input is never modified;
    the layer it replaces is kept (`townsgis history`, `townsgis restore KIND`). The bundled
    sample is read-only: import into a project of your own (`townsgis init DIR`, then
    --project DIR). Exit 0 when the file is good, 2 with every problem listed when it is not.
    """
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
                mode=result.mode,
                total=result.total,
                kind=kind,
            )
        )
        if result.kept_version is not None:
            typer.echo(msg("history.kept", version=result.kept_version, kind=result.kind))
    else:
        typer.echo(msg("import.check_only"))
