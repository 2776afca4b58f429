"""``/download/…``: the print exports (PNG, PDF, SVG) of the layout, of a site with its
verdict and of the feasible area, made by ``townsgis.printmap`` exactly as ``townsgis export``
makes them; and the findings as GeoJSON, GeoPackage and XLSX. Nothing is written to disk.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from townsgis.choices import Paper, PrintFormat
from townsgis.i18n import using
from townsgis.validate import MAX_AREA_KM2
from townsgis.web import deps
from townsgis.web.deps import Crs, LangQ, RulesetQ

router = APIRouter(prefix="/download", tags=["downloads"])

MIME = {
    "png": "image/png",
    "pdf": "application/pdf",
    "svg": "image/svg+xml",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class TableFmt(StrEnum):
    geojson = "geojson"
    gpkg = "gpkg"
    xlsx = "xlsx"


PaperQ = Annotated[Paper, Query(description="Paper size.")]
DpiQ = Annotated[int, Query(ge=50, le=300, description="PNG resolution.")]


def _file(data: bytes, name: str, fmt: str) -> Response:
    return Response(
        data,
        media_type=MIME[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


async def _print(request: Request, kind: str, fmt: PrintFormat, paper: Paper, dpi: int, **opts):
    from townsgis.printmap.export import figure_bytes
    from townsgis.printmap.scenes import build_scene

    lg = deps.lang_of(request)
    project = deps.settings(request).project

    def work():
        with using(lg):
            scene = build_scene(kind, project, lang=lg, **opts)
            return figure_bytes(scene, fmt.value, paper=paper.value, dpi=dpi)

    return _file(await run_in_threadpool(work), kind, fmt.value)


@router.get("/layout.{fmt}", summary="Print map of the layout (PNG, PDF, SVG)")
async def layout_map(
    request: Request,
    fmt: PrintFormat,
    paper: PaperQ = Paper.A4,
    dpi: DpiQ = 150,
    ruleset: RulesetQ = None,
    lang: LangQ = None,
):
    """As ``townsgis export layout --format FMT``."""
    return await _print(request, "layout", fmt, paper, dpi, ruleset=ruleset)


@router.get("/site.{fmt}", summary="Print map of a site with its verdict")
async def site_map(
    request: Request,
    fmt: PrintFormat,
    lon: Annotated[float, Query(ge=-180, le=180, allow_inf_nan=False)],
    lat: Annotated[float, Query(ge=-90, le=90, allow_inf_nan=False)],
    category: Annotated[str, Query(min_length=1, max_length=40)],
    level: Annotated[str, Query(min_length=1, max_length=40)] = "provincial_creation",
    crs: Crs = Crs.wgs84,
    area_km2: Annotated[float, Query(gt=0, le=MAX_AREA_KM2, allow_inf_nan=False)] = 3.0,
    name: Annotated[str | None, Query(max_length=200)] = None,
    paper: PaperQ = Paper.A4,
    dpi: DpiQ = 150,
    ruleset: RulesetQ = None,
    lang: LangQ = None,
):
    """As ``townsgis export site --format FMT``."""
    lg = deps.lang_of(request)
    cat = deps.parse_term("category", category, "category", lg)
    lvl = deps.parse_term("level", level, "level", lg)
    return await _print(
        request, "site", fmt, paper, dpi, lon=lon, lat=lat, crs=crs.value, area_km2=area_km2,
        category=cat, level=lvl, name=name, ruleset=ruleset,
    )  # fmt: skip


@router.get("/feasible.{fmt}", summary="Print map of the feasible area")
async def feasible_map(
    request: Request,
    fmt: PrintFormat,
    category: Annotated[str, Query(min_length=1, max_length=40)],
    level: Annotated[str, Query(min_length=1, max_length=40)] = "provincial_creation",
    unit: Annotated[str | None, Query(max_length=60)] = None,
    area_km2: Annotated[float, Query(gt=0, le=MAX_AREA_KM2, allow_inf_nan=False)] = 3.0,
    paper: PaperQ = Paper.A4,
    dpi: DpiQ = 150,
    ruleset: RulesetQ = None,
    lang: LangQ = None,
):
    """As ``townsgis export feasible --format FMT``."""
    lg = deps.lang_of(request)
    cat = deps.parse_term("category", category, "category", lg)
    lvl = deps.parse_term("level", level, "level", lg)
    ds, _ = deps.cache(request).inputs(ruleset, layout_only=True)
    uid = deps.parse_unit(unit, ds.units, lg)
    return await _print(
        request, "feasible", fmt, paper, dpi, category=cat, level=lvl, unit=uid,
        area_km2=area_km2, ruleset=ruleset,
    )  # fmt: skip


@router.get("/findings.{fmt}", summary="The layout's findings as GeoJSON, GeoPackage or XLSX")
def findings_file(request: Request, fmt: TableFmt, ruleset: RulesetQ = None, lang: LangQ = None):
    """As ``townsgis check --format geojson``; GeoPackage and XLSX from the same findings."""
    from townsgis.engine import run_rules
    from townsgis.findings_files import findings_gpkg, findings_xlsx
    from townsgis.report import render_geojson

    lg = deps.lang_of(request)
    with using(lg):
        ds, rs = deps.cache(request).inputs(ruleset, layout_only=False)
        result = run_rules(ds, rs)
        if fmt == TableFmt.geojson:
            data = render_geojson(result, lg).encode("utf-8")
        elif fmt == TableFmt.gpkg:
            data = findings_gpkg(result, lg)
        else:
            data = findings_xlsx(result, lg)
    return _file(data, "findings", fmt.value)
