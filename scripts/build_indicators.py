"""Build the SYNTHETIC sample tables ``layers/indicators.csv`` and ``layers/assessment.csv``.

Seeded and deterministic (re-running gives identical bytes). Nothing here is a real
statistic: every row carries ``synthetic=true``.

How the tables are tied to the projects layer (``layers/projects.geojson``):

* The four investment columns (fai, specialty_investment, nongov_investment,
  tech_investment; 亿元) are NOT random. They are the quarterly change of the investment
  implied by the projects' stage histories (``townsgis.progress.implied_indicators``): each
  project's ``invested_to_date`` (as of the latest quarter of any stage history, 2020Q4) is
  spent in equal parts over its construction quarters, and its specialty / S&T /
  non-government parts keep the project's ratios. So the cumulative FAI of every town in
  the indicators equals the sum of its projects' ``invested_to_date`` (to 4 decimals), and
  ``townsgis progress`` checks that they agree.
* Tax, revenues, culture revenue, tourist visits, new industrial projects and the stock
  columns (teams, talents, experts, R&D centres, bases, guidance station) are seeded random
  series with plausible sizes and growth, chosen so that some §2 targets are met by 2020
  and some are not.
* Assessment: one row per town per year 2018–2020 with a seeded grade; one town is warned
  (警告) in 2019 so the §4.3b veto has something to show. 德清地理信息小镇 was named by the
  province in 2018-09 (public report); the other namings are synthetic.

Run:  python scripts/build_indicators.py [--project DIR] [--seed 20180601]
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import numpy as np
import pandas as pd

from townsgis.layers import read_layer, write_text_atomic
from townsgis.progress import (
    FLOW_COLUMNS,
    STOCK_COLUMNS,
    format_quarter,
    implied_indicators,
    parse_history,
    parse_quarter,
)
from townsgis.project import Project

FIRST, LAST = "2018Q1", "2020Q4"
NAMED_2018 = "德清地理信息小镇"  # named by the province in 2018-09 (public report)


def build(root: Path | None, seed: int) -> tuple[str, str]:
    """Return (indicators CSV text, assessment CSV text)."""
    project = Project.open(root)
    towns = read_layer(project.layer_path("towns"))
    projects = read_layer(project.layer_path("projects"))
    quarters = list(range(parse_quarter(FIRST), parse_quarter(LAST) + 1))
    hist = parse_history(projects, str(project.layer_path("projects")))
    as_of = int(hist["quarter"].max())
    if as_of != quarters[-1]:
        raise SystemExit(f"projects' stage histories end in {format_quarter(as_of)}, not {LAST}")
    inv = implied_indicators(projects, quarters, hist)
    rng = np.random.default_rng(seed)
    tids = towns["town_id"].tolist()
    grid = pd.MultiIndex.from_product([tids, quarters], names=["town_id", "quarter"])
    df = inv.set_index(["town_id", "quarter"]).reindex(grid).fillna(0.0)
    n_t, n_q = len(tids), len(quarters)
    t = np.arange(n_q)[None, :] / 4.0  # years since 2018Q1
    season = np.array([0.8, 1.05, 1.2, 0.95])[np.arange(n_q) % 4][None, :]
    tourism = (towns["category"] == "tourism").to_numpy()[:, None]

    def flow(base_year, growth_lo, growth_hi, noise=0.08, weight=None):
        w = rng.dirichlet(np.ones(n_t) * 3)[:, None] if weight is None else weight
        g = rng.uniform(growth_lo, growth_hi, size=(n_t, 1))
        eps = rng.normal(1.0, noise, size=(n_t, n_q)).clip(0.6, 1.4)
        return base_year / 4 * w * (1 + g) ** t * eps

    tour_w = np.where(tourism, 3.0, 0.6)
    tour_w = tour_w / tour_w.sum()
    vals = {
        "tax": flow(14.0, 0.2, 0.35),
        "main_business_revenue": flow(190.0, 0.15, 0.3),
        "services_revenue": flow(300.0, 0.15, 0.35),
        "culture_revenue": flow(8.0, 0.12, 0.3),
        "tourist_visits": flow(380.0, 0.15, 0.3, weight=tour_w) * season,
        "new_industrial_projects": rng.poisson(
            np.clip(3.0 + 2.5 * t + rng.normal(0, 0.8, (n_t, 1)), 0.5, None)
        ).astype(float),
    }

    def stock(start_mean, add_per_q):
        start = rng.poisson(start_mean, size=(n_t, 1))
        adds = rng.poisson(add_per_q, size=(n_t, n_q))
        return (start + np.cumsum(adds, axis=1)).astype(float)

    vals["teams"] = stock(4, 0.9)
    vals["talents"] = stock(12, 2.8)
    vals["thousand_talents"] = stock(0.4, 0.08)
    vals["national_rd_centres"] = np.cumsum(rng.random((n_t, n_q)) < 0.025, axis=1).astype(float)
    vals["innovation_bases"] = np.cumsum(rng.random((n_t, n_q)) < 0.09, axis=1).astype(float)
    open_q = rng.integers(0, n_q + 3, size=(n_t, 1))  # some towns have no station by 2020Q4
    vals["guidance_station"] = (np.arange(n_q)[None, :] >= open_q).astype(float)

    for k, v in vals.items():
        df[k] = v.reshape(-1)
    money = [c for c in FLOW_COLUMNS if c not in ("new_industrial_projects",)]
    out = df.reset_index()
    out["quarter"] = out["quarter"].map(format_quarter)
    for c in money:
        out[c] = out[c].round(4)
    for c in ("new_industrial_projects", *STOCK_COLUMNS):
        out[c] = out[c].astype(int)
    out["guidance_station"] = out["guidance_station"].map({1: "true", 0: "false"})
    out["synthetic"] = "true"
    out = out[["town_id", "quarter", *FLOW_COLUMNS, *STOCK_COLUMNS, "synthetic"]]
    ind_csv = _csv(out)

    rows = []
    grades = np.array(["优秀", "良好", "合格"])
    named_year = {}
    order = rng.permutation(n_t)
    for i, tid in enumerate(tids):
        if towns.loc[i, "name_zh"] == NAMED_2018:
            named_year[tid] = 2018
    rest = [tids[j] for j in order if tids[j] not in named_year]
    for tid in rest[:3]:
        named_year[tid] = 2019
    for tid in rest[3:6]:
        named_year[tid] = 2020
    warned = rest[-1]
    for year in (2018, 2019, 2020):
        g = rng.choice(grades, size=n_t, p=[0.22, 0.38, 0.40])
        for i, tid in enumerate(tids):
            grade = "警告" if (tid == warned and year == 2019) else g[i]
            rows.append(
                {
                    "town_id": tid,
                    "year": year,
                    "grade": grade,
                    "named": "true" if named_year.get(tid, 9999) <= year else "false",
                    "high_tech": "true"
                    if (towns.loc[i, "name_zh"] == NAMED_2018 and year >= 2019)
                    else "false",
                    "synthetic": "true",
                }
            )
    return ind_csv, _csv(pd.DataFrame(rows))


def _csv(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--project", type=Path, default=None, help="project folder (default: bundled)")
    ap.add_argument("--seed", type=int, default=20180601)
    args = ap.parse_args()
    project = Project.open(args.project)
    ind, ass = build(args.project, args.seed)
    write_text_atomic(ind, project.indicators_path)
    write_text_atomic(ass, project.assessment_path)
    print(f"wrote {project.indicators_path} and {project.assessment_path} (synthetic)")


if __name__ == "__main__":
    main()
