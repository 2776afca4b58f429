"""The map model of each export kind (layout, progress, site, feasible) for print: the same
``MapModel`` the web maps draw (``townsgis.mapmodel``), plus what a sheet carries: the
neighbouring counties, the locator, notes, sources and the 审图号 field. Geometry in the
analysis CRS (CGCS2000 3° GK, EPSG:4549 for Huzhou)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

from townsgis import vocab
from townsgis.i18n import pick
from townsgis.mapmodel import context
from townsgis.mapmodel.findings import ordered, place_findings
from townsgis.mapmodel.layers import FEASIBLE_STYLE, neighbours_layer, units_layer, water_layer
from townsgis.mapmodel.model import Layer, LegendEntry, MapFeature, MapModel, Style
from townsgis.mapmodel.text import paren, t
from townsgis.messages import msg, register

if TYPE_CHECKING:
    from townsgis.project import Project

KINDS = ("layout", "progress", "site", "feasible")

register(
    {
        # default titles of the print maps, by kind
        "print.title.layout": ("{city}特色小镇布局", "Characteristic towns of {city}: layout"),
        "print.title.progress": (
            "{city}特色小镇项目投资进度（{quarter}）",
            "Characteristic towns of {city}: investment progress ({quarter})",
        ),
        "print.title.site": (
            "{city}特色小镇选址评估：{name}",
            "Characteristic towns of {city}: site check, {name}",
        ),
        "print.title.feasible": (
            "{city}特色小镇可选址区域（{category}）",
            "Characteristic towns of {city}: feasible area ({category})",
        ),
        "print.spacing_ring": (
            "中心间距 {km} km 范围（§3.1.2c）",
            "{km} km centroid spacing (§3.1.2c)",
        ),
        "print.gap_ring": (
            "边界间距 {km} km 缓冲（§3.1.2a）",
            "{km} km boundary gap buffer (§3.1.2a)",
        ),
        "print.site": (
            "拟选址 {name}（{area} km²，{verdict}）",
            "Proposed site {name} ({area} km², {verdict})",
        ),
        "print.verdict": ("评估结论", "verdict"),
    }
)
SITE_FRAME_M = 12_000.0  # the site map shows at least this much round the site (metres)


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "zh"


def _title(project: Project, kind: str, lang: str, title: str | None, **fmt) -> str:
    city = pick(project.name_zh, project.name_en, lang)
    return title or msg(f"print.title.{kind}", lang, city=city, **fmt)


def _subtitle(model: MapModel) -> str:
    lang = model.lang
    parts = [f"{t(lang, 'ruleset')} {model.ruleset}" if model.ruleset else ""]
    parts.append(f"{t(lang, 'print_date')} {model.date}" if model.date else "")
    return " · ".join(p for p in parts if p)


def _sheet(model: MapModel, project: Project, ds, rs, kind: str, review_number) -> MapModel:
    """Add what a printed sheet carries: neighbours (drawn first), locator, notes, sources,
    rule set, date and the 审图号."""
    lang = model.lang
    crs = model.crs
    neighbours = context.boundary(project, "neighbours", crs)
    nb = neighbours_layer(neighbours, lang)
    if nb is not None and model.layer("neighbours") is None:
        model.layers.insert(0, nb)
    lakes = context.water(project, ds.units)
    wl = water_layer(lakes.to_crs(crs) if lakes is not None else None, lang)
    if wl is not None and model.layer("water") is None:
        model.layers.insert(1 if model.layer("neighbours") is not None else 0, wl)
    # every kind of area the sheet draws has its legend entry (the progress model has no
    # units section); the render keeps those with a feature in the map frame
    sec = next(
        (x for x in model.legend if x.entries and x.entries[0].label == t(lang, "district")), None
    )
    if sec is None and model.layer("units") is not None:
        from townsgis.mapmodel.layout import units_section

        sec = units_section(ds.metric("units"), lang)
        model.legend.insert(min(1, len(model.legend)), sec)
    for layer_id, word in (("neighbours", "neighbours"), ("water", "water")):
        layer = model.layer(layer_id)
        have = {e.label for e in sec.entries} if sec is not None else set()
        if sec is not None and layer is not None and layer.features and t(lang, word) not in have:
            sec.entries.append(LegendEntry(t(lang, word), layer.features[0].style))
    drawn = model.layer("water") is not None
    # paper has no title bar: city-wide findings are in the findings list, the outline drawn
    wide = t(lang, "city_wide")
    for sec in model.legend:
        sec.entries = [
            dataclasses.replace(e, label=t(lang, "city_wide_print")) if e.label == wide else e
            for e in sec.entries
        ]
    model.locator = context.locator(project, ds, crs, lang)
    model.notes = context.notes(ds, lang, kind, water_drawn=drawn)
    model.sources = context.sources(ds, project, lang, water_frame=lakes if drawn else None)
    model.ruleset = f"{rs.id} v{rs.version}"
    model.date = dt.date.today().isoformat()
    model.review_number = review_number
    if not model.subtitle:
        model.subtitle = _subtitle(model)
    return model


def layout_scene(
    project: Project,
    *,
    lang: str = "zh",
    ruleset: str | None = None,
    title: str | None = None,
    review_number: str | None = None,
) -> MapModel:
    """The layout sheet: units, towns by category, the rule set's findings numbered."""
    from townsgis.engine import load_inputs
    from townsgis.mapmodel.layout import load_layout_model

    lang = _lang(lang)
    ds, rs = load_inputs(project, ruleset)
    model = load_layout_model(project, lang=lang, feasible=False, loaded=(ds, rs))
    model.title = _title(project, "layout", lang, title)
    # paper shows what is on by default, without the proposals (the site map judges those)
    model.layers = [ly for ly in model.layers if ly.show and ly.id != "proposals"]
    model.legend = [s for s in model.legend if s.title and s.title != t(lang, "proposals")]
    return _sheet(model, project, ds, rs, "layout", review_number)


