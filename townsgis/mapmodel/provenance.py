"""What the data says about itself, for the maps' disclaimer and source lines.

Read from the layers' own columns, never assumed: towns ``approximate`` (locations and
boundaries approximate), units ``approximate`` (e.g. functional-zone stand-ins), projects
``synthetic``, and the towns' ``source`` column. A missing column claims nothing. Part of the map
model (``townsgis.mapmodel``), so web and print maps say the same; pure pandas, no folium.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from townsgis.messages import register_table, words

MAX_SOURCES = 3  # distinct source strings shown on one line

TEXT = {
    "zh": {
        "sample": "示例数据",
        "towns": "小镇位置和边界为近似示意",
        "zones": "{n} 个功能区范围为近似示意，非官方边界",
        "units": "{n} 个县区/功能区范围为近似示意，非官方边界",
        "projects": "项目为合成数据",
        "source_head": "小镇：",
        "source_generic": "项目小镇图层",
        "source_approx": "，位置与边界为近似",
        "sep": "；",
        "end": "。",
    },
    "en": {
        "sample": "sample data",
        "towns": "town locations and boundaries are approximate",
        "zones": "{n} functional zone(s) approximate, not official boundaries",
        "units": "{n} unit(s) approximate, not official boundaries",
        "projects": "projects are synthetic",
        "source_head": "Towns: ",
        "source_generic": "the project's towns layer",
        "source_approx": "; locations and boundaries approximate",
        "sep": "; ",
        "end": ".",
    },
}
register_table("prov", TEXT)  # the words below come from the catalogue


def flagged(frame: Any, column: str) -> Any:
    """Boolean Series: rows of ``frame`` whose ``column`` is true (all False when the frame or
    the column is missing; NaN counts as False)."""
    import pandas as pd

    if frame is None or column not in getattr(frame, "columns", ()):
        return pd.Series(False, index=getattr(frame, "index", pd.RangeIndex(0)), dtype=bool)
    col = frame[column]
    return col.where(col.notna(), False).astype(bool)


@dataclass(frozen=True)
class Provenance:
    """Flags read from the layers. ``approx_units``/``approx_zones`` count approximate units
    (all / functional zones only); ``towns_sources`` are the distinct ``source`` values."""

    towns_approximate: bool = False
    sample: bool = False
    approx_units: int = 0
    approx_zones: int = 0
    projects_synthetic: bool = False
    towns_sources: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return (
            self.sample
            or self.towns_approximate
            or self.approx_units > 0
            or self.projects_synthetic
        )


def provenance(units: Any, towns: Any, projects: Any = None, *, sample: bool = False) -> Provenance:
    """The flags of ``units``, ``towns`` and (optional) ``projects`` frames; ``sample`` is the
    project's own ``sample_data`` setting (``townsgis.toml``)."""
    approx = flagged(units, "approximate")
    zones = 0
    if units is not None and "kind" in units.columns:
        zones = int((approx & (units["kind"] == "functional_zone")).sum())
    sources: list[str] = []
    if towns is not None and "source" in towns.columns:
        for v in towns["source"].dropna().astype(str):
            v = v.strip()
            if v and v not in sources:
                sources.append(v)
    return Provenance(
        towns_approximate=bool(flagged(towns, "approximate").any()),
        sample=sample,
        approx_units=int(approx.sum()),
        approx_zones=zones,
        projects_synthetic=bool(flagged(projects, "synthetic").any()),
        towns_sources=tuple(sources),
    )


def disclaimer(p: Provenance, lang: str, *, projects: bool = True) -> str:
    """One sentence naming what is approximate/synthetic; "" when the data claims nothing.
    ``projects=False`` leaves the projects out (a map that does not use them)."""
    tx = words("prov", lang)
    parts = [tx["sample"]] if p.sample else []
    if p.towns_approximate:
        parts.append(tx["towns"])
    if p.approx_units:
        only_zones = p.approx_zones == p.approx_units
        parts.append(tx["zones" if only_zones else "units"].format(n=p.approx_units))
    if projects and p.projects_synthetic:
        parts.append(tx["projects"])
    if not parts:
        return ""
    text = tx["sep"].join(parts)
    return (text[0].upper() + text[1:] if lang == "en" else text) + tx["end"]


def towns_source(p: Provenance, lang: str) -> str:
    """The towns' source line: the layer's ``source`` values, else a generic "project towns
    layer"; says "approximate" when the towns are flagged so."""
    tx = words("prov", lang)
    body = tx["sep"].join(p.towns_sources[:MAX_SOURCES]) or tx["source_generic"]
    return tx["source_head"] + body + (tx["source_approx"] if p.towns_approximate else "")
