"""Build the scene of each export kind (layout, progress, site, feasible) from a project.

Loads the dataset, runs the rule engine / siting / progress functions, and moves every layer
to the analysis CRS (CGCS2000 3° GK, EPSG:4549 for Huzhou) for drawing.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from townsgis import vocab
from townsgis.printmap.scene import MapScene, Overlay, TownStyle

if TYPE_CHECKING:
    from townsgis.project import Project

KINDS = ("layout", "progress", "site", "feasible")

TITLES = {
    "zh": {
        "layout": "{city}特色小镇布局",
        "progress": "{city}特色小镇项目投资进度（{quarter}）",
        "site": "{city}特色小镇选址评估：{name}",
        "feasible": "{city}特色小镇可选址区域（{category}）",
    },
    "en": {
        "layout": "Characteristic towns of {city}: layout",
        "progress": "Characteristic towns of {city}: investment progress ({quarter})",
        "site": "Characteristic towns of {city}: site check, {name}",
        "feasible": "Characteristic towns of {city}: where a {category} town can go",
    },
}
NOTES = {
    "zh": {
        "sample": "示例数据：仅供演示与测试，非官方规划或统计。",
        "towns": "小镇位置为近似，边界为示意，非规划红线。",
        "zones": "{n} 个功能区范围为示意性替代范围，非其法定边界。",
        "units": "{n} 个县区/功能区范围为示意性替代范围，非其法定边界。",
        "projects": "项目与投资数据为合成样例（synthetic），非真实统计。",
        "distances": "距离阈值为本工具对通知（§3.1.2）的解释，通知本身未给出数值。",
        "feasible": "可选址区域按空间规则（§3.1.1c 名额、§3.1.2a 间距、§3.1.2c 邻近）计算，"
        "不含类别占比（§3.1.3）与集聚度（§3.1.2b）；候选点请用 townsgis site 复核。",
    },
    "en": {
        "sample": "Sample data: for demonstration and testing, not official plans or statistics.",
        "towns": "Town locations are approximate; boundaries are illustrative.",
        "zones": "{n} functional zone(s) are approximate stand-ins, not their boundaries.",
        "units": "{n} unit(s) are approximate stand-ins, not their boundaries.",
        "projects": "Project and investment figures are synthetic sample data.",
        "distances": "Distance thresholds are our interpretation of §3.1.2; the notice gives none.",
        "feasible": "Feasible area from the spatial rules (§3.1.1c caps, §3.1.2a gap, §3.1.2c "
        "spacing); §3.1.3 shares and §3.1.2b clustering are not location rules: check a point "
        "with townsgis site.",
    },
}
CATEGORY_WORD = {lang: vocab.labels("category", lang) for lang in ("zh", "en")}


def _base(
    project: Project,
    kind: str,
    lang: str,
    ruleset_name: str | None,
    title: str | None,
    review_number: str | None,
    fmt_title: dict,
    loaded: tuple | None = None,
):
    """Dataset, rule set and the common scene of every kind; ``loaded`` is a ``(ds, rs)``
    pair a caller has already loaded with ``townsgis.engine.load_inputs``."""
    from townsgis.engine import load_inputs

    ds, rs = loaded or load_inputs(project, ruleset_name)
    crs = ds.metric_crs
    lang = "en" if lang == "en" else "zh"
    city_name = project.name_zh if lang == "zh" else project.name_en
    default_title = TITLES[lang][kind].format(city=city_name, **fmt_title)
    province = _boundary(project, "province", crs)
    scene = MapScene(
        kind=kind,
        title=title or default_title,
        lang=lang,
        crs=crs,
        units=ds.metric("units"),
        towns=ds.metric("towns"),
        province=province,
        city=_boundary(project, "city", crs),
        ruleset=f"{rs.id} v{rs.version}",
        date=dt.date.today().isoformat(),
        sources=_sources(ds, project, lang),
        notes=_notes(ds, lang, kind),
        review_number=review_number,
        city_name=city_name,
        province_name=_name(province, lang),
    )
    return ds, rs, scene


def _name(frame, lang: str) -> str:
    """The first row's ``name_en`` (lang en, if set) or ``name_zh``; "" without one."""
    if frame is None or not len(frame):
        return ""
    row = frame.iloc[0]
    for col in ("name_en", "name_zh") if lang == "en" else ("name_zh",):
        v = row.get(col)
        if isinstance(v, str) and v.strip():
            return v.strip()
    return ""


