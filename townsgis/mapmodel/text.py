"""The maps' own words (layer titles, legend headings, notes, title-block lines) in zh and en,
for the web and the print maps alike. Enumerated values (categories, levels, stages,
severities, verdicts, waiver states) and field names are NOT here: they come from
``townsgis.vocab``."""

from __future__ import annotations

from townsgis.messages import msg, register
from townsgis.messages import paren as _paren

# the map words, each in zh and en: catalogue entries map.<key> (townsgis.messages)
register(
    {
        "map.units": (
            "县区与功能区",
            "Counties, districts and zones",
        ),
        "map.towns": (
            "特色小镇",
            "Characteristic towns",
        ),
        "map.findings": (
            "检查发现的问题",
            "Findings of check",
        ),
        "map.findings_short": (
            "规则发现",
            "Rule findings",
        ),
        "map.no_findings": (
            "无规则发现",
            "No rule findings",
        ),
        "map.city_wide": (
            "全市范围的问题（见标题栏）",
            "City-wide findings (see title)",
        ),
        "map.city_wide_print": (
            "全市范围的问题（城市轮廓，见规则发现）",
            "City-wide findings (city outline; see the findings list)",
        ),
        "map.buffers": (
            "间距缓冲区（最小间距的一半）",
            "Spacing buffers (half the minimum distance)",
        ),
        "map.buffer_spacing": (
            "质心间距 ≥ {d} km：以质心为圆心、半径 {r} km 的圆，两圆相交即间距不足",
            "centroids ≥ {d} km apart: circle of {r} km round the centroid; circles that "
            "meet are too close",
        ),
        "map.buffer_gap": (
            "边界间距 ≥ {d} km：小镇外扩 {r} km，两区相交即间距不足",
            "boundaries ≥ {d} km apart: town grown by {r} km; areas that meet are too close",
        ),
        "map.feasible": (
            "可选址区域",
            "Feasible area",
        ),
        "map.feasible_centre": (
            "可选址区域（小镇中心，{km2} km²）",
            "Feasible area for the centre ({km2} km²)",
        ),
        "map.feasible_skipped": (
            "未显示 {n} "
            "个可选址区域文件（早于小镇图层或规则集，或属其他规则集，请重新运行 "
            "townsgis feasible）：{files}",
            "{n} feasible-area file(s) not shown (older than the towns layer or the rule "
            "set, or of another rule set; rerun townsgis feasible): {files}",
        ),
        "map.proposals": (
            "候选选址",
            "Proposed sites",
        ),
        "map.projects": (
            "项目（四个一批）",
            "Projects (four batches)",
        ),
        "map.approx_zone": (
            "范围示意，非官方边界",
            "approximate extent, not an official boundary",
        ),
        "map.district": (
            "县区界",
            "County/district boundary",
        ),
        "map.zone": (
            "功能区",
            "Functional zone",
        ),
        "map.zone_approx": (
            "功能区（示意范围）",
            "Functional zone (approximate)",
        ),
        "map.neighbours": (
            "周边县区",
            "Neighbouring counties",
        ),
        "map.water": (
            "水域",
            "Water",
        ),
        "map.overlap": (
            "重叠 / 超限区域",
            "Overlap / unit over its cap",
        ),
        "map.too_close": (
            "间距不足（标注距离）",
            "Too close (distance shown)",
        ),
        "map.ruleset": (
            "规则集",
            "Rule set",
        ),
        "map.date": (
            "生成日期",
            "Generated",
        ),
        "map.print_date": (
            "制图日期",
            "Date",
        ),
        "map.layout_title": (
            "特色小镇布局",
            "Layout of characteristic towns",
        ),
        "map.progress_title": (
            "特色小镇项目进度",
            "Progress of town projects",
        ),
        "map.quarter": (
            "季度",
            "Quarter",
        ),
        "map.stalled": (
            "停滞（同一阶段≥{n}个季度）",
            "stalled (same stage ≥ {n} quarters)",
        ),
        "map.stalled_n": (
            "停滞项目",
            "stalled projects",
        ),
        "map.size": (
            "圆大小 ∝ 总投资",
            "circle size ∝ total investment",
        ),
        "map.ratio": (
            "已完成投资 / 计划投资",
            "invested to date / planned",
        ),
        "map.implemented": (
            "开工实施及竣工投运项目",
            "projects under construction or operating",
        ),
        "map.not_started": (
            "尚未入库",
            "not yet in the library",
        ),
        "map.tiles_note": (
            "底图",
            "Basemap",
        ),
        "map.projects_n": (
            "项目数",
            "projects",
        ),
        "map.towns_n": (
            "小镇数",
            "towns",
        ),
        "map.as_recorded": (
            "按数据记录",
            "as recorded",
        ),
        "map.since": (
            "进入本阶段",
            "in this stage since",
        ),
        "map.play": (
            "播放",
            "play",
        ),
        "map.finding_rows": (
            "检查发现",
            "Findings",
        ),
        "map.status": (
            "评估结论",
            "Verdict",
        ),
        "map.reason": (
            "原因",
            "Reason",
        ),
        "map.measured": (
            "实测值",
            "Measured",
        ),
        "map.limit": (
            "限值",
            "Limit",
        ),
        "map.waiver_reason": (
            "豁免理由",
            "Waiver reason",
        ),
        "map.waiver_document": (
            "批准文件",
            "Approving document",
        ),
        "map.waiver_expires": (
            "豁免有效期至",
            "Waiver expires",
        ),
        "map.yes": (
            "是",
            "yes",
        ),
        "map.no": (
            "否",
            "no",
        ),
        "map.legend": (
            "图例",
            "Legend",
        ),
        "map.inset": (
            "{city}在{province}的位置",
            "{city} in {province}",
        ),
        "map.inset_plain": (
            "位置示意",
            "Location",
        ),
        "map.crs": (
            "坐标系：CGCS2000 高斯-克吕格 3° 带（中央经线 {cm}°E，{epsg}）",
            "CRS: CGCS2000 3° Gauss-Krüger, CM {cm}°E ({epsg})",
        ),
        "map.review": (
            "审图号：{v}",
            "Map review no. (审图号): {v}",
        ),
        "map.review_blank": (
            "审图号：________（未送审，仅供内部研究）",
            "Map review no. (审图号): ________ (not reviewed; internal study)",
        ),
        "map.sources": (
            "数据来源",
            "Sources",
        ),
        "map.notes": (
            "说明",
            "Notes",
        ),
        "map.scale": (
            "比例尺 1:{n:,}（按 {paper} 纸张打印）",
            "Scale 1:{n:,} (printed on {paper})",
        ),
        "map.findings_clipped": (
            "（每条截为一行，全文见 townsgis check）",
            "(each cut to one line; in full: townsgis check)",
        ),
        "map.more": (
            "……另有 {n} 条未列出，地图上不编号，见 townsgis check",
            "… {n} more not listed nor numbered on the map: see townsgis check",
        ),
        "map.boundaries": (
            "行政区界：",
            "Boundaries: ",
        ),
        "map.approx_source": (
            "近似示意范围（{v}）",
            "approximate stand-in ({v})",
        ),
        "map.locator_city": (
            "{city}（定位）",
            "{city} (locator)",
        ),
        "map.site": (
            "拟选址",
            "proposed site",
        ),
        "map.fullscreen": (
            "全屏",
            "Full screen",
        ),
        "map.exit_fullscreen": (
            "退出全屏",
            "Exit full screen",
        ),
    }
)


def t(lang: str, key: str, **fmt) -> str:
    """The map word ``key`` in ``lang`` (zh | en), formatted with ``fmt``."""
    return msg(f"map.{key}", lang, **fmt)


def paren(lang: str, text: str, inner: str) -> str:
    """``text（inner）`` in zh, ``text (inner)`` in en."""
    return _paren(text, inner, lang)
