"""The quarterly county bulletin score and rank (§4.2a)."""

from __future__ import annotations

import pandas as pd

from townsgis.progress._helpers import _ratio


def bulletin_score(units: pd.DataFrame, share_targets: dict[str, float]) -> pd.DataFrame:
    """The quarterly bulletin score (§4.2a), 0–100, the mean of four parts, each 0–100:

    1. *completion*: invested to date / planned investment of the unit's projects;
    2. *implementation*: projects under construction or operating / projects in the library;
    3. *compliance*: share of the three investment-structure targets met (specialty ≥ 70%,
       non-government ≥ 80%, S&T ≥ 8% of FAI; §2.3, §3.2.1), cumulative to the quarter;
    4. *momentum*: 100 minus the percentage of the unit's projects that are stalled.

    Units without towns get no score and no rank. Rank 1 is best; ties share a rank."""
    has = units["towns"] > 0
    completion = 100 * units["share"].clip(0, 1)
    implementation = 100 * _ratio(units["implemented"], units["projects"])
    met = sum((units[k] >= v).astype(float) for k, v in share_targets.items() if k in units)
    compliance = 100 * met / max(1, len([k for k in share_targets if k in units]))
    momentum = 100 - 100 * _ratio(units["stalled"], units["projects"])
    score = (completion + implementation + compliance + momentum) / 4
    score = score.where(has)
    rank = score.rank(ascending=False, method="min")
    return pd.DataFrame(
        {
            "score_completion": completion.where(has),
            "score_implementation": implementation.where(has),
            "score_compliance": compliance.where(has),
            "score_momentum": momentum.where(has),
            "score": score,
            "rank": rank.astype("Int64"),
        },
        index=units.index,
    )
