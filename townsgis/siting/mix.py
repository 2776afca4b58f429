"""The category-mix solver (§3.1.3): the fewest additions or removals that bring every
category's share within its bounds (exact fractions), checked against the caps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import pandas as pd

from townsgis.siting.caps import Cap, max_additions
from townsgis.siting.params import _levels, _param, _rules


@dataclass
class MixPlan:
    """The smallest change that brings the category mix (§3.1.3) within its shares."""

    levels: list[str] | None
    total: int
    counts: dict[str, int]
    bounds: dict[str, tuple[Fraction | None, Fraction | None]]
    rules: list[str]
    ok: bool
    add: dict[str, int] | None  # category → additions (None: unreachable by additions alone)
    add_slots: int | None  # additions the caps allow within the level filter (None: no cap)
    add_feasible: bool
    remove: dict[str, int] | None
    binding: list[str] = field(default_factory=list)  # caps that limit the additions

    def to_dict(self) -> dict:
        return {
            "levels": self.levels,
            "total": self.total,
            "counts": self.counts,
            "shares": _shares(self.counts, self.total, self.bounds),
            "rules": self.rules,
            "ok": self.ok,
            "add": self.add,
            "add_total": None if self.add is None else sum(self.add.values()),
            "add_slots": self.add_slots,
            "add_feasible": self.add_feasible,
            "binding_caps": self.binding,
            "remove": self.remove,
            "remove_total": None if self.remove is None else sum(self.remove.values()),
        }


def _frac(v: Any) -> Fraction:
    """A share as an exact fraction: 0.6 and 60 (percent) both mean 3/5."""
    f = Fraction(str(v))
    return f / 100 if f > 1 else f


def _ceil(f: Fraction) -> int:
    return -((-f.numerator) // f.denominator)


def _floor(f: Fraction) -> int:
    return f.numerator // f.denominator


def solve_additions(
    counts: dict[str, int], bounds: dict, limit: int = 10_000
) -> dict[str, int] | None:
    """Fewest additions (per category) so that every share lies within ``bounds``
    (category → (min, max) fractions, inclusive). None when no number up to ``limit`` works."""
    n = sum(counts.values())
    for a in range(0, limit + 1):
        tot = n + a
        need, room = {}, 0
        ok = True
        for c in set(counts) | set(bounds):
            lo, hi = bounds.get(c, (None, None))
            have = counts.get(c, 0)
            low = max(0, _ceil(lo * tot) - have) if lo is not None else 0
            high = (_floor(hi * tot) - have) if hi is not None else a
            if high < low:
                ok = False
                break
            need[c] = low
            room += min(high, a)
        if ok and sum(need.values()) <= a <= room:
            # fill beyond the minimum needs in order of the category with the most room
            extra = a - sum(need.values())
            for c in sorted(need, key=lambda c: (bounds.get(c, (None, None))[1] is not None, c)):
                lo, hi = bounds.get(c, (None, None))
                cap = (_floor(hi * tot) - counts.get(c, 0)) if hi is not None else a
                take = min(extra, cap - need[c])
                need[c] += take
                extra -= take
            return {c: v for c, v in sorted(need.items()) if v}
    return None


def solve_removals(counts: dict[str, int], bounds: dict) -> dict[str, int] | None:
    """Fewest removals (per category) so that every share lies within ``bounds``."""
    n = sum(counts.values())
    cats = set(counts) | set(bounds)
    for b in range(0, n):
        tot = n - b
        lows, highs = {}, {}
        ok = True
        for c in cats:
            lo, hi = bounds.get(c, (None, None))
            have = counts.get(c, 0)
            low = max(0, have - _floor(hi * tot)) if hi is not None else 0
            high = min(have, have - _ceil(lo * tot)) if lo is not None else have
            if high < low:
                ok = False
                break
            lows[c], highs[c] = low, high
        if ok and sum(lows.values()) <= b <= sum(highs.values()):
            extra = b - sum(lows.values())
            for c in sorted(cats):
                take = min(extra, highs[c] - lows[c])
                lows[c] += take
                extra -= take
            return {c: v for c, v in sorted(lows.items()) if v}
    return None


def share_groups(ruleset) -> dict[frozenset | None, dict]:
    """The category-share rules by level filter: each filter's bounds (category → (min,
    max) fractions) and rule ids."""
    groups: dict[frozenset | None, dict] = {}
    for r in _rules(ruleset, "category-share"):
        p = r.params
        key = _levels(p)
        g = groups.setdefault(key, {"bounds": {}, "rules": []})
        g["rules"].append(r.id)
        shares = _param(p, "shares", "categories")
        items = (
            [(c, v) for c, v in shares.items()]
            if isinstance(shares, dict)
            else [(_param(p, "category"), p)]
        )
        for cat, spec in items:
            lo = _param(spec, "min", "min_share") if isinstance(spec, dict) else None
            hi = _param(spec, "max", "max_share") if isinstance(spec, dict) else None
            old_lo, old_hi = g["bounds"].get(cat, (None, None))
            lo = _frac(lo) if lo is not None else old_lo
            hi = _frac(hi) if hi is not None else old_hi
            g["bounds"][cat] = (lo, hi)
    return groups


def _counts(towns: pd.DataFrame, levels: frozenset | None) -> tuple[dict[str, int], int]:
    """Towns per category within the level filter ``levels``, and their total."""
    sel = towns if levels is None else towns[towns["level"].isin(levels)]
    return {c: int(v) for c, v in sel["category"].astype(str).value_counts().items()}, len(sel)


def _within(counts: dict[str, int], total: int, bounds: dict) -> bool:
    """Whether every category's share lies within its bounds (exact)."""
    return all(
        (lo is None or counts.get(c, 0) >= lo * total)
        and (hi is None or counts.get(c, 0) <= hi * total)
        for c, (lo, hi) in bounds.items()
    )


