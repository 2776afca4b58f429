"""``/api/check``, ``/api/capacity``, ``/api/feasible``, ``/api/progress``, ``/api/session``
and the map layers: the CLI's ``--format json`` documents, computed by the same library.

Results that take more than ~100 ms (feasible area, progress) are kept per input state
(``InputCache.stamp``) so a second request is instant.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query, Request

from townsgis import vocab
from townsgis.i18n import pick, using
from townsgis.validate import MAX_AREA_KM2
from townsgis.web import deps
from townsgis.web.deps import FailOn, FailOnQ, LangQ, RulesetQ
from townsgis.web.texts import page_texts

router = APIRouter(prefix="/api", tags=["layout"])

DOMAINS = ("category", "level", "severity", "unit_kind", "target_state", "finding_state", "verdict")


class _Memo:
    """A small LRU of computed results keyed by request parameters and input state."""

    def __init__(self, size: int = 32):
        self.size = size
        self.data: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, compute):
        with self.lock:
            if key in self.data:
                self.data.move_to_end(key)
                return self.data[key]
        value = compute()
        with self.lock:
            self.data[key] = value
            while len(self.data) > self.size:
                self.data.popitem(last=False)
        return value


def _memo(request: Request, name: str, params: tuple, compute, *, layout_only: bool = True):
    memo = request.app.state.memo
    stamp = deps.cache(request).stamp(params[0] if params else None, layout_only=layout_only)
    return memo.get((name, params, stamp), compute)


@router.get("/session", summary="Labels, choices and the CSRF token for the pages")
def session(request: Request, lang: LangQ = None) -> dict:
    """What a page needs besides data: the CSRF token for POSTs, the vocabulary labels of
    the chosen language, the units' names, the rules' clauses and words, the page texts."""
    s = deps.settings(request)
    lg = deps.lang_of(request)
    from townsgis.web.api_site import rules_info

    with using(lg):
        ds, rs = deps.cache(request).inputs(None, layout_only=True)
        name_col = pick("name_zh", "name_en", lg) if "name_en" in ds.units else "name_zh"
        units = dict(
            zip(ds.units["unit_id"].astype(str), ds.units[name_col].astype(str), strict=True)
        )
        return {
            "lang": lg,
            "csrf": s.csrf_token,
            "project": {
                "name": pick(s.project.name_zh, s.project.name_en, lg),
                "sample_data": s.project.sample_data,
                "read_only": s.read_only,
            },
            "labels": {d: vocab.labels(d, lg) for d in DOMAINS},
            "colours": {"category": vocab.colours("category")},
            "units": units,
            "ruleset": {"id": rs.id, "version": rs.version, "title": rs.title(lg)},
            "rules": rules_info(rs, lg),
            "targets": {
                str(t.get("id")): str(t.get(f"title_{lg}") or t.get("title_zh") or t.get("id"))
                for t in rs.targets
            },
            "texts": page_texts(lg),
        }


class CheckFormat(StrEnum):
    json = "json"
    geojson = "geojson"


@router.get("/check", summary="The layout checked against the rule set")
def check(
    request: Request,
    ruleset: RulesetQ = None,
    fail_on: FailOnQ = FailOn.error,
    format: CheckFormat = CheckFormat.json,
    lang: LangQ = None,
) -> dict:
    """As ``townsgis check --format json`` (or ``geojson``: findings with WGS84 geometry)."""
    from townsgis.engine import run_rules
    from townsgis.report import render_geojson

    lg = deps.lang_of(request)
    with using(lg):
        ds, rs = deps.cache(request).inputs(ruleset, layout_only=False)
        result = run_rules(ds, rs)
        if format == CheckFormat.geojson:
            return json.loads(render_geojson(result, lg))
        return result.to_json(lg, fail_on.value)


@router.get("/capacity", summary="Remaining slots and what the category mix needs")
def capacity(request: Request, ruleset: RulesetQ = None, lang: LangQ = None) -> dict:
    """As ``townsgis capacity --format json``."""
    from townsgis.siting import capacity as compute

    lg = deps.lang_of(request)
    with using(lg):
        ds, rs = deps.cache(request).inputs(ruleset, layout_only=True)
        return compute(ds, rs).to_dict()


@router.get("/feasible", summary="Where one more town's centroid could go")
def feasible(
    request: Request,
    category: Annotated[str, Query(min_length=1, max_length=40)],
    level: Annotated[str, Query(min_length=1, max_length=40)] = "provincial_creation",
    unit: Annotated[str | None, Query(max_length=60)] = None,
    area_km2: Annotated[float, Query(gt=0, le=MAX_AREA_KM2, allow_inf_nan=False)] = 3.0,
    ruleset: RulesetQ = None,
    lang: LangQ = None,
) -> dict:
    """As ``townsgis feasible --format json`` (nothing is written), plus ``geojson``: the
    feasible area itself (WGS84), for the overlay."""
    from townsgis.siting import feasible_area

    lg = deps.lang_of(request)
    with using(lg):
        cat = deps.parse_term("category", category, "category", lg)
        lvl = deps.parse_term("level", level, "level", lg)
        ds, rs = deps.cache(request).inputs(ruleset, layout_only=True)
        uid = deps.parse_unit(unit, ds.units, lg)

        def compute():
            res = feasible_area(ds, rs, category=cat, level=lvl, unit=uid, area_km2=area_km2)
            d = res.to_dict()
            d["geojson"] = json.loads(res.layer.to_json(na="null", drop_id=True))
            return d

        return _memo(request, "feasible", (ruleset, cat, lvl, uid, area_km2), compute)


@router.get("/progress", summary="Progress against the targets, scorecard and ranking")
def progress(
    request: Request,
    quarter: Annotated[str | None, Query(pattern=r"^\d{4}Q[1-4]$")] = None,
    stall_quarters: Annotated[int, Query(ge=1, le=40)] = 4,
    ruleset: RulesetQ = None,
    lang: LangQ = None,
) -> dict:
    """As ``townsgis progress --format json``, plus ``titles``: each target's words."""
    from townsgis.indicators import load_progress
    from townsgis.progress_report import target_titles, to_dict

    lg = deps.lang_of(request)
    s = deps.settings(request)

    def compute():
        with using(lg):
            report = load_progress(
                s.project, ruleset=ruleset, quarter=quarter, n_stall=stall_quarters
            )
            d = to_dict(report, lg)
            sc = report.scorecard
            if f"title_{lg}" in sc:  # each target's words as the report says them
                titles = target_titles(sc, lg)
                d["titles"] = dict(zip(sc["id"].astype(str), titles, strict=True))
            return d

    return _memo(
        request, "progress", (ruleset, quarter, stall_quarters, lg), compute, layout_only=False
    )