def progress_scene(
    project: Project,
    *,
    quarter: str | None = None,
    lang: str = "zh",
    ruleset: str | None = None,
    title: str | None = None,
    review_number: str | None = None,
) -> MapModel:
    """Towns shaded by invested-to-date / planned investment at ``quarter`` (default: the
    latest; one outside the stage histories is refused)."""
    from townsgis.engine import load_inputs
    from townsgis.mapmodel.progress import progress_model
    from townsgis.mapmodel.provenance import flagged

    lang = _lang(lang)
    ds, rs = load_inputs(project, ruleset)
    if ds.projects is None:
        where = project.store.layer_source("projects")
        from townsgis.store import missing_layer

        raise missing_layer(where, "projects")
    model = progress_model(ds, quarter=quarter, lang=lang)
    tl = model.timeline or {}
    qs = tl["quarter_labels"][tl["quarters"].index(tl["initial"])]
    model.title = _title(project, "progress", lang, title, quarter=qs)
    if bool(flagged(ds.projects, "synthetic").any()):
        word = vocab.field_label("synthetic", lang)
        inner = qs + msg("punct.comma", lang) + word
        model.scale.title = paren(lang, model.scale.title, inner)
    else:
        model.scale.title = paren(lang, model.scale.title, qs)
    model.legend = [s for s in model.legend if s.title != t(lang, "projects")]
    model.legend[-1].title = model.scale.title
    model.timeline = None
    return _sheet(model, project, ds, rs, "progress", review_number)


def _overlay(geom, style: Style, label: str, name: str | None = None) -> Layer:
    return Layer(
        "overlay",
        label,
        [MapFeature(geometry=geom, style=style, label=name)],
        interactive=False,
        label_kind="site" if name else "",
    )


