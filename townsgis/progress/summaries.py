"""Tables per town, per county/district/zone and city-wide at a quarter (the maps reuse
them): progress of the projects, investment-structure shares (%) and culture-industry
revenue growth. Money in 亿元; the sample projects are synthetic."""

from __future__ import annotations

import numpy as np
import pandas as pd

from townsgis.progress._helpers import _ratio
from townsgis.progress.bulletin import bulletin_score
from townsgis.progress.columns import DEFAULT_SHARE_TARGETS, FLOW_COLUMNS, SHARE_METRICS
from townsgis.progress.investment import investment_paths
from townsgis.progress.quarters import parse_quarter
from townsgis.progress.stages import (
    DEFAULT_STALL_QUARTERS,
    IMPLEMENTED,
    parse_history,
    stage_at,
    stalled,
)


def town_progress(ds, quarter: str | int, hist: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per town at ``quarter``: town_id, name_zh, unit_id, projects, implemented,
    total_investment (planned, 亿元), invested_to_date (亿元, implied at the quarter), share
    (invested / planned, 0–1). Every town of ``ds.towns`` appears, with 0 when it has no
    projects; the projects are synthetic in the sample."""
    q = parse_quarter(quarter)
    keep = [c for c in ("town_id", "name_zh", "name_en", "unit_id", "category") if c in ds.towns]
    towns = ds.towns[keep].copy()
    p = ds.projects
    hist = parse_history(p) if hist is None else hist
    inv = investment_paths(p, [q], hist)["fai"][q]
    stage = stage_at(p, q, hist)
    df = pd.DataFrame(
        {
            "town_id": p["town_id"].to_numpy(),
            "projects": stage.notna().to_numpy().astype(int),
            "implemented": stage.isin(IMPLEMENTED).to_numpy().astype(int),
            "total_investment": p["total_investment"].astype(float).to_numpy(),
            "invested_to_date": inv.to_numpy(),
        }
    )
    agg = df.groupby("town_id").sum()
    out = towns.merge(agg, left_on="town_id", right_index=True, how="left")
    for c in ("projects", "implemented"):
        out[c] = out[c].fillna(0).astype(int)
    for c in ("total_investment", "invested_to_date"):
        out[c] = out[c].fillna(0.0)
    out["share"] = np.where(
        out["total_investment"] > 0,
        out["invested_to_date"] / out["total_investment"].where(out["total_investment"] > 0, 1),
        0.0,
    )
    return out.reset_index(drop=True)


def unit_summary(
    ds,
    quarter: str | int,
    indicators: pd.DataFrame | None = None,
    n_stall: int = DEFAULT_STALL_QUARTERS,
    targets: dict[str, float] | None = None,
    hist: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per county/district/zone at ``quarter``: towns, projects, implemented, stalled,
    total_investment, invested_to_date, share (0–1), and with ``indicators`` also fai_quarter,
    fai_cumulative (亿元) and the specialty/non-government/S&T shares (%), plus the bulletin
    score and rank (§4.2a; see ``bulletin_score``)."""
    q = parse_quarter(quarter)
    hist = parse_history(ds.projects) if hist is None else hist
    tp = town_progress(ds, q, hist)
    st = stalled(ds.projects, q, n_stall, hist)
    tp["stalled"] = tp["town_id"].map(st.groupby("town_id").size()).fillna(0).astype(int)
    tp["towns"] = 1
    cols = ["towns", "projects", "implemented", "stalled", "total_investment", "invested_to_date"]
    keep = [c for c in ("unit_id", "name_zh", "name_en") if c in ds.units]
    units = ds.units[keep].set_index("unit_id")
    agg = tp.groupby("unit_id")[cols].sum()
    out = units.join(agg, how="left").fillna({c: 0 for c in cols})
    for c in ("towns", "projects", "implemented", "stalled"):
        out[c] = out[c].astype(int)
    out["share"] = _ratio(out["invested_to_date"], out["total_investment"])
    if indicators is not None:
        ind = indicators.merge(ds.towns[["town_id", "unit_id"]], on="town_id")
        upto = ind[ind["quarter"] <= q].groupby("unit_id")[list(FLOW_COLUMNS[:4])].sum()
        out["fai_quarter"] = (
            ind[ind["quarter"] == q].groupby("unit_id")["fai"].sum().reindex(out.index).fillna(0.0)
        )
        out["fai_cumulative"] = upto["fai"].reindex(out.index).fillna(0.0)
        for name, col in SHARE_METRICS.items():
            out[name] = 100 * _ratio(upto[col].reindex(out.index), upto["fai"].reindex(out.index))
        score = bulletin_score(out, targets or DEFAULT_SHARE_TARGETS)
        out = out.join(score)
    return out.reset_index().rename(columns={"index": "unit_id"})


def shares(
    indicators: pd.DataFrame,
    towns: pd.DataFrame,
    quarter: str | int,
    targets: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Specialty-industry, non-government and S&T investment as % of cumulative FAI to
    ``quarter`` (§2.3, §3.2.1), per town and a final city-wide row (town_id ``"city"``),
    each with ``<share>_met`` against ``targets`` (default ≥ 70, ≥ 80, ≥ 8)."""
    targets = DEFAULT_SHARE_TARGETS | (targets or {})
    q = parse_quarter(quarter)
    upto = indicators[indicators["quarter"] <= q]
    cols = list(FLOW_COLUMNS[:4])
    per = upto.groupby("town_id")[cols].sum().reindex(towns["town_id"]).fillna(0.0)
    per.loc["city"] = per.sum()
    out = pd.DataFrame({"fai_cumulative": per["fai"]})
    for name, col in SHARE_METRICS.items():
        out[name] = 100 * _ratio(per[col], per["fai"])
    for name in SHARE_METRICS:
        out[f"{name}_met"] = (out[name].round(9) >= targets[name]) & (per["fai"] > 0)
    names = dict(zip(towns["town_id"], towns["name_zh"], strict=False))
    out.insert(0, "name_zh", [names.get(t, "全市") for t in out.index])
    return out.reset_index().rename(columns={"index": "town_id"})


def culture_growth(indicators: pd.DataFrame, towns: pd.DataFrame) -> pd.DataFrame:
    """Culture-industry revenue by calendar year (亿元) and its growth on the previous year
    (%; §3.4.2 asks ≥ 20% a year), per town and city-wide. Years with fewer than four
    quarters of data are marked ``complete = False``; their growth is not computed."""
    d = indicators.assign(year=indicators["quarter"] // 4)
    nq = d.groupby("year")["quarter"].nunique()
    by = d.pivot_table(index="town_id", columns="year", values="culture_revenue", aggfunc="sum")
    by = by.reindex(towns["town_id"]).fillna(0.0)
    by.loc["city"] = by.sum()
    rows = []
    years = sorted(by.columns)
    for t, r in by.iterrows():
        for i, y in enumerate(years):
            prev = r[years[i - 1]] if i else np.nan
            complete = nq.get(y, 0) == 4 and (i == 0 or nq.get(years[i - 1], 0) == 4)
            growth = 100 * (r[y] / prev - 1) if i and complete and prev > 0 else np.nan
            rows.append(
                {
                    "town_id": t,
                    "year": int(y),
                    "culture_revenue": r[y],
                    "growth_pct": growth,
                    "met": None if np.isnan(growth) else bool(round(growth, 9) >= 20.0),
                    "complete": bool(nq.get(y, 0) == 4),
                }
            )
    return pd.DataFrame(rows)
