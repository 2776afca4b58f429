"""Popups as labelled tables in the map's language: field names and enumerated values from
``townsgis.vocab``, booleans as 是/否, unit ids as unit names, numbers rounded. Never a raw key
(``scenic_grade``) or a raw enum value (``provincial_creation``, ``True``)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from townsgis import vocab
from townsgis.mapmodel.model import Popup
from townsgis.mapmodel.text import t

# field → vocabulary domain of its values
ENUM_FIELDS = {
    "level": "level",
    "category": "category",
    "kind": "unit_kind",
    "stage": "stage",
    "scenic_grade": "scenic_grade",
    "severity": "severity",
    "location_confidence": "confidence",
}
UNIT_FIELDS = ("unit_id", "parent_id")
HIDDEN = frozenset({"geometry", "name_zh", "name_en", "ruleset"})


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() == ""


def value_text(
    name: str, v: Any, lang: str, unit_names: Mapping[str, str] | None = None
) -> str | None:
    """``v`` of field ``name`` as a person reads it; None when there is nothing to show."""
    if _missing(v):
        return None
    if hasattr(v, "item") and not isinstance(v, str):  # numpy scalar
        v = v.item()
    if isinstance(v, bool):
        return t(lang, "yes" if v else "no")
    if name in ENUM_FIELDS:
        return vocab.label(ENUM_FIELDS[name], str(v), lang)
    if name in UNIT_FIELDS and unit_names and str(v) in unit_names:
        return unit_names[str(v)]
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e15:
            return f"{int(v):,}"
        return f"{v:,.2f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def attribute_rows(
    row: Mapping[str, Any], lang: str, unit_names: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """``(field label, value text)`` for every shown field of ``row`` (a feature's
    attributes); internal columns (``_…``), names and geometry are left out."""
    out = []
    for k, v in row.items():
        if k in HIDDEN or str(k).startswith("_"):
            continue
        text = value_text(str(k), v, lang, unit_names)
        if text is not None:
            out.append((vocab.field_label(str(k), lang), text))
    return out


def popup(title: str, rows: list[tuple[str, Any]]) -> Popup:
    """A Popup of ``rows`` whose empty values are dropped."""
    kept = tuple((str(k), str(v)) for k, v in rows if not _missing(v))
    return Popup(title=str(title), rows=kept)


def feature_name(row: Mapping[str, Any], lang: str) -> str:
    """The feature's name in ``lang``: ``name_en`` (en, when set), else ``name_zh``/``name``."""
    for col in ("name_en", "name_zh", "name") if lang == "en" else ("name_zh", "name"):
        v = row.get(col)
        if not _missing(v):
            return str(v)
    return ""
