"""The §2/§3 targets to 2020: checking a rule set's targets, projecting a metric to its
deadline at the current pace and the city scorecard."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
import pandas as pd

from townsgis.errors import RulesetError
from townsgis.progress._helpers import _problem_text
from townsgis.progress.metrics import METRICS, Context, Metric
from townsgis.progress.quarters import parse_quarter

PACE_WINDOW = 4  # quarters over which the current pace is measured


_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq}


def check_targets(targets: list[dict], source: str = "rule set targets") -> None:
    """Raise RulesetError when a target names a metric this module cannot compute."""
    bad = [
        f"target {t.get('id')!r}: unknown metric {t.get('metric')!r}"
        for t in targets
        if t.get("metric") not in METRICS
    ]
    bad += [
        f"target {t.get('id')!r}: comparison {t.get('comparison')!r} "
        f"is not one of {', '.join(_OPS)}"
        for t in targets
        if t.get("comparison") not in _OPS
    ]
    if bad:
        raise RulesetError(_problem_text(source, bad + [f"known metrics: {', '.join(METRICS)}"]))


def _pace(s: pd.Series, q: int) -> float | None:
    """Average change per quarter over the last ≤ PACE_WINDOW quarters up to ``q``."""
    s = s[s.index <= q].dropna()
    if len(s) < 2:
        return None
    k = min(PACE_WINDOW, len(s) - 1)
    return float((s.iloc[-1] - s.iloc[-1 - k]) / k)


def project_value(
    series: Any, metric: Metric, q: int, deadline: int
) -> tuple[float | None, float | None]:
    """(value at ``q``, value projected to ``deadline`` at the current pace)."""
    ahead = max(0, deadline - q)
    if metric.projection == "ratio":
        num, den = series
        n, d = num.get(q, np.nan), den.get(q, np.nan)
        value = 100 * n / d if d and d > 0 else None
        pn, pd_ = _pace(num, q), _pace(den, q)
        if value is None:
            return None, None
        if ahead == 0 or pn is None or pd_ is None:
            return value, value
        dd = d + pd_ * ahead
        return value, (100 * (n + pn * ahead) / dd if dd > 0 else value)
    v = series.get(q, np.nan)
    value = None if pd.isna(v) else float(v)
    if value is None:
        return None, None
    if metric.projection == "hold" or ahead == 0:
        return value, value
    pace = _pace(series, q)
    proj = value if pace is None else value + pace * ahead
    if metric.percent:
        proj = min(100.0, max(0.0, proj))
    return value, proj


def share_done(value: float | None, target: float, comparison: str) -> float | None:
    """How far a value is towards its target (1.0 = done): value/target for ≥ and > and
    ==; target/value for ≤ and < (1.0 once met)."""
    if value is None:
        return None
    if comparison in ("<=", "<"):
        if _OPS[comparison](value, target):
            return 1.0
        return target / value if value else None
    return value / target if target else (1.0 if _OPS[comparison](value, target) else 0.0)


def scorecard(ctx: Context, targets: list[dict], quarter: str | int) -> pd.DataFrame:
    """The city scorecard: one row per target with value, target, met, share_done (value /
    target), projected (linear at the pace of the last four quarters, to the deadline's last
    quarter), unit and deadline. A value that cannot be computed yet is None, met None."""
    check_targets(targets)
    q = parse_quarter(quarter)
    rows = []
    for t in targets:
        m = METRICS[t["metric"]]
        if m.name not in ctx._cache:
            ctx._cache[m.name] = m.compute(ctx)
        dl = parse_quarter(str(t["deadline"]))
        # a target whose deadline has passed is judged at its deadline
        value, proj = project_value(ctx._cache[m.name], m, min(q, dl), dl)
        op = _OPS[t["comparison"]]
        target = float(t["value"])
        rows.append(
            {
                "id": t["id"],
                "clause": t["clause"],
                "metric": t["metric"],
                "title_zh": t.get("title_zh") or m.label_zh,
                "title_en": t.get("title_en") or m.label_en,
                "value": value,
                "target": target,
                "comparison": t["comparison"],
                "unit": t.get("unit") or m.unit,
                "met": None if value is None else bool(op(round(value, 9), target)),
                "share_done": share_done(value, target, t["comparison"]),
                "projected": proj,
                "projected_met": None if proj is None else bool(op(round(proj, 9), target)),
                "deadline": str(t["deadline"]),
            }
        )
    return pd.DataFrame(rows)
