"""`townsgis site`: would a proposed site pass the layout rules (§3.1)?"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from townsgis.cli import app
from townsgis.cli.help import command, text
from townsgis.cli.options import (
    DEFAULT_AREA_KM2,
    CrsOpt,
    FailOn,
    Lang,
    LangOpt,
    NameOpt,
    OptionalCategoryOpt,
    OptionalLatOpt,
    OptionalLevelOpt,
    OptionalLonOpt,
    OptionalSiteAreaOpt,
    ProjectOpt,
    RulesetOpt,
    SiteFailOnOpt,
    TextFormat,
    TextFormatOpt,
    open_project,
)
from townsgis.errors import EXIT_FINDINGS, EXIT_OK, TownsgisError
from townsgis.i18n import pick


@command(
    app,
    "site",
    zh="对照现有布局判断拟选址：结论、每个选址引发的问题、最近的 3 个小镇（边界距离，公里）"
    "和剩余名额。\n\n给出 --category/--level/--area-km2 时覆盖文件中的字段。"
    "退出码：全部通过为 0，有不通过为 1，输入有误为 2。",
    en="Judge proposed sites against the current layout: verdict, the findings each site "
    "causes, the 3 nearest towns (boundary distance, km) and the remaining caps.\n\n"
    "--category/--level/--area-km2, when given, override a file's fields. Exit 0 all pass, "
    "1 any fails, 2 bad input.",
    examples=[
        "townsgis site --lon 120.35 --lat 30.75 --category 制造业 --level 省级培育",
        "townsgis site --file 选址.xlsx --crs gcj02",
    ],
)
def site(
    lon: OptionalLonOpt = None,
    lat: OptionalLatOpt = None,
    crs: CrsOpt = None,
    area_km2: OptionalSiteAreaOpt = None,
    category: OptionalCategoryOpt = None,
    level: OptionalLevelOpt = None,
    name: NameOpt = None,
    boundary: Annotated[
        Path | None,
        typer.Option(
            "--boundary",
            help=text(
                "site.boundary",
                "面要素文件：选址的边界。",
                "A polygon file: the site's boundary.",
            ),
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help=text(
                "site.file",
                "多个选址：点（按占地面积画圆）或面。",
                "Many sites: points (circles of their area) or polygons.",
            ),
        ),
    ] = None,
    fix_geometry: Annotated[
        bool,
        typer.Option(
            "--fix-geometry",
            help=text(
                "site.fix_geometry",
                "用 make_valid 修复无效的面（与 import 相同）。",
                "Repair invalid polygons with make_valid (as `import`).",
            ),
        ),
    ] = False,
    together: Annotated[
        bool,
        typer.Option(
            "--together",
            help=text(
                "site.together", "把所有选址作为一个整体评估。", "Judge all sites as one package."
            ),
        ),
    ] = False,
    fail_on: SiteFailOnOpt = FailOn.error,
    fmt: TextFormatOpt = TextFormat.text,
    lang: LangOpt = Lang.zh,
    ruleset: RulesetOpt = None,
    project: ProjectOpt = None,
) -> None:
    from townsgis.engine import load_inputs
    from townsgis.siting import evaluate_sites, plan_from_file, sites_from_point

    modes = [lon is not None or lat is not None, boundary is not None, file is not None]
    if sum(modes) != 1:
        raise TownsgisError.of("site.one_mode")
    if modes[0] and (lon is None or lat is None):
        raise TownsgisError.of("site.lon_lat")
    proj = open_project(project)
    ds, rs = load_inputs(proj, ruleset, layout_only=True)
    if modes[0]:
        if category is None or level is None:
            raise TownsgisError.of("site.point_needs")
        sites = sites_from_point(
            ds,
            lon,
            lat,
            crs=crs or "wgs84",
            area_km2=DEFAULT_AREA_KM2 if area_km2 is None else area_km2,
            category=category,
            level=level,
            name=name,
        )
    else:
        # Options given on the command line win over the file's fields; unset ones are None.
        given = {"category": category, "level": level, "area_km2": area_km2}
        # checked whole (bad input refuses the file), outlines built a group at a time
        sites = plan_from_file(
            ds,
            boundary or file,
            crs=crs,
            defaults={"area_km2": DEFAULT_AREA_KM2},
            overrides=given,
            polygons_only=boundary is not None,
            fix_geometry=fix_geometry,
        )
        if boundary is not None and name:
            sites.frame["name"] = (
                name if len(sites) == 1 else [f"{name} {i + 1}" for i in range(len(sites))]
            )
        if together:
            sites = sites.sites()
    if together:
        report = evaluate_sites(ds, rs, sites, together=True, fail_on=fail_on.value)
        results, skipped = iter(report.sites), report.skipped_rules
    else:  # each site alone: written as judged, never all held at once
        from townsgis.siting import SITE_SKIPPED_KINDS, iter_sites_alone

        results = iter_sites_alone(ds, rs, sites, fail_on=fail_on.value)
        skipped = [r.id for r in rs.rules if r.kind in SITE_SKIPPED_KINDS]
    failed = False

    def judged():
        nonlocal failed
        for r in results:
            failed = failed or r.verdict != "pass"
            yield r

    if fmt == TextFormat.json:
        parts = json_parts(judged(), lang.value)
    else:
        units = ds.units.set_index(ds.units["unit_id"].astype(str))
        names = units[pick("name_zh", "name_en", lang.value)].astype(str).to_dict()
        parts = text_parts(judged(), lang.value, names, together, skipped, ds.metric_crs)
    out = typer.get_text_stream("stdout")
    for part in parts:
        out.write(part)
    out.write("\n")
    out.flush()
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


def json_parts(results, lang: str):
    """``json.dumps(report.to_dict(lang), ensure_ascii=False, indent=2)`` written site by
    site (the same text)."""
    head = '{\n  "sites": ['  # written with the first site: an error before it leaves no output
    for s in results:
        body = json.dumps(s.to_dict(lang), ensure_ascii=False, indent=2)
        yield head + "\n    " + body.replace("\n", "\n    ")
        head = ","
    yield head + "]\n}" if head != "," else "\n  ]\n}"


_T = {
    "zh": {
        "pass": "通过",
        "fail": "不通过",
        "site": "拟选址",
        "unit": "所在单元",
        "none": "  未引发新的问题",
        "nearest": "  最近小镇（边界距离）",
        "caps": "  名额（现有/上限 → 加入后剩余）",
        "city": "全市",
        "waived": "（已豁免）",
        "together": "（整体评估）",
        "skipped": "未评估（选址尚无此类资料）",
        "note": "注：小镇位置为近似（误差数公里），边界为示意；距离在 {crs} 中计算。",
    },
    "en": {
        "pass": "PASS",
        "fail": "FAIL",
        "site": "Site",
        "unit": "unit",
        "none": "  causes no new finding",
        "nearest": "  nearest towns (boundary distance)",
        "caps": "  caps (used/limit → remaining with the site)",
        "city": "city",
        "waived": " (waived)",
        "together": " (judged together)",
        "skipped": "not judged (a proposed site has no such records yet)",
        "note": "Note: town locations are approximate (a few km), boundaries illustrative; "
        "distances computed in {crs}.",
    },
}


def render_text(report, lang: str, unit_names: dict[str, str] | None = None) -> str:
    """Human-readable verdicts, one block per site; units by name (``unit_names``: id → name
    in ``lang``), severities in the vocabulary's words."""
    return "".join(
        text_parts(
            report.sites,
            lang,
            unit_names,
            report.together,
            report.skipped_rules,
            report.metric_crs,
        )
    )