def _shares(counts: dict[str, int], total: int, bounds: dict) -> dict:
    return {
        c: {
            "count": counts.get(c, 0),
            "share": round(counts.get(c, 0) / total, 6) if total else None,
            "min": None if lo is None else float(lo),
            "max": None if hi is None else float(hi),
        }
        for c, (lo, hi) in bounds.items()
    }


def mix_plans(ruleset, towns: pd.DataFrame, caps: list[Cap], unit_ids: list[str]) -> list[MixPlan]:
    """One plan per level filter of the category-share rules."""
    plans = []
    for levels, g in share_groups(ruleset).items():
        counts, total = _counts(towns, levels)
        bounds = g["bounds"]
        add = solve_additions(counts, bounds)
        slots, binding = max_additions(caps, towns, unit_ids, levels)
        need = None if add is None else sum(add.values())
        feasible = need is not None and (slots is None or need <= slots)
        plans.append(
            MixPlan(
                levels=None if levels is None else sorted(levels),
                total=total,
                counts=counts,
                bounds=bounds,
                rules=g["rules"],
                ok=_within(counts, total, bounds),
                add=add,
                add_slots=slots,
                add_feasible=feasible,
                remove=solve_removals(counts, bounds),
                binding=binding,
            )
        )
    return plans


class MixWithOne:
    """The category mix (§3.1.3) of a layout plus one town, as ``MixPlan.to_dict`` reports its
    levels, total, shares, rules and ok (what a site's report shows), from the layout's counts
    per level filter taken once: per town only its own category is added. The additions,
    removals and slots a plan also solves are not computed."""

    def __init__(self, ruleset, towns: pd.DataFrame) -> None:
        self.groups = [(lv, g, *_counts(towns, lv)) for lv, g in share_groups(ruleset).items()]

    def __call__(self, level: str, category: str) -> list[dict]:
        """The rows for the layout plus a town of ``level`` and ``category``."""
        out = []
        for levels, g, counts, total in self.groups:
            if levels is None or level in levels:
                counts = {**counts, category: counts.get(category, 0) + 1}
                total += 1
            out.append(
                {
                    "levels": None if levels is None else sorted(levels),
                    "total": total,
                    "shares": _shares(counts, total, g["bounds"]),
                    "rules": g["rules"],
                    "ok": _within(counts, total, g["bounds"]),
                }
            )
        return out