def _boundary(project: Project, name: str, crs):
    if not project.store.has_layer(name):
        return None
    return project.store.read_layer(name).to_crs(crs)


def _sources(ds, project: Project, lang: str) -> list[str]:
    """Source lines read from the layers: the boundaries' ``source`` values (approximate rows
    marked so) and the towns' own ``source`` (generic "project towns layer" without one)."""
    from townsgis.mapmodel.provenance import flagged, provenance, towns_source

    seen: list[str] = []
    frames = [ds.units]
    for name in ("province",):
        if project.store.has_layer(name):
            frames.append(project.store.read_layer(name))
    for f in frames:
        if "source" not in f.columns:
            continue
        for v, approx in zip(f["source"], flagged(f, "approximate"), strict=True):
            if not isinstance(v, str):
                continue
            short = v.split(";")[0].strip()
            if short and approx:
                short = short.split(" (")[0]  # the stand-in's file, not how it was cut
                if lang == "zh":
                    short = f"近似示意范围（{short}）"
                elif "approximate" not in short.lower():
                    short = f"approximate: {short}"
            if short and short not in seen:
                seen.append(short)
    head = "行政区界：" if lang == "zh" else "Boundaries: "
    out = [head + ("；" if lang == "zh" else "; ").join(seen[:3])] if seen else []
    out.append(towns_source(provenance(ds.units, ds.towns), lang))
    return out


def _notes(ds, lang: str, kind: str) -> list[str]:
    from townsgis.mapmodel.provenance import provenance

    n = NOTES[lang]
    out = []
    prov = provenance(ds.units, ds.towns, ds.projects, sample=ds.project.sample_data)
    if prov.sample:
        out.append(n["sample"])
    if prov.towns_approximate:
        out.append(n["towns"])
    if prov.approx_units:
        key = "zones" if prov.approx_zones == prov.approx_units else "units"
        out.append(n[key].format(n=prov.approx_units))
    if kind == "progress" and prov.projects_synthetic:
        out.append(n["projects"])
    if kind in ("layout", "site", "feasible"):
        out.append(n["distances"])
    if kind == "feasible":
        out.append(n["feasible"])
    return out


def layout_scene(
    project: Project,
    *,
    lang: str = "zh",
    ruleset: str | None = None,
    title: str | None = None,
    review_number: str | None = None,
) -> MapScene:
    """The layout map: units, towns by category, the rule set's findings highlighted."""
    from townsgis.engine import run_rules

    ds, rs, scene = _base(project, "layout", lang, ruleset, title, review_number, {})
    result = run_rules(ds, rs)
    scene.findings = _ordered(result.findings)
    return scene


