"""Consistency of the indicators table with the projects layer (§4.2a)."""

from __future__ import annotations

import pandas as pd

from townsgis.findings import Finding, Severity
from townsgis.progress.investment import implied_indicators


def consistency_findings(
    projects: pd.DataFrame,
    hist: pd.DataFrame,
    indicators: pd.DataFrame,
    towns: pd.DataFrame,
    tol: float = 0.01,
) -> list[Finding]:
    """Findings where a town's cumulative FAI in the indicators differs from the investment
    implied by its projects by more than ``tol`` 亿元 at the last quarter (§4.2a: the
    bulletin and the project library must agree)."""
    q = int(indicators["quarter"].max())
    quarters = list(range(int(indicators["quarter"].min()), q + 1))
    implied = implied_indicators(projects, quarters, hist).groupby("town_id")["fai"].sum()
    reported = indicators.groupby("town_id")["fai"].sum()
    both = pd.concat([reported.rename("r"), implied.rename("i")], axis=1).fillna(0.0)
    names = dict(zip(towns["town_id"], towns["name_zh"], strict=False))
    out = []
    for t, r in both[(both["r"] - both["i"]).abs() > tol].iterrows():
        out.append(
            Finding(
                rule="PROGRESS-FAI-CONSISTENCY",
                clause="§4.2a",
                severity=Severity.WARNING,
                towns=[{"id": str(t), "name_zh": names.get(t, str(t))}],
                message_zh=f"指标表累计固定资产投资 {r['r']:.2f} 亿元"
                f"与项目库推算 {r['i']:.2f} 亿元不一致",
                message_en=f"indicators cumulative FAI {r['r']:.2f} 亿元 differs from the "
                f"{r['i']:.2f} 亿元 implied by the projects layer",
                measured=float(r["r"]),
                limit=float(r["i"]),
                unit="亿元",
            )
        )
    return out
