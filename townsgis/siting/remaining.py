"""Remaining capacity: slots per unit and city-wide under the caps (§3.1.1a–c) and the
category-mix plan (§3.1.3). (Not named ``capacity.py``: ``townsgis.siting.capacity`` is the
function.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from townsgis.checks.common import LEVELS
from townsgis.dataset import Dataset
from townsgis.interpretation import readings, rule_clauses
from townsgis.siting.caps import _cap_row, caps_of, slots_for
from townsgis.siting.mix import MixPlan, mix_plans


@dataclass
class CapacityReport:
    ruleset: Any
    city: list[dict]
    units: list[dict]
    mix: list[MixPlan]

    def to_dict(self) -> dict:
        return {
            "ruleset": {"id": self.ruleset.id, "version": self.ruleset.version},
            "city": self.city,
            "units": self.units,
            "mix": [m.to_dict() for m in self.mix],
            "readings": readings(
                getattr(self.ruleset, "interpretation", {}),
                "capacity",
                clauses=rule_clauses(self.ruleset),
            ),
        }


def capacity(ds: Dataset, ruleset) -> CapacityReport:
    """Remaining slots per unit and city-wide (§3.1.1a–c) and the category-mix plan (§3.1.3)."""
    towns = ds.towns
    caps = caps_of(ruleset, ds.units)
    units = ds.units
    unit_ids = units["unit_id"].astype(str).tolist()
    city = [_cap_row(c, towns, None, None) for c in caps if c.scope == "city"]
    unit_rows = []
    provincial = "provincial_creation"
    en = units["name_en"] if "name_en" in units.columns else units["name_zh"]
    names_en = en.where(en.notna() & (en.astype(str) != ""), units["name_zh"]).astype(str)
    for u, name, name_en in zip(unit_ids, units["name_zh"].astype(str), names_en, strict=True):
        by_level = {lvl: slots_for(caps, towns, lvl, u) for lvl in LEVELS}
        finite = [v for v in by_level.values() if v is not None]
        unit_rows.append(
            {
                "unit_id": u,
                "name_zh": name,
                "name_en": name_en,
                "towns": int((towns["unit_id"].astype(str) == u).sum()),
                "caps": [
                    _cap_row(c, towns, u, None)
                    for c in caps
                    if c.scope == "unit" and c.limit_for(u) is not None
                ],
                "slots_by_level": by_level,
                "provincial_slots": by_level[provincial],
                "total_slots": None if len(finite) < len(by_level) else max(finite),
            }
        )
    return CapacityReport(ruleset, city, unit_rows, mix_plans(ruleset, towns, caps, unit_ids))
