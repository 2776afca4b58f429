"""`townsgis feasible`: where one more town's centroid could go (§3.1.1c, §3.1.2a/c)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from townsgis.cli import app
from townsgis.cli.help import command, text
from townsgis.cli.options import (
    DEFAULT_AREA_KM2,
    DEFAULT_LEVEL,
    CategoryOpt,
    FailOn,
    Lang,
    LangOpt,
    OutputOpt,
    ProjectOpt,
    RulesetOpt,
    SiteFailOnOpt,
    TextFormat,
    TownAreaOpt,
    UnitOpt,
    accepted_words,
    open_project,
)
from townsgis.messages import joined, msg, register


@command(
    app,
    "feasible",
    zh="写出再增加一个小镇时其中心可以落在的区域（图层），并报告其面积。\n\n"
    "在这个区域内，新小镇在 --fail-on 级别（默认 error；warning 得到更严格的区域）通过 site "
    "检查；写成 GeoJSON/GPKG（WGS84；默认 maps/feasible-<类别>.geojson），面积以平方公里计。",
    en="Write the area where one more town's centroid could go, as a layer, and print its "
    "area.\n\nInside it the new town passes `site` at --fail-on (default error; warning "
    "gives the stricter area); written as GeoJSON/GPKG (WGS84; default "
    "maps/feasible-<category>.geojson); area in km².",
    examples=[
        "townsgis feasible --category 制造业",
        "townsgis feasible --category 旅游 --unit 安吉县 --level 市级",
    ],
)
def feasible(
    category: CategoryOpt,
    unit: UnitOpt = None,
    level: Annotated[
        str,
        typer.Option(
            "--level",
            help=text(
                "feasible.level",
                "新增小镇的级别：{words}；也接受常用说法和英文代码。",
                "Level of the new town: {words}; common Chinese words and the codes are "
                "accepted too.",
                words=accepted_words("level"),
            ),
        ),
    ] = DEFAULT_LEVEL,
    area_km2: TownAreaOpt = DEFAULT_AREA_KM2,
    output: OutputOpt = None,
    fmt: Annotated[
        TextFormat,
        typer.Option(
            "--format",
            help=text(
                "feasible.format", "屏幕输出摘要的格式。", "Format of the summary on stdout."
            ),
        ),
    ] = TextFormat.text,
    fail_on: SiteFailOnOpt = FailOn.error,
    lang: LangOpt = Lang.zh,
    ruleset: RulesetOpt = None,
    project: ProjectOpt = None,
) -> None:
    from townsgis.engine import load_inputs
    from townsgis.layers import write_layer
    from townsgis.outputs import output_path
    from townsgis.siting import feasible_area

    proj = open_project(project)
    path = output_path(proj, output, f"feasible-{category}.geojson")
    ds, rs = load_inputs(proj, ruleset, layout_only=True)
    res = feasible_area(
        ds,
        rs,
        category=category,
        level=level,
        unit=unit,
        area_km2=area_km2,
        fail_on=fail_on.value,
    )
    write_layer(res.layer, path)
    if fmt == TextFormat.json:
        d = res.to_dict()
        d["output"] = str(path)
        typer.echo(json.dumps(d, ensure_ascii=False, indent=2))
    else:
        fields = ds.unit_fields()
        names = fields.set_index(fields["unit_id"].astype(str))
        col = "name_en" if lang.value == "en" and "name_en" in names.columns else "name_zh"
        unit_names = names[col].fillna(names["name_zh"]).astype(str).to_dict()
        rules = {r.id: f"{r.clause} {r.title(lang.value)}" for r in rs.rules}
        typer.echo(render_text(res, path, lang.value, unit_names=unit_names, rules=rules))


register(
    {
        "feasible.summary": (
            "可选址区域（{category}，{level}，占地 {footprint} km²，半径 {radius} m）：{area} km²",
            "Feasible area ({category}, {level}, footprint {footprint} km², radius {radius} m): "
            "{area} km²",
        ),
        "feasible.conditions": (
            "  条件（{severity}及以上的规则）：{parts}",
            "  rules ({severity} and above): {parts}",
        ),
        "feasible.cond_gap": (
            "占地距现有小镇边界 ≥ {m} m",
            "footprint ≥ {m} m from town boundaries",
        ),
        "feasible.cond_overlap": ("占地不与现有小镇重叠", "footprint overlaps no town"),
        "feasible.cond_spacing": ("中心距小镇中心 ≥ {m} m", "centre ≥ {m} m from town centroids"),
        "feasible.cond_share": (
            "占地至少 {p}% 位于所属县区或功能区",
            "at least {p}% of the footprint in its unit",
        ),
        "feasible.cond_water": (
            "占地在水域上不超过 {p}%",
            "at most {p}% of the footprint on water",
        ),
        "feasible.cond_caps": (
            "该单元的名额与类别占比允许再加一个",
            "the unit's caps and category shares allow one more",
        ),
        "feasible.rule_sep": ("、", "; "),  # between rule titles, which hold commas in English
        "feasible.excluded": (
            "  排除（新增小镇必然违反）：{unit}（{caps}）",
            "  excluded (one more town fails there): {unit} ({caps})",
        ),
    }
)


def render_text(
    res, path: Path, lang: str, *, unit_names: dict | None = None, rules: dict | None = None
) -> str:
    """Summary of a feasible-area result in ``lang``: areas in km², distances in m; units by
    name (``unit_names``: id → name) and rules by clause and title (``rules``: id → words)."""
    from townsgis import vocab

    names, words = unit_names or {}, rules or {}

    d = res.to_dict()
    lim = d["distances_m"]
    lines = [
        msg(
            "feasible.summary",
            lang,
            category=vocab.label("category", res.category, lang),
            level=vocab.label("level", res.level, lang),
            footprint=f"{res.footprint_km2:g}",
            radius=f"{res.radius_m:.0f}",
            area=f"{res.area_km2:.2f}",
        ),
        msg(
            "feasible.conditions",
            lang,
            severity=vocab.label("severity", res.fail_on, lang),
            parts=joined(_conditions(lim, lang, d.get("max_water_share")), lang, sep="punct.comma"),
        ),
    ]
    lines += [
        f"  {names.get(u['unit_id'], u['unit_id'])}: {u['area_km2']:.2f} km²" for u in d["units"]
    ]
    lines += [
        msg(
            "feasible.excluded",
            lang,
            unit=names.get(e["unit_id"], e["unit_id"]),
            caps=joined((words.get(c, c) for c in e["caps_full"]), lang, sep="feasible.rule_sep"),
        )
        for e in d["excluded_units"]
    ]
    lines.append(msg("cli.wrote", lang, path=path))
    lines += [msg("cli.note", lang, text=n) for n in res.notes]
    return "\n".join(lines)


def _conditions(lim: dict, lang: str, water: float | None = None) -> list[str]:
    """The spatial conditions the area was computed with (only those at the chosen severity)."""
    out = []
    if lim["min_gap_m"] > 0:
        out.append(msg("feasible.cond_gap", lang, m=f"{lim['min_gap_m']:.0f}"))
    elif lim.get("no_overlap"):
        out.append(msg("feasible.cond_overlap", lang))
    if lim["min_spacing_m"] > 0:
        out.append(msg("feasible.cond_spacing", lang, m=f"{lim['min_spacing_m']:.0f}"))
    if lim["within_unit_fraction"] > 0:
        out.append(msg("feasible.cond_share", lang, p=f"{100 * lim['within_unit_fraction']:g}"))
    if water is not None:
        out.append(msg("feasible.cond_water", lang, p=f"{100 * water:g}"))
    out.append(msg("feasible.cond_caps", lang))
    return out