def site_scene(
    project: Project,
    *,
    lon: float,
    lat: float,
    crs: str = "wgs84",
    area_km2: float = 3.0,
    category: str,
    level: str,
    name: str | None = None,
    lang: str = "zh",
    ruleset: str | None = None,
    title: str | None = None,
    review_number: str | None = None,
) -> MapModel:
    """A proposed site (circle of ``area_km2``), its min-gap and min-spacing rings and the
    findings the site causes, framed round the site so that it is readable; the locator
    shows the city with the site."""
    from townsgis import siting
    from townsgis.engine import load_inputs
    from townsgis.mapmodel.layers import towns_layer
    from townsgis.mapmodel.layout import category_section, findings_section, units_section

    lang = _lang(lang)
    site_name = name or t(lang, "site")
    ds, rs = load_inputs(project, ruleset)
    sites = siting.sites_from_point(
        ds, lon, lat, crs=crs, area_km2=area_km2, category=category, level=level, name=site_name
    )
    res = siting.evaluate_sites(ds, rs, sites).sites[0]
    metric = ds.metric_crs
    geom = sites.to_crs(metric).geometry.iloc[0]
    lim = siting.spatial_limits(rs)
    units, towns = ds.metric("units"), ds.metric("towns")
    items = place_findings(ordered(res.findings), units, set(towns["town_id"].astype(str)), lang)
    verdict = vocab.label("verdict", res.verdict, lang)
    layers = [units_layer(units, lang, items), towns_layer(towns, lang, items, units)]
    legend = [category_section(towns["category"], lang), units_section(units, lang)]
    overlays = []
    if lim["min_spacing_m"] > 0:
        km = lim["min_spacing_m"] / 1000
        word = msg("print.spacing_ring", lang, km=f"{km:g}")
        st = Style(stroke="#2c7fb8", weight=1.6, dash="6 3")
        overlays.append((geom.centroid.buffer(lim["min_spacing_m"]), st, word))
    if lim["min_gap_m"] > 0:
        km = lim["min_gap_m"] / 1000
        word = msg("print.gap_ring", lang, km=f"{km:g}")
        st = Style(stroke="#7b3294", weight=1.8, dash="2 2")
        overlays.append((geom.buffer(lim["min_gap_m"]), st, word))
    for g, st, word in overlays:
        layers.append(_overlay(g, st, word))
        legend[-1].entries.append(LegendEntry(word, st, "line"))
    site_style = Style(stroke="#000000", weight=2.0, fill="#ffd92f", fill_opacity=1.0)
    word = msg("print.site", lang, name=site_name, area=f"{area_km2:g}", verdict=verdict)
    layers.append(_overlay(geom, site_style, word, site_name))
    legend[-1].entries.append(LegendEntry(word, site_style))
    from townsgis.mapmodel.layers import findings_layer

    layers.insert(2, findings_layer(items, units, lang))
    sec = findings_section(items, lang)
    if sec is not None:
        legend.append(sec)
    # frame: the site and everything within its rings, at least SITE_FRAME_M round it
    reach = max(lim["min_spacing_m"], lim["min_gap_m"], SITE_FRAME_M)
    extent = tuple(float(v) for v in geom.centroid.buffer(reach * 1.1).bounds)
    model = MapModel(
        kind="site",
        lang=lang,
        title=_title(project, "site", lang, title, name=site_name),
        crs=metric,
        extent=extent,
        layers=layers,
        findings=items,
        legend=legend,
    )
    model = _sheet(model, project, ds, rs, "site", review_number)
    word = msg("print.verdict", lang) + msg("punct.colon", lang) + verdict
    model.subtitle = f"{_subtitle(model)} · {word}"
    # locator: the city, the site marked in it
    loc = model.locator
    loc.province, loc.city = loc.city, geom.centroid.buffer(max(reach / 4, 1500))
    loc.caption = paren(lang, t(lang, "inset_plain"), model.locator.city_name or "")
    loc.province_name, loc.city_name = loc.city_name, site_name
    return model


def feasible_scene(
    project: Project,
    *,
    category: str,
    unit: str | None = None,
    level: str = "provincial_creation",
    area_km2: float = 3.0,
    lang: str = "zh",
    ruleset: str | None = None,
    title: str | None = None,
    review_number: str | None = None,
) -> MapModel:
    """The area where one more town's centroid passes every spatial rule (``feasible``)."""
    from townsgis import siting
    from townsgis.engine import load_inputs
    from townsgis.mapmodel.layers import towns_layer
    from townsgis.mapmodel.layout import category_section, units_section

    lang = _lang(lang)
    ds, rs = load_inputs(project, ruleset)
    res = siting.feasible_area(ds, rs, category=category, level=level, unit=unit, area_km2=area_km2)
    metric = ds.metric_crs
    units, towns = ds.metric("units"), ds.metric("towns")
    area = res.layer.to_crs(metric)
    word = t(lang, "feasible_centre", km2=f"{res.area_km2:,.1f}")
    # the web map's style; more opaque here, where the area is the sheet's subject
    style = dataclasses.replace(FEASIBLE_STYLE, fill_opacity=0.75)
    feats = [MapFeature(geometry=g, style=style) for g in area.geometry]
    layers = [
        units_layer(units, lang),
        Layer("feasible", word, feats, interactive=False),
        towns_layer(towns, lang, [], units),
    ]
    legend = [category_section(towns["category"], lang), units_section(units, lang)]
    legend[-1].entries.append(LegendEntry(word, style))
    model = MapModel(
        kind="feasible",
        lang=lang,
        title=_title(
            project, "feasible", lang, title, category=vocab.label("category", category, lang)
        ),
        crs=metric,
        extent=tuple(float(v) for v in units.total_bounds),
        layers=layers,
        legend=legend,
    )
    return _sheet(model, project, ds, rs, "feasible", review_number)


def build_scene(kind: str, project: Project, **options) -> MapModel:
    """Dispatch to the model builder of ``kind``."""
    from townsgis.errors import TownsgisError

    builders = {
        "layout": layout_scene,
        "progress": progress_scene,
        "site": site_scene,
        "feasible": feasible_scene,
    }
    if kind not in builders:
        raise TownsgisError(f"unknown map kind {kind!r}; expected one of {KINDS}")
    return builders[kind](project, **options)
