"""Helpers shared by rule kinds: level filters, finding construction."""

from __future__ import annotations

from typing import Any

import numpy as np

from townsgis.findings import Finding

LEVELS = ("provincial_creation", "provincial_cultivation", "provincial_named", "municipal")
CATEGORIES = ("manufacturing", "tourism", "services")
UNIT_KINDS = ("district", "county", "functional_zone")

LEVEL_ZH = {
    "provincial_creation": "省级创建",
    "provincial_cultivation": "省级培育",
    "provincial_named": "省级命名",
    "municipal": "市级",
}
CATEGORY_ZH = {"manufacturing": "制造业", "tourism": "休闲旅游", "services": "现代服务业"}


def level_mask(towns, levels: list[str] | None) -> np.ndarray:
    """Boolean mask of towns whose ``level`` is in ``levels`` (all towns when None/empty)."""
    if not levels:
        return np.ones(len(towns), dtype=bool)
    return towns["level"].isin(levels).to_numpy()


def levels_text(levels: list[str] | None, lang: str) -> str:
    if not levels:
        return "各级" if lang == "zh" else "all-level"
    if lang == "zh":
        return "+".join(LEVEL_ZH.get(v, v) for v in levels)
    return "+".join(v.replace("provincial_", "provincial ") for v in levels)


def make_finding(spec, towns, zh: str, en: str, **kw: Any) -> Finding:
    """A Finding carrying ``spec``'s rule id, clause and severity."""
    return Finding(
        rule=spec.id,
        clause=spec.clause,
        severity=spec.severity,
        towns=towns,
        message_zh=zh,
        message_en=en,
        **kw,
    )


def km(m: float) -> str:
    """Metres as a km string with 2 decimals (e.g. '0.95 km')."""
    return f"{m / 1000:.2f} km"