def progress_scene(
    project: Project,
    *,
    quarter: str | None = None,
    lang: str = "zh",
    ruleset: str | None = None,
    title: str | None = None,
    review_number: str | None = None,
) -> MapScene:
    """Towns coloured by invested-to-date / planned investment at ``quarter`` (default: latest)."""
    from townsgis import progress
    from townsgis.engine import load_inputs
    from townsgis.errors import DataError

    loaded = load_inputs(project, ruleset)
    ds = loaded[0]
    if ds.projects is None:
        where = project.store.layer_source("projects")
        raise DataError(f"{where}: no projects layer for a progress map")
    hist = progress.parse_history(ds.projects)
    q = progress.parse_quarter(quarter) if quarter else progress.as_of_quarter(hist)
    qs = progress.format_quarter(q)
    ds, rs, scene = _base(
        project, "progress", lang, ruleset, title, review_number, {"quarter": qs}, loaded
    )
    from townsgis.mapmodel.provenance import flagged

    tp = progress.town_progress(ds, q)
    synthetic = bool(flagged(ds.projects, "synthetic").any())
    if scene.lang == "zh":
        label = f"已完成投资 / 计划总投资（{qs}{'，合成数据' if synthetic else ''}）"
    else:
        label = f"Invested / planned investment ({qs}{', synthetic' if synthetic else ''})"
    scene.town_style = TownStyle(
        values=dict(zip(tp["town_id"], tp["share"], strict=True)), label=label
    )
    scene.extra["quarter"] = qs
    return scene


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
) -> MapScene:
    """A proposed site (circle of ``area_km2``), its min-gap and min-spacing buffers, and the
    findings the site causes (``townsgis site``)."""
    import geopandas as gpd

    from townsgis import siting

    site_name = name or ("拟选址" if lang == "zh" else "proposed site")
    ds, rs, scene = _base(project, "site", lang, ruleset, title, review_number, {"name": site_name})
    sites = siting.sites_from_point(
        ds, lon, lat, crs=crs, area_km2=area_km2, category=category, level=level, name=site_name
    )
    report = siting.evaluate_sites(ds, rs, sites)
    res = report.sites[0]
    site_m = sites.to_crs(ds.metric_crs)
    lim = siting.spatial_limits(rs)
    zh = scene.lang == "zh"
    geom = site_m.geometry.iloc[0]
    overlays = []
    if lim["min_spacing_m"] > 0:
        ring = gpd.GeoDataFrame(
            geometry=[geom.centroid.buffer(lim["min_spacing_m"])], crs=ds.metric_crs
        )
        km = lim["min_spacing_m"] / 1000
        overlays.append(
            Overlay(
                ring,
                f"中心间距 {km:g} km 范围（§3.1.2c）"
                if zh
                else f"{km:g} km centroid spacing (§3.1.2c)",
                edgecolor="#2c7fb8",
                linestyle="--",
                linewidth=0.8,
                zorder=5,
            )
        )
    if lim["min_gap_m"] > 0:
        ring = gpd.GeoDataFrame(geometry=[geom.buffer(lim["min_gap_m"])], crs=ds.metric_crs)
        km = lim["min_gap_m"] / 1000
        overlays.append(
            Overlay(
                ring,
                f"边界间距 {km:g} km 缓冲（§3.1.2a）"
                if zh
                else f"{km:g} km boundary gap buffer (§3.1.2a)",
                edgecolor="#7b3294",
                linestyle=":",
                linewidth=0.9,
                zorder=5,
            )
        )
    verdict = (
        {"pass": "通过", "fail": "不通过"}.get(res.verdict, res.verdict) if zh else res.verdict
    )
    overlays.append(
        Overlay(
            gpd.GeoDataFrame(geometry=[geom], crs=ds.metric_crs),
            (
                f"拟选址 {site_name}（{area_km2:g} km²，{verdict}）"
                if zh
                else f"Proposed site {site_name} ({area_km2:g} km², {verdict})"
            ),
            facecolor="#ffd92f",
            name=site_name,
            edgecolor="black",
            linewidth=1.0,
            zorder=9,
        )
    )
    scene.overlays = overlays
    scene.findings = _ordered(res.findings)
    scene.subtitle = _subtitle(scene) + (
        f" · 评估结论：{verdict}" if zh else f" · verdict: {verdict}"
    )
    scene.extra["verdict"] = res.verdict
    return scene


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
) -> MapScene:
    """The area where one more town's centroid passes every spatial rule (``townsgis feasible``)."""
    from townsgis import siting

    word = CATEGORY_WORD["en" if lang == "en" else "zh"].get(category, category)
    ds, rs, scene = _base(
        project, "feasible", lang, ruleset, title, review_number, {"category": word}
    )
    res = siting.feasible_area(ds, rs, category=category, level=level, unit=unit, area_km2=area_km2)
    layer = res.layer.to_crs(ds.metric_crs)
    zh = scene.lang == "zh"
    label = (
        f"可选址区域（小镇中心，{res.area_km2:,.1f} km²）"
        if zh
        else f"Feasible area for the centre ({res.area_km2:,.1f} km²)"
    )
    scene.overlays = [
        Overlay(
            layer,
            label,
            facecolor="#a6d96a",
            edgecolor="#1a9641",
            linewidth=0.5,
            alpha=0.75,
            zorder=4,
        )
    ]
    scene.extra["area_km2"] = res.area_km2
    return scene


def _subtitle(scene: MapScene) -> str:
    return " · ".join(
        x for x in (f"{scene.t('ruleset')} {scene.ruleset}", f"{scene.t('date')} {scene.date}")
    )


def _ordered(findings: list) -> list:
    """Errors first, then warnings, then info; waived last; stable within a group."""
    return sorted(findings, key=lambda f: (f.waived, -_rank(f.severity)))


def _rank(sev) -> int:
    return {"error": 2, "warning": 1, "info": 0}.get(str(sev), 0)


def build_scene(kind: str, project: Project, **options) -> MapScene:
    """Dispatch to the scene builder of ``kind``."""
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
