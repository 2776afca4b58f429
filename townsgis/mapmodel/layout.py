"""The layout map's model: units, towns by category, the findings of ``check`` (numbered,
city-wide ones listed), spacing buffers, feasible area, proposals, legend and notes."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from townsgis import vocab
from townsgis.i18n import pick
from townsgis.mapmodel import layers as L
from townsgis.mapmodel.findings import STATES, ordered, place_findings, state_style
from townsgis.mapmodel.model import LegendEntry, LegendSection, MapModel, Style
from townsgis.mapmodel.provenance import disclaimer, provenance
from townsgis.mapmodel.text import t
from townsgis.messages import msg

if TYPE_CHECKING:
    import geopandas as gpd

    from townsgis.findings import Finding
    from townsgis.project import Project


@dataclass
class LayoutInputs:
    """Everything the layout map shows. Frames in any CRS (moved to ``crs``, the metric
    analysis CRS, in which the findings' geometry already is). ``proposal_status`` gives per
    proposal ``{"status": "pass"|"fail"|"unknown", "reasons": [...]}``; ``min_spacing_m``
    and ``min_gap_m`` (metres) draw the half-distance buffers."""

    units: gpd.GeoDataFrame
    towns: gpd.GeoDataFrame
    crs: Any
    findings: list[Finding] = field(default_factory=list)
    proposals: gpd.GeoDataFrame | None = None
    proposal_status: list[dict[str, Any]] | None = None
    feasible: gpd.GeoDataFrame | None = None
    projects: gpd.GeoDataFrame | None = None
    neighbours: gpd.GeoDataFrame | None = None
    water: gpd.GeoDataFrame | None = None
    skipped_feasible: list[str] = field(default_factory=list)
    sample: bool = False
    min_spacing_m: float | None = None
    min_gap_m: float | None = None
    ruleset: str = ""
    title: str = ""  # the place (city) name
    date: _dt.date | None = None


def _metric(gdf, crs):
    if gdf is None:
        return None
    return gdf.to_crs(crs) if gdf.crs is not None else gdf.set_crs(crs)


def page_title(place: str, what: str, lang: str) -> str:
    """``湖州市特色小镇布局`` / ``Huzhou: Layout of characteristic towns``."""
    if not place:
        return what
    return msg("map.page_title", lang, place=place, what=what)


def category_section(categories, lang: str) -> LegendSection:
    """Towns by category, in the vocabulary's order, named and coloured by it."""
    present = set(categories)
    order = [c for c in vocab.CATEGORIES if c in present]
    order += sorted(str(c) for c in present - set(vocab.CATEGORIES))
    return LegendSection(
        t(lang, "towns"),
        [LegendEntry(vocab.label("category", c, lang), L.town_style(c)) for c in order],
    )


def units_section(
    units, lang: str, *, neighbours: bool = False, water: bool = False
) -> LegendSection:
    prov = provenance(units, None)
    entries = [LegendEntry(t(lang, "district"), L.unit_style(False), "line")]
    if "kind" in units.columns and (units["kind"] == L.FUNCTIONAL_ZONE).any():
        word = "zone_approx" if prov.approx_zones else "zone"
        entries.append(LegendEntry(t(lang, word), L.unit_style(True), "hatch"))
    if neighbours:
        entries.append(LegendEntry(t(lang, "neighbours"), L.NEIGHBOUR_STYLE))
    if water:
        entries.append(LegendEntry(t(lang, "water"), L.WATER_STYLE))
    return LegendSection(t(lang, "units"), entries)


def findings_section(items, lang: str) -> LegendSection | None:
    """One entry per state of the findings drawn (waived has its own), drawn as a line when
    every such finding is a line; the city-wide outline when there is one."""
    drawn = [it for it in items if it.placement != "listed" or it.city_wide]
    entries = []
    for s in STATES:
        mine = [it for it in drawn if it.state == s and not it.city_wide]
        if not mine:
            continue
        word = (
            vocab.label("finding_state", "waived", lang)
            if s == "waived"
            else vocab.label("severity", s, lang)
        )
        line = all(it.placement == "line" for it in mine)
        if line:
            word = word + msg("punct.colon", lang) + t(lang, "too_close")
        entries.append(LegendEntry(word, state_style(s, area=not line), "line" if line else "fill"))
    wide = [it for it in drawn if it.city_wide]
    if wide:
        entries.append(
            LegendEntry(t(lang, "city_wide"), state_style(wide[0].state, area=False), "line")
        )
    return LegendSection(t(lang, "findings"), entries) if entries else None


def layout_model(inp: LayoutInputs, *, lang: str = "zh") -> MapModel:
    """The layout map's model (geometry in ``inp.crs``)."""
    crs = inp.crs
    units, towns = _metric(inp.units, crs), _metric(inp.towns, crs)
    town_ids = set(towns["town_id"].astype(str)) if "town_id" in towns.columns else set()
    items = place_findings(ordered(list(inp.findings)), units, town_ids, lang)
    neighbours = _metric(inp.neighbours, crs)
    proposals = _metric(inp.proposals, crs)
    feasible = _metric(inp.feasible, crs)

    pieces = [
        L.neighbours_layer(neighbours, lang),
        L.water_layer(_metric(inp.water, crs), lang),
        L.units_layer(units, lang, items),
        L.feasible_layer(feasible, lang),
        *L.buffer_layers(towns, lang, min_spacing_m=inp.min_spacing_m, min_gap_m=inp.min_gap_m),
        # findings under the towns: a click inside a town always reaches the town
        L.city_wide_layer(items, lang),
        L.findings_layer(items, units, lang),
        L.towns_layer(towns, lang, items, units),
        L.proposals_layer(proposals, inp.proposal_status, lang, units),
    ]
    layers = [p for p in pieces if p is not None]

    legend = [
        category_section(towns["category"] if "category" in towns.columns else [], lang),
        units_section(
            units,
            lang,
            neighbours=neighbours is not None and len(neighbours) > 0,
            water=any(ly.id == "water" for ly in layers),
        ),
    ]
    sec = findings_section(items, lang)
    if sec is not None:
        legend.append(sec)
    if proposals is not None and len(proposals):
        legend.append(
            LegendSection(
                t(lang, "proposals"),
                [
                    LegendEntry(
                        vocab.label("verdict", k, lang),
                        Style(
                            stroke=vocab.colour("verdict", k),
                            fill=vocab.colour("verdict", k),
                            fill_opacity=0.8,
                            radius=6,
                        ),
                        "circle",
                    )
                    for k in ("pass", "fail", "unknown")
                ],
            )
        )
    extra = []
    buffers = [ly for ly in layers if ly.id.startswith("buffers_")]
    if buffers:
        extra.append(LegendEntry(t(lang, "buffers"), buffers[0].features[0].style))
    if feasible is not None and len(feasible):
        extra.append(LegendEntry(t(lang, "feasible"), L.FEASIBLE_STYLE))
    if extra:
        legend.append(LegendSection("", extra))

    date = (inp.date or _dt.date.today()).isoformat()
    info = [f"{t(lang, 'ruleset')}: {inp.ruleset or '—'}", f"{t(lang, 'date')}: {date}"]
    if inp.skipped_feasible:
        names = ", ".join(inp.skipped_feasible)
        info.append(t(lang, "feasible_skipped", n=len(inp.skipped_feasible), files=names))
    prov = provenance(units, towns, inp.projects, sample=inp.sample)
    return MapModel(
        kind="layout",
        lang=lang,
        title=page_title(inp.title, t(lang, "layout_title"), lang),
        crs=crs,
        extent=tuple(float(v) for v in units.total_bounds),
        layers=layers,
        findings=items,
        legend=legend,
        info=info,
        warning=disclaimer(prov, lang),
        ruleset=inp.ruleset,
        date=date,
    )


def proposal_verdicts(ds, ruleset, lang: str = "zh") -> list[dict]:
    """``{"status": "pass"|"fail", "reasons": [...]}`` per proposal of ``ds``, judged by
    ``townsgis.siting`` (each site alone against the current layout)."""
    from townsgis.siting import evaluate_sites, sites_from_frame

    sites = sites_from_frame(ds, ds.proposals, ds.project.store.layer_source("proposals"))
    report = evaluate_sites(ds, ruleset, sites)
    return [
        {
            "status": s.verdict,
            "reasons": [f"{f.clause} {f.message(lang)}" for f in s.findings],
        }
        for s in report.sites
    ]


def load_layout_model(
    project: Project,
    *,
    ruleset: str | None = None,
    lang: str = "zh",
    today: _dt.date | None = None,
    feasible: bool = True,
    loaded: tuple | None = None,
) -> MapModel:
    """The layout model of ``project`` checked against ``ruleset``: loads the layers, runs
    the rules, judges the proposals and reads the current feasible areas."""
    from pathlib import Path

    from townsgis.engine import load_inputs, run_rules
    from townsgis.mapmodel import context
    from townsgis.siting import spatial_limits

    ds, rs = loaded or load_inputs(project, ruleset)
    result = run_rules(ds, rs, today=today)
    status = None
    if ds.proposals is not None and not ds.proposals.empty:
        status = proposal_verdicts(ds, rs, lang)
    limits = spatial_limits(rs)
    stale: list[Path] = []
    feas = None
    if feasible:
        from townsgis.mapmodel.feasible_files import feasible_layers

        feas = feasible_layers(
            project,
            rs.id,
            newer_than=(project.store.layer_stamp("towns") or 0.0, Path(rs.path)),
            skipped=stale,
        )
    inp = LayoutInputs(
        units=ds.units,
        towns=ds.towns,
        crs=result.metric_crs,
        findings=result.findings,
        proposals=ds.proposals,
        proposal_status=status,
        feasible=feas,
        skipped_feasible=[p.name for p in stale],
        projects=ds.projects,
        neighbours=context.boundary(project, "neighbours"),
        water=context.water(project, ds.units),
        sample=project.sample_data,
        min_spacing_m=limits.get("min_spacing_m") or None,
        min_gap_m=limits.get("min_gap_m") or None,
        ruleset=f"{rs.id} {rs.version} {rs.title(lang)}",
        title=pick(project.name_zh, project.name_en, lang),
        date=today,
    )
    return layout_model(inp, lang=lang)
