"""``/api/proposals``: the project's saved proposals, each with its current verdict, and
saving a new one (``townsgis.proposals.add_proposal``: the import's validation, an atomic
write through the project store, a lock around the read–modify–write).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from townsgis.i18n import using
from townsgis.validate import MAX_AREA_KM2
from townsgis.web import deps
from townsgis.web.api_site import DEFAULT_AREA_KM2, report_json, shape_of
from townsgis.web.deps import Crs, LangQ, RulesetQ
from townsgis.web.errors import WebError

router = APIRouter(prefix="/api", tags=["proposals"])


def _present(v: Any) -> bool:
    return v is not None and v == v and v != ""


def proposals_json(request: Request, ruleset: str | None, lang: str) -> dict:
    """Every saved proposal with its properties, WGS84 geometry and current verdict."""
    import geopandas as gpd

    from townsgis.siting import evaluate_sites, make_sites

    store = deps.settings(request).project.store
    with using(lang):
        if not store.has_layer("proposals"):
            return {"proposals": []}
        gdf = store.read_layer("proposals")
        if gdf.empty:
            return {"proposals": []}
        ds, rs = deps.cache(request).inputs(ruleset, layout_only=True)
        records = gdf.drop(columns="geometry").to_dict("records")
        attrs = []
        for i, r in enumerate(records):
            name = r.get("name_zh") if _present(r.get("name_zh")) else r.get("name")
            area = r.get("area_km2")
            attrs.append(
                {
                    "name": str(name) if _present(name) else f"{i + 1}",
                    "category": r.get("category"),
                    "level": r.get("level"),
                    "area_km2": float(area) if _present(area) else DEFAULT_AREA_KM2,
                }
            )
        sites = make_sites(ds, gpd.GeoSeries(gdf.geometry.values, crs=gdf.crs), attrs)
        verdicts = report_json(evaluate_sites(ds, rs, sites), rs, lang, "error")
        geoms = json.loads(gpd.GeoSeries(gdf.geometry.values, crs=gdf.crs).to_json())
        out = []
        for r, site, feat in zip(records, verdicts["sites"], geoms["features"], strict=True):
            props = {k: (v if _present(v) else None) for k, v in r.items()}
            keep = ("proposal_id", "name_zh", "category", "level", "area_km2", "note",
                    "submitter", "submitted_at", "synthetic")  # fmt: skip
            item = {k: _plain(props.get(k)) for k in keep}
            item["geometry"] = feat["geometry"]
            item["site"] = site
            out.append(item)
        return {"proposals": out, "rules": verdicts["rules"], "ruleset": verdicts["ruleset"]}


def _plain(v: Any) -> Any:
    if hasattr(v, "item") and not isinstance(v, str | bytes):
        return v.item()
    return v


@router.get("/proposals", summary="Saved proposals, each with its current verdict")
def list_proposals(request: Request, ruleset: RulesetQ = None, lang: LangQ = None) -> dict:
    lg = deps.lang_of(request)
    return proposals_json(request, ruleset, lg)


class ProposalIn(BaseModel):
    """A proposal to save: its site (GeoJSON point or polygon in ``crs``) and who sends it."""

    model_config = ConfigDict(extra="forbid")
    geometry: dict[str, Any] = Field(description="GeoJSON geometry or Feature")
    name: Annotated[str, Field(min_length=1, max_length=200)]
    category: Annotated[str, Field(min_length=1, max_length=40)]
    level: Annotated[str, Field(min_length=1, max_length=40)]
    submitter: Annotated[str | None, Field(max_length=100)] = None
    note: Annotated[str | None, Field(max_length=2000)] = None
    crs: Crs = Crs.wgs84
    area_km2: float = Field(DEFAULT_AREA_KM2, gt=0, le=MAX_AREA_KM2, allow_inf_nan=False)


@router.post("/proposals", status_code=201, summary="Save a proposal into the project")
async def save_proposal(
    request: Request, body: ProposalIn, ruleset: RulesetQ = None, lang: LangQ = None
) -> dict:
    """Validated as ``townsgis import proposals`` would, appended atomically under a lock;
    the answer is the saved proposal's properties."""
    from townsgis.proposals import add_proposal

    s = deps.settings(request)
    lg = deps.lang_of(request)
    if s.read_only:
        raise WebError(403, "err_read_only")
    if not body.name.strip():
        raise WebError(400, "err_name")
    cat = deps.parse_term("category", body.category, "category", lg)
    lvl = deps.parse_term("level", body.level, "level", lg)
    g = shape_of(body.geometry, body.crs.value)

    def work():
        with using(lg):
            return add_proposal(
                s.project,
                g,
                name=body.name.strip(),
                category=cat,
                level=lvl,
                area_km2=body.area_km2 if g.geom_type == "Point" else None,
                note=(body.note or "").strip() or None,
                submitter=(body.submitter or "").strip() or None,
            )

    saved = await run_in_threadpool(work)
    return {"proposal": saved}
