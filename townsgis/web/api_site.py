"""``/api/site``: the verdict of ``townsgis site`` for a clicked point, a drawn outline or an
uploaded file. The answer is the CLI's ``site --format json`` document (``{"sites": […]}``)
plus ``ruleset`` and ``rules`` (each rule's clause and the notice's words, for the panel).
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from townsgis.i18n import using
from townsgis.siting.sites import DEFAULT_AREA_KM2
from townsgis.validate import MAX_AREA_KM2
from townsgis.web import deps
from townsgis.web.deps import Crs, FailOn, FailOnQ, LangQ, RulesetQ
from townsgis.web.errors import WebError

router = APIRouter(prefix="/api", tags=["site"])

NameText = Annotated[str | None, Field(max_length=200)]


def rules_info(rs, lang: str) -> dict[str, dict]:
    """Each rule's clause, severity and title (the notice's words) in ``lang``."""
    return {
        r.id: {"clause": r.clause, "severity": str(r.severity), "title": r.title(lang)}
        for r in rs.rules
    }


def report_json(report, rs, lang: str, fail_on: str) -> dict:
    """The CLI's site JSON plus the rule set and its rules' words."""
    d = report.to_dict(lang)
    d["ruleset"] = {"id": rs.id, "version": rs.version, "title": rs.title(lang)}
    d["fail_on"] = fail_on
    d["skipped_rules"] = list(report.skipped_rules)
    d["rules"] = rules_info(rs, lang)
    return d


def judge(request: Request, make_sites, *, ruleset, fail_on: str, together: bool, lang: str):
    """Load the (cached) inputs, build the sites with ``make_sites(ds)`` and judge them."""
    from townsgis.siting import evaluate_sites

    with using(lang):
        ds, rs = deps.cache(request).inputs(ruleset, layout_only=True)
        sites = make_sites(ds)
        report = evaluate_sites(ds, rs, sites, together=together, fail_on=fail_on)
        return report_json(report, rs, lang, fail_on)


@router.get("/site", summary="Verdict on a point site (a circle of area_km2)")
def site_point(
    request: Request,
    lon: Annotated[float, Query(ge=-180, le=180, allow_inf_nan=False)],
    lat: Annotated[float, Query(ge=-90, le=90, allow_inf_nan=False)],
    category: Annotated[str, Query(min_length=1, max_length=40, description="制造业, tourism …")],
    level: Annotated[str, Query(min_length=1, max_length=40, description="省级培育, municipal …")],
    crs: Crs = Crs.wgs84,
    area_km2: Annotated[
        float, Query(gt=0, le=MAX_AREA_KM2, allow_inf_nan=False)
    ] = DEFAULT_AREA_KM2,
    name: Annotated[str | None, Query(max_length=200)] = None,
    fail_on: FailOnQ = FailOn.error,
    ruleset: RulesetQ = None,
    lang: LangQ = None,
) -> dict:
    """As ``townsgis site --lon --lat --crs --category --level --area-km2 --format json``."""
    from townsgis.siting import sites_from_point

    lg = deps.lang_of(request)
    cat = deps.parse_term("category", category, "category", lg)
    lvl = deps.parse_term("level", level, "level", lg)

    def make(ds):
        return sites_from_point(
            ds, lon, lat, crs=crs.value, area_km2=area_km2, category=cat, level=lvl, name=name
        )

    return judge(request, make, ruleset=ruleset, fail_on=fail_on.value, together=False, lang=lg)


class SiteShape(BaseModel):
    """A drawn site: a GeoJSON geometry (Point or Polygon) or Feature, in ``crs``."""

    model_config = ConfigDict(extra="forbid")
    geometry: dict[str, Any] = Field(description="GeoJSON geometry or Feature")
    category: str = Field(min_length=1, max_length=40)
    level: str = Field(min_length=1, max_length=40)
    crs: Crs = Crs.wgs84
    area_km2: float = Field(DEFAULT_AREA_KM2, gt=0, le=MAX_AREA_KM2, allow_inf_nan=False)
    name: NameText = None
    fail_on: FailOn = FailOn.error


def shape_of(geometry: dict, crs: str):
    """A shapely geometry in WGS84 from a GeoJSON geometry or Feature given in ``crs``."""
    import geopandas as gpd
    import shapely.geometry

    from townsgis.crs import WGS84, parse_crs, reproject

    geom = geometry.get("geometry") if geometry.get("type") == "Feature" else geometry
    try:
        g = shapely.geometry.shape(geom)
    except Exception as exc:
        raise WebError(400, "err_geometry", detail=str(exc)[:200] or type(exc).__name__) from None
    if g.is_empty or not all(math.isfinite(v) for v in g.bounds):
        raise WebError(400, "err_geometry", detail=g.geom_type)
    if g.geom_type not in ("Point", "Polygon", "MultiPolygon"):
        raise WebError(400, "err_geometry", detail=g.geom_type)
    frame = gpd.GeoDataFrame(geometry=[g], crs=None)
    return reproject(frame, parse_crs(crs), WGS84).geometry.iloc[0]


@router.post("/site", summary="Verdict on a drawn site (GeoJSON point or polygon)")
def site_shape(request: Request, body: SiteShape, ruleset: RulesetQ = None, lang: LangQ = None):
    """As ``townsgis site --boundary F`` for a polygon, ``--lon/--lat`` for a point."""
    import geopandas as gpd

    from townsgis.crs import WGS84
    from townsgis.siting import make_sites

    lg = deps.lang_of(request)
    cat = deps.parse_term("category", body.category, "category", lg)
    lvl = deps.parse_term("level", body.level, "level", lg)
    g = shape_of(body.geometry, body.crs.value)

    def make(ds):
        attrs = {"name": body.name or "site", "category": cat, "level": lvl}
        attrs["area_km2"] = body.area_km2
        return make_sites(ds, gpd.GeoSeries([g], crs=WGS84), [attrs], source="site")

    return judge(
        request, make, ruleset=ruleset, fail_on=body.fail_on.value, together=False, lang=lg
    )


@router.post("/site/upload", summary="Verdicts on the sites of an uploaded file")
async def site_upload(
    request: Request,
    file: Annotated[UploadFile, File(description="GeoJSON, KML/KMZ, zipped Shapefile, CSV, XLSX")],
    crs: Annotated[Crs | None, Form()] = None,
    category: Annotated[str | None, Form(max_length=40)] = None,
    level: Annotated[str | None, Form(max_length=40)] = None,
    area_km2: Annotated[float | None, Form(gt=0, le=MAX_AREA_KM2, allow_inf_nan=False)] = None,
    default_category: Annotated[str | None, Form(max_length=40)] = None,
    default_level: Annotated[str | None, Form(max_length=40)] = None,
    default_area_km2: Annotated[
        float | None, Form(gt=0, le=MAX_AREA_KM2, allow_inf_nan=False)
    ] = None,
    together: Annotated[bool, Form()] = False,
    fail_on: Annotated[FailOn, Form()] = FailOn.error,
    ruleset: RulesetQ = None,
    lang: LangQ = None,
):
    """As ``townsgis site --file F [--together]``: one verdict per row or feature. Fields in
    the file (名称/name, 类别/category, 级别/level, 面积/area_km2) are used; the form's
    category/level/area_km2, when given, win over them (as the CLI's options do), and its
    default_* fields fill only what the file leaves blank."""
    from townsgis.siting import sites_from_file
    from townsgis.web.uploads import display_name, store_upload

    lg = deps.lang_of(request)
    limit = deps.settings(request).max_upload_bytes
    data = await file.read(limit + 1)
    name = display_name(file.filename)
    cat = deps.parse_term("category", category, "category", lg) if category else None
    lvl = deps.parse_term("level", level, "level", lg) if level else None
    given = {"category": cat, "level": lvl, "area_km2": area_km2}
    fill = {
        "category": deps.parse_term("category", default_category, "category", lg)
        if default_category
        else None,
        "level": deps.parse_term("level", default_level, "level", lg) if default_level else None,
        "area_km2": default_area_km2 or DEFAULT_AREA_KM2,
    }

    def work():
        with tempfile.TemporaryDirectory(prefix="townsgis-upload-") as tmp:
            path = store_upload(data, name, Path(tmp), limit)

            def make(ds):
                return sites_from_file(
                    ds,
                    path,
                    crs=crs.value if crs else None,
                    defaults=fill,
                    overrides=given,
                )

            try:
                return judge(
                    request, make, ruleset=ruleset, fail_on=fail_on.value,
                    together=together, lang=lg,
                )  # fmt: skip
            except Exception as exc:
                _rename_paths(exc, str(path), name)
                raise

    return await run_in_threadpool(work)


def _rename_paths(exc: Exception, tmp: str, name: str) -> None:
    """Messages name the user's file, never the temporary path it was read from."""
    from townsgis.errors import SchemaError

    def fix(v):
        return v.replace(tmp, name).replace(Path(tmp).name, name) if isinstance(v, str) else v

    if isinstance(exc, SchemaError):
        exc.source = fix(exc.source)
        exc.problems = [fix(p) for p in exc.problems]
    elif exc.args:
        exc.args = tuple(fix(a) for a in exc.args)
    params = getattr(exc, "params", None)
    if isinstance(params, dict) and params:
        exc.params = {k: fix(v) for k, v in params.items()}
