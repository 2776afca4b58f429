"""Render a CheckResult as text (for a meeting), JSON, GeoJSON (WGS84) or Markdown."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from townsgis.findings import Finding, Severity, findings_to_geodataframe
from townsgis.interpretation import readings_line, rule_clauses
from townsgis.messages import joined, paren
from townsgis.vocab import field_label

if TYPE_CHECKING:
    from townsgis.engine import CheckResult

FORMATS = ("text", "json", "geojson", "markdown")

_L = {
    "zh": {
        "title": "特色小镇布局检查",
        "ruleset": "规则集",
        "crs": "计算坐标系",
        "summary": "结论",
        "pass": "通过",
        "fail": "不通过",
        "error": "错误",
        "warning": "警告",
        "info": "提示",
        "waived": "已豁免",
        "none": "无",
        "measured": "实测",
        "limit": "限值",
        "towns": "小镇",
        "notes": "豁免说明",
        "approx": "注：小镇位置与边界为近似示意（误差可达数公里）。",
        "waiver": "豁免依据",
        "sample_waiver": "示例豁免（虚构文件，非真实批复）",
        "waiver_line": "{waiver}：{tag}{document} — {reason}（有效期至 {expires}）",
        "counts": "错误 {errors} 项，警告 {warnings} 项，已豁免 {waived} 项",
    },
    "en": {
        "title": "Characteristic-town layout check",
        "ruleset": "Rule set",
        "crs": "Analysis CRS",
        "summary": "Verdict",
        "pass": "PASS",
        "fail": "FAIL",
        "error": "Errors",
        "warning": "Warnings",
        "info": "Info",
        "waived": "Waived",
        "none": "none",
        "measured": "measured",
        "limit": "limit",
        "towns": "towns",
        "notes": "Waiver notes",
        "approx": "Note: town locations and boundaries are approximate and illustrative "
        "(errors of a few km).",
        "waiver": "waiver",
        "sample_waiver": "sample waiver (invented document, not a real approval)",
        "waiver_line": "{waiver}: {tag}{document} — {reason} (until {expires})",
        "counts": "{errors} errors, {warnings} warnings, {waived} waived",
    },
}


def render(result: CheckResult, fmt: str = "text", lang: str = "zh", fail_on: str = "error") -> str:
    """The check report in ``fmt`` (text|json|geojson|markdown) and ``lang`` (zh|en)."""
    if fmt == "json":
        return json.dumps(result.to_json(lang, fail_on), ensure_ascii=False, indent=2) + "\n"
    if fmt == "geojson":
        return render_geojson(result, lang)
    if fmt == "markdown":
        return render_markdown(result, lang, fail_on) + _changes_text(result, lang, "markdown")
    return render_text(result, lang, fail_on) + _changes_text(result, lang, "text")


_CHANGES = {
    "zh": {
        "title": "与上次运行相比（{since}）：新增 {new}，已解决 {resolved}，仍存在 {persisting}",
        "first": "与上次运行相比：此前没有记录的运行，全部 {new} 条发现均为新增",
        "new": "新增",
        "resolved": "已解决",
    },
    "en": {
        "title": "Since the last run ({since}): {new} new, {resolved} resolved, "
        "{persisting} persisting",
        "first": "Since the last run: no earlier run recorded; all {new} findings are new",
        "new": "new",
        "resolved": "resolved",
    },
}


def _changes_text(result: CheckResult, lang: str, fmt: str) -> str:
    """What changed since an earlier run (``check --since``): counts, then the new and the
    resolved findings; empty without a comparison."""
    ch = result.changes
    if ch is None:
        return ""
    L = _CHANGES[lang]
    counts = {"new": len(ch.new), "resolved": len(ch.resolved), "persisting": len(ch.persisting)}
    head = L["title"].format(since=ch.since, **counts) if ch.since else L["first"].format(**counts)
    bullet = "- " if fmt == "markdown" else "  "
    lines = ["", f"## {head}" if fmt == "markdown" else f"== {head} ==", ""]
    for i in ch.new:
        f = result.findings[i]
        lines.append(f"{bullet}[{L['new']}] {f.rule} {_escape(f.message(lang), fmt)}")
    for e in ch.resolved:
        lines.append(f"{bullet}[{L['resolved']}] {e['rule']} {_escape(e['message'], fmt)}")
    return "\n".join(lines) + "\n"


def _escape(text: str, fmt: str) -> str:
    if fmt != "markdown":
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _groups(result: CheckResult) -> list[tuple[str, list[Finding]]]:
    act = result.active()
    groups = [(s.value, [f for f in act if f.severity == s]) for s in Severity]
    groups.sort(key=lambda g: -Severity(g[0]).rank)
    groups.append(("waived", [f for f in result.findings if f.waived]))
    return groups


def _numbers(f: Finding, L: dict, lang: str = "zh") -> str:
    """`` （实测 3,991 m，限值 5,000 m）``: measured and limit in the unit's number format."""
    from townsgis import numbers

    if (f.measured is None and f.limit is None) or isinstance(f.limit, str) or "count" in f.extra:
        return ""  # attribute conditions and shares: the message already shows the numbers
    unit = f.extra.get("unit") or ""
    kind = numbers.UNIT_KINDS.get(unit, "number")
    tail = f" {unit}" if unit else ""
    parts = []
    if f.measured is not None:
        parts.append(f"{L['measured']} {numbers.fmt(f.measured, kind)}{tail}")
    if f.limit is not None:
        parts.append(f"{L['limit']} {numbers.fmt(f.limit, kind)}{tail}")
    return paren("", joined(parts, lang, sep="punct.comma"), lang)  # （…） / " (…)"


