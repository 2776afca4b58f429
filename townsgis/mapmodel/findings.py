"""Findings on a map: their order and numbers, their state (error / warning / waived …), the
ONE definition of "city-wide", and where each shows (town, unit, area, line, point, or the
text list only). Web and print maps both read this."""

from __future__ import annotations

from typing import TYPE_CHECKING

from townsgis import vocab
from townsgis.mapmodel.model import FindingItem, Style
from townsgis.mapmodel.text import paren

if TYPE_CHECKING:
    import geopandas as gpd

    from townsgis.findings import Finding

# A finding whose area covers at least this share of the mapped units' area (their union) is
# city-wide (e.g. §3.1.3's category mix): it is listed in the title block / findings panel,
# drawn as an outline without a click target at most, never as a shape over the towns.
CITY_WIDE_SHARE = 0.9
# A polygon finding about one town smaller than this (m²) marks that town (its label and
# outline) instead of being drawn as an area of its own.
TOWN_FINDING_MAX_M2 = 50e6

STATES = ("error", "warning", "info", "waived")

# How each state is drawn (colours from the vocabulary; dash patterns and widths here).
_STATE_LOOK = {
    "error": (3.0, None, 0.35),
    "warning": (3.0, "8 6", 0.25),
    "info": (2.0, "2 6", 0.15),
    "waived": (2.0, "2 5", 0.10),
}


def state_of(f: Finding) -> str:
    """``waived`` for a waived finding, else its severity."""
    return "waived" if f.waived else str(f.severity)


def state_colour(state: str) -> str:
    return (
        vocab.colour("finding_state", "waived")
        if state == "waived"
        else vocab.colour("severity", state)
    )


def state_style(state: str, *, area: bool = True, css: str = "") -> Style:
    """The style of a finding in ``state``; ``area=False`` for lines and city-wide outlines."""
    weight, dash, opacity = _STATE_LOOK.get(state, _STATE_LOOK["info"])
    colour = state_colour(state)
    return Style(
        stroke=colour,
        weight=weight if area else weight + 1,
        dash=dash,
        fill=colour if area else None,
        fill_opacity=opacity if area else 0.0,
        css=f"tg-finding tg-sev-{state} {css}".strip(),
    )


def is_sample_waiver(f: Finding) -> bool:
    """The finding is waived by a fictitious sample waiver (``sample = true``)."""
    return bool(f.waived and (f.waiver or {}).get("sample"))


def state_label(f: Finding, lang: str) -> str:
    """``错误`` / ``已豁免`` / ``已豁免（示例豁免）``."""
    if not f.waived:
        return vocab.label("severity", str(f.severity), lang)
    text = vocab.label("finding_state", "waived", lang)
    if is_sample_waiver(f):
        text = paren(lang, text, vocab.label("finding_state", "sample_waiver", lang))
    return text


def ordered(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then info; waived last; stable within a group."""
    rank = {"error": 2, "warning": 1, "info": 0}
    return sorted(findings, key=lambda f: (f.waived, -rank.get(str(f.severity), 0)))


def is_city_wide(area_m2: float, mapped_area_m2: float) -> bool:
    """THE definition: a polygon covering ≥ ``CITY_WIDE_SHARE`` of the mapped units' area."""
    return bool(mapped_area_m2 > 0 and area_m2 >= CITY_WIDE_SHARE * mapped_area_m2)


def finding_text(f: Finding, lang: str) -> str:
    """``§3.1.3 制造类小镇占比 6/14 = 42.9% < 60%``: the clause and the message."""
    return f"{f.clause} {f.message(lang)}".strip()


def place_findings(
    findings: list[Finding], units: gpd.GeoDataFrame, town_ids: set[str], lang: str
) -> list[FindingItem]:
    """Number ``findings`` (already ordered) 1…n and decide where each shows. ``units`` and
    the findings' geometry are in the same metric CRS."""
    from shapely.geometry.base import BaseGeometry

    mapped = float(units.union_all().area) if len(units) else 0.0
    unit_geom = dict(zip(units["unit_id"].astype(str), units.geometry, strict=True))
    unit_area = {k: float(g.area) for k, g in unit_geom.items()}
    items = []
    for n, f in enumerate(findings, start=1):
        g: BaseGeometry | None = f.geometry
        placement, ref, city_wide = "listed", None, False
        if (g is None or g.is_empty) and f.unit is not None and str(f.unit) in unit_geom:
            placement, ref = "unit", str(f.unit)
        elif g is not None and not g.is_empty:
            kind = g.geom_type
            if kind in ("Polygon", "MultiPolygon"):
                ids = [tw.get("id") for tw in f.towns if tw.get("id") in town_ids]
                hit = [
                    uid
                    for uid, ug in unit_geom.items()
                    if abs(unit_area[uid] - g.area) <= 0.01 * unit_area[uid]
                    and ug.contains(g.representative_point())
                ]
                if is_city_wide(g.area, mapped):
                    placement, city_wide = "listed", True
                elif g.area < TOWN_FINDING_MAX_M2 and len(ids) == 1:
                    placement, ref = "town", ids[0]
                elif hit:
                    placement, ref = "unit", hit[0]
                else:
                    placement = "area"
            elif kind in ("LineString", "MultiLineString"):
                placement = "line"
            else:
                placement = "point"
        items.append(
            FindingItem(
                number=n,
                finding=f,
                state=state_of(f),
                state_label=state_label(f, lang),
                text=finding_text(f, lang),
                placement=placement,
                city_wide=city_wide,
                ref=ref,
            )
        )
    return items


def distance_label(f: Finding) -> str | None:
    """``4.12 km`` for a spacing finding measured in m or km; None otherwise."""
    m = f.measured
    if not isinstance(m, int | float) or isinstance(m, bool):
        return None
    unit = str(f.extra.get("unit") or "").strip()
    if unit == "m":
        return f"{m / 1000:.2f} km"
    if unit == "km":
        return f"{m:.2f} km"
    return None
