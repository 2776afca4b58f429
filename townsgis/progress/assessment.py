"""The annual provincial assessment: grades, pass and excellent rates (§2.2) and the
county one-vote veto (§4.3b)."""

from __future__ import annotations

from typing import Any

import pandas as pd

PASS_GRADES = ("优秀", "良好", "合格")
FAIL_GRADES = ("警告", "降级", "淘汰")  # §4.3b one-vote veto
GRADES = PASS_GRADES + FAIL_GRADES
GRADE_ALIASES = {"降格": "降级"}


def assessment_summary(
    assessment: pd.DataFrame,
    towns: pd.DataFrame,
    unit_names: dict[str, str] | None = None,
    *,
    veto_parent: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Per year: towns assessed, pass rate and excellent rate (%, §2.2: 100% and > 20%),
    and the counties vetoed under §4.3b (any town warned, downgraded or eliminated) with
    the towns and grades that caused it. ``veto_parent`` (zone id → its district/county)
    moves the veto of a functional zone's town to the 县区 it lies in."""
    parent = veto_parent or {}
    unit_of = {
        t: parent.get(str(u), u) for t, u in zip(towns["town_id"], towns["unit_id"], strict=False)
    }
    name_of = dict(zip(towns["town_id"], towns["name_zh"], strict=False))
    years = []
    for y, g in assessment.groupby("year"):
        n = len(g)
        passed = g["grade"].isin(PASS_GRADES).sum()
        excellent = (g["grade"] == "优秀").sum()
        bad = g[g["grade"].isin(FAIL_GRADES)]
        vetoed = []
        for unit, b in bad.groupby(bad["town_id"].map(unit_of)):
            vetoed.append(
                {
                    "unit_id": unit,
                    "name_zh": (unit_names or {}).get(unit, unit),
                    "reasons": [
                        {"town_id": t, "name_zh": name_of.get(t, t), "grade": gr}
                        for t, gr in zip(b["town_id"], b["grade"], strict=False)
                    ],
                }
            )
        years.append(
            {
                "year": int(y),
                "assessed": int(n),
                "passed": int(passed),
                "pass_rate": 100 * passed / n if n else None,
                "excellent": int(excellent),
                "excellent_rate": 100 * excellent / n if n else None,
                "named": int(g["named"].sum()),
                "vetoed": vetoed,
            }
        )
    return {"years": years, "pass_target": 100.0, "excellent_target": 20.0}


def assessment_visible(assessment: pd.DataFrame, quarter: int) -> pd.DataFrame:
    """Assessment rows known at ``quarter``: a year's results count from its fourth quarter."""
    return assessment[assessment["year"] * 4 + 3 <= quarter]