class LayerKind(StrEnum):
    units = "units"
    towns = "towns"
    proposals = "proposals"


@router.get("/layers/{kind}", summary="A project layer as GeoJSON (WGS84)")
def layer(request: Request, kind: LayerKind, lang: LangQ = None) -> dict:
    """The units, towns or proposals layer, WGS84 GeoJSON (for the site map's background)."""
    lg = deps.lang_of(request)
    with using(lg):
        ds, _ = deps.cache(request).inputs(None, layout_only=kind != LayerKind.proposals)
        gdf = getattr(ds, kind.value)
        if gdf is None:
            return {"type": "FeatureCollection", "features": []}
        return json.loads(gdf.to_json(na="null", drop_id=True))


@router.get("/map/layout", summary="The layout map model: GeoJSON layers, styles, findings")
def layout_map(request: Request, ruleset: RulesetQ = None, lang: LangQ = None) -> dict:
    """``townsgis.mapmodel``'s layout model (the one ``map layout`` and ``export layout``
    draw) as JSON: layers as WGS84 GeoJSON with per-feature style, label, tip and popup;
    numbered findings, each with its severity and the units it concerns (for the filters)."""
    from townsgis.mapmodel.layout import load_layout_model

    lg = deps.lang_of(request)
    project = deps.settings(request).project

    def compute():
        with using(lg):
            ds, rs = deps.cache(request).inputs(ruleset, layout_only=False)
            model = load_layout_model(project, ruleset=ruleset, lang=lg, loaded=(ds, rs))
            d = model.to_dict()
            town_unit = dict(
                zip(ds.towns["town_id"].astype(str), ds.towns["unit_id"].astype(str), strict=True)
            )
            for item, fd in zip(model.findings, d["findings"], strict=True):
                f = item.finding
                named = {town_unit.get(str(t["id"])) for t in f.towns} - {None}
                fd["units"] = [str(f.unit)] if f.unit else sorted(named)
                fd["severity"] = str(f.severity)
            return d

    return _memo(request, "layout_map", (ruleset, lg), compute, layout_only=False)
