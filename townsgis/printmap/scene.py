"""What a print map shows, independent of paper and format. All geometry in the metric CRS."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from townsgis import vocab

if TYPE_CHECKING:
    import geopandas as gpd
    from pyproj import CRS

    from townsgis.findings import Finding

# Names and colours of the categories: the vocabulary's (the same as the web map's).
CATEGORY_COLORS = vocab.colours("category")
CATEGORY_NAMES = {
    lang: {c: vocab.town_label(c, lang) for c in vocab.CATEGORIES} for lang in ("zh", "en")
}

TEXT = {
    "zh": {
        "unit": "县区界",
        "zone": "功能区（示意范围）",
        "zone_plain": "功能区",
        "finding": "规则发现",
        "findings": "规则发现",
        "no_findings": "无规则发现",
        "legend": "图例",
        "inset": "{city}在{province}的位置",
        "inset_plain": "位置示意",
        "ruleset": "规则集",
        "date": "制图日期",
        "crs": "坐标系：CGCS2000 高斯-克吕格 3° 带（中央经线 {cm}°E，{epsg}）",
        "review": "审图号：{v}",
        "review_blank": "审图号：________（未送审，仅供内部研究）",
        "sources": "数据来源",
        "notes": "说明",
        "scale": "比例尺 1:{n:,}（按 {paper} 纸张打印）",
        "more": "……另有 {n} 条（{ids}），见 townsgis check",
        "waived": "（已豁免）",
        "sample_waiver": "（示例豁免 / sample waiver）",
    },
    "en": {
        "unit": "County/district boundary",
        "zone": "Functional zone (approximate)",
        "zone_plain": "Functional zone",
        "finding": "Rule finding",
        "findings": "Rule findings",
        "no_findings": "No rule findings",
        "legend": "Legend",
        "inset": "{city} in {province}",
        "inset_plain": "Location",
        "ruleset": "Rule set",
        "date": "Date",
        "crs": "CRS: CGCS2000 3° Gauss-Krüger, CM {cm}°E ({epsg})",
        "review": "Map review no. (审图号): {v}",
        "review_blank": "Map review no. (审图号): ________ (not reviewed; internal study)",
        "sources": "Sources",
        "notes": "Notes",
        "scale": "Scale 1:{n:,} (printed on {paper})",
        "more": "… {n} more ({ids}), see townsgis check",
        "waived": " (waived)",
        "sample_waiver": " (sample waiver / 示例豁免)",
    },
}


@dataclass
class Overlay:
    """An extra layer on the map with its legend entry (site, buffers, feasible area…)."""

    gdf: gpd.GeoDataFrame
    label: str
    facecolor: str = "none"
    edgecolor: str = "black"
    linewidth: float = 0.8
    linestyle: str = "-"
    hatch: str | None = None
    alpha: float = 1.0
    zorder: int = 6
    marker: str | None = None  # for point layers
    name: str | None = None  # label written on the map next to it (e.g. the site's name)


@dataclass
class TownStyle:
    """Colour each town by a value instead of by category (progress maps)."""

    values: dict[str, float]  # town_id → value in [vmin, vmax]
    label: str  # colour bar title
    cmap: str = "YlGn"
    vmin: float = 0.0
    vmax: float = 1.0
    fmt: str = "{:.0%}"


@dataclass
class MapScene:
    """Everything one print map shows; geometry in ``crs`` (metric)."""

    kind: str
    title: str
    lang: str
    crs: CRS
    units: gpd.GeoDataFrame
    towns: gpd.GeoDataFrame
    province: gpd.GeoDataFrame | None = None
    city: gpd.GeoDataFrame | None = None
    findings: list[Finding] = field(default_factory=list)
    overlays: list[Overlay] = field(default_factory=list)
    town_style: TownStyle | None = None
    subtitle: str = ""
    ruleset: str = ""
    date: str = ""
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    review_number: str | None = None
    city_name: str = ""  # the project's city (inset caption and label); "" = none shown
    province_name: str = ""  # from the province boundary's name_zh/name_en
    extra: dict[str, Any] = field(default_factory=dict)

    def t(self, key: str, **kw) -> str:
        """Localised fixed text."""
        s = TEXT["en" if self.lang == "en" else "zh"][key]
        return s.format(**kw) if kw else s

    def inset_caption(self) -> str:
        """``湖州市在浙江省的位置`` from the project's names; generic when one is unknown."""
        if self.city_name and self.province_name:
            return self.t("inset", city=self.city_name, province=self.province_name)
        return self.t("inset_plain")

    def town_name(self, row) -> str:
        if self.lang == "en" and "name_en" in row and isinstance(row["name_en"], str):
            return row["name_en"]
        return str(row["name_zh"])

    def unit_name(self, row) -> str:
        if self.lang == "en" and "name_en" in row and isinstance(row["name_en"], str):
            return row["name_en"]
        return str(row["name_zh"])
