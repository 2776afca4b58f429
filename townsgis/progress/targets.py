"""The §2/§3 targets to 2020: checking a rule set's targets, projecting a metric to its
deadline at the current pace and the city scorecard."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
import pandas as pd

from townsgis.errors import RulesetError
from townsgis.messages import msg
from townsgis.progress._helpers import _problem_text
from townsgis.progress.metrics import METRICS, Context, Metric
from townsgis.progress.quarters import parse_quarter

PACE_WINDOW = 4  # quarters over which the current pace is measured


_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq}


def check_targets(targets: list[dict], source: str = "rule set targets") -> None:
    """Raise RulesetError when a target names a metric this module cannot compute."""
    bad = [
        msg("progress.unknown_metric", id=repr(t.get("id")), metric=repr(t.get("metric")))
        for t in targets
        if t.get("metric") not in METRICS
    ]
    bad += [
        msg(
            "progress.bad_comparison",
            id=repr(t.get("id")),
            comparison=repr(t.get("comparison")),
            allowed=", ".join(_OPS),
        )
        for t in targets
        if t.get("comparison") not in _OPS
    ]
    if bad:
        known = msg("progress.known_metrics", metrics=", ".join(METRICS))
        raise RulesetError(_problem_text(source, [*bad, known]))


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


def per_year_check(ctx: Context, metric: Metric, t: dict, q: int) -> dict[str, Any]:
    """For an "every year" target (``per_year = true``, e.g. §2.2 pass rate 100% every year,
    §3.4.2 culture revenue ≥ 20% a year): the metric's figure in each calendar year completed
    by quarter ``q`` (its fourth quarter ≤ ``q``; years without a figure are left out), the
    years that miss the target and the worst year (furthest from the target; earliest on a
    tie). ``{"years": {year: value}, "failed_years": [...], "worst_year", "worst_value"}``."""
    op = _OPS[t["comparison"]]
    target = float(t["value"])
    ys = metric.yearly(ctx).dropna()
    ys = ys[[int(y) * 4 + 3 <= q for y in ys.index]].sort_index()
    years = {int(y): float(v) for y, v in ys.items()}
    failed = [y for y, v in years.items() if not op(round(v, 9), target)]
    worst = None
    if years:
        if t["comparison"] in ("<=", "<"):  # lower is better: the worst is the highest
            worst = max(years, key=lambda y: (years[y], -y))
        else:
            worst = min(years, key=lambda y: (years[y], y))
    return {
        "years": years,
        "failed_years": failed,
        "worst_year": worst,
        "worst_value": None if worst is None else years[worst],
    }


#: Target states (``state`` in a scorecard row): met, missed, a stretch goal (力争) not yet
#: reached (shown, not counted as a failure) and not computable yet.
TARGET_STATES = ("met", "missed", "stretch_missed", "unknown")


def average_annual_check(ctx: Context, metric: Metric, t: dict, q: int) -> dict[str, Any]:
    """For an average-annual-growth target (``average_annual = true``, §3.4.2 文化产业营业收入
    年均增长20%以上): the yearly growth figures (%) of the calendar years after the base year
    completed by quarter ``q``, compounded into the average annual growth
    ``100 * ((prod(1 + g/100)) ** (1/k) - 1)`` over those k years (the same as
    ``(R_last / R_base) ** (1/k) - 1`` on the revenues). ``base_year`` (target key; default:
    the year before the first growth figure) is the year growth is measured from; when the
    data has no growth figure for the year after it, the effective base is the year before
    the first figure the data has. ``{"years", "average", "base_year"}``."""
    ys = metric.yearly(ctx).dropna()
    ys = ys[[int(y) * 4 + 3 <= q for y in ys.index]].sort_index()
    if t.get("base_year") is not None:
        ys = ys[[int(y) > int(t["base_year"]) for y in ys.index]]
    years = {int(y): float(v) for y, v in ys.items()}
    if not years:
        return {"years": years, "average": None, "base_year": t.get("base_year")}
    factor = float(np.prod([1 + v / 100 for v in years.values()]))
    k = len(years)
    avg = 100 * (factor ** (1 / k) - 1) if factor > 0 else -100.0
    return {"years": years, "average": avg, "base_year": min(years) - 1}


def _state(met: bool | None, stretch: bool) -> str:
    if met is None:
        return "unknown"
    if met:
        return "met"
    return "stretch_missed" if stretch else "missed"


def scorecard(ctx: Context, targets: list[dict], quarter: str | int) -> pd.DataFrame:
    """The city scorecard: one row per target with value, target, met, share_done (value /
    target), projected (linear at the pace of the last four quarters, to the deadline's last
    quarter), unit and deadline. A value that cannot be computed yet is None, met None.

    How ``met`` is decided is in ``judged_by`` and ``judged_value`` (so that a reader can
    recompute it from the row): ``value`` (the current value), ``worst_year`` (a ``per_year``
    target: met only when every calendar year completed by the report quarter, up to the
    deadline, passes; ``years``, ``worst_year``, ``worst_value``, ``failed_years`` give the
    detail) or ``average_annual`` (an ``average_annual`` target: ``value`` is the compound
    average annual growth from ``base_year`` to the last completed year, ``years`` the yearly
    growth figures). A ``stretch`` target (力争) that is not met has ``state`` =
    ``stretch_missed``: shown, not counted as a failure."""
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
        judged_by, base_year = "value", None
        yearly = per_year_check(ctx, m, t, min(q, dl)) if t.get("per_year") else None
        years = None if yearly is None else yearly["years"]
        failed = None if yearly is None else yearly["failed_years"]
        if t.get("average_annual"):
            avg = average_annual_check(ctx, m, t, min(q, dl))
            value = proj = avg["average"]  # growth so far is the best estimate of the pace
            years, base_year, judged_by = avg["years"], avg["base_year"], "average_annual"
        met = None if value is None else bool(op(round(value, 9), target))
        projected_met = None if proj is None else bool(op(round(proj, 9), target))
        judged_value = value
        if yearly is not None:
            judged_by = "worst_year"
            judged_value = yearly["worst_value"] if yearly["years"] else value
            if yearly["failed_years"]:
                # §2.2 "every year": one failed completed year and the target is missed
                met, projected_met = False, False
        stretch = bool(t.get("stretch", False))
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
                "met": met,
                "state": _state(met, stretch),
                "stretch": stretch,
                "judged_by": judged_by,
                "judged_value": judged_value,
                "share_done": share_done(value, target, t["comparison"]),
                "projected": proj,
                "projected_met": projected_met,
                "deadline": str(t["deadline"]),
                "per_year": bool(t.get("per_year", False)),
                "years": years,
                "base_year": base_year,
                "worst_year": None if yearly is None else yearly["worst_year"],
                "worst_value": None if yearly is None else yearly["worst_value"],
                "failed_years": failed,
            }
        )
    df = pd.DataFrame(rows)
    if rows:  # keep years as ints (None where not per-year), not floats
        df["worst_year"] = pd.Series([r["worst_year"] for r in rows], dtype=object)
        df["base_year"] = pd.Series([r["base_year"] for r in rows], dtype=object)
    return df


def per_year_notes(sc: pd.DataFrame) -> list[str]:
    """One line per "every year" target of a scorecard: each completed year's figure, the
    worst year and the years that missed (for the report notes; the JSON target rows keep
    their agreed keys)."""
    out = []
    if "per_year" not in sc:
        return out
    for r in sc[sc["per_year"]].itertuples(index=False):
        head = f"{r.id} ({r.clause}, {r.comparison} {r.target:g} {r.unit} every year)"
        if not r.years:
            out.append(f"{head}: no completed year yet")
            continue
        years = ", ".join(f"{y}: {v:.1f}" for y, v in r.years.items())
        failed = ", ".join(str(y) for y in r.failed_years) or "none"
        out.append(
            f"{head}: {years}; worst year {r.worst_year} = {r.worst_value:.1f} {r.unit}; "
            f"years missed: {failed}"
        )
    if "judged_by" in sc:
        for r in sc[sc["judged_by"] == "average_annual"].itertuples(index=False):
            head = f"{r.id} ({r.clause}, average annual growth {r.comparison} {r.target:g} %)"
            if not r.years:
                out.append(f"{head}: no completed year of growth yet")
                continue
            years = ", ".join(f"{y}: {v:+.1f}%" for y, v in r.years.items())
            out.append(
                f"{head}: {years}; compound average {r.base_year}–{max(r.years)} = {r.value:.2f}%"
            )
    if "state" in sc:
        for r in sc[sc["state"] == "stretch_missed"].itertuples(index=False):
            out.append(
                f"{r.id} ({r.clause}) is a stretch goal (力争): not reached yet, "
                "shown but not counted as a missed target"
            )
    return out
