"""Cap rules normalised: count-cap (§3.1.1a/b, city-wide) and unit-cap (§3.1.1c, per unit),
town counts against them and the slots they leave. Counts only; no geometry.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from townsgis.checks.common import LEVELS
from townsgis.siting.params import _levels, _param, _rules


@dataclass(frozen=True)
class Cap:
    """One cap rule: city-wide (count-cap) or per unit (unit-cap), over a level filter."""

    rule: str
    clause: str
    scope: str  # "city" | "unit"
    levels: frozenset[str] | None
    limit: int | None = None  # city-wide limit
    default: int | None = None  # unit default limit
    overrides: dict[str, int] = field(default_factory=dict)
    units: frozenset[str] | None = None  # unit ids the unit cap covers (None: all)

    def applies(self, level: str) -> bool:
        return self.levels is None or level in self.levels

    def limit_for(self, unit_id: str | None) -> int | None:
        if self.scope == "city":
            return self.limit
        if self.units is not None and str(unit_id) not in self.units:
            return None
        return self.overrides.get(str(unit_id), self.default)

    def count(self, towns: pd.DataFrame, unit_id: str | None = None) -> int:
        mask = (
            np.ones(len(towns), bool) if self.levels is None else towns["level"].isin(self.levels)
        )
        if self.scope == "unit":
            mask = mask & (towns["unit_id"].astype(str) == str(unit_id))
        return int(np.asarray(mask).sum())

    def counts_by_unit(self, towns: pd.DataFrame) -> dict[str, int]:
        """``count(towns, u)`` for every unit ``u`` holding such towns, in one pass."""
        mask = (
            np.ones(len(towns), bool) if self.levels is None else towns["level"].isin(self.levels)
        )
        return towns.loc[np.asarray(mask), "unit_id"].astype(str).value_counts().to_dict()


def caps_of(ruleset, units: pd.DataFrame) -> list[Cap]:
    """The count-cap and unit-cap rules of ``ruleset``, normalised; ``units`` resolves the
    unit-cap filters ``unit_kinds`` and ``units``."""
    caps = []
    for r in _rules(ruleset, "count-cap"):
        p = r.params
        lim = _param(p, "max", "limit", "max_count", "cap")
        caps.append(Cap(r.id, r.clause, "city", _levels(p), limit=int(lim)))
    for r in _rules(ruleset, "unit-cap"):
        p = r.params
        default = _param(p, "max", "default", "limit", "max_count", "cap")
        over = _param(p, "overrides", "per_unit", "unit_overrides", default={})
        if isinstance(over, list):  # [{unit_id=..., max=...}, ...]
            over = {str(o.get("unit_id", o.get("unit"))): _param(o, "max", "limit") for o in over}
        caps.append(
            Cap(
                r.id,
                r.clause,
                "unit",
                _levels(p),
                default=None if default is None else int(default),
                overrides={str(k): int(v) for k, v in over.items()},
                units=_covered(units, p),
            )
        )
    return caps


def _covered(units: pd.DataFrame, p: dict) -> frozenset[str] | None:
    kinds, ids = _param(p, "unit_kinds"), _param(p, "units")
    if not kinds and not ids:
        return None
    sel = units
    if kinds:
        sel = sel[sel["kind"].isin(kinds)]
    if ids:
        sel = sel[sel["unit_id"].astype(str).isin([str(i) for i in ids])]
    return frozenset(sel["unit_id"].astype(str))


def _cap_row(cap: Cap, towns: pd.DataFrame, unit_id: str | None, after: pd.DataFrame | None):
    used_after = None if after is None else cap.count(after, unit_id)
    return cap_row(cap, unit_id, cap.count(towns, unit_id), used_after, after is not None)


def cap_row(
    cap: Cap, unit_id: str | None, used: int, used_after: int | None, after: bool = True
) -> dict:
    """A capacity row: the cap's limit in ``unit_id`` (None: city-wide), the towns it counts
    (``used``) and, with ``after``, what remains once the counted towns are ``used_after``."""
    limit = cap.limit_for(unit_id)
    row = {
        "rule": cap.rule,
        "clause": cap.clause,
        "scope": "city" if cap.scope == "city" else str(unit_id),
        "levels": sorted(cap.levels) if cap.levels is not None else None,
        "limit": limit,
        "used": used,
        "remaining": None if limit is None else limit - used,
    }
    if after:
        row["remaining_after"] = None if limit is None else limit - used_after
    return row


class CapsWithOne:
    """The capacity rows of a unit once one town is added to a layout (``_cap_row`` with the
    layout and the layout plus that town), from the layout's counts per cap and unit taken
    once: a town of ``level`` in the unit adds one to each cap that counts its level."""

    def __init__(self, caps: list[Cap], towns: pd.DataFrame) -> None:
        self.caps = caps
        self.used = {
            c.rule: c.count(towns) if c.scope == "city" else c.counts_by_unit(towns) for c in caps
        }

    def __call__(self, unit_id: str, level: str) -> dict:
        """``unit_id``'s unit-cap rows and the city-wide rows, a town of ``level`` added in
        ``unit_id``."""
        unit, city = [], []
        for c in self.caps:
            add = int(c.applies(level))
            if c.scope == "city":
                used = self.used[c.rule]
                city.append(cap_row(c, None, used, used + add))
            elif c.limit_for(unit_id) is not None:
                used = int(self.used[c.rule].get(str(unit_id), 0))
                unit.append(cap_row(c, unit_id, used, used + add))
        return {"unit_id": unit_id, "unit": unit, "city": city}


def slots_for(caps: list[Cap], towns: pd.DataFrame, level: str, unit_id: str | None) -> int | None:
    """How many more towns of ``level`` fit in ``unit_id`` under every cap (None: no cap)."""
    rem = [
        c.limit_for(unit_id) - c.count(towns, unit_id)
        for c in caps
        if c.applies(level) and c.limit_for(unit_id) is not None
    ]
    return max(0, min(rem)) if rem else None


def max_additions(
    caps: list[Cap], towns: pd.DataFrame, units: list[str], levels: frozenset[str] | None
) -> tuple[int | None, list[str]]:
    """Most towns with a level in ``levels`` that the caps still allow in ``units``, and the
    caps that bind (None: unbounded).

    A unit's room for a level is the least remaining slot of the unit caps that cover it
    (unbounded if none does); the unit caps bound the city as the sum over the units, so
    caps covering only some units (e.g. functional zones only) still count where they apply
    and two partial caps together can bound the whole city (§3.1.1c). City-wide caps
    (§3.1.1a/b) are pools of their own. Greedy on the levels with the fewest caps first
    (optimal for nested caps)."""
    city = [[c, max(0, c.limit - c.count(towns))] for c in caps if c.scope == "city"]
    unit_caps = [c for c in caps if c.scope == "unit"]
    counts = {c.rule: c.counts_by_unit(towns) for c in unit_caps}
    left = {  # (rule, unit) -> remaining slots of a unit cap in a unit it covers
        (c.rule, u): max(0, c.limit_for(u) - counts[c.rule].get(str(u), 0))
        for c in unit_caps
        for u in units
        if c.limit_for(u) is not None
    }
    lv = sorted(levels) if levels is not None else list(LEVELS)
    lv.sort(key=lambda level: sum(1 for c in caps if c.applies(level)))
    total = 0
    unit_bound = False
    for level in lv:
        pools = [p for p in city if p[0].applies(level)]
        mine = [c for c in unit_caps if c.applies(level)]
        room = {
            u: min((left[c.rule, u] for c in mine if (c.rule, u) in left), default=None)
            for u in units
        }
        bounded = bool(units) and all(r is not None for r in room.values())
        if not pools and not bounded:
            return None, []
        k = min([p[1] for p in pools] + ([sum(room.values())] if bounded else []))
        unit_bound = unit_bound or (bounded and (not pools or k == sum(room.values())))
        total += k
        for p in pools:
            p[1] -= k
        rest = k
        for u in units:  # place the k towns unit by unit
            take = rest if room[u] is None else min(rest, room[u])
            for c in mine:
                if (c.rule, u) in left:
                    left[c.rule, u] -= take
            rest -= take
    binding = {p[0].rule for p in city if p[1] == 0 and any(p[0].applies(x) for x in lv)}
    if unit_bound:
        binding |= {
            c.rule
            for c in unit_caps
            if any(c.applies(x) for x in lv)
            and any((c.rule, u) in left for u in units)
            and all(left[c.rule, u] == 0 for u in units if (c.rule, u) in left)
        }
    return total, sorted(binding)
