"""Helpers shared by rule kinds: level filters, finding construction."""

from __future__ import annotations

from typing import Any

import numpy as np

from townsgis import vocab
from townsgis.findings import Finding, Severity
from townsgis.messages import msg
from townsgis.vocab import CATEGORIES, LEVELS, UNIT_KINDS

__all__ = [
    "CATEGORIES",
    "LEVELS",
    "UNIT_KINDS",
    "level_mask",
    "levels_text",
    "make_finding",
    "not_checked_finding",
]


def level_mask(towns, levels: list[str] | None) -> np.ndarray:
    """Boolean mask of towns whose ``level`` is in ``levels`` (all towns when None/empty)."""
    if not levels:
        return np.ones(len(towns), dtype=bool)
    return towns["level"].isin(levels).to_numpy()


def levels_text(levels: list[str] | None, lang: str) -> str:
    """``省级创建、省级培育`` / ``provincial (creation), provincial (cultivation)``."""
    if not levels:
        return msg("level.all", lang)
    return vocab.join("level", levels, lang)


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


def not_checked_finding(spec, ctx, missing, lacks_zh: str, lacks_en: str) -> list[Finding]:
    """One info finding listing the towns (positions ``missing``) a rule could not check
    because they lack a value: "N 个小镇缺少{lacks_zh}，未检查：names" / "N towns {lacks_en};
    not checked: names" (towns by name, as every finding names them). Empty when no town is
    missing."""
    if not len(missing):
        return []
    refs = ctx.town_refs(missing)
    zh, en = "、".join(ctx.town_names(missing)), ", ".join(ctx.town_names(missing, "en"))
    return [
        Finding(
            rule=spec.id,
            clause=spec.clause,
            severity=Severity.INFO,
            towns=refs,
            message_zh=f"{len(missing)} 个小镇缺少{lacks_zh}，未检查：{zh}",
            message_en=f"{len(missing)} towns {lacks_en}; not checked: {en}",
            measured=len(missing),
        )
    ]


def km(m: float) -> str:
    """Metres as a km string with 2 decimals (e.g. '0.95 km')."""
    return f"{m / 1000:.2f} km"