def render_text(result: CheckResult, lang: str = "zh", fail_on: str = "error") -> str:
    """Plain text grouped by severity: rule id, clause, message with its numbers."""
    L = _L[lang]
    s = result.summary(fail_on)
    rs = result.ruleset
    lines = [
        f"{L['title']} — {L['ruleset']} {rs.id} v{rs.version}: {rs.title(lang)}",
        f"{L['crs']}: {result.metric_crs.to_string() if result.metric_crs else '?'}",
        f"{L['summary']}: {L[s['verdict']]} — {L['counts'].format(**s)}",
    ]
    line = readings_line(rs.interpretation, "check", lang, rule_clauses(rs))
    lines += [line] if line else []
    for name, items in _groups(result):
        if not items:
            continue
        lines += ["", f"== {L[name]} ({len(items)}) =="]
        for f in items:
            lines.append(f"[{f.rule} {f.clause}] {f.message(lang)}{_numbers(f, L, lang)}")
            if f.waived and f.waiver:
                lines.append(f"    {_waiver_text(f.waiver, L)}")
    if result.waiver_notes:
        lines += ["", f"{L['notes']}:"] + [f"  - {n}" for n in result.waiver_notes]
    if result.approximate:
        lines += ["", L["approx"]]
    return "\n".join(lines) + "\n"


def _waiver_text(w: dict, L: dict) -> str:
    """'waiver: [sample waiver …] document — reason (until expires)'."""
    tag = f"[{L['sample_waiver']}] " if w.get("sample") else ""
    return L["waiver_line"].format(
        waiver=L["waiver"],
        tag=tag,
        document=w["document"],
        reason=w["reason"],
        expires=w["expires"],
    )


def _shown(f: Finding, key: str, lang: str) -> str:
    """``measured``/``limit`` of a finding as people read it (景区等级不低于3A级, not
    ``scenic_grade >= 3A``) where the rule gave a wording; else the value as is."""
    shown = f.extra.get("shown", {}).get(key, {}).get(lang)
    if shown is not None:
        return str(shown)
    v = getattr(f, key)
    return "" if v is None else str(v)


def _md(text: str) -> str:
    """A Markdown table cell or list item: HTML, link, image and table syntax escaped."""
    from townsgis.mdescape import md_escape

    return md_escape(text)


def render_markdown(result: CheckResult, lang: str = "zh", fail_on: str = "error") -> str:
    """A Markdown report: summary line and one table per severity group."""
    L = _L[lang]
    s = result.summary(fail_on)
    rs = result.ruleset
    out = [
        f"# {L['title']}",
        "",
        f"**{L['ruleset']}**: {_md(rs.id)} v{_md(rs.version)} — {_md(rs.title(lang))}  ",
        f"**{L['summary']}**: {L[s['verdict']]} — {L['counts'].format(**s)}  ",
        _md(readings_line(rs.interpretation, "check", lang, rule_clauses(rs))),
    ]
    for name, items in _groups(result):
        if not items:
            continue
        out += ["", f"## {L[name]} ({len(items)})", ""]
        heads = [field_label(k, lang) for k in ("rule", "clause", "message", "measured", "limit")]
        out += ["| " + " | ".join(heads) + " |", "|---|---|---|---|---|"]
        for f in items:
            m, lim = _shown(f, "measured", lang), _shown(f, "limit", lang)
            msg = _md(f.message(lang))
            if f.waived and f.waiver:
                msg += "<br>" + _md(_waiver_text(f.waiver, L))
            out.append(f"| {_md(f.rule)} | {_md(f.clause)} | {msg} | {_md(m)} | {_md(lim)} |")
    if result.waiver_notes:
        out += ["", f"## {L['notes']}", ""] + [f"- {_md(n)}" for n in result.waiver_notes]
    if result.approximate:
        out += ["", f"_{L['approx']}_"]
    return "\n".join(out) + "\n"


def render_geojson(result: CheckResult, lang: str = "zh") -> str:
    """Findings as a GeoJSON FeatureCollection in WGS84 (findings without geometry keep null)."""
    gdf = findings_to_geodataframe(result.findings, result.metric_crs, lang).to_crs("EPSG:4326")
    doc = json.loads(gdf.to_json(na="null", drop_id=True))
    for feat, f in zip(doc["features"], result.findings, strict=True):
        if f.waiver is not None:  # carries "sample": true for an illustrative waiver
            feat["properties"]["waiver"] = f.waiver
    doc["ruleset"] = {"id": result.ruleset.id, "version": result.ruleset.version}
    if result.approximate:
        doc["note"] = _L[lang]["approx"]
    return json.dumps(doc, ensure_ascii=False) + "\n"
