"""`townsgis capacity`: remaining slots (§3.1.1a–c) and what the category mix needs (§3.1.3)."""

from __future__ import annotations

import json

import typer

from townsgis.cli import app
from townsgis.cli.help import command
from townsgis.cli.options import (
    Lang,
    LangOpt,
    ProjectOpt,
    RulesetOpt,
    TextFormat,
    TextFormatOpt,
    open_project,
)


@command(
    app,
    "capacity",
    zh="各县区和全市剩余的名额，以及类别结构达标最少需增减几个小镇。\n\n"
    "名额分省级和总数；类别结构不达标时，给出在名额内最少需新增、或最少需撤销的小镇数。",
    en="Remaining slots per unit and city-wide, and what the category mix needs.\n\n"
    "Remaining provincial and total slots per unit and city-wide, and the fewest additions "
    "(within the caps) or removals that bring the category mix within its shares.",
    examples=["townsgis capacity", "townsgis capacity --format json --lang en"],
)
def capacity(
    fmt: TextFormatOpt = TextFormat.text,
    lang: LangOpt = Lang.zh,
    ruleset: RulesetOpt = None,
    project: ProjectOpt = None,
) -> None:
    from townsgis.engine import load_inputs
    from townsgis.siting import capacity as compute

    proj = open_project(project)
    ds, rs = load_inputs(proj, ruleset, layout_only=True)
    report = compute(ds, rs)
    if fmt == TextFormat.json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(render_text(report, lang.value))


_T = {
    "zh": {
        "city": "全市名额",
        "units": "各单元（省级 = 可增省级创建小镇，总计 = 任一级别最多可增）",
        "towns": "小镇",
        "left": "剩余",
        "prov": "可增省级",
        "total": "可增总计",
        "inf": "不限",
        "mix": "类别结构 {rules}（统计层级：{levels}；共 {n} 个）",
        "all": "各级",
        "ok": "符合",
        "bad": "不符合",
        "add": "  仅新增：至少新增 {k} 个（{what}）",
        "add_none": "  仅新增：任何数量的新增都无法达到结构要求",
        "slots": "；上限内最多还能新增 {s} 个（受 {caps} 限制）",
        "slots_inf": "；新增数量不受上限约束",
        "feasible": "  → 可在上限内达到结构要求",
        "infeasible": "  → 无法在上限内达到：需新增 {k} 个，但只剩 {s} 个名额",
        "remove": "  仅撤销：至少撤销 {k} 个（{what}）",
        "remove_none": "  仅撤销：无法通过撤销达到",
        "nothing": "  无需调整",
    },
    "en": {
        "city": "City-wide caps",
        "units": "Units (prov = provincial-creation slots, total = most towns of any level)",
        "towns": "towns",
        "left": "left",
        "prov": "prov",
        "total": "total",
        "inf": "no cap",
        "mix": "Category mix {rules} (levels counted: {levels}; {n} towns)",
        "all": "all levels",
        "ok": "ok",
        "bad": "out of range",
        "add": "  additions only: at least {k} more ({what})",
        "add_none": "  additions only: no number of additions reaches the mix",
        "slots": "; the caps allow at most {s} more (bound by {caps})",
        "slots_inf": "; additions are not capped",
        "feasible": "  → reachable within the caps",
        "infeasible": "  → NOT reachable within the caps: "
        "needs {k} additions, only {s} slots remain",
        "remove": "  removals only: at least {k} fewer ({what})",
        "remove_none": "  removals only: not reachable",
        "nothing": "  nothing to change",
    },
}


def _pct(v) -> str:
    return "-" if v is None else f"{float(v) * 100:.1f}%"


def render_text(report, lang: str) -> str:
    """The capacity report as text."""
    from townsgis import vocab

    t, cat = _T[lang], vocab.labels("category", lang)

    def _n(v):
        return t["inf"] if v is None else str(v)

    from townsgis.interpretation import readings_line, rule_clauses

    interp = getattr(report.ruleset, "interpretation", {})
    line = readings_line(interp, "capacity", lang, rule_clauses(report.ruleset))
    lines = [line] if line else []
    lines.append(t["city"])
    for c in report.city:
        lv = vocab.join("level", c["levels"], lang) if c["levels"] else t["all"]
        lines.append(
            f"  {c['rule']} {c['clause']} [{lv}]: {c['used']}/{c['limit']}, "
            f"{t['left']} {c['remaining']}"
        )
    lines.append(t["units"])
    for u in report.units:
        caps = "; ".join(
            f"{c['rule']} {c['used']}/{c['limit']} {t['left']} {c['remaining']}" for c in u["caps"]
        )
        name = u["name_en"] if lang == "en" else u["name_zh"]
        lines.append(
            f"  {u['unit_id']} {name}: {t['towns']} {u['towns']}; {caps}; "
            f"{t['prov']} {_n(u['provincial_slots'])}, {t['total']} {_n(u['total_slots'])}"
        )
    for m in report.mix:
        d = m.to_dict()
        levels = vocab.join("level", d["levels"], lang) if d["levels"] else t["all"]
        lines.append(t["mix"].format(rules=", ".join(d["rules"]), levels=levels, n=d["total"]))
        for c, sh in d["shares"].items():
            lo, hi = sh["min"], sh["max"]
            rng = (f"≥{_pct(lo)}" if lo is not None else "") + (
                f" ≤{_pct(hi)}" if hi is not None else ""
            )
            good = (lo is None or sh["count"] >= lo * d["total"] - 1e-9) and (
                hi is None or sh["count"] <= hi * d["total"] + 1e-9
            )
            lines.append(
                f"  {cat.get(c, c)} {sh['count']}/{d['total']} = {_pct(sh['share'])} "
                f"({rng.strip()}) {t['ok'] if good else t['bad']}"
            )
        if d["ok"]:
            lines.append(t["nothing"])
            continue
        if d["add"] is None:
            lines.append(t["add_none"])
        else:
            what = ", ".join(f"{cat.get(c, c)} {k}" for c, k in d["add"].items())
            slots = (
                t["slots_inf"]
                if d["add_slots"] is None
                else t["slots"].format(s=d["add_slots"], caps=", ".join(d["binding_caps"]) or "-")
            )
            lines.append(t["add"].format(k=d["add_total"], what=what) + slots)
            lines.append(
                t["feasible"]
                if d["add_feasible"]
                else t["infeasible"].format(k=d["add_total"], s=d["add_slots"])
            )
        if d["remove"] is None:
            lines.append(t["remove_none"])
        else:
            what = ", ".join(f"{cat.get(c, c)} {k}" for c, k in d["remove"].items())
            lines.append(t["remove"].format(k=d["remove_total"], what=what))
    return "\n".join(lines)
