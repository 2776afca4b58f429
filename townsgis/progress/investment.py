"""Investment implied by the stage histories. Money in 亿元 (100 million yuan).

How investment is spread over quarters (the rule that ties the indicators table to the
projects layer): a project's ``invested_to_date`` (as of the *as-of quarter*, the latest
quarter in any stage history) is spent in equal parts over its *investing quarters*: from
the first quarter it is under construction (or operating) up to the quarter before it
starts operating; a project that is still building invests up to the as-of quarter; one
that jumps straight to operation invests in that quarter. Its specialty-industry, S&T and
non-government parts keep the project's ratios (``specialty_industry / invested_to_date``,
``tech_investment / invested_to_date``, ``1 - government_share``). The quarterly FAI of a town
is the sum over its projects of the change of this cumulative figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from townsgis.progress.stages import parse_history


def as_of_quarter(hist: pd.DataFrame) -> int:
    """The quarter ``invested_to_date`` refers to: the latest quarter of any stage history."""
    return int(hist["quarter"].max())


def investing_window(projects: pd.DataFrame, hist: pd.DataFrame, as_of: int) -> pd.DataFrame:
    """First and last investing quarter of each project (see the module docstring)."""
    h = hist.sort_values(["row", "quarter", "seq"])
    first = h.groupby("row")["quarter"].min()
    build = h[h["rank"] >= 2].groupby("row")["quarter"].min()
    oper = h[h["stage"] == "operation"].groupby("row")["quarter"].min()
    idx = projects.index
    start = build.reindex(idx).fillna(first.reindex(idx))
    end = (oper.reindex(idx) - 1).fillna(as_of)
    end = np.maximum(end, start)  # straight to operation: invests in that quarter
    end = np.minimum(end, as_of)
    return pd.DataFrame({"start": start.astype(int), "end": end.astype(int)}, index=idx)


def investment_paths(
    projects: pd.DataFrame,
    quarters: list[int],
    hist: pd.DataFrame | None = None,
    as_of: int | None = None,
) -> dict[str, pd.DataFrame]:
    """Cumulative investment of every project at the end of each quarter (亿元).

    Returns frames indexed like ``projects`` with one column per quarter, for ``fai``
    (invested), ``specialty_investment``, ``nongov_investment`` and ``tech_investment``."""
    hist = parse_history(projects) if hist is None else hist
    as_of = as_of_quarter(hist) if as_of is None else as_of
    win = investing_window(projects, hist, as_of)
    qs = np.asarray(quarters)[None, :]
    length = (win["end"] - win["start"] + 1).to_numpy()[:, None]
    done = np.clip(qs - win["start"].to_numpy()[:, None] + 1, 0, length) / length
    inv = projects["invested_to_date"].astype(float).to_numpy()
    safe = np.where(inv > 0, inv, 1.0)
    ratios = {
        "fai": np.ones_like(inv),
        "specialty_investment": np.where(
            inv > 0, projects["specialty_industry"].astype(float) / safe, 0.0
        ),
        "nongov_investment": 1.0 - projects["government_share"].astype(float).to_numpy(),
        "tech_investment": np.where(inv > 0, projects["tech_investment"].astype(float) / safe, 0.0),
    }
    return {
        k: pd.DataFrame(done * (inv * r)[:, None], index=projects.index, columns=list(quarters))
        for k, r in ratios.items()
    }


def implied_indicators(
    projects: pd.DataFrame,
    quarters: list[int],
    hist: pd.DataFrame | None = None,
    as_of: int | None = None,
) -> pd.DataFrame:
    """Quarterly investment flows per town implied by the projects layer: columns town_id,
    quarter (int), fai, specialty_investment, nongov_investment, tech_investment (亿元)."""
    first = min(quarters) - 1
    paths = investment_paths(projects, [first, *quarters], hist, as_of)
    frames = []
    for k, cum in paths.items():
        flow = cum.diff(axis=1).drop(columns=first)
        flow["town_id"] = projects["town_id"].to_numpy()
        long = flow.groupby("town_id").sum().stack().rename(k)
        frames.append(long)
    out = pd.concat(frames, axis=1).reset_index()
    out.columns = ["town_id", "quarter", *paths.keys()]
    return out
