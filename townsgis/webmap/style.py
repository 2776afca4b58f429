"""Colours, line styles and bilingual labels shared by the web maps. The names and colours of
categories, stages, severities and verdicts are the vocabulary's (townsgis.vocab)."""

from __future__ import annotations

from townsgis import vocab

# Town category (§3.1.3) -> fill colour.
CATEGORY_COLORS = vocab.colours("category")
OTHER_COLOR = vocab.OTHER_COLOUR

# Finding styles: error, warning, waived (any severity) each look different.
_SEV = vocab.colours("severity")
FINDING_STYLES = {
    "error": {"color": _SEV["error"], "weight": 3, "dashArray": None, "fillOpacity": 0.35},
    "warning": {"color": _SEV["warning"], "weight": 3, "dashArray": "8 6", "fillOpacity": 0.25},
    "info": {"color": _SEV["info"], "weight": 2, "dashArray": "2 6", "fillOpacity": 0.15},
    "waived": {
        "color": vocab.colour("finding_state", "waived"),
        "weight": 2,
        "dashArray": "2 5",
        "fillOpacity": 0.1,
    },
}

# Project stages, the "four batches" (§2.3, §3.3.1), in pipeline order.
STAGES = vocab.STAGES
STAGE_COLORS = vocab.colours("stage")
STALLED_COLOR = "#000000"

# invested-to-date / planned -> town fill (5 classes).
RATIO_BREAKS = (0.2, 0.4, 0.6, 0.8)
RATIO_COLORS = ("#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd")  # Blues: apart from stages

PROPOSAL_COLORS = vocab.colours("verdict")

TEXT = {
    "zh": {
        "units": "县区与功能区",
        "towns": "特色小镇",
        "findings": "检查发现的问题",
        "buffers": "间距缓冲区（最小间距的一半）",
        "buffer_spacing": "质心间距 ≥ {d} km：以质心为圆心、半径 {r} km 的圆，两圆相交即间距不足",
        "buffer_gap": "边界间距 ≥ {d} km：小镇外扩 {r} km，两区相交即间距不足",
        "feasible": "可选址范围",
        "feasible_skipped": "未显示 {n} 个可选址范围文件（早于小镇图层或规则集，或属其他规则集，"
        "请重新运行 townsgis feasible）：{files}",
        "proposals": "候选选址",
        "projects": "项目（四个一批）",
        "approx_zone": "范围示意，非官方边界",
        "category": "类别",
        "other": "其他",
        "zone": "功能区",
        "zone_approx": "功能区（示意范围）",
        "sample_waiver": "示例豁免 / sample waiver",
        "district": "县区",
        "overlap": "重叠 / 超限区域",
        "too_close": "间距不足（标注距离）",
        "ruleset": "规则集",
        "date": "生成日期",
        "layout_title": "特色小镇布局",
        "progress_title": "特色小镇项目进度",
        "quarter": "季度",
        "stage": "阶段",
        "stalled": "停滞（同一阶段≥{n}个季度）",
        "size": "圆大小 ∝ 总投资",
        "ratio": "已完成投资 / 计划投资",
        "implemented": "开工实施及竣工投运项目",
        "not_started": "尚未入库",
        "tiles_note": "底图",
        "total_investment": "总投资（亿元）",
        "invested_to_date": "已完成投资（亿元）",
        "projects_n": "项目数",
        "as_recorded": "按数据记录",
    },
    "en": {
        "units": "Counties, districts and zones",
        "towns": "Characteristic towns",
        "findings": "Findings of check",
        "buffers": "Spacing buffers (half the minimum distance)",
        "buffer_spacing": "centroids ≥ {d} km apart: circle of {r} km round the centroid; "
        "circles that meet are too close",
        "buffer_gap": "boundaries ≥ {d} km apart: town grown by {r} km; "
        "areas that meet are too close",
        "feasible": "Feasible area",
        "feasible_skipped": "{n} feasible-area file(s) not shown (older than the towns layer or "
        "the rule set, or of another rule set; rerun townsgis feasible): {files}",
        "proposals": "Proposed sites",
        "projects": "Projects (four batches)",
        "approx_zone": "approximate extent, not an official boundary",
        "category": "Category",
        "other": "other",
        "zone": "functional zone",
        "zone_approx": "functional zone (approximate)",
        "sample_waiver": "sample waiver / 示例豁免",
        "district": "county / district",
        "overlap": "overlap / unit over its cap",
        "too_close": "too close (distance shown)",
        "ruleset": "Rule set",
        "date": "Generated",
        "layout_title": "Layout of characteristic towns",
        "progress_title": "Progress of town projects",
        "quarter": "Quarter",
        "stage": "Stage",
        "stalled": "stalled (same stage ≥ {n} quarters)",
        "size": "circle size ∝ total investment",
        "ratio": "invested to date / planned",
        "implemented": "projects under construction or operating",
        "not_started": "not yet in the library",
        "tiles_note": "Basemap",
        "total_investment": "total investment (100M yuan)",
        "invested_to_date": "invested to date (100M yuan)",
        "projects_n": "projects",
        "as_recorded": "as recorded",
    },
}

