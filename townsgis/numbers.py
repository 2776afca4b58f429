"""How numbers are shown: one definition per kind of quantity (decimals in text, number format
in XLSX), used by every text, Markdown, HTML and XLSX output.

    fmt(4.0, "count")        -> "4"          (counts are integers, never "4.00 个")
    fmt(100.996881, "yuan")  -> "101.00"     (亿元: 2 decimals)
    fmt(42.857, "pct")       -> "42.9"       (a value already in %)
    fmt(0.42857, "share")    -> "42.9%"      (a fraction shown as %)
    kind_of_unit("亿元")      -> "yuan"
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class NumberKind:
    decimals: int
    excel: str  # openpyxl number_format
    percent: bool = False  # a fraction shown as % (×100 in text; Excel's % format)


KINDS: dict[str, NumberKind] = {
    "count": NumberKind(0, "#,##0"),  # 个, 人, 家, 项: towns, projects, people
    "int": NumberKind(0, "0"),  # ranks, years: no thousands separator
    "yuan": NumberKind(2, "#,##0.00"),  # 亿元 (100 million yuan)
    "pct": NumberKind(1, "0.0"),  # a value already in percent (42.9 means 42.9 %)
    "share": NumberKind(1, "0.0%", percent=True),  # a fraction (0.429) shown as 42.9 %
    "score": NumberKind(1, "0.0"),  # assessment / bulletin scores
    "visits": NumberKind(1, "#,##0.0"),  # 万人次
    "km2": NumberKind(2, "#,##0.00"),
    "km": NumberKind(2, "#,##0.00"),
    "m": NumberKind(0, "#,##0"),
    "ratio": NumberKind(3, "0.000"),  # a plain ratio (Clark–Evans R, p values)
    "number": NumberKind(2, "#,##0.00"),  # anything else
}

UNIT_KINDS: dict[str, str] = {  # a unit as data and messages write it → its kind
    "个": "count",
    "人": "count",
    "家": "count",
    "项": "count",
    "towns": "count",
    "projects": "count",
    "亿元": "yuan",
    "%": "pct",
    "万人次": "visits",
    "km²": "km2",
    "km2": "km2",
    "平方公里": "km2",
    "km": "km",
    "m": "m",
    "分": "score",
    "share": "share",
}


#: How a unit reads in English (a Chinese measure word of a count reads as nothing).
UNIT_EN: dict[str, str] = {
    "个": "",
    "项": "",
    "人": "people",
    "家": "firms",
    "亿元": "100M yuan",
    "万人次": "10k visits",
    "平方公里": "km²",
    "分": "points",
}


def unit_label(unit, lang: str = "zh"):
    """``unit`` as shown in ``lang``: English words for the Chinese units in English, anything
    else (%, km², a missing unit) as it is."""
    if lang != "en" or not isinstance(unit, str):
        return unit
    return UNIT_EN.get(unit.strip(), unit)


def kind_of_unit(unit: str | None) -> str:
    """The number kind of a unit (``亿元`` → ``yuan``); ``number`` when unknown."""
    return UNIT_KINDS.get(str(unit).strip(), "number") if unit else "number"


def _missing(v) -> bool:
    if v is None:
        return True
    try:
        return bool(isinstance(v, float) and math.isnan(v)) or v != v  # noqa: PLR0124
    except (TypeError, ValueError):
        return False


def fmt(v, kind: str = "number", *, missing: str = "—") -> str:
    """``v`` as text with the decimals of ``kind`` (thousands separated); ``missing`` for
    None/NaN; text and booleans are returned as they are."""
    if _missing(v):
        return missing
    if isinstance(v, bool) or not isinstance(v, int | float) and not hasattr(v, "__float__"):
        return str(v)
    k = KINDS.get(kind, KINDS["number"])
    x = float(v)
    if k.percent:
        return f"{x * 100:,.{k.decimals}f}%"
    sep = "" if k.excel.startswith("0") else ","
    return f"{x:{sep}.{k.decimals}f}"


def rounded(v, kind: str = "number"):
    """``v`` rounded to the decimals ``kind`` shows (an int for counts); None/NaN → None."""
    if _missing(v):
        return None
    if isinstance(v, bool) or not hasattr(v, "__float__"):
        return v
    k = KINDS.get(kind, KINDS["number"])
    if k.decimals == 0 and not k.percent:
        return int(round(float(v)))
    return round(float(v), k.decimals + (2 if k.percent else 0))


def excel_format(kind: str | None) -> str:
    """The XLSX number format of ``kind`` (``General`` for text columns)."""
    if kind is None:
        return "General"
    return KINDS.get(kind, KINDS["number"]).excel