def text_parts(results, lang: str, unit_names, together: bool, skipped, metric_crs):
    """:func:`render_text`'s text, site by site, for results given one at a time."""
    from townsgis import vocab

    names = unit_names or {}
    t = _T[lang]
    sep = ""
    for s in results:
        lines = []
        verdict = t["pass"] if s.verdict == "pass" else t["fail"]
        extra = t["together"] if together else ""
        lines.append(
            f"{t['site']} {s.name} ({s.lon:.6f}, {s.lat:.6f} WGS84) "
            f"{t['unit']} {names.get(str(s.unit_id), s.unit_id)}: {verdict}{extra}"
        )
        if not s.findings:
            lines.append(t["none"])
        for f in s.findings:
            w = t["waived"] if f.waived else ""
            sev = vocab.label("severity", f.severity, lang)
            lines.append(f"  [{sev}] {f.rule} {f.clause}: {f.message(lang)}{w}")
        lines.append(t["nearest"])
        for n in s.nearest:
            lines.append(f"    {n['name_zh']} ({n['town_id']}): {n['distance_km']:.2f} km")
        lines.append(t["caps"])
        for row in s.capacity["unit"] + s.capacity["city"]:
            scope = t["city"] if row["scope"] == "city" else names.get(row["scope"], row["scope"])
            lines.append(
                f"    {row['rule']} {row['clause']} {scope}: {row['used']}/{row['limit']}"
                f" → {row['remaining_after']}"
            )
        yield sep + "\n".join(lines)
        sep = "\n"
    tail = []
    if skipped:
        tail.append(f"{t['skipped']}: {', '.join(skipped)}")
    crs = metric_crs.to_string() if metric_crs is not None else "?"
    tail.append(t["note"].format(crs=crs))
    yield sep + "\n".join(tail)
