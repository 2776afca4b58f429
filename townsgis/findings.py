"""Findings: what a rule reports. A finding is data, never an exception."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from townsgis.i18n import pick

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]


@dataclass
class Finding:
    """One violation (or notice) raised by one rule.

    ``geometry`` is in the analysis (metric) CRS of the run that produced it; ``measured``
    and ``limit`` carry the numbers behind the message, in the units the message states.
    """

    rule: str
    clause: str
    severity: Severity
    towns: list[dict[str, str]]
    message_zh: str
    message_en: str
    measured: Any = None
    limit: Any = None
    unit: str | None = None
    geometry: BaseGeometry | None = None
    waived: bool = False
    waiver: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def town_ids(self) -> tuple[str, ...]:
        return tuple(sorted(t["id"] for t in self.towns))

    def message(self, lang: str = "zh") -> str:
        return pick(self.message_zh, self.message_en, lang)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """JSON-ready dict with the keys other tools read."""
        d = {
            "rule": self.rule,
            "clause": self.clause,
            "severity": str(self.severity),
            "towns": [{"id": t["id"], "name_zh": t["name_zh"]} for t in self.towns],
            "unit": self.unit,
            "message": self.message(lang),
            "measured": _jsonable(self.measured),
            "limit": _jsonable(self.limit),
            "waived": self.waived,
        }
        if self.waiver is not None:
            d["waiver"] = self.waiver
        return d


def _jsonable(v: Any) -> Any:
    try:
        import numpy as np

        if isinstance(v, np.generic):
            return v.item()
    except ImportError:  # pragma: no cover
        pass
    if isinstance(v, float):
        return round(v, 6)
    return v


def findings_to_geodataframe(findings: list[Finding], crs, lang: str = "zh") -> gpd.GeoDataFrame:
    """Findings as a GeoDataFrame in ``crs`` (the run's analysis CRS), one row per finding."""
    import geopandas as gpd

    rows = []
    for f in findings:
        d = f.to_dict(lang)
        d["towns"] = ",".join(t["id"] for t in f.towns)
        d["town_names"] = "、".join(t["name_zh"] for t in f.towns)
        d["measured"] = None if f.measured is None else str(d["measured"])
        d["limit"] = None if f.limit is None else str(d["limit"])
        d.pop("waiver", None)
        rows.append(d)
    geoms = [f.geometry for f in findings]
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=crs)