for _lang in TEXT:  # the enumerated values' names, from the one vocabulary
    for _domain in ("category", "stage", "severity", "verdict"):
        TEXT[_lang].update(vocab.labels(_domain, _lang))
    TEXT[_lang]["waived"] = vocab.label("finding_state", "waived", _lang)
    TEXT[_lang]["sample_short"] = vocab.label("finding_state", "sample_waiver", _lang)


def t(lang: str, key: str, **fmt) -> str:
    """Label ``key`` in ``lang`` (zh|en)."""
    text = TEXT.get(lang, TEXT["zh"])[key]
    return text.format(**fmt) if fmt else text


# The page's own CSS (labels, popups, legend, title, hatching).
PAGE_CSS = """
html, body {margin:0; padding:0; height:100%;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
  "WenQuanYi Micro Hei", sans-serif;}
.leaflet-container {background:#f4f3ef; font-family:inherit;}
.leaflet-tooltip.tg-label {background:transparent; border:none; box-shadow:none; padding:0;
  font-size:12px; font-weight:600; color:#222;
  text-shadow:0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff;}
.leaflet-tooltip.tg-label::before {display:none;}
.leaflet-tooltip.tg-unit-label {font-size:14px; color:#666; font-weight:400;}
.leaflet-tooltip.tg-town-label {font-size:12px;}
.leaflet-tooltip.tg-dist-label {color:#b30000; font-size:13px; font-weight:700;}
.leaflet-tooltip.tg-dist-warning {color:#d94801;}
.leaflet-tooltip.tg-dist-waived {color:#555; font-style:italic;}
.tg-zone {fill:url(#tg-hatch) !important; fill-opacity:1 !important;}
.tg-popup table {border-collapse:collapse; font-size:12px;}
.tg-popup th {text-align:left; padding:1px 8px 1px 0; color:#555; font-weight:500;
  vertical-align:top; white-space:nowrap;}
.tg-popup td {padding:1px 0; max-width:300px;}
.tg-box {background:rgba(255,255,255,0.93); border-radius:4px; padding:6px 10px;
  box-shadow:0 1px 4px rgba(0,0,0,0.35); font-size:12px; line-height:1.45;}
.tg-title {position:absolute; top:10px; left:60px; z-index:1000; max-width:46%;}
.tg-title h1 {font-size:16px; margin:0 0 2px 0;}
.tg-title .tg-warn {color:#a50f15; font-weight:600;}
.tg-legend {position:absolute; bottom:28px; right:10px; z-index:1000; max-height:70%;
  overflow:auto;}
.tg-legend h4 {margin:4px 0 2px 0; font-size:12px;}
.tg-legend .tg-item {white-space:nowrap;}
.tg-legend svg {vertical-align:middle; margin-right:4px;}
.tg-slider {min-width:260px;}
.tg-slider input {width:100%;}
"""

# An SVG hatch pattern referenced by ``.tg-zone`` (functional zones, approximate).
HATCH_SVG = (
    '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
    '<pattern id="tg-hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="8" height="8" fill="#ffffff" '
    'fill-opacity="0.15"/><line x1="0" y1="0" x2="0" y2="8" stroke="#6a3d9a" '
    'stroke-width="2" stroke-opacity="0.55"/></pattern></defs></svg>'
)
